//! Addresses and CIDR blocks of `IpAddress`/`NotIpAddress` (C9), with std::net only.

use std::net::IpAddr;

/// A network: address bits and prefix length. IPv4 and IPv6 never match each other (C9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cidr {
    V4 { net: u32, prefix: u8 },
    V6 { net: u128, prefix: u8 },
}

impl Cidr {
    /// `a.b.c.d/n`, `x::y/n`, or a bare address (= /32 or /128). Host bits are ignored.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => {
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (a, Some(p.parse::<u8>().ok()?))
            }
            None => (text, None),
        };
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => {
                let prefix = prefix.unwrap_or(32);
                (prefix <= 32).then(|| Cidr::V4 {
                    net: u32::from(a) & mask32(prefix),
                    prefix,
                })
            }
            IpAddr::V6(a) => {
                let prefix = prefix.unwrap_or(128);
                (prefix <= 128).then(|| Cidr::V6 {
                    net: u128::from(a) & mask128(prefix),
                    prefix,
                })
            }
        }
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        match (*self, addr) {
            (Cidr::V4 { net, prefix }, IpAddr::V4(a)) => u32::from(a) & mask32(prefix) == net,
            (Cidr::V6 { net, prefix }, IpAddr::V6(a)) => u128::from(a) & mask128(prefix) == net,
            _ => false,
        }
    }
}

/// A request address. A CIDR given as the request value is read as its address.
pub fn parse_request_ip(text: &str) -> Option<IpAddr> {
    let addr = text.split_once('/').map_or(text, |(a, _)| a);
    addr.parse().ok()
}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        parse_request_ip(s).expect("test address parses")
    }

    #[test]
    fn c9_cidr_membership_and_bare_addresses() {
        let net = Cidr::parse("203.0.113.0/24").expect("valid");
        assert!(net.contains(ip("203.0.113.7")));
        assert!(!net.contains(ip("203.0.114.7")));
        assert!(Cidr::parse("203.0.113.7")
            .expect("bare")
            .contains(ip("203.0.113.7")));
        assert!(!Cidr::parse("203.0.113.7")
            .expect("bare")
            .contains(ip("203.0.113.8")));
        assert!(Cidr::parse("0.0.0.0/0")
            .expect("all")
            .contains(ip("1.2.3.4")));
        let v6 = Cidr::parse("2001:db8::/32").expect("v6");
        assert!(v6.contains(ip("2001:db8:1::5")));
        assert!(!v6.contains(ip("2001:db9::5")));
    }

    #[test]
    fn c9_versions_never_mix() {
        assert!(!Cidr::parse("::/0").expect("all v6").contains(ip("1.2.3.4")));
        assert!(!Cidr::parse("0.0.0.0/0")
            .expect("all v4")
            .contains(ip("::ffff:1.2.3.4")));
    }

    #[test]
    fn malformed_cidrs_do_not_parse() {
        for s in [
            "",
            "1.2.3",
            "1.2.3.4/33",
            "1.2.3.4/",
            "::/129",
            "1.2.3.4/-1",
            "x/8",
            "1.2.3.4/0008",
        ] {
            assert!(Cidr::parse(s).is_none(), "{s:?}");
        }
    }
}
