//! The small part of Asterisk's expressions an IVR dialplan uses, read into ivrsim's route
//! tests and `set` values: `GotoIf($[...]?a:b)` conditions, `Set(VAR=...)` values and
//! `Goto` targets.
//!
//! Conditions (`main/ast_expr2.y` is Asterisk's grammar; only this subset is read):
//! comparisons `=`/`==`, `!=`, `<`, `<=`, `>`, `>=` between one variable (`${NAME}`,
//! `"${NAME}"`, `${LEN(${NAME})}`, `${CHANNEL(language)}`) and one constant (a number, a word or
//! a `"quoted"` text; a `[globals]` variable that no `Set()` changes counts as its constant),
//! joined by `&` (all hold) and `|` (any holds), without parentheses inside. A lone `!=` test
//! is read as the other branch of `=`. Equality is compared as text (Asterisk compares two
//! numbers as numbers, so `01 = 1` there; callers' digits rarely differ so).
//!
//! `Set` values: text with `${NAME}` read as ivrsim's `{NAME}`, and `$[${NAME} + N]` /
//! `$[${NAME} - N]` of the same variable as a counter step (`+N`, `-N`). Anything else is
//! not read (the caller reports it).

use std::ops::Range;

use regex::Regex;

use crate::menu::{CompareOp, SetValue, Test};

/// A condition read into ivrsim tests: any of `alternatives` holds when all of its tests do.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    /// `|` of `&`s.
    pub alternatives: Vec<Vec<Test>>,
    /// The condition is the negation of `alternatives` (a lone `!=`): the branches swap.
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Var(String),
    Len(String),
    Lang,
    Str(String),
    Op(&'static str),
    Open,
    Close,
}

/// The text inside the `{...}` that starts at `s[0] == '{'`, and the length up to and with
/// its closing `}` (nesting counted), or `None` when it is not closed.
fn braced(s: &str) -> Option<(&str, usize)> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((&s[1..i], i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether `s` is a plain variable name.
pub(crate) fn is_var_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// The token of `${inner}`.
fn var_token(inner: &str) -> Result<Tok, String> {
    let inner = inner.trim();
    if is_var_name(inner) {
        return Ok(Tok::Var(inner.to_owned()));
    }
    if inner.eq_ignore_ascii_case("CHANNEL(language)") || inner.eq_ignore_ascii_case("LANGUAGE()") {
        return Ok(Tok::Lang);
    }
    if let Some(arg) = inner.strip_prefix("LEN(").and_then(|r| r.strip_suffix(')')) {
        let arg = arg.trim();
        if let Some(name) = arg.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
            && is_var_name(name.trim())
        {
            return Ok(Tok::Len(name.trim().to_owned()));
        }
    }
    Err(format!(
        "`${{{inner}}}` is not read (only `${{NAME}}`, `${{LEN(${{NAME}})}}` and `${{CHANNEL(language)}}`)"
    ))
}

fn tokens(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' => i += 1,
            b'(' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'&' => {
                out.push(Tok::Op("&"));
                i += 1;
            }
            b'|' => {
                out.push(Tok::Op("|"));
                i += 1;
            }
            b'=' | b'!' | b'<' | b'>' => {
                let two = s.get(i..i + 2).unwrap_or("");
                let op = match two {
                    "==" => "=",
                    "!=" => "!=",
                    "<=" => "<=",
                    ">=" => ">=",
                    "=~" => return Err("the regular-expression match `=~` is not read".into()),
                    _ => match c {
                        b'=' => "=",
                        b'<' => "<",
                        b'>' => ">",
                        _ => return Err("`!` (not) is not read".into()),
                    },
                };
                i += if two == "==" || op.len() == 2 { 2 } else { 1 };
                out.push(Tok::Op(op));
            }
            b'"' => {
                let rest = &s[i + 1..];
                let Some(end) = rest.find('"') else {
                    return Err("a `\"` is not closed".into());
                };
                let inner = &rest[..end];
                if let Some(body) = inner.strip_prefix('$') {
                    let (v, len) = braced(body).ok_or("a `${` is not closed")?;
                    if len != body.len() {
                        return Err(format!("`\"{inner}\"` joins a variable with other text"));
                    }
                    out.push(var_token(v)?);
                } else if inner.contains("${") || inner.contains("$[") {
                    return Err(format!("`\"{inner}\"` joins a variable with other text"));
                } else {
                    out.push(Tok::Str(inner.to_owned()));
                }
                i += end + 2;
            }
            b'$' => {
                let rest = &s[i + 1..];
                if !rest.starts_with('{') {
                    return Err("`$[` inside an expression is not read".into());
                }
                let (v, len) = braced(rest).ok_or("a `${` is not closed")?;
                out.push(var_token(v)?);
                i += 1 + len;
                if i < b.len() && !matches!(b[i], b' ' | b'\t' | b')' | b'=' | b'!' | b'<' | b'>' | b'&' | b'|') {
                    return Err("a variable joined with other text is not read".into());
                }
            }
            _ => {
                let start = i;
                while i < b.len()
                    && !matches!(
                        b[i],
                        b' ' | b'\t' | b'(' | b')' | b'&' | b'|' | b'=' | b'!' | b'<' | b'>' | b'"'
                    )
                {
                    if b[i] == b'$' {
                        return Err("a variable joined with other text is not read".into());
                    }
                    i += 1;
                }
                out.push(Tok::Str(s[start..i].to_owned()));
            }
        }
    }
    Ok(out)
}

/// One comparison: a test, and whether it is negated.
fn atom(toks: &[Tok], constant: &dyn Fn(&str) -> Option<String>) -> Result<(Test, bool), String> {
    let mut toks: Vec<Tok> = toks.to_vec();
    if toks.first() == Some(&Tok::Open) && toks.last() == Some(&Tok::Close) {
        toks = toks[1..toks.len() - 1].to_vec();
    }
    if toks.iter().any(|t| matches!(t, Tok::Open | Tok::Close)) {
        return Err("parentheses inside a condition are not read".into());
    }
    // Globals that nothing sets are constants.
    for t in &mut toks {
        if let Tok::Var(v) = t
            && let Some(value) = constant(v)
        {
            *t = Tok::Str(value);
        }
    }
    let [left, Tok::Op(op), right] = toks.as_slice() else {
        return Err("only a comparison of a variable with a constant is read".into());
    };
    let (subject, value, op) = match (left, right) {
        (Tok::Str(s), Tok::Var(_) | Tok::Len(_) | Tok::Lang) => (right, s, flip(op)),
        (Tok::Var(_) | Tok::Len(_) | Tok::Lang, Tok::Str(s)) => (left, s, *op),
        _ => return Err("only a comparison of a variable with a constant is read".into()),
    };
    let number = value.trim().parse::<f64>().ok().filter(|n| n.is_finite());
    let cmp = |op: &str| match op {
        "<" => Some(CompareOp::Less),
        "<=" => Some(CompareOp::AtMost),
        ">" => Some(CompareOp::Greater),
        ">=" => Some(CompareOp::AtLeast),
        _ => None,
    };
    match subject {
        Tok::Var(var) => match op {
            "=" => Ok((
                Test::Equals {
                    var: var.clone(),
                    value: value.clone(),
                },
                false,
            )),
            "!=" => Ok((
                Test::Equals {
                    var: var.clone(),
                    value: value.clone(),
                },
                true,
            )),
            _ => {
                let n = number.ok_or_else(|| format!("`{op}` with `{value}`, which is not a number, is not read"))?;
                Ok((
                    Test::Compare {
                        var: var.clone(),
                        op: cmp(op).ok_or("unknown operator")?,
                        value: n,
                    },
                    false,
                ))
            }
        },
        Tok::Lang => match op {
            "=" => Ok((Test::Language(value.clone()), false)),
            "!=" => Ok((Test::Language(value.clone()), true)),
            _ => Err("the language is only compared with `=` or `!=`".into()),
        },
        Tok::Len(var) => {
            let n = number
                .filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n <= 1000.0)
                .ok_or_else(|| format!("`LEN` compared with `{value}` is not read"))? as u32;
            let (re, negated) = match op {
                "=" | "!=" if n == 0 => {
                    return Ok((
                        Test::Equals {
                            var: var.clone(),
                            value: String::new(),
                        },
                        op == "!=",
                    ));
                }
                "=" => (format!("^(?s).{{{n}}}$"), false),
                "!=" => (format!("^(?s).{{{n}}}$"), true),
                ">" => (format!("^(?s).{{{},}}$", n + 1), false),
                ">=" => (format!("^(?s).{{{n},}}$"), false),
                "<" if n == 0 => return Err("`LEN(...) < 0` never holds".into()),
                "<" => (format!("^(?s).{{0,{}}}$", n - 1), false),
                "<=" => (format!("^(?s).{{0,{n}}}$"), false),
                _ => return Err("unknown operator".into()),
            };
            let pattern = Regex::new(&re).map_err(|e| e.to_string())?;
            Ok((
                Test::Matches {
                    var: var.clone(),
                    pattern,
                },
                negated,
            ))
        }
        _ => Err("only a comparison of a variable with a constant is read".into()),
    }
}

fn flip(op: &'static str) -> &'static str {
    match op {
        "<" => ">",
        ">" => "<",
        "<=" => ">=",
        ">=" => "<=",
        other => other,
    }
}

/// Reads a `GotoIf` condition (`$[...]`) into tests; `constant` gives the value of a
/// `[globals]` variable that no `Set()` changes. The error says what is not read.
pub(crate) fn condition(text: &str, constant: &dyn Fn(&str) -> Option<String>) -> Result<Condition, String> {
    let t = text.trim();
    let Some(inner) = t.strip_prefix("$[").and_then(|r| r.strip_suffix(']')) else {
        return Err("only a `$[...]` comparison is read as a condition".into());
    };
    let toks = tokens(inner)?;
    let mut alternatives = Vec::new();
    let mut negated_any = false;
    let mut count = 0usize;
    for alt in toks.split(|t| *t == Tok::Op("|")) {
        let mut all = Vec::new();
        for a in alt.split(|t| *t == Tok::Op("&")) {
            let (test, negated) = atom(a, constant)?;
            negated_any |= negated;
            count += 1;
            all.push(test);
        }
        alternatives.push(all);
    }
    if negated_any && count > 1 {
        return Err("`!=` joined with other tests by `&` or `|` is not read".into());
    }
    Ok(Condition {
        alternatives,
        negated: negated_any,
    })
}

/// Reads the value of `Set(var=value)`; `constant` as for [`condition`].
pub(crate) fn set_value(var: &str, value: &str, constant: &dyn Fn(&str) -> Option<String>) -> Result<SetValue, String> {
    let v = value.trim();
    if let Some(inner) = v.strip_prefix("$[").and_then(|r| r.strip_suffix(']')) {
        let compact: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
        let me = format!("${{{var}}}");
        let step = if let Some(rest) = compact.strip_prefix(&me) {
            if let Some(n) = rest.strip_prefix('+') {
                n.parse::<i64>().ok()
            } else if let Some(n) = rest.strip_prefix('-') {
                n.parse::<i64>().ok().map(|n| -n)
            } else {
                None
            }
        } else if let Some(n) = compact.strip_suffix(&format!("+{me}")) {
            n.parse::<i64>().ok()
        } else {
            None
        };
        return step
            .map(SetValue::Add)
            .ok_or_else(|| format!("`{v}` is not read (only `$[${{{var}}} + N]` or `$[${{{var}}} - N]`)"));
    }
    if v.contains('{') && !v.contains("${") || v.contains('}') && !v.contains("${") {
        return Err(format!("`{v}` has braces, which ivrsim would read as a variable"));
    }
    let mut out = String::new();
    let mut rest = value;
    while let Some(p) = rest.find('$') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        if after.starts_with('[') {
            return Err(format!("`{v}` computes a value: not read"));
        }
        if !after.starts_with('{') {
            out.push('$');
            rest = after;
            continue;
        }
        let (inner, len) = braced(after).ok_or_else(|| format!("a `${{` in `{v}` is not closed"))?;
        let inner = inner.trim();
        if !is_var_name(inner) {
            return Err(format!("`${{{inner}}}` is not read (only `${{NAME}}`)"));
        }
        match constant(inner) {
            Some(c) => out.push_str(&c),
            None => {
                out.push('{');
                out.push_str(inner);
                out.push('}');
            }
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    Ok(SetValue::Text(out))
}

/// A `Goto` destination: `[[context,]extension,]priority`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The context, when given (empty: the current one).
    pub context: Option<String>,
    /// The extension, when given.
    pub exten: Option<String>,
    /// The priority.
    pub prio: PrioRef,
}

/// A priority as a `Goto` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PrioRef {
    /// A number.
    Number(u32),
    /// `+N` / `-N` from the current priority.
    Relative(i64),
    /// A label of the extension.
    Label(String),
}

/// Reads a `Goto` destination, as `pbx_parseable_goto` / `pbx_parse_location` do.
pub(crate) fn target(text: &str) -> Result<Target, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("an empty destination".into());
    }
    if t.contains("${") || t.contains("$[") {
        return Err(format!("`{t}` is computed while the call runs"));
    }
    let parts: Vec<&str> = t.split([',', '|']).map(str::trim).collect();
    let (context, exten, prio) = match parts.as_slice() {
        [p] => (None, None, *p),
        [e, p] => (None, Some(*e), *p),
        [c, e, p] => (Some(*c), Some(*e), *p),
        _ => return Err(format!("`{t}` has more than three parts")),
    };
    let prio = if let Some(n) = prio.strip_prefix('+').and_then(|n| n.parse::<i64>().ok()) {
        PrioRef::Relative(n)
    } else if let Some(n) = prio.strip_prefix('-').and_then(|n| n.parse::<i64>().ok()) {
        PrioRef::Relative(-n)
    } else if let Ok(n) = prio.parse::<u32>() {
        if n == 0 {
            return Err("priority 0 does not exist".into());
        }
        PrioRef::Number(n)
    } else if prio.is_empty() {
        return Err("the priority is missing".into());
    } else {
        PrioRef::Label(prio.to_owned())
    };
    let some = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_owned);
    Ok(Target {
        context: some(context),
        exten: some(exten),
        prio,
    })
}

/// Splits `cond?a:b` (`GotoIf`, `GotoIfTime`) at the first `?` outside `$[...]` and `${...}`:
/// the condition and the two branches (empty branches are `None`), each with its place
/// (`base` is where `text` starts in the file).
#[allow(clippy::type_complexity)]
pub(crate) fn branches(
    text: &str,
    base: usize,
) -> Option<(
    (String, Range<usize>),
    Option<(String, Range<usize>)>,
    Option<(String, Range<usize>)>,
)> {
    let mut depth = 0usize;
    let mut q = None;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            '?' if depth == 0 => {
                q = Some(i);
                break;
            }
            _ => {}
        }
    }
    let q = q?;
    let piece = |s: usize, e: usize| {
        let raw = &text[s..e];
        let lead = raw.len() - raw.trim_start().len();
        let t = raw.trim();
        (t.to_owned(), base + s + lead..base + s + lead + t.len())
    };
    let cond = piece(0, q);
    let rest = &text[q + 1..];
    let (a, b) = match rest.find(':') {
        Some(c) => (piece(q + 1, q + 1 + c), Some(piece(q + 2 + c, text.len()))),
        None => (piece(q + 1, text.len()), None),
    };
    let nonempty = |p: (String, Range<usize>)| (!p.0.is_empty()).then_some(p);
    Some((cond, nonempty(a), b.and_then(nonempty)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    fn shown(c: &Condition) -> String {
        let alts: Vec<String> = c
            .alternatives
            .iter()
            .map(|all| {
                all.iter()
                    .map(|t| match t {
                        Test::Equals { var, value } => format!("{var}={value:?}"),
                        Test::Compare { var, op, value } => format!("{var} {} {value}", op.name()),
                        Test::Matches { var, pattern } => format!("{var}~{pattern}"),
                        Test::Language(l) => format!("lang={l}"),
                        other => format!("{other:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join(" & ")
            })
            .collect();
        format!("{}{}", if c.negated { "not " } else { "" }, alts.join(" | "))
    }

    #[test]
    fn conditions_that_are_read() {
        let globals = |n: &str| (n == "MAXTRIES").then(|| "3".to_owned());
        let read = |s: &str| shown(&condition(s, &globals).unwrap());
        assert_eq!(read(r#"$["${ACCOUNT}" = ""]"#), r#"ACCOUNT="""#);
        assert_eq!(read("$[${TRIES} >= ${MAXTRIES}]"), "TRIES at_least 3");
        assert_eq!(read("$[3 < ${TRIES}]"), "TRIES greater_than 3");
        assert_eq!(read("$[${CHANNEL(language)} = es]"), "lang=es");
        assert_eq!(read("$[${CHOICE} != 1]"), r#"not CHOICE="1""#);
        assert_eq!(read("$[${LEN(${CASE})} = 0]"), r#"CASE="""#);
        assert_eq!(read("$[${LEN(${CASE})} >= 8]"), "CASE~^(?s).{8,}$");
        assert_eq!(read("$[${A} = 1 & ${B} = 2 | ${C} == x]"), r#"A="1" & B="2" | C="x""#);
        assert_eq!(read("$[(${A} = 1)]"), r#"A="1""#);
        assert_eq!(read("$[(${A} = 1) | (${B} = 2)]"), r#"A="1" | B="2""#);
    }

    #[test]
    fn conditions_that_are_not_read() {
        for bad in [
            "${X}",
            "$[${X} + 1 = 2]",
            "$[${X}]",
            "$[${X} = ${Y}]",
            "$[${X} != 1 & ${Y} = 2]",
            "$[${CALLERID(num)} = 5]",
            "$[${X} < abc]",
            "$[(${A} = 1 | ${B} = 2) & ${C} = 3]",
            "$[${X}a = 1]",
            r#"$["a${X}" = 1]"#,
            "$[${X} =~ 1]",
            "$[!${X}]",
        ] {
            assert!(condition(bad, &none).is_err(), "{bad} was read");
        }
    }

    #[test]
    fn set_values() {
        let g = |n: &str| (n == "DEPT").then(|| "water".to_owned());
        assert_eq!(set_value("T", "$[${T} + 1]", &g), Ok(SetValue::Add(1)));
        assert_eq!(set_value("T", "$[${T}-2]", &g), Ok(SetValue::Add(-2)));
        assert_eq!(set_value("T", "$[1+${T}]", &g), Ok(SetValue::Add(1)));
        assert_eq!(set_value("T", "0", &g), Ok(SetValue::Text("0".into())));
        assert_eq!(
            set_value("T", "${CASE}-${DEPT}", &g),
            Ok(SetValue::Text("{CASE}-water".into()))
        );
        assert!(set_value("T", "$[${U} + 1]", &g).is_err());
        assert!(set_value("T", "${CALLERID(num)}", &g).is_err());
        assert!(set_value("T", "a{b}", &g).is_err());
    }

    #[test]
    fn goto_targets() {
        let t = target("hotline, s , menu").unwrap();
        assert_eq!(t.context.as_deref(), Some("hotline"));
        assert_eq!(t.exten.as_deref(), Some("s"));
        assert_eq!(t.prio, PrioRef::Label("menu".into()));
        assert_eq!(target("1").unwrap().prio, PrioRef::Number(1));
        assert_eq!(target("leak,1").unwrap().exten.as_deref(), Some("leak"));
        assert_eq!(target("+2").unwrap().prio, PrioRef::Relative(2));
        assert!(target("${DEST},1").is_err());
        assert!(target("a,b,c,d").is_err());
        assert!(target("").is_err());
    }

    #[test]
    fn branches_split_at_the_question_mark_outside_brackets() {
        let (c, a, b) = branches("$[${X} = 1]?yes,1:no,1", 100).unwrap();
        assert_eq!(c.0, "$[${X} = 1]");
        assert_eq!(a.as_ref().unwrap().0, "yes,1");
        assert_eq!(a.unwrap().1, 112..117);
        assert_eq!(b.unwrap().0, "no,1");
        let (_, a, b) = branches("08:00-17:59,mon-fri,*,*?open", 0).unwrap();
        assert_eq!(a.unwrap().0, "open");
        assert!(b.is_none());
        let (_, a, b) = branches("$[1]?:no", 0).unwrap();
        assert!(a.is_none());
        assert_eq!(b.unwrap().0, "no");
        assert!(branches("no question", 0).is_none());
    }
}
