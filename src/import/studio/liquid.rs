//! Liquid templates in Studio text ([S-GUIDE] "Liquid templates"), as far as ivrsim can read
//! them: a plain output tag naming one variable of the flow context (`{{flow.variables.x}}`,
//! `{{widgets.menu.Digits}}`, `{{trigger.call.From}}`, …) becomes an ivrsim placeholder
//! (`{x}`, `{menu_digits}`, `{caller_id}`); anything else (filters, tags such as
//! `{% if %}`, other paths) is kept as written and reported by the caller of [`translate`].
//! One idiom is understood as a whole: the counter a Set Variables widget keeps with
//! `{% if flow.variables.n %}{{flow.variables.n | plus: 1}}{% else %}1{% endif %}` (or
//! `{{flow.variables.n | plus: 1}}`), which is ivrsim's `"+1"` ([`counter`]).

use std::sync::LazyLock;

use regex::Regex;

/// Where the value of a variable named in Liquid comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Origin {
    /// `flow.variables.*`: set by Set Variables widgets of the flow [S-SETV].
    Flow,
    /// `widgets.<gather>.Digits`: the keys a Gather widget collected [S-GATHER]; the widget's
    /// name.
    Digits(String),
    /// From outside the flow: the call (`trigger.call.*`, `contact.channel.address`), the
    /// REST trigger (`flow.data.*`), a function's or request's response
    /// (`widgets.<w>.parsed.*`, `.body`), speech results. ivrsim lists these as variables a
    /// call brings with it (`variables:`), so a scenario can give them.
    Outside,
}

/// A variable of the flow context, named as ivrsim names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct VarRef {
    /// The ivrsim variable name (a letter or `_`, then letters, digits and `_`).
    pub name: String,
    /// Where its value comes from.
    pub origin: Origin,
}

/// An ivrsim variable name for a Studio key or widget name: characters other than ASCII
/// letters, digits and `_` become `_`; a name that does not start with a letter or `_` gets
/// a leading `_`.
pub(super) fn var_name(raw: &str) -> String {
    let mut out: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// The ivrsim variable that holds the keys gathered by the widget `widget`
/// (`{{widgets.<widget>.Digits}}`).
pub(super) fn digits_var(widget: &str) -> String {
    var_name(&format!("{widget}_digits"))
}

/// The variable `expr` names, when it is one plain path of the flow context, written with or
/// without its `{{ }}` (whitespace and Liquid's `-` whitespace control allowed); `None` for
/// anything else (a filter, a literal, an unknown root).
pub(super) fn reference(expr: &str) -> Option<VarRef> {
    let mut e = expr.trim();
    if let Some(inner) = e.strip_prefix("{{").and_then(|x| x.strip_suffix("}}")) {
        e = inner.trim_matches(|c: char| c == '-' || c.is_whitespace());
    }
    if e.is_empty()
        || !e
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return None;
    }
    let parts: Vec<&str> = e.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let outside = |name: String| {
        Some(VarRef {
            name,
            origin: Origin::Outside,
        })
    };
    match parts.as_slice() {
        ["flow", "variables", x] => Some(VarRef {
            name: var_name(x),
            origin: Origin::Flow,
        }),
        ["flow", "data", x] => outside(var_name(x)),
        ["widgets", w, "Digits"] => Some(VarRef {
            name: digits_var(w),
            origin: Origin::Digits((*w).to_owned()),
        }),
        ["widgets", w, rest @ ..] if !rest.is_empty() => {
            let tail: Vec<&str> = rest.iter().copied().filter(|p| *p != "parsed").collect();
            let tail = if tail.is_empty() {
                "parsed".to_owned()
            } else {
                tail.join("_")
            };
            outside(var_name(&format!("{w}_{tail}")))
        }
        ["trigger", "call", "From" | "Caller"] | ["contact", "channel", "address"] => outside("caller_id".into()),
        ["trigger", "call", "To" | "Called"] | ["flow", "channel", "address"] => outside("called_number".into()),
        ["trigger", "call", x] => outside(var_name(&format!("call_{}", x.to_ascii_lowercase()))),
        _ => None,
    }
}

/// Text with its Liquid translated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Translated {
    /// The text, each plain reference replaced by an ivrsim placeholder, everything else as
    /// written.
    pub text: String,
    /// The Liquid pieces kept as written (a tag, a filter, an unknown path), in order.
    pub kept: Vec<String>,
    /// The variables read, in order (a variable read twice is listed twice).
    pub refs: Vec<VarRef>,
}

/// `text` with each `{{ path }}` of [`reference()`] replaced by `{name}`; `{% … %}` tags and
/// other `{{ … }}` outputs are kept as written and listed in [`Translated::kept`]. Linear in
/// the text.
pub(super) fn translate(text: &str) -> Translated {
    let mut out = Translated::default();
    let mut rest = text;
    loop {
        let next = [rest.find("{{"), rest.find("{%")].into_iter().flatten().min();
        let Some(start) = next else {
            out.text.push_str(rest);
            break;
        };
        out.text.push_str(&rest[..start]);
        let close = if rest[start..].starts_with("{{") { "}}" } else { "%}" };
        let Some(len) = rest[start + 2..].find(close) else {
            // An unclosed tag: Liquid refuses the template; keep it as text.
            out.kept.push(rest[start..].to_owned());
            out.text.push_str(&rest[start..]);
            break;
        };
        let end = start + 2 + len + 2;
        let piece = &rest[start..end];
        match (close, reference(piece)) {
            ("}}", Some(r)) => {
                out.text.push('{');
                out.text.push_str(&r.name);
                out.text.push('}');
                out.refs.push(r);
            }
            _ => {
                out.kept.push(piece.to_owned());
                out.text.push_str(piece);
            }
        }
        rest = &rest[end..];
    }
    out
}

/// A counter kept by a Set Variables widget: the variable, the step added each time, and the
/// value it takes when it is not set yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Counter {
    /// The `flow.variables` name (as an ivrsim variable).
    pub var: String,
    /// What `plus:` adds (`minus:` negated).
    pub step: i64,
    /// The value when the variable is not set: the `{% else %}` branch, or, without an `if`,
    /// the step itself (Liquid's `nil | plus: n` is `n`).
    pub start: i64,
}

static COUNTER_IF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\{%-?\s*if\s+flow\.variables\.([A-Za-z0-9_-]+)\s*-?%\}\s*\{\{-?\s*flow\.variables\.([A-Za-z0-9_-]+)\s*\|\s*(plus|minus)\s*:\s*(-?\d{1,18})\s*-?\}\}\s*\{%-?\s*else\s*-?%\}\s*(-?\d{1,18})\s*\{%-?\s*endif\s*-?%\}$",
    )
    .expect("counter pattern")
});

static COUNTER_PLAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\{\{-?\s*flow\.variables\.([A-Za-z0-9_-]+)\s*\|\s*(plus|minus)\s*:\s*(-?\d{1,18})\s*-?\}\}$")
        .expect("counter pattern")
});

/// The counter `value` keeps for the variable `key`, if `value` is one of the two counter
/// idioms on that same variable.
pub(super) fn counter(key: &str, value: &str) -> Option<Counter> {
    let v = value.trim();
    let key = key.strip_prefix("flow.variables.").unwrap_or(key);
    let signed = |op: &str, n: &str| -> Option<i64> {
        let n: i64 = n.parse().ok()?;
        Some(if op == "minus" { n.checked_neg()? } else { n })
    };
    if let Some(c) = COUNTER_IF.captures(v) {
        if c[1] != *key || c[2] != *key {
            return None;
        }
        return Some(Counter {
            var: var_name(key),
            step: signed(&c[3], &c[4])?,
            start: c[5].parse().ok()?,
        });
    }
    let c = COUNTER_PLAIN.captures(v)?;
    if c[1] != *key {
        return None;
    }
    let step = signed(&c[2], &c[3])?;
    Some(Counter {
        var: var_name(key),
        step,
        start: step,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_references_become_placeholders() {
        let t =
            translate("Case {{flow.variables.case}} from {{ trigger.call.From }}, key {{-widgets.main-menu.Digits-}}.");
        assert_eq!(t.text, "Case {case} from {caller_id}, key {main_menu_digits}.");
        assert!(t.kept.is_empty());
        assert_eq!(t.refs[2].origin, Origin::Digits("main-menu".into()));
        assert_eq!(t.refs[1].origin, Origin::Outside);
    }

    #[test]
    fn filters_tags_and_unknown_paths_are_kept() {
        let t = translate("Hi {{flow.variables.name | upcase}}{% if x %}!{% endif %} {{ now }} {{open");
        assert_eq!(
            t.text,
            "Hi {{flow.variables.name | upcase}}{% if x %}!{% endif %} {{ now }} {{open"
        );
        assert_eq!(t.kept.len(), 5, "{:?}", t.kept);
        assert!(t.refs.is_empty());
    }

    #[test]
    fn references_of_the_flow_context() {
        let r = |e: &str| reference(e).map(|r| r.name);
        assert_eq!(r("{{flow.data.region}}").as_deref(), Some("region"));
        assert_eq!(r("widgets.lookup.parsed.status").as_deref(), Some("lookup_status"));
        assert_eq!(r("trigger.call.To").as_deref(), Some("called_number"));
        assert_eq!(r("trigger.call.CallSid").as_deref(), Some("call_callsid"));
        assert_eq!(r("flow.variables.2nd").as_deref(), Some("_2nd"));
        assert_eq!(r("flow.variables.x | plus: 1"), None);
        assert_eq!(r("'text'"), None);
        assert_eq!(r("flow..x"), None);
    }

    #[test]
    fn counters_are_recognised() {
        let c = counter(
            "tries",
            "{% if flow.variables.tries %}{{flow.variables.tries | plus: 1}}{% else %}1{% endif %}",
        );
        assert_eq!(
            c,
            Some(Counter {
                var: "tries".into(),
                step: 1,
                start: 1
            })
        );
        let c = counter("n", "{{ flow.variables.n | minus: 2 }}").unwrap();
        assert_eq!((c.step, c.start), (-2, -2));
        assert_eq!(counter("n", "{{flow.variables.m | plus: 1}}"), None);
        assert_eq!(counter("n", "{{flow.variables.n | plus: 99999999999999999999}}"), None);
    }
}
