//! Extension names as keys: which a caller can dial, and the order Asterisk tries them in.

use super::*;

/// The score of one position of a pattern and its set of characters (`ext_cmp_pattern_pos`,
/// `main/pbx.c` 1603-1712); `None` at the end.
pub(super) fn pattern_pos(p: &[u8], i: &mut usize) -> (u32, [u8; 32]) {
    let mut bits = [0u8; 32];
    let set = |bits: &mut [u8; 32], c: u8| bits[(c / 8) as usize] |= 1 << (7 - c % 8);
    loop {
        while p.get(*i) == Some(&b'-') {
            *i += 1;
        }
        let Some(&c) = p.get(*i) else {
            return (0x30000, bits);
        };
        *i += 1;
        match c {
            b'n' | b'N' => {
                (b'2'..=b'9').for_each(|c| set(&mut bits, c));
                return (0x0800 | u32::from(b'2'), bits);
            }
            b'x' | b'X' => {
                (b'0'..=b'9').for_each(|c| set(&mut bits, c));
                return (0x0A00 | u32::from(b'0'), bits);
            }
            b'z' | b'Z' => {
                (b'1'..=b'9').for_each(|c| set(&mut bits, c));
                return (0x0900 | u32::from(b'1'), bits);
            }
            b'.' => return (0x18000, bits),
            b'!' => return (0x28000, bits),
            b'[' => {
                let Some(end) = p[*i..].iter().position(|&b| b == b']').map(|e| e + *i) else {
                    return (0x40000, bits);
                };
                let mut count = 0u32;
                let mut cmin = 0xFFu8;
                while *i < end {
                    let c1 = p[*i];
                    let c2 = if *i + 2 < end && p[*i + 1] == b'-' {
                        *i += 2;
                        p[*i]
                    } else {
                        c1
                    };
                    cmin = cmin.min(c1);
                    for c in c1..=c2 {
                        if bits[(c / 8) as usize] & (1 << (7 - c % 8)) == 0 {
                            set(&mut bits, c);
                            count += 0x100;
                        }
                    }
                    *i += 1;
                }
                *i = end + 1;
                if count > 0 {
                    return (count | u32::from(cmin), bits);
                }
            }
            c => {
                set(&mut bits, c);
                return (0x0100 | u32::from(c), bits);
            }
        }
    }
}

/// Asterisk's order of extensions (`ext_cmp`, `main/pbx.c` 1766-1786): literal names
/// before patterns; patterns position by position, fewer possible keys first, then the
/// lowest key.
pub(super) fn ext_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a.starts_with('_'), b.starts_with('_')) {
        (false, true) => return Ordering::Less,
        (true, false) => return Ordering::Greater,
        (false, false) => return a.replace('-', "").cmp(&b.replace('-', "")),
        _ => {}
    }
    let (pa, pb) = (&a.as_bytes()[1..], &b.as_bytes()[1..]);
    let (mut i, mut j) = (0, 0);
    loop {
        let (sa, ba) = pattern_pos(pa, &mut i);
        let (sb, bb) = pattern_pos(pb, &mut j);
        let c = sa.cmp(&sb).then_with(|| bb.cmp(&ba));
        if c != Ordering::Equal || sa == 0x30000 || sa == 0x40000 {
            return c;
        }
    }
}

/// What an extension name is to a caller dialling.
#[derive(Clone)]
pub(super) enum Dialable {
    Key(DtmfKey),
    Pattern(Box<KeyPattern>),
    /// Keys A-D, or a pattern ivrsim cannot take: why.
    Not(String),
    /// A name (`s`, `t`, `leak`): reached only by `Goto`.
    Name,
}

pub(super) fn dialable(name: &str) -> Dialable {
    if name.starts_with('_') {
        if name == "_." || name == "_!" {
            return Dialable::Not(format!(
                "`{name}` also matches `s`, `t`, `i` and `h` (Asterisk warns against it): write `_X.` or `_X!`"
            ));
        }
        return match KeyPattern::parse(name) {
            Ok(p) if p.sample().is_some() => Dialable::Pattern(Box::new(p)),
            Ok(_) => Dialable::Not(format!("`{name}` matches no keys of a phone")),
            Err(e) => Dialable::Not(format!("`{name}`: {e}")),
        };
    }
    let keys = name.replace('-', "");
    if !keys.is_empty() && keys.chars().all(|c| matches!(c, '0'..='9' | '*' | '#')) {
        return match DtmfKey::parse(&keys) {
            Ok(k) => Dialable::Key(k),
            Err(_) => Dialable::Name,
        };
    }
    if !keys.is_empty() && keys.chars().all(|c| matches!(c, '0'..='9' | '*' | '#' | 'A'..='D')) && keys.len() > 1
        || matches!(keys.as_str(), "A" | "B" | "C" | "D")
    {
        return Dialable::Not(format!(
            "`{name}` uses the keys A-D, which phones do not have (ivrsim takes 0-9, * and #)"
        ));
    }
    Dialable::Name
}
