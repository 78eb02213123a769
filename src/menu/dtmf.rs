//! DTMF keys: the sixteen tones of ITU-T Q.23, of which menus use the twelve on a phone
//! keypad (`0`-`9`, `*`, `#`).

use std::fmt;

/// One or more keypad characters, e.g. `"1"`, `"0"`, `"*"`, `"12"`.
///
/// Only `0`-`9`, `*` and `#` are accepted: the A-D column of Q.23 is absent from phone keypads.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DtmfKey(String);

/// Why a string is not a [`DtmfKey`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The string is empty.
    #[error("the key is empty")]
    Empty,
    /// The string holds a character that is not on a phone keypad.
    #[error("{}", bad_char_message(*.0))]
    BadChar(char),
}

fn bad_char_message(c: char) -> String {
    if matches!(c, 'A'..='D' | 'a'..='d') {
        format!("`{c}` is a DTMF tone that phones do not have: use 0-9, * and #")
    } else {
        format!("`{c}` is not a key on a phone: use 0-9, * and #")
    }
}

impl DtmfKey {
    /// Parses a key.
    ///
    /// # Errors
    /// [`KeyError::Empty`] for `""`, [`KeyError::BadChar`] for anything off the keypad.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        if s.is_empty() {
            return Err(KeyError::Empty);
        }
        if let Some(c) = s.chars().find(|c| !is_dtmf(*c)) {
            return Err(KeyError::BadChar(c));
        }
        Ok(Self(s.to_owned()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Number of keypresses the key takes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true: keys are not empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the key contains a digit (digits are data inside a `collect`).
    pub fn has_digit(&self) -> bool {
        self.0.bytes().any(|b| b.is_ascii_digit())
    }
}

/// Whether `c` is one of the twelve keypad characters.
pub fn is_dtmf(c: char) -> bool {
    c.is_ascii_digit() || c == '*' || c == '#'
}

impl fmt::Display for DtmfKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keypad_strings() {
        assert_eq!(DtmfKey::parse("12#").unwrap().as_str(), "12#");
        assert_eq!(DtmfKey::parse(""), Err(KeyError::Empty));
        assert_eq!(DtmfKey::parse("1a"), Err(KeyError::BadChar('a')));
        assert_eq!(DtmfKey::parse("A"), Err(KeyError::BadChar('A')));
        assert!(!DtmfKey::parse("*#").unwrap().has_digit());
    }
}
