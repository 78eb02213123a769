//! `languages:` and `intents:`: who calls through the menu, and whether each intent's steps
//! can be taken on it.

use super::Cx;
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::engine::{CallStart, PathEvent, VirtualCaller};
use crate::menu::Menu;
use crate::menu::raw::S;
use crate::scenario::{Step, StepKind};
use crate::simulate::format::{RawLanguage, RawTraffic};
use crate::simulate::model::{Callers, Intent, Language, Mistakes};
use crate::simulate::walk::perform;
use crate::source::Span;
use crate::timing::PromptTimings;

/// Without a menu: `intents` and `languages` mean nothing (a finding each).
pub(super) fn bare(cx: &mut Cx, r: &RawTraffic) {
    let given = [
        ("intents", r.intents.as_ref().map(|v| v.referenced)),
        ("languages", r.languages.as_ref().map(|v| v.referenced)),
    ];
    for (field, at) in given {
        if let Some(at) = at {
            let sp = cx.span(&at);
            cx.push(
                Diagnostic::new(
                    Code::FieldNotForKind,
                    sp,
                    format!("`{field}` does nothing without a menu"),
                )
                .label("without `menu`, callers join the queue directly")
                .help("name the menu callers walk with `menu:`, or remove this"),
            );
        }
    }
}

/// The callers of a simulation through `menu`: languages (default: the menu's first, no
/// mistakes) and intents, each intent's steps walked on the menu in each language.
pub(super) fn callers(cx: &mut Cx, r: &RawTraffic, top: Span, menu: &Menu, timings: &PromptTimings) -> Option<Callers> {
    let languages = match &r.languages {
        Some(l) => languages(cx, l, menu),
        None => vec![Language {
            tag: menu.languages.first().cloned().unwrap_or_default(),
            share: 1.0,
            mistakes: Mistakes::default(),
        }],
    };
    let list = cx.required(
        r.intents.as_ref(),
        top,
        "intents",
        "why callers call: `{ name, share, steps }`, shares summing to 1",
    )?;
    let at = cx.span(&list.referenced);
    if list.value.is_empty() {
        cx.push(Diagnostic::new(Code::MissingField, at, "no `intents`").label("add at least one"));
        return None;
    }
    let mut intents = Vec::with_capacity(list.value.len());
    let mut names: Vec<(String, Span)> = Vec::new();
    for raw in &list.value {
        let sp = cx.span(&raw.referenced);
        let i = &raw.value;
        let name = match cx.required(i.name.as_ref(), sp, "name", "the intent's name, for reports") {
            Some(n) => {
                let nsp = cx.span(&n.referenced);
                if let Some((_, first)) = names.iter().find(|(m, _)| *m == n.value) {
                    cx.push(
                        Diagnostic::new(Code::InvalidValue, nsp, format!("two intents are named `{}`", n.value))
                            .label("a second intent of this name")
                            .with_secondary(*first, "the first"),
                    );
                }
                names.push((n.value.clone(), nsp));
                n.value.clone()
            }
            None => String::new(),
        };
        let share = cx
            .required(
                i.share.as_ref(),
                sp,
                "share",
                "the share of callers with this intent, 0 to 1",
            )
            .map_or(0.0, |s| cx.probability(s, "the share"));
        let steps = match &i.steps {
            Some(s) => {
                crate::scenario::script::lower_actions(cx.sources, cx.file, &mut cx.diags, "an intent", &s.value)
            }
            None => Some(Vec::new()),
        };
        if let Some(steps) = &steps {
            for lang in &languages {
                if !takeable(cx, menu, timings, steps, &lang.tag, languages.len() > 1) {
                    break;
                }
            }
        }
        intents.push(Intent {
            name,
            share,
            steps: steps.unwrap_or_default(),
        });
    }
    cx.shares_sum(intents.iter().map(|i| i.share), "intents", at);
    Some(Callers { languages, intents })
}

/// `languages:`: tags of the menu, shares summing to 1, mistakes 0 to 1.
fn languages(cx: &mut Cx, raw: &S<crate::menu::raw::Entries<S<String>, S<RawLanguage>>>, menu: &Menu) -> Vec<Language> {
    let at = cx.span(&raw.referenced);
    let mut out: Vec<Language> = Vec::new();
    for (tag, lang) in &raw.value.0 {
        let tsp = cx.span(&tag.referenced);
        if !menu.languages.contains(&tag.value) {
            let mut d = Diagnostic::new(
                Code::InvalidValue,
                tsp,
                format!("the menu has no language `{}`", tag.value),
            )
            .label(format!("the menu speaks {}", quoted(&menu.languages)));
            if let Some(s) = did_you_mean(&tag.value, menu.languages.iter().map(String::as_str)) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            cx.push(d);
        } else if out.iter().any(|l| l.tag == tag.value) {
            cx.push(
                Diagnostic::new(Code::InvalidValue, tsp, format!("`{}` twice", tag.value)).label("a language once"),
            );
        }
        let lsp = cx.span(&lang.referenced);
        let l = &lang.value;
        let share = cx
            .required(
                l.share.as_ref(),
                lsp,
                "share",
                "the share of callers who speak it, 0 to 1",
            )
            .map_or(0.0, |s| cx.probability(s, "the share"));
        let mut mistakes = Mistakes::default();
        if let Some(m) = &l.mistakes {
            let m = &m.value;
            let mut chance = |v: &Option<S<f64>>, what: &str| v.as_ref().map_or(0.0, |v| cx.probability(v, what));
            mistakes = Mistakes {
                wrong_key: chance(&m.wrong_key, "the chance `wrong_key`"),
                silence: chance(&m.silence, "the chance `silence`"),
                barge_in: chance(&m.barge_in, "the chance `barge_in`"),
                zero_out: chance(&m.zero_out, "the chance `zero_out`"),
            };
        }
        out.push(Language {
            tag: tag.value.clone(),
            share,
            mistakes,
        });
    }
    cx.shares_sum(out.iter().map(|l| l.share), "languages", at);
    out
}

/// Names in backticks, joined with commas.
fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Walks `steps` on `menu` in `language`, without mistakes, as a simulated caller would:
/// `false`, with an E016 finding at the step, when a step is a no-match or comes after the
/// call ended.
fn takeable(
    cx: &mut Cx,
    menu: &Menu,
    timings: &PromptTimings,
    steps: &[Step],
    language: &str,
    say_language: bool,
) -> bool {
    let start = CallStart {
        language: Some(language.to_owned()),
        ..CallStart::default()
    };
    let mut caller = VirtualCaller::new(menu, timings, start).without_effects();
    let lang = if say_language {
        format!(" (in `{language}`)")
    } else {
        String::new()
    };
    for (i, step) in steps.iter().enumerate() {
        let n = i + 1;
        let before = caller.path().len();
        let ended_before = caller.is_ended();
        perform(&mut caller, step);
        let new = &caller.path()[before..];
        // An action that left no trace on a call that is over came after its end (the call
        // may have ended while the caller listened for their turn).
        let acts = matches!(
            step.kind,
            StepKind::Press { .. } | StepKind::Say { .. } | StepKind::Hangup { .. }
        );
        if caller.is_ended() && (ended_before || acts && !new.iter().any(|p| by_caller(&p.event))) {
            let node = caller.path().last().map_or("", |p| menu.node(p.node).id.as_str());
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    step.span,
                    format!("step {n} `{}` comes after the call ended{lang}", written(step)),
                )
                .label(format!("the call ended at `{node}`: {}", caller.route()))
                .help("remove the steps after the call ends"),
            );
            return false;
        }
        if let Some(p) = new.iter().find(|p| matches!(p.event, PathEvent::NoMatch { .. })) {
            let node = &menu.node(p.node).id;
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    step.span,
                    format!("step {n} `{}` is a no-match at `{node}`{lang}", written(step)),
                )
                .label(format!("the call went {}", caller.route()))
                .help("an intent's steps are what callers do when nothing goes wrong: write the keys or words the menu takes there"),
            );
            return false;
        }
    }
    true
}

/// Whether a path event is the caller's doing (a key, words, a hang-up).
fn by_caller(e: &PathEvent) -> bool {
    matches!(
        e,
        PathEvent::Key(_)
            | PathEvent::Keys(_)
            | PathEvent::SkipsMessage(_)
            | PathEvent::Said(_)
            | PathEvent::NoMatch { .. }
            | PathEvent::Global(_)
            | PathEvent::CallerHangsUp
    )
}

/// A step as a traffic file writes it, for findings: `press: "7"`.
fn written(step: &Step) -> String {
    match &step.kind {
        StepKind::Press { keys, .. } => format!("press: \"{keys}\""),
        StepKind::Say { words, .. } => format!("say: \"{words}\""),
        StepKind::Silence(Some(d)) => format!("silence: {}", humantime::format_duration(*d)),
        StepKind::Silence(None) => "silence: timeout".into(),
        StepKind::Hangup { .. } => "hangup: true".into(),
        StepKind::Expect(_) | StepKind::Operator(_) => "expect".into(),
    }
}
