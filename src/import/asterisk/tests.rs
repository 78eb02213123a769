//! Unit tests of the mapping: small dialplans imported in memory.

use std::path::Path;
use std::time::Duration;

use super::*;
use crate::diag::{Severity, render_plain};
use crate::import::{Platform, import as import_file_text};
use crate::menu::{Menu, NodeKind, Target, Test};
use crate::source::Sources;

/// Imports `text` as `dir/extensions.conf` (a folder that does not exist: no companions).
fn import(text: &str) -> (Option<Menu>, String, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let path = Path::new("no-such-dir/extensions.conf");
    let file = sources.add(path.display().to_string(), text);
    let out = import_file_text(Platform::Asterisk, path, file, &[], &mut sources);
    let shown = render_plain(&sources, &out.diagnostics);
    (out.menu, shown, out.diagnostics)
}

fn menu(text: &str) -> (Menu, String) {
    let (m, shown, diags) = import(text);
    assert!(
        !diags.iter().any(|d| d.severity() == Severity::Error),
        "errors:\n{shown}"
    );
    (m.expect("a menu"), shown)
}

fn node<'m>(m: &'m Menu, id: &str) -> &'m NodeKind {
    let i = m.find(id).unwrap_or_else(|| {
        let ids: Vec<_> = m.nodes.iter().map(|n| n.id.as_str()).collect();
        panic!("no node `{id}` in {ids:?}")
    });
    &m.node(i).kind
}

fn target(m: &Menu, r: &crate::menu::NodeRef) -> String {
    match r.target {
        Target::Node(n) => m.node(n).id.clone(),
        other => format!("{other:?}"),
    }
}

const MENU: &str = "\
[ivr]
exten => s,1,Answer()
 same => n,Set(TIMEOUT(digit)=3)
 same => n(menu),Background(welcome&main-menu)
 same => n,WaitExten(4)
exten => 1,1,Playback(one)
 same => n,Hangup()
exten => 99,1,Hangup()
exten => _7XXX,1,Queue(staff)
exten => _[3-5],1,Goto(s,menu)
exten => t,1,Goto(s,menu)
exten => i,1,Playback(invalid)
 same => n,Goto(s,menu)
";

#[test]
fn a_background_menu_with_its_keys_patterns_and_failures() {
    let (m, shown) = menu(MENU);
    // `s,1` is `Answer`, `s,2` a channel setting: the menu at `s,3` is named after `s,1`.
    assert_eq!(m.node(m.entry.node().unwrap()).id, "ivr");
    let NodeKind::Menu(menu) = node(&m, "ivr") else {
        panic!()
    };
    assert_eq!(menu.prompt.text, "[audio: welcome] [audio: main-menu]");
    assert_eq!(menu.listen.timeout, Duration::from_secs(4));
    assert_eq!(menu.listen.inter_digit_timeout, Duration::from_secs(3));
    assert_eq!(menu.listen.max_no_input, Retries::Limit(1));
    assert!(menu.listen.barge_in);
    let keys: Vec<String> = menu
        .options
        .iter()
        .map(|o| o.pattern.as_ref().map_or(o.key.to_string(), |p| p.to_string()))
        .collect();
    // Literal keys first, then patterns in Asterisk's order (`7` before `[3-5]`).
    assert_eq!(keys, ["1", "99", "_7XXX", "_[3-5]"]);
    assert_eq!(menu.options[2].store.as_deref(), Some("EXTEN"));
    assert_eq!(target(&m, &menu.options[0].to), "ivr.1");
    // `Goto(s,menu)` leads to the menu itself (the label, with the same settings), and so
    // does `t`.
    assert_eq!(target(&m, &menu.options[3].to), "ivr");
    assert_eq!(target(&m, menu.listen.fallback_no_input.as_ref().unwrap()), "ivr");
    assert_eq!(target(&m, menu.listen.fallback_no_match.as_ref().unwrap()), "ivr.i");
    let NodeKind::Message(msg) = node(&m, "ivr.i") else {
        panic!()
    };
    assert!(!msg.barge_in);
    assert_eq!(target(&m, &msg.next), "ivr");
    let NodeKind::Transfer(t) = node(&m, "ivr._7XXX") else {
        panic!()
    };
    assert_eq!(t.queue, "staff");
    assert_eq!(t.priority, Priority::Normal);
    assert!(shown.contains("warning[W027]"), "{shown}");
    assert!(shown.contains("4 sound files have neither a clip"), "{shown}");
}

#[test]
fn the_menu_entered_at_its_label_is_the_same_node() {
    let (m, _) = menu(MENU);
    let menus = m.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Menu(_))).count();
    assert_eq!(menus, 1, "{:?}", m.ids);
}

#[test]
fn timeouts_follow_the_call() {
    let text = "\
[a]
exten => s,1,Background(x)
 same => n,WaitExten()
exten => 1,1,Set(TIMEOUT(response)=7.5)
 same => n,Goto(b,s,1)
exten => 2,1,Goto(b,s,1)
[b]
exten => s,1,Background(y)
 same => n,WaitExten()
exten => 1,1,Hangup()
";
    let (m, _) = menu(text);
    let NodeKind::Menu(a) = node(&m, "a") else { panic!() };
    assert_eq!(a.listen.timeout, DEFAULT_RESPONSE_TIMEOUT);
    assert_eq!(a.listen.inter_digit_timeout, DEFAULT_DIGIT_TIMEOUT);
    // `b` is reached with two different response timeouts: two copies.
    let NodeKind::Menu(b1) = node(&m, "b") else { panic!() };
    let NodeKind::Menu(b2) = node(&m, "b.2") else { panic!() };
    let mut got = [b1.listen.timeout, b2.listen.timeout];
    got.sort();
    assert_eq!(got, [Duration::from_millis(7500), Duration::from_secs(10)]);
}

#[test]
fn no_wait_and_autofallthrough() {
    let text = "[a]\nexten => s,1,Background(x)\nexten => 1,1,Hangup()\n";
    let (m, shown) = menu(text);
    let NodeKind::Menu(a) = node(&m, "a") else { panic!() };
    assert_eq!(a.listen.timeout, NO_WAIT);
    assert_eq!(target(&m, a.listen.fallback_no_input.as_ref().unwrap()), "a.end");
    assert_eq!(target(&m, a.listen.fallback_no_match.as_ref().unwrap()), "a.end");
    assert!(shown.contains("Asterisk hangs up as soon as it ends"), "{shown}");
    // With autofallthrough=no the call waits TIMEOUT(response), then goes to `t`.
    let text = "[general]\nautofallthrough=no\n[a]\nexten => s,1,Background(x)\nexten => 1,1,Hangup()\nexten => t,1,Hangup()\n";
    let (m, _) = menu(text);
    let NodeKind::Menu(a) = node(&m, "a") else { panic!() };
    assert_eq!(a.listen.timeout, DEFAULT_RESPONSE_TIMEOUT);
    assert_eq!(target(&m, a.listen.fallback_no_input.as_ref().unwrap()), "a.t");
}

#[test]
fn a_counter_in_a_variable_is_a_set_and_a_route() {
    let text = "\
[globals]
MAXTRIES=3
[m]
exten => s,1,Set(TRIES=0)
 same => n(menu),Background(menu)
 same => n,WaitExten(5)
exten => 1,1,Hangup()
exten => t,1,Set(TRIES=$[${TRIES} + 1])
 same => n,GotoIf($[${TRIES} >= ${MAXTRIES}]?op,1)
 same => n,Playback(still-there)
 same => n,Goto(s,menu)
exten => op,1,Queue(operators)
";
    let (m, _) = menu(text);
    let entry = m.find("m").unwrap();
    assert_eq!(m.node(entry).set[0].value, SetValue::Text("0".into()));
    let NodeKind::Route(r) = node(&m, "m") else { panic!() };
    assert_eq!(target(&m, &r.default), "m.s.menu");
    let t = m.find("m.t").unwrap();
    assert_eq!(m.node(t).set[0].value, SetValue::Add(1));
    let NodeKind::Route(r) = node(&m, "m.t") else { panic!() };
    assert_eq!(target(&m, &r.default), "m.t.2");
    let NodeKind::Route(r) = node(&m, "m.t.2") else {
        panic!()
    };
    assert!(matches!(
        &r.routes[0].when[0],
        Test::Compare { var, op: crate::menu::CompareOp::AtLeast, value } if var == "TRIES" && *value == 3.0
    ));
    assert_eq!(target(&m, &r.routes[0].to), "m.op");
    assert_eq!(target(&m, &r.default), "m.t.3");
}

#[test]
fn read_is_a_collect_that_empties_its_variable_on_silence() {
    let text = "[c]\nexten => s,1,Read(CASE,enter-case,8,,2,6)\n same => n,GotoIf($[\"${CASE}\" = \"\"]?s,1:found,1)\nexten => found,1,SayDigits(${CASE})\n same => n,Hangup()\n";
    let (m, _) = menu(text);
    let NodeKind::Collect(c) = node(&m, "c") else { panic!() };
    assert_eq!((c.min, c.max), (1, 8));
    assert_eq!(c.terminator.as_ref().map(|t| t.as_str()), Some("#"));
    assert_eq!(c.listen.timeout, Duration::from_secs(6));
    assert_eq!(c.listen.inter_digit_timeout, Duration::from_secs(6));
    assert_eq!(c.listen.max_no_input, Retries::Limit(2));
    assert_eq!(c.store, "CASE");
    assert_eq!(c.listen.max_no_match, Retries::Unlimited);
    assert!(c.data_keys.star && !c.data_keys.hash, "every key but `#` is data");
    let fb = target(&m, c.listen.fallback_no_input.as_ref().unwrap());
    assert_eq!(fb, "c.nothing");
    assert_eq!(m.node(m.find(&fb).unwrap()).set[0].value, SetValue::Text(String::new()));
    let NodeKind::Message(say) = node(&m, "c.found") else {
        panic!()
    };
    assert_eq!(say.prompt.text, "{CASE:digits}");
    // Without a timeout argument: TIMEOUT(response) then TIMEOUT(digit); no max: 64 (W027).
    let (m, shown) = menu("[c]\nexten => s,1,Read(X,,,t)\n same => n,Hangup()\n");
    let NodeKind::Collect(c) = node(&m, "c") else { panic!() };
    assert_eq!(c.listen.timeout, DEFAULT_RESPONSE_TIMEOUT);
    assert_eq!(c.listen.inter_digit_timeout, DEFAULT_DIGIT_TIMEOUT);
    assert_eq!(c.max, 64);
    assert!(c.terminator.is_none());
    assert!(shown.contains("takes up to 255 (no limit given) digits"), "{shown}");
}

#[test]
fn language_options_and_language_routes() {
    let text = "[l]\nexten => s,1,Background(pick)\n same => n,WaitExten(3)\nexten => 1,1,Set(CHANNEL(language)=en)\n same => n,Goto(m,s,1)\nexten => 2,1,Set(CHANNEL(language)=es)\n same => n,Goto(m,s,1)\n[m]\nexten => s,1,GotoIf($[${CHANNEL(language)} = es]?es,1)\n same => n,Hangup()\nexten => es,1,Hangup()\n";
    let (m, _) = menu(text);
    assert_eq!(m.languages, ["en", "es"]);
    let NodeKind::Menu(l) = node(&m, "l") else { panic!() };
    assert_eq!(l.options[1].language.as_deref(), Some("es"));
    assert_eq!(target(&m, &l.options[1].to), "m");
    let NodeKind::Route(r) = node(&m, "m") else { panic!() };
    assert!(matches!(&r.routes[0].when[0], Test::Language(t) if t == "es"));
}

#[test]
fn goto_if_time_makes_a_schedule() {
    let text = "[h]\nexten => s,1,GotoIfTime(*,*,25,dec?closed,1)\n same => n,GotoIfTime(08:00-17:59,mon-fri,*,*?open,1)\n same => n,Goto(closed,1)\nexten => open,1,Queue(q)\nexten => closed,1,VoiceMail(500@hotline)\n";
    let (m, shown) = menu(text);
    assert_eq!(m.schedules.len(), 2, "{:?}", m.schedules.keys());
    let office = &m.schedules["08:00-17:59,mon-fri,*,*"];
    assert_eq!((office.periods[0].from, office.periods[0].to), (480, 1080));
    let NodeKind::Route(r) = node(&m, "h.s.2") else {
        panic!()
    };
    assert!(matches!(&r.routes[0].when[0], Test::Hours(s) if s == "08:00-17:59,mon-fri,*,*"));
    assert_eq!(target(&m, &r.routes[0].to), "h.open");
    assert_eq!(target(&m, &r.default), "h.closed");
    let NodeKind::External(e) = node(&m, "h.closed") else {
        panic!()
    };
    assert_eq!(e.name, "500@hotline");
    assert!(shown.contains("lists the dates of 2020 to 2040"), "{shown}");
}

#[test]
fn queue_priority_timeout_and_what_follows() {
    let text = "[q]\nexten => s,1,Set(QUEUE_PRIO=3)\n same => n,Queue(leaks,,,,300)\n same => n,VoiceMail(600)\n";
    let (m, shown) = menu(text);
    let NodeKind::Transfer(t) = node(&m, "q") else { panic!() };
    assert_eq!(t.priority.level(), 2);
    assert_eq!(t.settings.max_wait, Some(Duration::from_secs(300)));
    assert!(t.settings.join_empty);
    assert!(!t.settings.leave_when_empty);
    let Some(NoOperator::Goto { to }) = &t.when_no_operator else {
        panic!()
    };
    assert_eq!(target(&m, to), "q.s.3");
    assert!(shown.contains("no `queues.conf` beside the dialplan"), "{shown}");
}

#[test]
fn missing_destinations_are_e006_and_end_the_call() {
    let text = "[a]\nexten => s,1,Goto(nowhere,s,1)\nexten => 1,1,Goto(s,nolabel)\n";
    let (m, shown, _) = import(text);
    let m = m.unwrap();
    assert!(
        shown.contains("error[E006]: no context `nowhere` in the dialplan"),
        "{shown}"
    );
    assert_eq!(m.node(m.entry.node().unwrap()).id, "a.end");
}

#[test]
fn unknown_applications_and_conditions_are_findings() {
    let text = "[a]\nexten => s,1,GotoIf(${X}?2,1:3,1)\nexten => 2,1,AGI(lookup.agi)\nexten => 3,1,Hangup()\n";
    let (m, shown) = menu(text);
    let NodeKind::Route(r) = node(&m, "a") else { panic!() };
    assert!(r.routes.is_empty());
    assert_eq!(target(&m, &r.default), "a.3");
    assert!(shown.contains("the condition `${X}` is not imported"), "{shown}");
    // The true branch is still imported (and unreachable).
    let NodeKind::External(e) = node(&m, "a.2") else {
        panic!()
    };
    assert_eq!(e.name, "AGI(lookup.agi)");
    assert!(shown.contains("`AGI` is not imported"), "{shown}");
}

#[test]
fn goto_loops_without_steps_are_bounded() {
    let text = "[a]\nexten => s,1,Goto(s,2)\n same => n,Goto(s,1)\n";
    let (m, shown) = menu(text);
    assert_eq!(m.node(m.entry.node().unwrap()).id, "a.end");
    assert!(shown.contains("goes round more than"), "{shown}");
}

#[test]
fn unreached_contexts_and_the_entry_comment() {
    let text = "; ivrsim-entry: b\n[a]\nexten => s,1,Hangup()\n[b]\nexten => s,1,Playback(x)\n same => n,Hangup()\n";
    let (m, shown) = menu(text);
    assert_eq!(m.node(m.entry.node().unwrap()).id, "b");
    assert!(shown.contains("context `a` is not reached from the entry"), "{shown}");
}

#[test]
fn nothing_to_import() {
    let (m, shown, _) = import("[general]\nstatic=yes\n");
    assert!(m.is_none());
    assert!(shown.contains("error[E022]"), "{shown}");
}

#[test]
fn asterisk_sorts_patterns() {
    let mut v = vec!["_X.", "_[3-5]", "_NXX", "_7XXX", "_1!", "_X", "_ZX"];
    v.sort_by(|a, b| ext_cmp(a, b));
    // A pattern that ends sorts after one that goes on (`_X.` before `_X`).
    assert_eq!(v, ["_1!", "_7XXX", "_[3-5]", "_NXX", "_ZX", "_X.", "_X"]);
}

#[test]
fn time_lengths() {
    assert_eq!(timelen_ms("5"), Some(5000));
    assert_eq!(timelen_ms("2.5"), Some(2500));
    assert_eq!(timelen_ms("500ms"), Some(500));
    assert_eq!(timelen_ms("0"), None);
    assert_eq!(timelen_ms("abc"), None);
}

#[test]
fn a_playback_before_an_ending_is_its_prompt() {
    let text = "[p]\nexten => s,1,Background(menu)\n same => n,WaitExten(2)\nexten => 1,1,Playback(bye)\n same => n,Hangup()\nexten => 2,1,Playback(connecting)\n same => n,Set(QUEUE_PRIO=2)\n same => n,Queue(help)\nexten => 3,1,Playback(leave-message)\n same => n,VoiceMail(100)\nexten => 4,1,Playback(info)\n same => n,Goto(s,1)\n";
    let (m, _) = menu(text);
    let NodeKind::Hangup(h) = node(&m, "p.1") else { panic!() };
    assert_eq!(h.prompt.as_ref().unwrap().text, "[audio: bye]");
    let NodeKind::Transfer(t) = node(&m, "p.2") else {
        panic!()
    };
    assert_eq!(t.prompt.as_ref().unwrap().text, "[audio: connecting]");
    assert_eq!(t.priority.level(), 3);
    let NodeKind::External(e) = node(&m, "p.3") else {
        panic!()
    };
    assert_eq!(e.prompt.as_ref().unwrap().text, "[audio: leave-message]");
    let NodeKind::Message(msg) = node(&m, "p.4") else {
        panic!()
    };
    assert_eq!(target(&m, &msg.next), "p");
}

#[test]
fn a_playback_without_a_file_ends_the_call() {
    let (m, shown) = menu("[p]\nexten => s,1,Playback()\n same => n,Hangup()\n");
    assert!(matches!(node(&m, "p"), NodeKind::Hangup(_)));
    assert!(shown.contains("without a sound file fails"), "{shown}");
}

#[test]
fn the_end_of_an_extension_without_autofallthrough_is_reported() {
    let (m, shown) = menu("[general]\nautofallthrough=no\n[p]\nexten => s,1,Playback(x)\n");
    let NodeKind::Message(msg) = node(&m, "p") else {
        panic!()
    };
    assert_eq!(target(&m, &msg.next), "p.end");
    assert!(shown.contains("`autofallthrough=no`"), "{shown}");
}

#[test]
fn includes_give_options_and_special_extensions_in_the_calls_context() {
    let text = "[a]\ninclude => common\nexten => s,1,Background(menu)\n same => n,WaitExten(2)\nexten => 1,1,Hangup()\n[common]\nexten => 0,1,Queue(operators)\nexten => 1,1,Hangup()\nexten => i,1,Playback(invalid)\n same => n,Goto(s,1)\n";
    let (m, _) = menu(text);
    let NodeKind::Menu(a) = node(&m, "a") else { panic!() };
    let keys: Vec<&str> = a.options.iter().map(|o| o.key.as_str()).collect();
    // The context's own `1` hides the included one.
    assert_eq!(keys, ["1", "0"]);
    // The included `i` runs in the call's context: its `Goto(s,1)` is `a`'s `s`.
    assert_eq!(target(&m, a.listen.fallback_no_match.as_ref().unwrap()), "a.i");
    let NodeKind::Message(i) = node(&m, "a.i") else {
        panic!()
    };
    assert_eq!(target(&m, &i.next), "a");
}
