//! Recordings whose limits contradict each other (W022), and variables ("Variables set during a call" in docs/call-semantics.md): a prompt's `{name}` or a `set:` or route
//! that reads a variable nothing in the menu sets (W021), and a `{name:how}` with a way of
//! reading that does not exist (E016). The placeholders are found by
//! [`crate::rules::vars::placeholders`], the rule the engine fills them by.

use std::collections::HashSet;

use crate::diag::{Code, Diagnostic};
use crate::menu::{Menu, NoOperator, NodeKind, Prompt, SetValue, Test};
use crate::rules::vars::{ReadAs, placeholders};
use crate::source::Span;

/// Every variable some part of the menu sets: `variables:`, collects' `store`, external
/// steps' `store` (those that come back), recordings' `store` (the length), pattern options'
/// `store` (the keys dialled), and every `set:`.
fn set_somewhere(menu: &Menu) -> HashSet<&str> {
    let mut set: HashSet<&str> = menu.variables.iter().map(String::as_str).collect();
    for n in &menu.nodes {
        set.extend(n.set.iter().map(|s| s.var.as_str()));
        match &n.kind {
            NodeKind::Collect(c) => {
                set.insert(&c.store);
            }
            NodeKind::External(e) if e.on.is_some() => {
                set.insert(&e.store);
            }
            NodeKind::Record(r) => {
                set.insert(&r.store);
            }
            NodeKind::Menu(m) => {
                set.extend(m.options.iter().flat_map(|o| o.set.iter().map(|s| s.var.as_str())));
                set.extend(m.options.iter().filter_map(|o| o.store.as_deref()));
            }
            _ => {}
        }
    }
    set
}

fn unset(name: &str, span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(Code::UnsetVariable, span, format!("variable `{name}` is never set"))
        .label(format!("{what} reads `{name}`, which nothing in the menu sets"))
        .help(format!(
            "collect it (`store: {name}`), `set` it, or list it in `variables:` if calls bring it with them"
        ))
}

/// The placeholders of one prompt (every language).
fn prompt(p: &Prompt, known: &HashSet<&str>, diags: &mut Vec<Diagnostic>) {
    let mut said: HashSet<&str> = HashSet::new();
    let texts = std::iter::once(p.text.as_str()).chain(p.translations.values().map(|t| t.text.as_str()));
    for text in texts {
        for ph in placeholders(text) {
            if let Err(how) = ph.read_as {
                diags.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        p.text_span,
                        format!(
                            "`{}` reads `{}` in a way that does not exist",
                            &text[ph.range.clone()],
                            ph.name
                        ),
                    )
                    .label(format!("`{how}` is not a way of reading a variable"))
                    .help(format!(
                        "write `{{{0}}}`, or one of {1}",
                        ph.name,
                        ReadAs::NAMES.map(|n| format!("`{{{}:{n}}}`", ph.name)).join(", ")
                    )),
                );
            } else if !known.contains(ph.name) && said.insert(ph.name) {
                diags.push(unset(ph.name, p.text_span, "the prompt"));
            }
        }
    }
}

/// W022: a recording that silence can never end before its maximum length ("Recording a
/// message" in docs/call-semantics.md): its `final_silence`, or its `timeout` (no speech),
/// is not shorter than its `max_length`.
fn recording_limits(menu: &Menu, diags: &mut Vec<Diagnostic>) {
    for n in &menu.nodes {
        let NodeKind::Record(r) = &n.kind else { continue };
        for (field, d) in [("final_silence", r.final_silence), ("timeout", r.timeout)] {
            if d >= r.max_length {
                diags.push(
                    Diagnostic::new(
                        Code::RecordingLimits,
                        n.span,
                        format!(
                            "`{field}` of record `{}` ({}) is not shorter than its `max_length` ({})",
                            n.id,
                            humantime::format_duration(d),
                            humantime::format_duration(r.max_length)
                        ),
                    )
                    .label("silence never ends this recording: it always runs to its maximum length")
                    .help(format!("make `{field}` shorter than `max_length`")),
                );
            }
        }
    }
}

pub(super) fn check(menu: &Menu, diags: &mut Vec<Diagnostic>) {
    recording_limits(menu, diags);
    let known = set_somewhere(menu);
    if let Some(g) = &menu.defaults.goodbye {
        prompt(g, &known, diags);
    }
    for n in &menu.nodes {
        let sets = n.set.iter().chain(match &n.kind {
            NodeKind::Menu(m) => m.options.iter().flat_map(|o| o.set.iter()).collect::<Vec<_>>(),
            _ => Vec::new(),
        });
        for s in sets {
            if let SetValue::Text(t) = &s.value {
                for ph in placeholders(t) {
                    if !known.contains(ph.name) {
                        diags.push(unset(ph.name, s.span, "this `set`"));
                    }
                }
            }
        }
        if let Some(p) = n.kind.prompt() {
            prompt(p, &known, diags);
        }
        if let Some(l) = n.kind.listen() {
            for p in l.no_input.iter().chain(&l.no_match) {
                prompt(p, &known, diags);
            }
        }
        match &n.kind {
            NodeKind::Transfer(t) => match &t.when_no_operator {
                Some(NoOperator::Hold { prompt: Some(p), .. }) | Some(NoOperator::Message { prompt: p }) => {
                    prompt(p, &known, diags);
                }
                _ => {}
            },
            NodeKind::Callback(c) if !known.contains(c.number.as_str()) => {
                diags.push(unset(&c.number, n.span, &format!("callback `{}`", n.id)));
            }
            NodeKind::Route(r) => {
                for test in r.routes.iter().flat_map(|r| &r.when) {
                    let var = match test {
                        Test::Equals { var, .. }
                        | Test::Matches { var, .. }
                        | Test::OneOf { var, .. }
                        | Test::Compare { var, .. }
                        | Test::Between { var, .. } => var,
                        Test::Hours(_) | Test::Language(_) => continue,
                    };
                    if !known.contains(var.as_str()) {
                        diags.push(unset(var, n.span, &format!("route `{}`", n.id)));
                    }
                }
            }
            _ => {}
        }
    }
}
