//! Sentences assembled from pieces without `format!`. The explanation of every statement of
//! every request is built from a handful of fixed phrases and request strings; `format!`'s
//! machinery costs several times the copies (≈ 500 instructions a sentence against ≈ 100).

/// The pieces one after the other, in one allocation of the exact size.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal, as `n.to_string()` writes it.
pub(crate) fn decimal(mut n: usize) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    digits
        .get(start..)
        .map(|d| d.iter().map(|&b| char::from(b)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_and_decimal_write_what_format_writes() {
        assert_eq!(concat(&[]), "");
        assert_eq!(
            concat(&["`", "s3:GetObject", "` on `", "arn:aws:s3:::b/ü", "`"]),
            format!("`{}` on `{}`", "s3:GetObject", "arn:aws:s3:::b/ü")
        );
        for n in [0, 1, 9, 10, 11, 99, 100, 12_345, usize::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }
}
