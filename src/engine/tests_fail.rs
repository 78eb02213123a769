//! Failure handling as the platforms do it (rule 5 of `docs/call-semantics.md`): separate
//! fallbacks for no-input and no-match, the counting policies, unlimited retries and the short
//! re-prompt, each with exact times. Prompts have no clips: 0.4 s per word (150 words per
//! minute). Each platform test states the platform's rule, its times and its source.

use std::time::Duration;

use super::*;
use crate::menu::testing::menu;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn drain(call: &mut Call) -> Vec<Effect> {
    std::iter::from_fn(|| call.poll_effect()).collect()
}

fn prompts(effects: &[Effect]) -> Vec<(u64, String, PromptRole, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartPrompt(p) => Some((p.at.as_millis() as u64, p.node.clone(), p.role.clone(), p.text.clone())),
            _ => None,
        })
        .collect()
}

fn handoff(effects: &[Effect]) -> Option<&Handoff> {
    effects.iter().find_map(|e| match e {
        Effect::Handoff(h) => Some(h),
        _ => None,
    })
}

fn summary(effects: &[Effect]) -> Option<&Summary> {
    effects.iter().find_map(|e| match e {
        Effect::Ended(s) => Some(s),
        _ => None,
    })
}

fn start(m: &Menu) -> Call<'_> {
    static CLIPS: std::sync::OnceLock<PromptTimings> = std::sync::OnceLock::new();
    Call::new(m, CLIPS.get_or_init(PromptTimings::text_only), CallStart::default())
}

/// Amazon Connect's Get customer input block has a Timeout branch and a No match branch (and
/// Twilio Studio's Gather Input a `timeout` and a `noMatch` transition): running out of
/// silences and running out of wrong keys lead to different places. Here `fallback_no_input`
/// and `fallback_no_match` (with `fallback` as the one-line form of both); the handoff says
/// which limit was reached. Times: both platforms wait 5 s for the first key by default (the
/// block's "Timeout before first entry"; `<Gather timeout="5">`), as ivrsim's built-in 5 s.
#[test]
fn separate_fallbacks_for_silence_and_wrong_keys() {
    let m = menu(
        r#"
name: T
entry: main
defaults: { fallback: general, max_no_input: 2, max_no_match: 2 }
nodes:
  main:
    kind: menu
    prompt: { text: "press one" }
    fallback_no_input: quiet
    fallback_no_match: confused
    options: [{ key: "1", to: general }]
  quiet: { kind: transfer, queue: silent_callers }
  confused: { kind: transfer, queue: help_desk }
  general: { kind: transfer, queue: general }
"#,
    );
    // Prompt 0-0.8 s; silence: no-input 1 at 5.8 s (prompt again to 6.6 s), no-input 2 at
    // 11.6 s: the limit, to `quiet`.
    let mut c = start(&m);
    c.handle_timeout(ms(60_000));
    let e = drain(&mut c);
    let h = handoff(&e).unwrap_or_else(|| panic!("handed over: {e:#?}"));
    assert_eq!(
        (h.queue.as_str(), h.reason),
        ("silent_callers", HandoffReason::MaxNoInput)
    );
    assert_eq!(h.time_in_ivr, ms(11_600));
    // Two wrong keys: to `confused`, at the second.
    let mut c = start(&m);
    c.handle_keys(ms(1000), "7");
    c.handle_keys(ms(2000), "7");
    let e = drain(&mut c);
    let h = handoff(&e).expect("handed over");
    assert_eq!((h.queue.as_str(), h.reason), ("help_desk", HandoffReason::MaxNoMatch));
    assert_eq!(h.time_in_ivr, ms(2000));
}

/// A node's `fallback` stands for both kinds; a kind's own fallback wins over it, and the
/// node's settings win over the defaults' (`defaults.fallback_no_match` does not override a
/// node's `fallback`).
#[test]
fn fallback_precedence() {
    let m = menu(
        r#"
name: T
entry: main
defaults: { fallback_no_match: d_nm, fallback: d_any, max_no_match: 1, max_no_input: 1 }
nodes:
  main: { kind: menu, prompt: { text: "a" }, fallback: n_any, options: [{ key: "1", to: other }] }
  other: { kind: menu, prompt: { text: "b" }, options: [{ key: "1", to: main }] }
  d_nm: { kind: transfer, queue: d_nm }
  d_any: { kind: transfer, queue: d_any }
  n_any: { kind: transfer, queue: n_any }
"#,
    );
    let queue = |keys: &[(u64, &str)], silent_until: u64| {
        let mut c = start(&m);
        for (t, k) in keys {
            c.handle_keys(ms(*t), k);
        }
        c.handle_timeout(ms(silent_until));
        handoff(&drain(&mut c)).map(|h| h.queue.clone())
    };
    assert_eq!(queue(&[(100, "9")], 200).as_deref(), Some("n_any"));
    assert_eq!(queue(&[], 10_000).as_deref(), Some("n_any"));
    // At `other` (nothing of its own): the defaults, the kind's own first.
    assert_eq!(queue(&[(100, "1"), (200, "9")], 300).as_deref(), Some("d_nm"));
    assert_eq!(queue(&[(100, "1")], 10_000).as_deref(), Some("d_any"));
}

/// A FreeSWITCH IVR menu (mod_ivr, `ivr.conf.xml`) with its documented defaults: `timeout`
/// 10000 ms, `inter-digit-timeout` 2000 ms, `max-failures` 3, `max-timeouts` 3, a
/// `greet-long` and a `greet-short`, an `invalid-sound`, `exec-on-max-timeouts` and
/// `exec-on-max-failures`. `switch_ivr_menu_execute` (src/switch_ivr_menu.c) keeps two
/// counters for one run of the menu: `timeouts` (no input) and `errs` (no match); a match sets
/// `errs = 0` but never touches `timeouts`; after a sub-menu returns (`menu-back`) the same
/// run goes on with both counters and plays the long greeting again (`reps = -1`); every other
/// play of the menu is the short greeting (`reps > 0`). A timeout plays nothing before it; an
/// invalid entry plays `invalid-sound`. Modelled with `counting: freeswitch`,
/// `short_prompt`, a `no_match` re-prompt and the two fallbacks.
#[test]
fn freeswitch_menu_counts_timeouts_across_a_submenu_and_resets_failures() {
    let m = menu(
        r##"
name: FreeSWITCH demo
entry: main
defaults:
  timeout: 10s
  inter_digit_timeout: 2s
  max_no_input: 3
  max_no_match: 3
  counting: freeswitch
  keys: { back: "#" }
nodes:
  main:
    kind: menu
    prompt: { text: "long greeting here" }
    short_prompt: { text: "short" }
    no_match: [{ text: "invalid" }]
    fallback_no_input: on_max_timeouts
    fallback_no_match: on_max_failures
    options:
      - { key: "1", to: sales }
      - { key: "2", to: sub }
  sub:
    kind: menu
    prompt: { text: "sub menu" }
    fallback: on_max_failures
    options: [{ key: "1", to: sales }]
  sales: { kind: transfer, queue: sales }
  on_max_timeouts: { kind: transfer, queue: timeouts }
  on_max_failures: { kind: transfer, queue: failures }
"##,
    );
    let mut c = start(&m);
    // Long greeting 0-1.2 s; 10 s of silence: timeout 1 at 11.2 s, the short greeting.
    c.handle_timeout(ms(12_000));
    c.handle_keys(ms(12_000), "9"); // failure 1: invalid-sound, short greeting
    c.handle_keys(ms(13_000), "9"); // failure 2
    c.handle_keys(ms(14_000), "2"); // a match: to the sub-menu
    c.handle_keys(ms(15_000), "#"); // menu-back: the same run of `main` goes on
    c.handle_keys(ms(16_500), "9"); // errs was reset by the match: failure 1 again
    c.handle_timeout(ms(16_900));
    let e = drain(&mut c);
    let p: Vec<(u64, PromptRole, &str)> = prompts(&e)
        .iter()
        .map(|(t, _, r, text)| match text.as_str() {
            "long greeting here" => (*t, r.clone(), "long"),
            "short" => (*t, r.clone(), "short"),
            "invalid" => (*t, r.clone(), "invalid"),
            _ => (*t, r.clone(), "sub menu"),
        })
        .collect();
    assert_eq!(
        p,
        vec![
            (0, PromptRole::Main, "long"),
            (11_200, PromptRole::Main, "short"),
            (12_000, PromptRole::NoMatch(1), "invalid"),
            (12_400, PromptRole::Main, "short"),
            (13_000, PromptRole::NoMatch(2), "invalid"),
            (13_400, PromptRole::Main, "short"),
            (14_000, PromptRole::Main, "sub menu"),
            (15_000, PromptRole::Main, "long"),
            (16_500, PromptRole::NoMatch(1), "invalid"),
            (16_900, PromptRole::Main, "short"),
        ]
    );
    // The short greeting ends at 17.3 s; timeout 2 at 27.3 s (short greeting to 27.7 s);
    // timeout 3 at 37.7 s is `max-timeouts`: exec-on-max-timeouts, though this visit of
    // `main` saw only two.
    c.handle_timeout(ms(60_000));
    let e = drain(&mut c);
    let h = handoff(&e).expect("handed over");
    assert_eq!((h.queue.as_str(), h.reason), ("timeouts", HandoffReason::MaxNoInput));
    assert_eq!(h.time_in_ivr, ms(37_700));
}

/// Kazoo's menu callflow (`applications/callflow/src/module/cf_menu.erl`): one `retries`
/// budget (default 3), decremented by a timeout and by an invalid entry alike; at zero the
/// `max_retries` child. Modelled with `counting: shared` and both limits at Kazoo's
/// `retries`: silence, a wrong key, silence is the third failure.
#[test]
fn kazoo_menu_shares_one_retry_budget() {
    let m = menu(
        r#"
name: Kazoo demo
entry: main
defaults: { counting: shared, max_no_input: 3, max_no_match: 3, fallback: max_retries }
nodes:
  main: { kind: menu, prompt: { text: "press one" }, options: [{ key: "1", to: max_retries }] }
  max_retries: { kind: transfer, queue: reception }
"#,
    );
    let mut c = start(&m);
    c.handle_timeout(ms(5800)); // prompt to 0.8 s, no-input at 5.8 s (1 of 3), prompt to 6.6 s
    c.handle_keys(ms(7000), "5"); // no-match: 2 of 3 (shared)
    let e = drain(&mut c);
    assert!(prompts(&e).iter().any(|p| p.0 == 7000 && p.2 == PromptRole::Main));
    // Prompt 7.0-7.8 s; silence: the third failure at 12.8 s.
    c.handle_timeout(ms(60_000));
    let e = drain(&mut c);
    let h = handoff(&e).expect("handed over");
    assert_eq!((h.queue.as_str(), h.reason), ("reception", HandoffReason::MaxNoInput));
    assert_eq!(h.time_in_ivr, ms(12_800));
}

/// `counting: call`: a node's counts are kept for the whole call. A fallback that comes back
/// to the node does not give the caller a fresh set of retries, and once the limit has been
/// reached a second failure of that kind there ends the call.
#[test]
fn counts_kept_for_the_call_end_a_fallback_loop() {
    let m = menu(
        r#"
name: T
entry: main
defaults: { counting: call, max_no_input: 2, goodbye: { text: "bye" } }
nodes:
  main: { kind: menu, prompt: { text: "press one" }, fallback: help, options: [{ key: "1", to: op }] }
  help: { kind: message, prompt: { text: "let me help" }, next: main }
  op: { kind: transfer, queue: q }
"#,
    );
    let mut c = start(&m);
    c.handle_timeout(ms(120_000));
    let e = drain(&mut c);
    // Prompt 0-0.8 s, no-input 1 at 5.8 s, prompt to 6.6 s, no-input 2 at 11.6 s: to `help`
    // (1.2 s), `main` again at 12.8 s (prompt to 13.6 s); no-input 3 at 18.6 s: the limit was
    // reached before: goodbye (0.4 s), the call ends at 19.0 s.
    let p = prompts(&e);
    assert_eq!(
        p.last().map(|p| (p.0, p.2.clone())),
        Some((18_600, PromptRole::Goodbye))
    );
    let s = summary(&e).expect("ended");
    assert_eq!(s.outcome, Outcome::RetriesExhausted { node: "main".into() });
    assert_eq!(s.time_in_ivr, ms(19_000));
}

/// The same menu under the default policy (`visit`) goes round for ever: every visit starts
/// from zero; only the call's maximum length ends it (rule 12).
#[test]
fn per_visit_fallback_loop_runs_to_the_maximum_call_length() {
    let m = menu(
        r#"
name: T
entry: main
defaults: { max_no_input: 2 }
nodes:
  main: { kind: menu, prompt: { text: "press one" }, fallback: help, options: [{ key: "1", to: op }] }
  help: { kind: message, prompt: { text: "let me help" }, next: main }
  op: { kind: transfer, queue: q }
"#,
    );
    let mut c = start(&m);
    let mut n = 0;
    while let Some(t) = c.poll_timeout() {
        c.handle_timeout(t);
        n += 1;
        assert!(n < 100_000, "the call must end");
    }
    let e = drain(&mut c);
    let s = summary(&e).expect("ended");
    assert_eq!(s.time_in_ivr, MAX_CALL_LENGTH);
}

/// `max_no_input: unlimited` (a VoiceXML form's `<noinput>` that only reprompts, a Twilio
/// Studio Gather whose `timeout` transition loops to itself): the prompt plays again after
/// every silence, without end; the call's maximum length still ends the call.
#[test]
fn unlimited_retries_reprompt_until_the_maximum_call_length() {
    let m = menu(
        r#"
name: T
entry: main
defaults: { max_no_input: unlimited, fallback: op, no_input: [{ text: "still there" }] }
nodes:
  main: { kind: menu, prompt: { text: "press one" }, options: [{ key: "1", to: op }] }
  op: { kind: transfer, queue: q }
"#,
    );
    let mut c = start(&m);
    c.handle_timeout(ms(60_000));
    let e = drain(&mut c);
    // Each round: 5 s of silence, "still there" (0.8 s), the prompt (0.8 s): 6.6 s.
    let reprompts: Vec<u64> = prompts(&e)
        .iter()
        .filter(|p| matches!(p.2, PromptRole::NoInput(_)))
        .map(|p| p.0)
        .collect();
    assert_eq!(reprompts[..3], [5800, 12_400, 19_000]);
    assert_eq!(reprompts.len(), 9, "{reprompts:?}");
    assert!(handoff(&e).is_none());
    let mut c = start(&m);
    c.handle_timeout(MAX_CALL_LENGTH);
    let s = summary(&drain(&mut c))
        .cloned()
        .expect("the call ends at its maximum length");
    assert_eq!(s.time_in_ivr, MAX_CALL_LENGTH);
}

/// FreeSWITCH's `greet-short`: played instead of the greeting after a failure (after the
/// `invalid-sound`) and whenever the menu plays again (`reps > 0`), the full greeting only on
/// entering; here also after `repeat`. A collect has one too.
#[test]
fn short_prompt_after_a_failure_and_after_repeat() {
    let m = menu(
        r##"
name: T
entry: main
defaults: { fallback: op, keys: { repeat: "*" }, no_input: [{ text: "sorry" }] }
nodes:
  main:
    kind: menu
    prompt: { text: "welcome to the hotline press one" }
    short_prompt: { text: "press one" }
    options: [{ key: "1", to: num }]
  num:
    kind: collect
    prompt: { text: "enter your number" }
    short_prompt: { text: "number" }
    digits: { min: 3, max: 3 }
    store: n
    next: op
  op: { kind: transfer, queue: q }
"##,
    );
    let mut c = start(&m);
    // Long prompt 0-2.4 s; no-input at 7.4 s: "sorry" (0.4 s), the short prompt at 7.8 s.
    c.handle_timeout(ms(8200));
    c.handle_keys(ms(9000), "*"); // repeat: the short prompt
    c.handle_keys(ms(10_000), "1"); // to the collect: its full prompt (1.2 s)
    c.handle_timeout(ms(16_600)); // no-input at 16.2 s: "sorry", then "number"
    let e = drain(&mut c);
    let p: Vec<(u64, String)> = prompts(&e).into_iter().map(|p| (p.0, p.3)).collect();
    assert_eq!(
        p,
        vec![
            (0, "welcome to the hotline press one".to_owned()),
            (7400, "sorry".to_owned()),
            (7800, "press one".to_owned()),
            (9000, "press one".to_owned()),
            (10_000, "enter your number".to_owned()),
            (16_200, "sorry".to_owned()),
            (16_600, "number".to_owned()),
        ]
    );
}

/// Under `counting: freeswitch` a global key is a valid entry too: `repeat` (FreeSWITCH: a
/// `menu-sub` to the menu itself, a match) sets the no-match count back to zero; under `visit`
/// it keeps the counts (rule 6: `repeat` is not a failure, and not a new visit).
#[test]
fn repeat_resets_no_matches_only_under_freeswitch() {
    let yaml = |counting: &str| {
        format!(
            r##"
name: T
entry: main
defaults: {{ counting: {counting}, max_no_match: 2, fallback: op, keys: {{ repeat: "*" }} }}
nodes:
  main: {{ kind: menu, prompt: {{ text: "press one" }}, options: [{{ key: "1", to: op }}] }}
  op: {{ kind: transfer, queue: q }}
"##
        )
    };
    for (counting, handed_over) in [("visit", true), ("freeswitch", false)] {
        let m = menu(&yaml(counting));
        let mut c = start(&m);
        c.handle_keys(ms(1000), "7"); // no-match 1 of 2; the prompt again to 1.8 s
        c.handle_keys(ms(2000), "*"); // repeat
        c.handle_keys(ms(3000), "7"); // no-match: 2 of 2 (visit), 1 of 2 (freeswitch)
        let e = drain(&mut c);
        assert_eq!(handoff(&e).is_some(), handed_over, "{counting}");
    }
}
