//! Base64url (RFC 4648 §5) without padding: the share link's payload alphabet, chosen because it
//! survives URLs untouched. Small enough to own instead of adding a crate to the wasm bundle.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes `bytes` without `=` padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let digits = chunk.len() + 1;
        for i in 0..digits {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// Why a payload is not base64url.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A character outside the alphabet, at this character index (0-based) of the payload.
    BadCharacter { index: usize, found: char },
    /// The length leaves one lone character at the end: the text was cut.
    Truncated,
}

/// Decodes base64url. Accepts trailing `=` padding and ignores ASCII whitespace (mail clients
/// wrap long links); accepts the standard alphabet's `+` and `/` too, since some tools rewrite
/// links into it.
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padding = false;
    for (index, c) in text.chars().enumerate() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == '=' {
            padding = true;
            continue;
        }
        let value = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '-' | '+' => 62,
            '_' | '/' => 63,
            found => return Err(DecodeError::BadCharacter { index, found }),
        };
        if padding {
            // Data after padding: not something our encoder (or any) writes.
            return Err(DecodeError::BadCharacter { index, found: c });
        }
        acc = (acc << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // 6 leftover bits mean one lone character: no whole byte can come from it.
    if bits >= 6 {
        return Err(DecodeError::Truncated);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors_without_padding() {
        let vectors = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).as_deref(), Ok(plain.as_bytes()));
        }
    }

    #[test]
    fn url_alphabet_and_lenient_reading() {
        let bytes = [0xfb, 0xff, 0xbf];
        assert_eq!(encode(&bytes), "-_-_");
        assert_eq!(decode("+/+/"), Ok(bytes.to_vec()));
        assert_eq!(decode("Zm9v\nYg=="), Ok(b"foob".to_vec()));
    }

    #[test]
    fn bad_input_is_located() {
        assert_eq!(
            decode("Zm9v!g"),
            Err(DecodeError::BadCharacter {
                index: 4,
                found: '!'
            })
        );
        assert_eq!(decode("Zm9vY"), Err(DecodeError::Truncated));
        assert!(matches!(
            decode("Zg==Zg"),
            Err(DecodeError::BadCharacter { index: 4, .. })
        ));
    }

    #[test]
    fn every_byte_value_round_trips() {
        let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for len in 0..bytes.len() {
            assert_eq!(decode(&encode(&bytes[..len])), Ok(bytes[..len].to_vec()));
        }
    }
}
