//! Split Based On… conditions ([S-SPLIT], the condition types of \[TF\]
//! `data_source_studio_flow_widget_split_based_on.go` 62-78) as ivrsim route tests.
//!
//! Studio compares text without case and with leading and trailing whitespace trimmed; a
//! `regex` must match the whole (trimmed) value, without case; `less_than`/`greater_than`
//! compare numbers [S-SPLIT]. ivrsim's tests are `equals` (exact), `matches` (a Rust regular
//! expression), `in`, and the numeric comparisons (docs/menu-format.md, `route`), so:
//!
//! | Studio | ivrsim |
//! | --- | --- |
//! | `equal_to v` | `equals: v` when `v` is keypad characters only (what `Digits` holds), else `matches: (?i)^\s*v\s*$` |
//! | `matches_any_of "a, b"` | `in: [a, b]` for keypad values, else `matches: (?i)^\s*(?:a\|b)\s*$` |
//! | `contains v` / `starts_with v` | `matches: (?i)v` / `(?i)^\s*v` |
//! | `regex v` | `matches: (?i)^\s*(?:v)\s*$` (a pattern Rust's `regex` refuses is not imported) |
//! | `is_not_blank` | `matches: \S` |
//! | `less_than n` / `greater_than n` | `less_than` / `greater_than` |
//! | `not_equal_to`, `does_not_match_any_of`, `does_not_contain`, `does_not_start_with`, `is_blank` | the positive test, negated ([`CaseTest::Negated`]: the importer builds the route so that the case is taken when the test does *not* hold; `is_blank` is "not `\S`", so an unset variable is blank as in Studio) |
//! | `is_before_time`, `is_after_time`, `is_before_date`, `is_after_date`, anything else | not imported ([`CaseTest::Unmapped`]) |

use regex::{Regex, RegexBuilder};

use crate::menu::{CompareOp, Test};

/// Largest compiled size of a pattern made from a Studio condition, in bytes (regex's
/// `size_limit`): a pattern from a hostile file cannot take unbounded memory.
const MAX_PATTERN_BYTES: usize = 1 << 20;

/// What one case (one `match` transition) of a split tests.
#[derive(Clone, Debug)]
pub(super) enum CaseTest {
    /// All of these hold.
    Tests(Vec<Test>),
    /// This test does *not* hold.
    Negated(Test),
    /// The case cannot be imported; why.
    Unmapped(String),
}

/// Whether `v` is keypad characters only (`0`-`9`, `*`, `#`), as `Digits` values are.
pub(super) fn keypad(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#')
}

fn pattern(p: &str) -> Option<Regex> {
    RegexBuilder::new(p).size_limit(MAX_PATTERN_BYTES).build().ok()
}

fn matches(var: &str, p: &str) -> Result<Test, String> {
    match pattern(p) {
        Some(pattern) => Ok(Test::Matches {
            var: var.to_owned(),
            pattern,
        }),
        None => Err(format!("the pattern `{p}` is not a regular expression ivrsim reads")),
    }
}

/// The values of a `matches_any_of` (comma-separated, trimmed, empty ones left out).
pub(super) fn any_of(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The test of one positive condition `kind` with `value` on the variable `var`.
fn positive(kind: &str, value: &str, var: &str) -> Result<Test, String> {
    let v = value.trim();
    match kind {
        "equal_to" if keypad(v) => Ok(Test::Equals {
            var: var.to_owned(),
            value: v.to_owned(),
        }),
        "equal_to" => matches(var, &format!(r"(?i)^\s*{}\s*$", regex::escape(v))),
        "matches_any_of" => {
            let values = any_of(v);
            if values.is_empty() {
                return Err("`matches_any_of` lists no value".into());
            }
            if values.iter().all(|x| keypad(x)) {
                return Ok(Test::OneOf {
                    var: var.to_owned(),
                    values,
                });
            }
            let alts: Vec<String> = values.iter().map(|x| regex::escape(x)).collect();
            matches(var, &format!(r"(?i)^\s*(?:{})\s*$", alts.join("|")))
        }
        "contains" => matches(var, &format!("(?i){}", regex::escape(v))),
        "starts_with" => matches(var, &format!(r"(?i)^\s*{}", regex::escape(v))),
        "regex" => matches(var, &format!(r"(?i)^\s*(?:{v})\s*$")),
        "is_not_blank" => matches(var, r"\S"),
        "less_than" | "greater_than" => match crate::rules::vars::number(v) {
            Some(n) => Ok(Test::Compare {
                var: var.to_owned(),
                op: if kind == "less_than" {
                    CompareOp::Less
                } else {
                    CompareOp::Greater
                },
                value: n,
            }),
            None => Err(format!("`{kind}` compares with `{v}`, which is not a number")),
        },
        "is_before_time" | "is_after_time" | "is_before_date" | "is_after_date" => Err(format!(
            "`{kind}` compares dates or times, which ivrsim routes cannot (write a schedule and an `hours` route instead)"
        )),
        other => Err(format!("the condition type `{other}` is not one ivrsim knows")),
    }
}

/// The test of one condition on `var`.
pub(super) fn condition(kind: &str, value: &str, var: &str) -> CaseTest {
    let negated = match kind {
        "not_equal_to" => Some("equal_to"),
        "does_not_match_any_of" => Some("matches_any_of"),
        "does_not_contain" => Some("contains"),
        "does_not_start_with" => Some("starts_with"),
        "is_blank" => Some("is_not_blank"),
        _ => None,
    };
    match negated {
        Some(k) => match positive(k, value, var) {
            Ok(t) => CaseTest::Negated(t),
            Err(why) => CaseTest::Unmapped(why),
        },
        None => match positive(kind, value, var) {
            Ok(t) => CaseTest::Tests(vec![t]),
            Err(why) => CaseTest::Unmapped(why),
        },
    }
}

/// The test of a case whose conditions are `parts` (all must hold: Studio's conditions of one
/// transition, \[SDK\] `flow/state.go`); a negated condition beside others is not imported.
pub(super) fn all_of(parts: Vec<CaseTest>) -> CaseTest {
    if parts.len() == 1 {
        return parts.into_iter().next().unwrap_or(CaseTest::Tests(Vec::new()));
    }
    let mut tests = Vec::new();
    for p in parts {
        match p {
            CaseTest::Tests(t) => tests.extend(t),
            CaseTest::Negated(_) => {
                return CaseTest::Unmapped("a negated condition beside other conditions of the same case".into());
            }
            CaseTest::Unmapped(why) => return CaseTest::Unmapped(why),
        }
    }
    CaseTest::Tests(tests)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(t: &Test, value: &str) -> bool {
        match t {
            Test::Equals { value: v, .. } => v == value,
            Test::Matches { pattern, .. } => pattern.is_match(value),
            Test::OneOf { values, .. } => values.iter().any(|v| v == value),
            Test::Compare { op, value: n, .. } => crate::rules::vars::number(value).is_some_and(|x| op.holds(x, *n)),
            _ => false,
        }
    }

    fn one(kind: &str, value: &str) -> Test {
        match condition(kind, value, "x") {
            CaseTest::Tests(mut t) => t.remove(0),
            CaseTest::Negated(t) => t,
            CaseTest::Unmapped(why) => panic!("{why}"),
        }
    }

    #[test]
    fn text_tests_ignore_case_and_surrounding_space() {
        assert!(holds(&one("equal_to", "Billing"), "  billing "));
        assert!(!holds(&one("equal_to", "Billing"), "billings"));
        assert!(holds(&one("equal_to", "1"), "1"));
        assert!(holds(&one("matches_any_of", "yes, Yeah"), "YEAH"));
        assert!(matches!(one("matches_any_of", "1, 2"), Test::OneOf { ref values, .. } if values == &["1", "2"]));
        assert!(holds(&one("contains", "leak"), "a Leaking pipe"));
        assert!(holds(&one("starts_with", "20"), " 2026"));
        assert!(holds(&one("regex", "20[0-9]{6}"), "20261234"));
        assert!(!holds(&one("regex", "20[0-9]{6}"), "2026123456"));
        assert!(holds(&one("greater_than", "2"), "3"));
        assert!(!holds(&one("less_than", "2"), "abc"));
    }

    #[test]
    fn negations_and_what_is_not_imported() {
        assert!(matches!(
            condition("not_equal_to", "1", "x"),
            CaseTest::Negated(Test::Equals { .. })
        ));
        assert!(matches!(
            condition("is_blank", "", "x"),
            CaseTest::Negated(Test::Matches { .. })
        ));
        assert!(matches!(
            condition("is_before_time", "10:00", "x"),
            CaseTest::Unmapped(_)
        ));
        assert!(matches!(condition("regex", "(", "x"), CaseTest::Unmapped(_)));
        assert!(matches!(condition("less_than", "ten", "x"), CaseTest::Unmapped(_)));
        assert!(matches!(condition("sounds_like", "x", "x"), CaseTest::Unmapped(_)));
        let both = all_of(vec![
            condition("equal_to", "1", "x"),
            condition("not_equal_to", "2", "y"),
        ]);
        assert!(matches!(both, CaseTest::Unmapped(_)));
        let both = all_of(vec![condition("equal_to", "1", "x"), condition("equal_to", "2", "y")]);
        assert!(matches!(both, CaseTest::Tests(ref t) if t.len() == 2));
    }
}
