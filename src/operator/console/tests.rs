//! The console as a state machine, driven directly: queues, positions, tokens, transfer, conversation.

use super::*;
use crate::engine::HandoffReason;
use crate::menu::Priority;

fn console() -> Console {
    Console::new(ConsoleConfig {
        operator: "Sam".into(),
        name: "test".into(),
        dispositions: Vec::new(),
        max_waiting: Some(3),
        capacity: Default::default(),
        max_wait: Default::default(),
        token: Some("s3cret".into()),
        queues: Vec::new(),
    })
}

fn handoff(queue: &str, priority: Priority) -> Handoff {
    Handoff {
        node: "t".into(),
        queue: queue.into(),
        priority,
        reason: HandoffReason::Chosen,
        path: Vec::new(),
        variables: Default::default(),
        language: "en".into(),
        time_in_ivr: Duration::from_secs(10),
    }
}

fn drain(c: &mut Console) -> Vec<Output> {
    std::iter::from_fn(|| c.poll_output()).collect()
}

fn sent(out: &[Output], conn: ConnId) -> Vec<ToCaller> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send(c, m) if *c == conn => Some(m.clone()),
            _ => None,
        })
        .collect()
}

/// Connects `conn`, says hello with the token and joins `queue` at second `t`.
fn caller(c: &mut Console, conn: ConnId, t: u64, queue: &str, priority: Priority) -> Vec<Output> {
    c.connected(conn);
    let now = Duration::from_secs(t);
    c.message(
        now,
        conn,
        ToConsole::Hello {
            caller: format!("c{conn}"),
            token: Some("s3cret".into()),
        },
    );
    c.message(
        now,
        conn,
        ToConsole::Join {
            handoff: handoff(queue, priority),
        },
    );
    drain(c)
}

fn waiting(queue: &str, position: usize) -> ToCaller {
    ToCaller::Waiting {
        queue: queue.into(),
        position,
        staffed: true,
    }
}

#[test]
fn calls_are_answered_by_priority_then_arrival_and_positions_follow() {
    let mut c = console();
    let o = caller(&mut c, 1, 0, "reports", Priority::Normal);
    assert!(sent(&o, 1).contains(&waiting("reports", 1)));
    caller(&mut c, 2, 1, "reports", Priority::Normal);
    let o = caller(&mut c, 3, 2, "reports", Priority::Urgent);
    // The urgent call goes ahead: the two before it move back.
    assert_eq!(
        sent(&o, 3),
        vec![ToCaller::Welcome { console: "test".into() }, waiting("reports", 1)]
    );
    assert_eq!(sent(&o, 1), vec![waiting("reports", 2)]);
    assert_eq!(sent(&o, 2), vec![waiting("reports", 3)]);
    c.command(Duration::from_secs(5), ":answer");
    let o = drain(&mut c);
    assert_eq!(sent(&o, 3), vec![ToCaller::Answered { operator: "Sam".into() }]);
    assert_eq!(sent(&o, 1), vec![waiting("reports", 1)]);
    c.command(Duration::from_secs(6), ":end nope");
    assert!(c.active().is_some(), "an unknown code does not end the call");
    c.command(Duration::from_secs(7), ":end resolved");
    let o = drain(&mut c);
    assert!(sent(&o, 3).contains(&ToCaller::Ended {
        disposition: "resolved".into()
    }));
    assert!(o.iter().any(|o| matches!(o, Output::Record(r) if r["type"] == "call")));
    c.command(Duration::from_secs(8), ":answer");
    assert_eq!(
        sent(&drain(&mut c), 1),
        vec![ToCaller::Answered { operator: "Sam".into() }]
    );
}

#[test]
fn a_full_queue_refuses_and_a_hang_up_moves_the_others_up() {
    let mut c = console();
    for conn in 1..=3 {
        caller(&mut c, conn, conn, "q", Priority::Normal);
    }
    let o = caller(&mut c, 4, 4, "q", Priority::Normal);
    assert!(matches!(sent(&o, 4).last(), Some(ToCaller::Unavailable { .. })));
    c.message(Duration::from_secs(5), 1, ToConsole::Hangup);
    let o = drain(&mut c);
    assert_eq!(sent(&o, 2), vec![waiting("q", 1)]);
    assert_eq!(sent(&o, 3), vec![waiting("q", 2)]);
    c.gone(Duration::from_secs(6), 2, "closed the connection");
    assert_eq!(sent(&drain(&mut c), 3), vec![waiting("q", 1)]);
    assert_eq!(c.waiting(), 1);
}

#[test]
fn a_wrong_token_or_no_hello_closes_the_connection() {
    let mut c = console();
    c.connected(1);
    c.message(
        Duration::ZERO,
        1,
        ToConsole::Hello {
            caller: "x".into(),
            token: Some("guess".into()),
        },
    );
    let o = drain(&mut c);
    assert!(matches!(&sent(&o, 1)[0], ToCaller::Error { code, fatal: true, .. } if code == "token"));
    assert!(o.contains(&Output::Close(1)));
    c.connected(2);
    c.message(Duration::ZERO, 2, ToConsole::Say { text: "hi".into() });
    assert!(drain(&mut c).contains(&Output::Close(2)));
    // A bad line is an error reply; the connection stays.
    let _ = caller(&mut c, 3, 0, "q", Priority::Low);
    c.bad_message(3, "malformed", "not JSON".into());
    let o = drain(&mut c);
    assert!(matches!(&sent(&o, 3)[0], ToCaller::Error { fatal: false, .. }));
    assert!(!o.contains(&Output::Close(3)));
}

#[test]
fn transfer_puts_the_call_in_another_queue_with_its_record_and_logout_tells_the_waiting() {
    let mut c = console();
    caller(&mut c, 1, 0, "reports", Priority::High);
    c.command(Duration::from_secs(1), ":answer");
    c.command(Duration::from_secs(2), ":note where Harbour Road 14");
    c.command(Duration::from_secs(3), ":transfer national");
    let o = drain(&mut c);
    assert_eq!(sent(&o, 1).last(), Some(&waiting("national", 1)));
    assert!(c.active().is_none());
    let call = c.calls().values().find(|r| r.queue == "national").expect("moved");
    assert_eq!(call.notes, vec![("where".to_owned(), "Harbour Road 14".to_owned())]);
    assert_eq!(call.handoff.priority, Priority::High);
    c.command(Duration::from_secs(4), ":logout");
    let o = drain(&mut c);
    assert_eq!(
        sent(&o, 1),
        vec![ToCaller::Waiting {
            queue: "national".into(),
            position: 1,
            staffed: false
        }]
    );
    c.command(Duration::from_secs(5), ":answer");
    assert!(c.active().is_none(), "logged out: no answering");
}

#[test]
fn the_caller_and_the_call_taker_talk_and_a_lost_line_is_told() {
    let mut c = console();
    caller(&mut c, 1, 0, "q", Priority::Normal);
    c.message(Duration::from_secs(1), 1, ToConsole::Say { text: "early".into() });
    assert!(
        matches!(&sent(&drain(&mut c), 1)[0], ToCaller::Error { .. }),
        "nobody answered yet"
    );
    c.command(Duration::from_secs(2), ":answer");
    c.command(Duration::from_secs(3), "Where are you?");
    let o = drain(&mut c);
    assert!(sent(&o, 1).contains(&ToCaller::Say {
        text: "Where are you?".into()
    }));
    c.message(Duration::from_secs(4), 1, ToConsole::Say { text: "At home".into() });
    let o = drain(&mut c);
    assert!(o.contains(&Output::Show(vec!["  caller: At home".into()])));
    // Keys are shown as keys, apart from words; what is not a key is refused.
    c.message(Duration::from_secs(4), 1, ToConsole::Keys { keys: "5#".into() });
    let o = drain(&mut c);
    assert!(o.contains(&Output::Show(vec!["  caller pressed 5#".into()])), "{o:?}");
    c.message(Duration::from_secs(4), 1, ToConsole::Keys { keys: "5x".into() });
    assert!(matches!(&sent(&drain(&mut c), 1)[0], ToCaller::Error { code, fatal: false, .. } if code == "malformed"));
    let said = &c.calls()[&1].transcript;
    assert_eq!(said.last().map(|s| (s.text.as_str(), s.keys)), Some(("5#", true)));
    c.gone(Duration::from_secs(5), 1, "no word for 6 s");
    let o = drain(&mut c);
    assert!(
        o.iter()
            .any(|o| matches!(o, Output::Show(v) if v[0].contains("line was lost (no word for 6 s)"))),
        "{o:?}"
    );
    c.command(Duration::from_secs(6), ":end no_action");
    let rec = drain(&mut c)
        .into_iter()
        .find_map(|o| match o {
            Output::Record(r) => Some(r),
            _ => None,
        })
        .expect("record");
    assert_eq!(rec["end"], "lost");
    assert_eq!(rec["transcript"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        rec["transcript"][2],
        serde_json::json!({"at_ms": 4000, "who": "caller", "keys": "5#"})
    );
    assert_eq!(rec["transcript"][1]["text"], "At home");
}

fn shown(o: &[Output]) -> Vec<String> {
    o.iter()
        .filter_map(|o| match o {
            Output::Show(v) => Some(v.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn times_on_screen_follow_one_rule_and_the_wait_is_in_the_queue_the_call_is_in_now() {
    let mut c = console();
    let ms = Duration::from_millis;
    caller(&mut c, 1, 0, "reports", Priority::Normal);
    drain(&mut c);
    // Answered 1.5 s after joining: 0:02, as the scorecard rounds it (timing::duration_text).
    c.command(ms(1_500), ":answer");
    let o = shown(&drain(&mut c));
    assert!(o.contains(&"time waiting: 0:02".to_owned()), "{o:#?}");
    assert!(o.contains(&"language: en   time in IVR: 0:10".to_owned()), "{o:#?}");
    // Put back in another queue at 30 s, answered again at 40.4 s: the wait is the second one.
    c.command(ms(30_000), ":transfer national");
    c.command(ms(40_400), ":answer");
    let o = shown(&drain(&mut c));
    assert!(o.contains(&"time waiting: 0:10".to_owned()), "{o:#?}");
    c.command(ms(45_000), ":pop");
    let o = shown(&drain(&mut c));
    assert!(o.contains(&"time waiting: 0:10".to_owned()), "{o:#?}");
    // Handle time: from the first answer to `:end`, 44.6 s: 0:45.
    c.command(ms(46_100), ":end resolved");
    let o = shown(&drain(&mut c));
    assert!(
        o.iter().any(|l| l == "call 1 ended: resolved (handled in 0:45)"),
        "{o:#?}"
    );
}

/// A training call arriving at `arrival` seconds (and 10 s in the IVR).
fn scripted(name: &str, arrival: u64) -> (TrainingCall, Handoff) {
    let text = format!(
        "menu: m.yaml\nname: {name}\narrival: {arrival}s\nsteps: [{{ press: \"1\" }}]\n\
         persona: {{ name: {name}, mood: calm, patience: 10m }}\nopening: \"Hello.\"\n\
         facts: [{{ topic: where, keywords: [where], answer: \"Here.\" }}]\n\
         record: [{{ field: where, expect: [here] }}]\ndisposition: resolved\n"
    );
    let mut sources = crate::source::Sources::new();
    let (call, diags) =
        crate::operator::training::load_training_text(std::path::Path::new("t.yaml"), &text, &mut sources, &[]);
    let call = call.unwrap_or_else(|| panic!("{}", crate::diag::render_plain(&sources, &diags)));
    (call, handoff("general", Priority::Normal))
}

#[test]
fn an_idle_shift_shows_its_clock_and_when_the_next_call_comes() {
    let mut c = console();
    for (name, at) in [("Ada", 60), ("Bo", 200)] {
        let (call, h) = scripted(name, at);
        c.add_scripted(call, h);
    }
    let secs = Duration::from_secs;
    // Idle, nothing waiting: a line every 30 s of shift time. Ada joins at 70 s (60 + 10 in the IVR).
    assert_eq!(c.poll_timeout(), Some(secs(30)));
    c.handle_timeout(secs(30));
    assert_eq!(shown(&drain(&mut c)), ["shift 0:30 · next call in 0:40"]);
    c.handle_timeout(secs(60));
    assert_eq!(shown(&drain(&mut c)), ["shift 1:00 · next call in 0:10"]);
    // Enter on an empty line, or `:queue`, shows it too.
    c.command(secs(65), "");
    assert_eq!(shown(&drain(&mut c)), ["shift 1:05 · next call in 0:05"]);
    c.command(secs(66), ":queue");
    let o = shown(&drain(&mut c));
    assert_eq!(o[0], "shift 1:06 · next call in 0:04", "{o:#?}");
    // A call waiting or taken: no ticks.
    c.handle_timeout(secs(70));
    drain(&mut c);
    assert_eq!(
        c.poll_timeout(),
        Some(secs(210)),
        "Bo joining next: no status line while Ada waits"
    );
    c.command(secs(80), ":answer");
    drain(&mut c);
    c.command(secs(100), ":end resolved");
    let o = shown(&drain(&mut c));
    // Idle again: the status follows the call's end, and ticks resume from there.
    assert_eq!(
        o.last().map(String::as_str),
        Some("shift 1:40 · next call in 1:50"),
        "{o:#?}"
    );
    assert_eq!(c.poll_timeout(), Some(secs(130)));
}

#[test]
fn the_console_screen_pop_is_the_ivrs_with_the_call_its_queue_now_its_wait_and_notes() {
    let mut c = console();
    let ms = Duration::from_millis;
    c.connected(1);
    c.message(
        ms(0),
        1,
        ToConsole::Hello {
            caller: "Ada\u{1b}[2J".into(),
            token: Some("s3cret".into()),
        },
    );
    let mut h = handoff("reports", Priority::High);
    h.variables.insert("member".into(), "4471".into());
    h.variables.insert("zip".into(), "02\n139".into());
    c.message(ms(0), 1, ToConsole::Join { handoff: h });
    drain(&mut c);
    c.command(ms(1_500), ":answer");
    let first = shown(&drain(&mut c));
    c.command(ms(2_000), ":note where 12 Main St");
    c.command(ms(30_000), ":transfer national");
    c.command(ms(40_400), ":answer");
    drain(&mut c);
    c.command(ms(45_000), ":pop");
    let pop = shown(&drain(&mut c));
    assert_eq!(
        first,
        [
            "",
            "=== call 1 from Ada?[2J: screen pop ===",
            "queue: reports   priority: high   reason: chosen",
            "language: en   time in IVR: 0:10",
            "time waiting: 0:02",
            "collected:",
            "  member = 4471",
            "  zip = 02?139",
            "path:",
            "(type to speak to the caller; `:note FIELD TEXT`, `:end DISPOSITION`)",
        ],
        "{first:#?}"
    );
    assert_eq!(
        pop,
        [
            "",
            "=== call 1 from Ada?[2J: screen pop ===",
            "queue: reports   priority: high   reason: chosen",
            "now in: national (put back by a call-taker; the IVR sent it to reports)",
            "language: en   time in IVR: 0:10",
            "time waiting: 0:10",
            "collected:",
            "  member = 4471",
            "  zip = 02?139",
            "path:",
            "notes:",
            "  where: 12 Main St",
            "(type to speak to the caller; `:note FIELD TEXT`, `:end DISPOSITION`)",
        ],
        "{pop:#?}"
    );
}

/// A training caller waiting in a queue with the menu's `max_wait` (2 min) leaves it then,
/// before its patience (10 min) runs out: the IVR's plan takes the call (`left`).
#[test]
fn a_training_caller_leaves_a_queue_at_its_max_wait() {
    let mut c = Console::new(ConsoleConfig {
        operator: "Sam".into(),
        name: "test".into(),
        max_wait: [("general".to_owned(), Duration::from_secs(120))].into(),
        ..ConsoleConfig::default()
    });
    let (call, h) = scripted("Ada", 60);
    c.add_scripted(call, h);
    let secs = Duration::from_secs;
    c.handle_timeout(secs(70));
    drain(&mut c);
    c.command(secs(71), ":logout");
    drain(&mut c);
    c.handle_timeout(secs(189));
    assert!(!shown(&drain(&mut c)).iter().any(|l| l.contains("left")));
    c.handle_timeout(secs(190));
    let o = shown(&drain(&mut c));
    assert!(
        o.iter()
            .any(|l| l
                .starts_with("call 1 left `general` after 2:00: the caller waited the queue's longest wait (2:00)")),
        "{o:#?}"
    );
}
