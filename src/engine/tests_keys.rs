//! Menu format v2, stream "keys": the match policy (early, full length), `*` and `#` as data
//! in a collect, and pattern options, each with exact times on the virtual clock. Prompts have
//! no clips: 0.4 s per word (150 words per minute), so the five-word prompts end at 2 s.

use std::time::Duration;

use super::*;
use crate::menu::testing::menu;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn start(m: &Menu) -> Call<'_> {
    static CLIPS: std::sync::OnceLock<PromptTimings> = std::sync::OnceLock::new();
    Call::new(m, CLIPS.get_or_init(PromptTimings::text_only), CallStart::default())
}

fn at_node(call: &Call, m: &Menu) -> String {
    call.current().map_or_else(String::new, |n| m.node(n).id.clone())
}

fn no_matches(call: &mut Call) -> Vec<u64> {
    std::iter::from_fn(|| call.poll_effect())
        .filter_map(|e| match e {
            Effect::StartPrompt(p) if matches!(p.role, PromptRole::NoMatch(_)) => Some(p.at.as_millis() as u64),
            _ => None,
        })
        .collect()
}

/// Presses `keys` (one burst) at `at` ms in a fresh call and lets time run to `until` ms:
/// the node the call is at then, and the time it left `main` (or `None`).
fn press(m: &Menu, keys: &str, at: u64, until: u64) -> (String, Option<u64>) {
    let mut c = start(m);
    c.handle_timeout(ms(at));
    c.handle_keys(ms(at), keys);
    let mut left = (at_node(&c, m) != "main").then_some(at);
    while left.is_none() {
        match c.poll_timeout() {
            Some(t) if t <= ms(until) => {
                c.handle_timeout(t);
                if at_node(&c, m) != "main" {
                    left = Some(t.as_millis() as u64);
                }
            }
            _ => break,
        }
    }
    (at_node(&c, m), left)
}

/// FreeSWITCH's demo IVR as the platform ships it (`conf/ivr_menus/demo_ivr.xml`:
/// `inter-digit-timeout="2000"`, `digit-len="4"`), written with `key_match: full_length`.
const FREESWITCH: &str = r##"
name: FreeSWITCH demo
entry: main
defaults: { inter_digit_timeout: 2s, fallback: op, no_match: [{ text: "nm" }] }
nodes:
  main:
    kind: menu
    key_match: full_length
    digit_len: 4
    prompt: { text: "a b c d e" }
    options:
      - { key: "1", to: one }
      - { key: "2", to: two }
      - { key: "1234", to: long }
  one: { kind: transfer, queue: one }
  two: { kind: transfer, queue: two }
  long: { kind: transfer, queue: long }
  op: { kind: transfer, queue: op }
"##;

// The FreeSWITCH rule (`src/switch_ivr_menu.c`: `play_and_collect` collects up to
// `max(digit-len, longest bind)` digits, `switch_ivr_collect_digits_count` ending a shorter
// entry at the inter-digit timeout, then `switch_ivr_menu_execute` compares the whole entry):
// every entry shorter than 4 keys waits 2 s after its last key, even one that cannot grow.
#[test]
fn full_length_waits_the_inter_digit_timeout_for_every_short_entry() {
    let m = menu(FREESWITCH);
    // "1" (and "1234" could follow): acts 2 s after the key.
    assert_eq!(press(&m, "1", 2500, 10_000), ("one".into(), Some(4500)));
    // "2" cannot grow into any key, and still waits 2 s (early match would act at once).
    assert_eq!(press(&m, "2", 2500, 10_000), ("two".into(), Some(4500)));
    // Four keys reach `digit_len`: matched at once.
    assert_eq!(press(&m, "1234", 2500, 10_000), ("long".into(), Some(2500)));
    // A key no option has is a no-match only at the timeout, not at once.
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "9");
    assert_eq!(no_matches(&mut c), Vec::<u64>::new());
    c.handle_timeout(ms(4500));
    assert_eq!(no_matches(&mut c), vec![4500]);
    // Four keys that are no option: a no-match at once, at the fourth key.
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "9999");
    assert_eq!(no_matches(&mut c), vec![2500]);
}

/// The same options as an Asterisk context with the default digit timeout.
const ASTERISK: &str = r##"
name: Asterisk demo
entry: main
defaults: { inter_digit_timeout: 5s, fallback: op }
nodes:
  main:
    kind: menu
    prompt: { text: "a b c d e" }
    options:
      - { key: "1", to: one }
      - { key: "2", to: two }
      - { key: "1234", to: long }
      - { pattern: "_9.", store: dialled, to: long }
  one: { kind: transfer, queue: one }
  two: { kind: transfer, queue: two }
  long: { kind: transfer, queue: long }
  op: { kind: transfer, queue: op }
"##;

// The Asterisk rule (docs.asterisk.org, Dialplan Functions, TIMEOUT(): "if an extension typed
// in is valid, it will not have to timeout to be tested"; the digit timeout defaults to 5 s):
// a key that cannot grow acts at once; one that could waits 5 s; `_9.` always waits.
#[test]
fn early_match_acts_at_once_unless_a_longer_key_could_follow() {
    let m = menu(ASTERISK);
    assert_eq!(press(&m, "2", 2500, 20_000), ("two".into(), Some(2500)));
    assert_eq!(press(&m, "1", 2500, 20_000), ("one".into(), Some(7500)));
    assert_eq!(press(&m, "1234", 2500, 20_000), ("long".into(), Some(2500)));
    // `_9.` (one or more keys after 9) can always take one more: it waits the digit timeout.
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "9");
    c.handle_keys(ms(3000), "42");
    assert_eq!(at_node(&c, &m), "main");
    assert_eq!(c.poll_timeout(), Some(ms(8000)));
    c.handle_timeout(ms(8000));
    assert_eq!(at_node(&c, &m), "long");
    assert_eq!(c.variables().get("dialled").map(String::as_str), Some("942"));
    // `_8!` matches as early as it can (Asterisk, Pattern Matching, `!`: zero or more keys,
    // acting as soon as no other extension can match, for overlap dialling): `8` acts at once.
    let eager = ASTERISK.replace("_9.", "_8!");
    let m = menu(&eager);
    assert_eq!(press(&m, "8", 2500, 20_000), ("long".into(), Some(2500)));
}

const PATTERNS: &str = r##"
name: Extensions
entry: main
defaults: { inter_digit_timeout: 3s, fallback: op, keys: { operator: "0" }, no_match: [{ text: "nm" }] }
nodes:
  main:
    kind: menu
    prompt: { text: "a b c d e" }
    options:
      - { key: "7000", to: reception }
      - { pattern: "_7XXX", store: extension, to: desk, label: An extension }
      - { pattern: "/^(10[01][0-9])$/", store: extension, to: desk }
  reception: { kind: transfer, queue: reception }
  desk: { kind: transfer, queue: desk }
  op: { kind: transfer, queue: op }
"##;

// Pattern options store what was dialled; a literal key equal to the entry wins over a
// pattern (Asterisk: an exact extension before any pattern); an entry that cannot grow into
// any longer match acts at once.
#[test]
fn pattern_options_store_the_keys_dialled() {
    let m = menu(PATTERNS);
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "7123");
    assert_eq!(at_node(&c, &m), "desk");
    assert_eq!(c.variables().get("extension").map(String::as_str), Some("7123"));
    // FreeSWITCH's regex form.
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "1005");
    assert_eq!(at_node(&c, &m), "desk");
    assert_eq!(c.variables().get("extension").map(String::as_str), Some("1005"));
    // The literal key wins, and stores nothing.
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "7000");
    assert_eq!(at_node(&c, &m), "reception");
    assert!(c.variables().get("extension").is_none());
    // "7" alone: a pattern could still match; at the timeout it is a no-match.
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "7");
    assert_eq!(c.poll_timeout(), Some(ms(5500)));
    c.handle_timeout(ms(5500));
    assert_eq!(no_matches(&mut c), vec![5500]);
    // "1020" is no entry of the regex: a no-match at the fourth key.
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "102");
    assert_eq!(no_matches(&mut c), vec![2500]);
    // The pattern option's key (maps, generated scenarios) is its first entry no other key takes.
    let NodeKind::Menu(mm) = &m.node(m.find("main").unwrap()).kind else {
        panic!()
    };
    assert_eq!(mm.options[1].key.as_str(), "7001");
    assert_eq!(mm.options[2].key.as_str(), "1000");
}

const DATA: &str = r##"
name: Data keys
entry: ask
defaults: { inter_digit_timeout: 3s, fallback: op, keys: { operator: "0", repeat: "*", back: "#" } }
nodes:
  ask:
    kind: collect
    prompt: { text: "a b c d e" }
    digits: { min: 2, max: 8, keys: "0123456789*#" }
    store: code
    next: op
  plain:
    kind: collect
    prompt: { text: "a b c d e" }
    digits: { min: 2, max: 8 }
    store: code
    next: op
  op: { kind: transfer, queue: op }
"##;

// `digits.keys: "0123456789*#"`: `*` and `#` are part of the value (a collect without a
// terminator, as Twilio's `<Gather finishOnKey="">` and FreeSWITCH's `play_and_get_digits`
// with a valid-digits regex allowing them); the global keys on `*` (repeat) and `#` (back) do
// not act there: a data key is data first. The value ends at `max` or the inter-digit timeout.
#[test]
fn star_and_hash_as_data() {
    let m = menu(DATA);
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "12*#");
    assert_eq!(at_node(&c, &m), "ask", "no global key acted");
    assert_eq!(c.poll_timeout(), Some(ms(5500)));
    c.handle_timeout(ms(5500));
    assert_eq!(c.variables().get("code").map(String::as_str), Some("12*#"));
    assert_eq!(at_node(&c, &m), "op");
    // Reaching `max` with data keys accepts at once.
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "*#*#*#*#");
    assert_eq!(c.variables().get("code").map(String::as_str), Some("*#*#*#*#"));
    // Without `keys`, `*` is not data: it is the global repeat key (rule 6), the entry dropped.
    let plain = DATA.replace("entry: ask", "entry: plain");
    let m = menu(&plain);
    let mut c = start(&m);
    c.handle_timeout(ms(2500));
    c.handle_keys(ms(2500), "12*");
    let replayed = std::iter::from_fn(|| c.poll_effect())
        .filter_map(|e| match e {
            Effect::StartPrompt(p) => Some(p.at.as_millis() as u64),
            _ => None,
        })
        .collect::<Vec<_>>();
    assert_eq!(replayed, vec![0, 2500], "the prompt starts again at the `*`");
    assert_eq!(c.digits(), "");
}
