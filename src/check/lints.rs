//! Per-node lints: re-prompts (W003, W004), keys (W006, W012), spoken keywords that cannot
//! choose their option alone (W015), menu width (W007), prompt length (W009), missing
//! fallbacks (W011), and transfers' plans for when no call-taker
//! can take the call (E018, W014).

use super::{Analysis, Thresholds};
use crate::audio::ClipLibrary;
use crate::diag::{Code, Diagnostic};
use crate::menu::{GlobalAction, Menu, NoOperator, NoOperatorReason, NodeKind, TransferNode};
use crate::rules::{self, FailureEdge, FailureKind, KeyAction};
use crate::source::Span;
use crate::timing::{DurationSource, prompt_duration};

pub(super) fn check(menu: &Menu, clips: &ClipLibrary, a: &Analysis, t: &Thresholds, diags: &mut Vec<Diagnostic>) {
    let _ = a;
    queue_plans(menu, diags);
    for (id, node) in menu.node_ids().zip(&menu.nodes) {
        if let Some(l) = node.kind.listen() {
            let kind = node.kind.name();
            // As the engine does it (`rules::failure_edges`): a re-prompt of a kind plays only
            // when that kind's first failure does not already reach its limit
            // (`max_no_input: 1` sends a silent caller on at once, with nothing to say).
            let edges = rules::failure_edges(l);
            let again = if l.short_prompt.is_some() {
                "the short prompt"
            } else {
                "the same prompt"
            };
            if l.no_input.is_empty() && edges.contains(&FailureEdge::NoInputReprompt) {
                diags.push(
                    Diagnostic::new(
                        Code::NoInputHandling,
                        node.span,
                        format!("{kind} `{}` has no no-input re-prompt", node.id),
                    )
                    .label(format!("a silent caller hears {again} again with no help"))
                    .help("add `no_input:` re-prompts here or in `defaults`"),
                );
            }
            if l.no_match.is_empty() && edges.contains(&FailureEdge::NoMatchReprompt) {
                diags.push(
                    Diagnostic::new(
                        Code::NoMatchHandling,
                        node.span,
                        format!("{kind} `{}` has no no-match re-prompt", node.id),
                    )
                    .label(if matches!(node.kind, NodeKind::Collect(_)) {
                        "a caller whose entry is not valid is not told so"
                    } else {
                        "a caller who presses a wrong key is not told so"
                    })
                    .help("add `no_match:` re-prompts here or in `defaults`"),
                );
            }
            // W011: a kind whose limit, when reached, ends the call for want of a fallback
            // (an unlimited kind never reaches one).
            let missing: Vec<&str> = [(FailureKind::NoInput, "no-input"), (FailureKind::NoMatch, "no-match")]
                .into_iter()
                .filter(|(k, _)| {
                    rules::failures::limit(l, *k).limit().is_some() && rules::failures::fallback(l, *k).is_none()
                })
                .map(|(_, w)| w)
                .collect();
            let (title, field) = match missing.as_slice() {
                [] => (None, ""),
                [one] => (Some(format!("{kind} `{}` has no {one} fallback", node.id)), *one),
                _ => (Some(format!("{kind} `{}` has no fallback", node.id)), ""),
            };
            if let Some(title) = title {
                let (label, help) = match field {
                    "no-input" => (
                        "a caller who stays silent to the limit is hung up on",
                        "set `fallback_no_input` or `fallback` (here or in `defaults`) to an operator transfer",
                    ),
                    "no-match" => (
                        "a caller who makes wrong entries to the limit is hung up on",
                        "set `fallback_no_match` or `fallback` (here or in `defaults`) to an operator transfer",
                    ),
                    _ => (
                        "a caller who runs out of retries is hung up on",
                        "set `fallback` (here or in `defaults`) to an operator transfer",
                    ),
                };
                diags.push(
                    Diagnostic::new(Code::NoFallback, node.span, title)
                        .label(label)
                        .help(help),
                );
            }
        }
        if let NodeKind::Transfer(tr) = &node.kind {
            transfer(menu, node, tr, diags);
        }
        let NodeKind::Menu(m) = &node.kind else {
            continue;
        };
        // The keys that act here, by the engine's rule (options hide global keys on the same
        // key), with where each is written.
        let keys: Vec<(&str, Span)> = rules::node_keys(menu, id)
            .into_iter()
            .filter_map(|(k, action)| match action {
                KeyAction::Option(i) => Some((k, m.options[i].key_span)),
                KeyAction::Global(a) => menu
                    .defaults
                    .keys
                    .iter()
                    .find(|(b, _)| *b == a)
                    .map(|(_, g)| (k, g.span)),
                KeyAction::Terminator => None,
            })
            .collect();
        let active = rules::active_global_keys(menu, id);
        keywords_not_alone(&node.id, &m.options, diags);
        let full_length = rules::full_length(menu, id).is_some();
        for (i, o) in m.options.iter().enumerate() {
            if let Some(p) = &o.pattern {
                shadowed_pattern(menu, id, i, p, o, diags);
                continue;
            }
            for (action, g) in menu.defaults.keys.iter() {
                if g.key == o.key && !active.iter().any(|(a, _)| *a == action) {
                    diags.push(
                        Diagnostic::new(
                            Code::ShadowedGlobalKey,
                            o.key_span,
                            format!(
                                "key `{}` hides the global `{}` key in menu `{}`",
                                o.key,
                                action.name(),
                                node.id
                            ),
                        )
                        .label("this option wins over the global key")
                        .with_secondary(g.span, format!("global `{}` key defined here", action.name()))
                        .help("pick another key for the option, unless hiding the global key is intended"),
                    );
                }
            }
            // A pattern that can take a longer entry than the key makes it wait as well.
            if !full_length
                && let Some(p) = m
                    .options
                    .iter()
                    .find_map(|x| x.pattern.as_ref().filter(|p| p.can_grow(o.key.as_str())))
            {
                let at = m
                    .options
                    .iter()
                    .find(|x| x.pattern.as_ref().is_some_and(|q| q.as_str() == p.as_str()));
                let mut d = Diagnostic::new(
                    Code::PrefixKeys,
                    o.key_span,
                    format!("key `{}` is the start of entries of pattern `{p}`", o.key),
                )
                .label(format!(
                    "callers who press `{}` wait {} s (the inter-digit timeout) before it acts",
                    o.key,
                    m.listen.inter_digit_timeout.as_secs_f64()
                ));
                if let Some(x) = at {
                    d = d.with_secondary(x.key_span, "pattern here");
                }
                diags.push(d);
                continue;
            }
            for (longer, longer_span) in keys.iter().filter(|_| !full_length) {
                if longer.len() > o.key.len() && longer.starts_with(o.key.as_str()) {
                    diags.push(
                        Diagnostic::new(
                            Code::PrefixKeys,
                            o.key_span,
                            format!("key `{}` is the start of key `{}`", o.key, longer),
                        )
                        .label(format!(
                            "callers who press `{}` wait {} s (the inter-digit timeout) before it acts",
                            o.key,
                            m.listen.inter_digit_timeout.as_secs_f64()
                        ))
                        .with_secondary(*longer_span, "longer key here"),
                    );
                    break;
                }
            }
        }
        if m.options.len() > t.max_options as usize {
            diags.push(
                Diagnostic::new(Code::TooManyOptions, node.span, format!("menu `{}` has {} options", node.id, m.options.len()))
                    .label(format!("more than {} (`lint.max_options`, `--max-options`)", t.max_options))
                    .note("callers remember 4-5 options at most (Avaya IVR design guidance); broad menus can still beat deep ones (Commarford et al., 2008)")
                    .help("split the menu, or raise `lint.max_options` if the breadth is deliberate"),
            );
        }
        let (d, src) = prompt_duration(&m.prompt, None, clips.timings());
        if d > t.max_prompt {
            let how = match src {
                DurationSource::Clip => "its clip lasts",
                DurationSource::Text => "its text takes about",
            };
            diags.push(
                Diagnostic::new(
                    Code::PromptTooLong,
                    m.prompt.text_span,
                    format!("the prompt of menu `{}` is long", node.id),
                )
                .label(format!(
                    "{how} {:.1} s, more than {} s (`lint.max_prompt`, `--max-prompt`)",
                    d.as_secs_f64(),
                    t.max_prompt.as_secs_f64()
                ))
                .help("shorten the prompt, or put the most used options first"),
            );
        }
    }
    global_prefix_keys(menu, diags);
}

/// W018 for pattern option `i` of menu `id` when its key (the first entry it matches that no
/// other key takes, `menu::build`) is not taken by it: every entry it matches is someone
/// else's (rule 3: literal keys, then patterns in order, `rules::match_entry`).
fn shadowed_pattern(
    menu: &Menu,
    id: crate::menu::NodeId,
    i: usize,
    p: &crate::menu::KeyPattern,
    o: &crate::menu::MenuOption,
    diags: &mut Vec<Diagnostic>,
) {
    if menu.node(id).lint_allow.contains(&Code::ShadowedPattern) {
        return;
    }
    if rules::option_takes(menu, id, i) {
        return;
    }
    let by = match rules::match_entry(menu, id, o.key.as_str()).at_timeout() {
        Some(KeyAction::Option(j)) => match &m_option(menu, id, j) {
            Some(other) => match &other.pattern {
                Some(q) => format!("the earlier pattern `{q}`"),
                None => format!("option `{}`", other.key),
            },
            None => "another option".to_owned(),
        },
        Some(KeyAction::Global(a)) => format!("the global `{}` key", a.name()),
        _ => "other keys".to_owned(),
    };
    diags.push(
        Diagnostic::new(
            Code::ShadowedPattern,
            o.key_span,
            format!("pattern `{p}` of menu `{}` is never taken", menu.node(id).id),
        )
        .label(format!("every entry it matches goes elsewhere (`{}`: {by})", o.key))
        .note("a key equal to the entry wins over a pattern, and an earlier pattern over a later one")
        .help("narrow the other keys or the pattern, or remove it"),
    );
}

fn m_option(menu: &Menu, id: crate::menu::NodeId, j: usize) -> Option<&crate::menu::MenuOption> {
    match &menu.node(id).kind {
        NodeKind::Menu(m) => m.options.get(j),
        _ => None,
    }
}

/// W012 for a global key that is the start of a longer key acting at the same node (rules 3
/// and 6, [`rules::prefix_pairs`]): a longer option of a menu (per menu), or a longer global
/// key (once per pair of global keys, at the first node where both act: menus with neither
/// hidden, messages with barge-in, collects). An option that is the start of a longer key is
/// W012 in the menu's own lint above.
fn global_prefix_keys(menu: &Menu, diags: &mut Vec<Diagnostic>) {
    let span_of = |a: GlobalAction| menu.defaults.keys.iter().find(|(b, _)| *b == a).map(|(_, g)| g.span);
    let mut seen: Vec<(GlobalAction, GlobalAction)> = Vec::new();
    for (id, node) in menu.node_ids().zip(&menu.nodes) {
        for ((short, a), (long, b)) in rules::prefix_pairs(menu, id) {
            let KeyAction::Global(ga) = a else { continue };
            let Some(short_span) = span_of(ga) else { continue };
            let (what, long_span, idt) = match b {
                KeyAction::Global(gb) => {
                    if seen.contains(&(ga, gb)) {
                        continue;
                    }
                    seen.push((ga, gb));
                    (
                        format!("global `{}` key `{long}`", gb.name()),
                        span_of(gb),
                        menu.defaults.inter_digit_timeout,
                    )
                }
                KeyAction::Option(i) => {
                    let NodeKind::Menu(m) = &node.kind else { continue };
                    (
                        format!("key `{long}` of menu `{}`", node.id),
                        Some(m.options[i].key_span),
                        rules::inter_digit_timeout(menu, id),
                    )
                }
                KeyAction::Terminator => (
                    format!("the terminator `{long}` of collect `{}`", node.id),
                    Some(node.span),
                    rules::inter_digit_timeout(menu, id),
                ),
            };
            let mut d = Diagnostic::new(
                Code::PrefixKeys,
                short_span,
                format!("global `{}` key `{short}` is the start of {what}", ga.name()),
            )
            .label(format!(
                "callers who press `{short}` wait {} s (the inter-digit timeout) before it acts",
                idt.as_secs_f64()
            ));
            if let Some(sp) = long_span {
                d = d.with_secondary(sp, "longer key here");
            }
            diags.push(d);
        }
    }
}

/// The placeholders a hold announcement may use.
const HOLD_PLACEHOLDERS: [&str; 2] = ["{position}", "{queue}"];

/// E016 for a hold announcement with a `{…}` that is not a placeholder (or not closed): it
/// would be read out as written.
/// W015 for each spoken keyword that cannot choose its option alone ([`rules::takes_alone`],
/// the rule by which the graph draws keyword edges): saying it also says another option's
/// keyword (`water leak` beside `leak`), which is "more than one option matches".
fn keywords_not_alone(id: &str, options: &[crate::menu::MenuOption], diags: &mut Vec<Diagnostic>) {
    for (i, o) in options.iter().enumerate() {
        for (k, span) in o.say.iter().zip(&o.say_spans) {
            if rules::takes_alone(options, i, k) {
                continue;
            }
            let said = rules::Said::new(k.as_str());
            let mut d = Diagnostic::new(
                Code::KeywordNotAlone,
                *span,
                format!("saying `{k}` in menu `{id}` matches more than one option"),
            )
            .label(format!("never chooses option `{}` alone", o.key));
            for (_, other) in options.iter().enumerate().filter(|(j, _)| *j != i) {
                if let Some((w, at)) = other.say.iter().zip(&other.say_spans).find(|(w, _)| said.contains(w)) {
                    d = d.with_secondary(*at, format!("`{w}` of option `{}` is among its words", other.key));
                }
            }
            diags.push(d.help("drop the keyword, or give the other option a keyword that is not part of it"));
        }
    }
}

fn hold_placeholders(prompt: &crate::menu::Prompt, diags: &mut Vec<Diagnostic>) {
    placeholders(prompt, &HOLD_PLACEHOLDERS, diags);
}

/// Placeholders of the expected-wait announcement: those of the hold announcement and
/// `{wait}` (whole minutes).
const EXPECTED_WAIT_PLACEHOLDERS: [&str; 3] = ["{position}", "{queue}", "{wait}"];

fn placeholders(prompt: &crate::menu::Prompt, known: &[&str], diags: &mut Vec<Diagnostic>) {
    let texts = std::iter::once(prompt.text.as_str()).chain(prompt.translations.values().map(|t| t.text.as_str()));
    for text in texts {
        let mut rest = text;
        while let Some(i) = rest.find('{') {
            let tail = &rest[i..];
            let token = tail.find('}').map_or(tail, |j| &tail[..=j]);
            if !known.contains(&token) {
                let may: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                diags.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        prompt.text_span,
                        format!("`{token}` in a hold announcement is not a placeholder"),
                    )
                    .label("callers would hear it as written")
                    .help(format!("this announcement may use {}", may.join(" and "))),
                );
                return;
            }
            rest = &tail[token.len()..];
        }
    }
}

/// E018 and W014: what a transfer does when no call-taker can take the call; W025: a queue
/// not under `queues:`.
fn transfer(menu: &Menu, node: &crate::menu::Node, tr: &TransferNode, diags: &mut Vec<Diagnostic>) {
    if let Some(p) = &tr.hold.prompt {
        hold_placeholders(p, diags);
    }
    if let Some(p) = &tr.hold.periodic {
        hold_placeholders(&p.prompt, diags);
    }
    if let Some(p) = tr.hold.expected_wait.as_ref().and_then(|e| e.prompt.as_ref()) {
        placeholders(p, &EXPECTED_WAIT_PLACEHOLDERS, diags);
    }
    if !menu.queues.is_empty() && !menu.queues.contains_key(&tr.queue) {
        let mut d = Diagnostic::new(
            Code::UnknownQueue,
            node.span,
            format!(
                "transfer `{}` names queue `{}`, which is not under `queues:`",
                node.id, tr.queue
            ),
        )
        .label("this queue gets the built-in settings: no limit, always open");
        if let Some(h) = crate::diag::did_you_mean(&tr.queue, menu.queues.keys().map(String::as_str)) {
            d = d.help(format!("did you mean `{h}`?"));
        } else {
            d = d.help(format!("add `{}:` under `queues:`", tr.queue));
        }
        diags.push(d);
    }
    let unplanned: Vec<NoOperatorReason> = NoOperatorReason::ALL
        .into_iter()
        .filter(|r| tr.settings.can_happen(*r) && tr.plan(*r).is_none())
        .collect();
    if tr.when_no_operator.is_none()
        && unplanned.len()
            == NoOperatorReason::ALL
                .iter()
                .filter(|r| tr.settings.can_happen(**r))
                .count()
    {
        diags.push(
            Diagnostic::new(
                Code::NoOperatorPlan,
                node.span,
                format!(
                    "transfer `{}` does not say what happens when no call-taker is available",
                    node.id
                ),
            )
            .label("callers hear a built-in \"no one can take your call\" message and are hung up on")
            .help("add `when_no_operator:` here or in `defaults` (`action: hold`, `message`, `callback` or `goto`)"),
        );
    } else if !unplanned.is_empty() {
        let fields: Vec<String> = unplanned
            .iter()
            .map(|r| format!("`{}` ({})", r.field(), r.words()))
            .collect();
        diags.push(
            Diagnostic::new(
                Code::NoOperatorPlan,
                node.span,
                format!(
                    "transfer `{}` does not say what happens when {}",
                    node.id,
                    unplanned.iter().map(|r| r.words()).collect::<Vec<_>>().join(" or ")
                ),
            )
            .label("callers hear a built-in \"no one can take your call\" message and are hung up on")
            .help(format!(
                "add {} to queue `{}`, or `when_no_operator:` here or in `defaults`",
                fields.join(", "),
                tr.queue
            )),
        );
    }
    let mut seen: Vec<*const NoOperator> = Vec::new();
    for (_, plan) in tr.plans() {
        if seen.contains(&(plan as *const NoOperator)) {
            continue;
        }
        seen.push(plan);
        match plan {
            NoOperator::Goto { to } if to.node().is_some_and(|t| menu.node(t).id == node.id) => diags.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    to.span,
                    format!("`when_no_operator` of `{}` leads back to `{}` itself", node.id, node.id),
                )
                .label("with no call-taker the call would go round without end")
                .help("send the call somewhere else: another transfer, a message with other channels, or use `action: hold` or `message`"),
            ),
            NoOperator::Callback { to } => {
                if let Some(id) = to.node()
                    && !matches!(menu.node(id).kind, NodeKind::Collect(_))
                {
                    let target = menu.node(id);
                    diags.push(
                        Diagnostic::new(
                            Code::CallbackNotCollect,
                            to.span,
                            format!(
                                "the callback of `{}` leads to `{}`, a {} node",
                                node.id,
                                target.id,
                                target.kind.name()
                            ),
                        )
                        .label("a callback needs a `collect` node to take the caller's number")
                        .with_secondary(target.span, "this is not a `collect`")
                        .help("point `to` at a `collect` node that stores the number, or use `action: goto`"),
                    );
                }
            }
            _ => {}
        }
    }
}

/// W026: a plan under `queues:` for a reason that cannot happen for that queue (`when_full`
/// without `max_waiting`, `when_closed` without `hours`, `when_waited_too_long` without
/// `max_wait`).
fn queue_plans(menu: &Menu, diags: &mut Vec<Diagnostic>) {
    for (name, q) in &menu.queues {
        for (reason, span) in &q.plan_spans {
            if q.can_happen(*reason) {
                continue;
            }
            let (needs, never) = match reason {
                NoOperatorReason::Full => ("max_waiting", "without `max_waiting` the queue is never full"),
                NoOperatorReason::Closed => ("hours", "without `hours` the queue is never closed"),
                NoOperatorReason::WaitedTooLong => ("max_wait", "without `max_wait` no wait is too long"),
                NoOperatorReason::Unstaffed => continue,
            };
            diags.push(
                Diagnostic::new(
                    Code::PlanNeverUsed,
                    *span,
                    format!("queue `{name}` has `{}` but no `{needs}`", reason.field()),
                )
                .label(format!("this plan never runs: {never}"))
                .help(format!(
                    "add `{needs}:` to queue `{name}`, or remove `{}`",
                    reason.field()
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Code;
    use crate::source::Sources;

    /// The codes of the findings of loading `yaml`.
    fn codes(yaml: &str) -> Vec<Code> {
        let mut sources = Sources::new();
        let out = crate::menu::load_menu_text(std::path::Path::new("test.yaml"), yaml, &mut sources);
        out.diagnostics.iter().map(|d| d.code).collect()
    }

    // Two keywords the engine cannot tell apart (case and punctuation are ignored in speech)
    // are the same keyword twice (E008), not two keywords that then both match at call time.
    #[test]
    fn keywords_equal_once_normalised_are_a_duplicate() {
        let menu = |a: &str, b: &str| {
            format!(
                r#"
name: T
entry: main
defaults: {{ fallback: op }}
nodes:
  main:
    kind: menu
    prompt: {{ text: "a" }}
    options:
      - {{ key: "1", to: op, say: [{a}] }}
      - {{ key: "2", to: op, say: [{b}] }}
  op: {{ kind: transfer, queue: q }}
"#
            )
        };
        assert!(codes(&menu("report", "\"Report!\"")).contains(&Code::DuplicateKey));
        assert!(codes(&menu("report", "REPORT")).contains(&Code::DuplicateKey));
        assert!(codes(&menu("\"water leak\"", "\"Water  leak.\"")).contains(&Code::DuplicateKey));
        assert!(!codes(&menu("report", "\"report it\"")).contains(&Code::DuplicateKey));
    }

    // W012 by the engine's rule of which keys act: an option that starts an active global key
    // of several keys makes its callers wait too.
    #[test]
    fn an_option_that_starts_a_global_key_is_a_prefix_key() {
        let yaml = |keys: &str| {
            format!(
                r#"
name: T
entry: main
defaults: {{ fallback: op, keys: {keys} }}
nodes:
  main: {{ kind: menu, prompt: {{ text: "a" }}, options: [{{ key: "0", to: op }}, {{ key: "1", to: op }}] }}
  op: {{ kind: transfer, queue: q }}
"#
            )
        };
        let warnings = |keys: &str| {
            let mut sources = Sources::new();
            let out = crate::menu::load_menu_text(std::path::Path::new("test.yaml"), yaml(keys), &mut sources);
            let menu = out.menu.expect("menu");
            let clips = crate::audio::ClipLibrary::default();
            let a = crate::check::Analysis::of(&menu, &clips);
            let t = crate::check::Thresholds::resolve(&menu, &crate::check::Overrides::default());
            let mut diags = Vec::new();
            super::check(&menu, &clips, &a, &t, &mut diags);
            diags.iter().map(|d| d.code).collect::<Vec<_>>()
        };
        assert!(warnings(r#"{ operator: "00" }"#).contains(&Code::PrefixKeys));
        assert!(!warnings(r#"{ operator: "9" }"#).contains(&Code::PrefixKeys));
        // A global key an option hides is W006, not W012.
        let w = warnings(r#"{ operator: "0" }"#);
        assert!(w.contains(&Code::ShadowedGlobalKey) && !w.contains(&Code::PrefixKeys));
    }

    // W012 for a global key that a longer key acting at the same node starts with: `0` and
    // `00` (once per pair, not per node), `*` and `**`, the global `0` and an option `01`.
    #[test]
    fn a_global_key_that_starts_another_active_key_is_a_prefix_key() {
        let w012 = |keys: &str, option: &str| {
            let yaml = format!(
                r#"
name: T
entry: main
defaults: {{ fallback: op, keys: {keys} }}
nodes:
  main: {{ kind: menu, prompt: {{ text: "a" }}, options: [{{ key: "{option}", to: sub }}] }}
  sub: {{ kind: menu, prompt: {{ text: "a" }}, options: [{{ key: "1", to: op }}] }}
  op: {{ kind: transfer, queue: q }}
"#
            );
            let mut sources = Sources::new();
            let out = crate::menu::load_menu_text(std::path::Path::new("test.yaml"), yaml, &mut sources);
            let menu = out.menu.expect("menu");
            let clips = crate::audio::ClipLibrary::default();
            let a = crate::check::Analysis::of(&menu, &clips);
            let t = crate::check::Thresholds::resolve(&menu, &crate::check::Overrides::default());
            let mut diags = Vec::new();
            super::check(&menu, &clips, &a, &t, &mut diags);
            diags
                .iter()
                .filter(|d| d.code == Code::PrefixKeys)
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            w012(r#"{ operator: "0", main_menu: "00", repeat: "*", back: "**" }"#, "1"),
            [
                "global `operator` key `0` is the start of global `main_menu` key `00`",
                "global `repeat` key `*` is the start of global `back` key `**`",
            ]
        );
        assert_eq!(
            w012(r#"{ operator: "0" }"#, "01"),
            ["global `operator` key `0` is the start of key `01` of menu `main`"]
        );
        assert!(w012(r#"{ operator: "0", main_menu: "9" }"#, "1").is_empty());
        // An option on `0` hides the global `0`: `00` does not make it wait (the option does).
        assert_eq!(w012(r#"{ operator: "00" }"#, "0"), ["key `0` is the start of key `00`"]);
    }

    // W003/W004/W011 say what the engine does (issue 13): with `max_no_input: 1` a silent
    // caller goes to the fallback at the first silence, so no no-input re-prompt could play and
    // W003 is not raised; W011 names the kind whose limit has no fallback; an unlimited kind
    // never runs out, so it needs no fallback.
    #[test]
    fn reprompt_and_fallback_findings_follow_the_engine() {
        let findings = |fields: &str| {
            let yaml = format!(
                r#"
name: T
entry: main
nodes:
  main: {{ kind: menu, prompt: {{ text: "a" }}, {fields} options: [{{ key: "1", to: op }}] }}
  op: {{ kind: transfer, queue: q }}
"#
            );
            let mut sources = Sources::new();
            let menu = crate::menu::load_menu_text(std::path::Path::new("test.yaml"), &yaml, &mut sources)
                .menu
                .expect("menu");
            let clips = crate::audio::ClipLibrary::default();
            let a = crate::check::Analysis::of(&menu, &clips);
            let t = crate::check::Thresholds::resolve(&menu, &crate::check::Overrides::default());
            let mut diags = Vec::new();
            super::check(&menu, &clips, &a, &t, &mut diags);
            diags
                .iter()
                .filter(|d| matches!(d.code, Code::NoInputHandling | Code::NoMatchHandling | Code::NoFallback))
                .map(|d| format!("{}: {}", d.code.as_str(), d.message))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            findings("fallback: op,"),
            [
                "W003: menu `main` has no no-input re-prompt",
                "W004: menu `main` has no no-match re-prompt"
            ]
        );
        assert_eq!(
            findings("fallback: op, max_no_input: 1,"),
            ["W004: menu `main` has no no-match re-prompt"]
        );
        assert_eq!(
            findings("fallback: op, max_no_input: 1, max_no_match: 1,"),
            Vec::<String>::new()
        );
        assert_eq!(
            findings("fallback_no_match: op, max_no_input: 1, max_no_match: 1,"),
            ["W011: menu `main` has no no-input fallback"]
        );
        assert_eq!(
            findings("max_no_input: unlimited, max_no_match: 1,"),
            [
                "W003: menu `main` has no no-input re-prompt",
                "W011: menu `main` has no no-match fallback"
            ]
        );
    }

    // W005's help for a global operator key of several keys says so (it said an option hid it).
    #[test]
    fn zero_out_help_for_an_operator_key_of_two_keys() {
        let yaml = r#"
name: T
entry: main
defaults: { fallback: op, keys: { operator: "00" } }
nodes:
  main: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: sub }] }
  sub: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: op }] }
  op: { kind: transfer, queue: q }
"#;
        let mut sources = Sources::new();
        let menu = crate::menu::load_menu_text(std::path::Path::new("test.yaml"), yaml, &mut sources)
            .menu
            .expect("menu");
        let clips = crate::audio::ClipLibrary::default();
        let a = crate::check::Analysis::of(&menu, &clips);
        let t = crate::check::Thresholds::resolve(&menu, &crate::check::Overrides::default());
        let diags = crate::check::check_menu(&menu, &clips, &a, &t);
        let text = crate::diag::render_plain(&sources, &diags);
        assert!(text.contains("`00` takes 2 keys"), "{text}");
        assert!(!text.contains("hidden here"), "{text}");
    }

    /// The findings of `check` on `yaml`, rendered.
    fn checked(yaml: &str) -> String {
        let mut sources = Sources::new();
        let out = crate::menu::load_menu_text(std::path::Path::new("test.yaml"), yaml, &mut sources);
        let mut diags = out.diagnostics.clone();
        if let Some(menu) = out.menu {
            let clips = crate::audio::ClipLibrary::default();
            let a = crate::check::Analysis::of(&menu, &clips);
            let t = crate::check::Thresholds::resolve(&menu, &crate::check::Overrides::default());
            diags.extend(crate::check::check_menu(&menu, &clips, &a, &t));
        }
        crate::diag::render_plain(&sources, &diags)
    }

    const QUEUED: &str = r#"
name: Q
entry: main
defaults: { fallback: op, keys: { operator: "0" } }
queues:
  q:
    max_waiting: 3
QUEUE
nodes:
  main: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: op }] }
  op:
    kind: transfer
    queue: q
HOLD
  bye: { kind: hangup }
"#;

    // W014 names the reasons without a plan when the queue gives some plans itself; the
    // hold's new fields need what they need (E004), and `{wait}` is a placeholder only in
    // the expected-wait announcement (E016 elsewhere).
    #[test]
    fn queue_plans_and_hold_fields_are_checked() {
        let yaml = QUEUED
            .replace("QUEUE", "    when_full: { action: goto, to: bye }")
            .replace("HOLD", "");
        let text = checked(&yaml);
        assert!(
            text.contains("transfer `op` does not say what happens when no call-taker is logged in"),
            "{text}"
        );
        assert!(
            text.contains("add `when_unstaffed` (no call-taker is logged in) to queue `q`"),
            "{text}"
        );

        let yaml = QUEUED.replace("QUEUE", "").replace(
            "HOLD",
            "    when_no_operator: { action: goto, to: bye }\n    hold: { prompt: { text: \"about {wait}\" }, expected_wait: { prompt: { text: \"x\" } }, periodic: { every: 2s, prompt: { text: \"p\" } }, exit: { to: bye } }",
        );
        let text = checked(&yaml);
        assert!(text.contains("`expected_wait` needs `handle_time`"), "{text}");
        assert!(text.contains("`exit` needs `key`"), "{text}");
        assert!(
            text.contains("`hold.periodic.every` is shorter than 5 seconds"),
            "{text}"
        );
        assert!(
            text.contains("`{wait}` in a hold announcement is not a placeholder"),
            "{text}"
        );
        assert!(!text.contains("W014"), "{text}");
    }
}
