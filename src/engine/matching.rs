//! Matching an entry of digits against a menu's keys (rule 3 of `docs/call-semantics.md`).

/// What an entry so far means among the keys a menu accepts.
#[derive(Debug, PartialEq, Eq)]
pub enum Match<'k> {
    /// Exactly one key, and no longer key starts with the entry: act now.
    Now(&'k str),
    /// A key matches, but a longer one could still: wait the inter-digit timeout.
    ExactButLonger(&'k str),
    /// No key matches yet, but a longer one could: wait for more digits.
    Partial,
    /// No key can match any more: a no-match, now.
    None,
}

/// Matches `entry` against `keys`.
pub fn match_entry<'k>(entry: &str, keys: impl IntoIterator<Item = &'k str>) -> Match<'k> {
    let mut exact = None;
    let mut longer = false;
    for k in keys {
        if k == entry {
            exact = Some(k);
        } else if k.len() > entry.len() && k.starts_with(entry) {
            longer = true;
        }
    }
    match (exact, longer) {
        (Some(k), false) => Match::Now(k),
        (Some(k), true) => Match::ExactButLonger(k),
        (None, true) => Match::Partial,
        (None, false) => Match::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_digit_keys() {
        let keys = ["1", "12", "2", "0"];
        assert_eq!(match_entry("2", keys), Match::Now("2"));
        assert_eq!(match_entry("1", keys), Match::ExactButLonger("1"));
        assert_eq!(match_entry("12", keys), Match::Now("12"));
        assert_eq!(match_entry("13", keys), Match::None);
        assert_eq!(match_entry("9", keys), Match::None);
        assert_eq!(match_entry("3", ["31", "32"]), Match::Partial);
    }
}
