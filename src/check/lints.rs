//! Per-node lints: re-prompts (W003, W004), keys (W006, W012), menu width (W007), prompt
//! length (W009) and missing fallbacks (W011).

use super::{Analysis, Thresholds};
use crate::audio::ClipLibrary;
use crate::diag::{Code, Diagnostic};
use crate::menu::{Menu, NodeKind};
use crate::timing::{DurationSource, prompt_duration};

pub(super) fn check(menu: &Menu, clips: &ClipLibrary, a: &Analysis, t: &Thresholds, diags: &mut Vec<Diagnostic>) {
    let _ = a;
    for node in &menu.nodes {
        if let Some(l) = node.kind.listen() {
            let kind = node.kind.name();
            if l.no_input.is_empty() {
                diags.push(
                    Diagnostic::new(
                        Code::NoInputHandling,
                        node.span,
                        format!("{kind} `{}` has no no-input re-prompt", node.id),
                    )
                    .label("a silent caller hears the same prompt again with no help")
                    .help("add `no_input:` re-prompts here or in `defaults`"),
                );
            }
            if l.no_match.is_empty() {
                diags.push(
                    Diagnostic::new(
                        Code::NoMatchHandling,
                        node.span,
                        format!("{kind} `{}` has no no-match re-prompt", node.id),
                    )
                    .label("a caller who presses a wrong key is not told so")
                    .help("add `no_match:` re-prompts here or in `defaults`"),
                );
            }
            if l.fallback.is_none() {
                diags.push(
                    Diagnostic::new(
                        Code::NoFallback,
                        node.span,
                        format!("{kind} `{}` has no fallback", node.id),
                    )
                    .label("a caller who runs out of retries is hung up on")
                    .help("set `fallback` (here or in `defaults`) to an operator transfer"),
                );
            }
        }
        let NodeKind::Menu(m) = &node.kind else {
            continue;
        };
        for o in &m.options {
            for (action, g) in menu.defaults.keys.iter() {
                if g.key == o.key {
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
            for longer in &m.options {
                if longer.key.len() > o.key.len() && longer.key.as_str().starts_with(o.key.as_str()) {
                    diags.push(
                        Diagnostic::new(
                            Code::PrefixKeys,
                            o.key_span,
                            format!("key `{}` is the start of key `{}`", o.key, longer.key),
                        )
                        .label(format!(
                            "callers who press `{}` wait {} s (the inter-digit timeout) before it acts",
                            o.key,
                            m.listen.inter_digit_timeout.as_secs_f64()
                        ))
                        .with_secondary(longer.key_span, "longer key here"),
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
        let (d, src) = prompt_duration(&m.prompt, None, clips);
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
}
