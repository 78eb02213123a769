//! `ivrsim operator`, end to end: the real console binary on an ephemeral loopback port,
//! scripted through its stdin pipe (virtual clock), with callers as raw TCP clients speaking
//! the protocol and joining with handoff records of real calls on the hotline menu.

use ivrsim::menu::Priority;
use ivrsim::operator::protocol::{ToCaller, ToConsole};

use crate::desk::{Console, HOTLINE, RawCaller, RealCaller, WAIT, error_of, handoff, waiting_of};
use crate::support::{Dir, SHORT_PROMPTS};

/// A normal call to the `reports` queue (suspicious activity).
fn reports() -> ivrsim::engine::Handoff {
    handoff("12")
}

/// An urgent call to the `urgent` queue ("happening now").
fn urgent() -> ivrsim::engine::Handoff {
    handoff("11")
}

/// The call number in the console's screen pop header (`=== call 3 from NAME: screen pop ===`).
fn answered_call(c: &mut Console) -> (u64, String) {
    let line = c.expect(": screen pop ===");
    let rest = line.strip_prefix("=== call ").expect("screen pop header");
    let (id, rest) = rest.split_once(" from ").expect("from");
    let name = rest.strip_suffix(": screen pop ===").expect("suffix");
    (id.parse().expect("call number"), name.to_owned())
}

/// The calls `:queue` lists (a row per call, with its IVR path): number and queue, in order.
fn waiting_calls(queue: &[String]) -> Vec<(u64, String)> {
    queue
        .iter()
        .filter(|l| l.contains(" → "))
        .map(|l| {
            let mut words = l.split_whitespace().skip_while(|w| w.parse::<u64>().is_err());
            let id = words.next().expect("a call number").parse().unwrap();
            (id, words.next().expect("a queue").to_owned())
        })
        .collect()
}

#[test]
fn the_real_handoffs_are_what_the_tests_expect() {
    let (r, u) = (reports(), urgent());
    assert_eq!((r.queue.as_str(), r.priority), ("reports", Priority::Normal));
    assert_eq!((u.queue.as_str(), u.priority), ("urgent", Priority::Urgent));
    assert_eq!(u.node, "urgent_transfer");
    assert!(u.path.len() > 3, "{:?}", u.path);
}

#[test]
fn hello_is_welcomed_with_the_consoles_name() {
    let c = Console::start(&[]);
    let mut caller = RawCaller::connect(&c.addr);
    caller.send(&ToConsole::Hello {
        caller: "Alice".into(),
        token: None,
    });
    assert_eq!(
        caller.recv(),
        ToCaller::Welcome {
            console: HOTLINE.into()
        }
    );
    // A second hello is refused, but not fatally.
    caller.send(&ToConsole::Hello {
        caller: "Alice".into(),
        token: None,
    });
    assert_eq!(error_of(&caller.recv()), ("unexpected", false));
    // Anything before hello is refused and the connection closed.
    let mut early = RawCaller::connect(&c.addr);
    early.send(&ToConsole::Join { handoff: reports() });
    let msgs = early.expect_eof(WAIT);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(error_of(&msgs[0]), ("unexpected", true));
}

#[test]
fn calls_are_answered_by_priority_then_arrival() {
    let mut c = Console::start(&[]);
    let (mut first, w) = RawCaller::join(&c.addr, "first normal", reports());
    assert_eq!(waiting_of(&w), ("reports", 1, true));
    c.expect("call 1 waits in `reports` (normal, chosen) at position 1: first normal: welcome → main_menu");
    let (mut urgent_caller, w) = RawCaller::join(&c.addr, "urgent", urgent());
    assert_eq!(waiting_of(&w), ("urgent", 1, true));
    c.expect("call 2 waits in `urgent` (urgent, chosen) at position 1: urgent:");
    let (mut second, w) = RawCaller::join(&c.addr, "second normal", reports());
    assert_eq!(waiting_of(&w), ("reports", 2, true));
    c.expect("call 3 waits in `reports` (normal, chosen) at position 2: second normal:");

    let queue = c.queue();
    let mut listed = waiting_calls(&queue);
    listed.sort();
    assert_eq!(
        listed,
        [(1, "reports".into()), (2, "urgent".into()), (3, "reports".into())],
        "{queue:?}"
    );

    let mut order = Vec::new();
    for _ in 0..3 {
        c.run(":answer");
        order.push(answered_call(&mut c));
        c.run(":end no_action");
        c.expect("ended: no_action");
    }
    let names: Vec<&str> = order.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["urgent", "first normal", "second normal"]);
    assert_eq!(order.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [2, 1, 3]);

    let answered = ToCaller::Answered {
        operator: "the call-taker".into(),
    };
    let ended = ToCaller::Ended {
        disposition: "no_action".into(),
    };
    for caller in [&mut urgent_caller, &mut first] {
        assert_eq!([caller.recv(), caller.recv()], [answered.clone(), ended.clone()]);
    }
    // The second normal caller moved up to position 1 once the first one was answered.
    let moved = ToCaller::Waiting {
        queue: "reports".into(),
        position: 1,
        staffed: true,
    };
    assert_eq!([second.recv(), second.recv(), second.recv()], [moved, answered, ended]);
    c.run(":queue");
    c.expect("no calls waiting");
}

#[test]
fn positions_move_up_as_calls_ahead_are_answered() {
    let mut c = Console::start(&["--name", "Dana"]);
    let (mut a, w) = RawCaller::join(&c.addr, "A", reports());
    assert_eq!(waiting_of(&w), ("reports", 1, true));
    c.expect("call 1 waits");
    let (mut b, w) = RawCaller::join(&c.addr, "B", reports());
    assert_eq!(waiting_of(&w), ("reports", 2, true));
    c.expect("call 2 waits");
    // An urgent call in the same queue goes ahead of both.
    let mut h = reports();
    h.priority = Priority::Urgent;
    let (mut u, w) = RawCaller::join(&c.addr, "U", h);
    assert_eq!(waiting_of(&w), ("reports", 1, true));
    c.expect("call 3 waits in `reports` (urgent, chosen) at position 1");
    assert_eq!(waiting_of(&a.recv()), ("reports", 2, true));
    assert_eq!(waiting_of(&b.recv()), ("reports", 3, true));

    c.run(":answer");
    assert_eq!(answered_call(&mut c), (3, "U".to_owned()));
    assert_eq!(
        u.recv(),
        ToCaller::Answered {
            operator: "Dana".into()
        }
    );
    assert_eq!(waiting_of(&a.recv()), ("reports", 1, true));
    assert_eq!(waiting_of(&b.recv()), ("reports", 2, true));
    c.run(":end no_action");
    assert_eq!(
        u.recv(),
        ToCaller::Ended {
            disposition: "no_action".into()
        }
    );

    c.run(":answer 2"); // by number, out of turn: A stays first
    assert_eq!(answered_call(&mut c), (2, "B".to_owned()));
    assert_eq!(
        b.recv(),
        ToCaller::Answered {
            operator: "Dana".into()
        }
    );
    a.expect_quiet(std::time::Duration::from_millis(300));
}

#[test]
fn a_caller_who_hangs_up_or_drops_while_waiting_leaves_and_the_others_move_up() {
    let mut c = Console::start(&[]);
    let (a, _) = RawCaller::join(&c.addr, "A", reports());
    c.expect("call 1 waits");
    let (mut b, _) = RawCaller::join(&c.addr, "B", reports());
    c.expect("call 2 waits");
    let (mut d, _) = RawCaller::join(&c.addr, "D", reports());
    c.expect("call 3 waits");
    c.run(":wait 5s");

    let mut a = a;
    a.send(&ToConsole::Hangup);
    c.expect("call 1 left `reports` after 0:05: the caller hung up");
    assert_eq!(waiting_of(&b.recv()), ("reports", 1, true));
    assert_eq!(waiting_of(&d.recv()), ("reports", 2, true));

    b.close(); // no word: the socket just closes
    c.expect("call 2 left `reports` after 0:05: the caller's line was lost (closed the connection)");
    assert_eq!(waiting_of(&d.recv()), ("reports", 1, true));

    let queue = c.queue();
    assert_eq!(waiting_calls(&queue), [(3, "reports".to_owned())], "{queue:?}");

    assert!(c.quit().success());
    let records = c.records();
    let ends: Vec<(u64, &str)> = records
        .iter()
        .map(|r| (r["id"].as_u64().unwrap(), r["end"].as_str().unwrap()))
        .collect();
    assert_eq!(ends, [(1, "abandoned"), (2, "lost"), (3, "console_closed")]);
    assert_eq!(
        d.expect_eof(WAIT),
        [ToCaller::Unavailable {
            why: "the call-taker's console closed".into()
        }]
    );
}

#[test]
fn transfer_puts_the_call_in_another_queue_with_its_record() {
    let mut c = Console::start(&[]);
    let (mut caller, _) = RawCaller::join(&c.addr, "Eve", reports());
    c.expect("call 1 waits");
    c.run(":answer");
    assert!(matches!(caller.recv(), ToCaller::Answered { .. }));
    caller.send(&ToConsole::Say {
        text: "I live in the north".into(),
    });
    c.expect("  caller: I live in the north");
    c.run(":note region north");
    c.expect("noted region");
    c.run(":transfer national");
    c.expect("call 1 now waits in `national`, with its record and notes");
    assert_eq!(waiting_of(&caller.recv()), ("national", 1, true));

    let queue = c.queue();
    assert_eq!(waiting_calls(&queue), [(1, "national".to_owned())], "{queue:?}");
    c.run(":answer");
    c.expect("=== call 1 from Eve: screen pop ===");
    assert!(matches!(caller.recv(), ToCaller::Answered { .. }));
    c.run(":end referred_to_region");
    assert_eq!(
        caller.recv(),
        ToCaller::Ended {
            disposition: "referred_to_region".into()
        }
    );
    assert!(c.quit().success());
    let records = c.records();
    assert_eq!(records.len(), 1, "{records:?}");
    let r = &records[0];
    assert_eq!(r["id"], 1, "the call keeps its number");
    assert_eq!(r["queue"], "national");
    assert_eq!(r["handoff"]["queue"], "reports", "the IVR's record travels unchanged");
    assert_eq!(r["notes"], serde_json::json!([["region", "north"]]));
    let said: Vec<&str> = r["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(said, ["I live in the north", "(transferred to `national`)"]);
    assert_eq!(r["disposition"], "referred_to_region");
}

#[test]
fn a_full_queue_answers_unavailable() {
    let mut c = Console::start(&["--max-waiting", "1"]);
    let (_a, w) = RawCaller::join(&c.addr, "A", reports());
    assert_eq!(waiting_of(&w), ("reports", 1, true));
    c.expect("call 1 waits");
    let mut b = RawCaller::hello(&c.addr, "B");
    b.send(&ToConsole::Join { handoff: reports() });
    match b.recv() {
        ToCaller::Unavailable { why } => assert_eq!(why, "the queue `reports` is full (1 waiting)"),
        other => panic!("expected unavailable, got {other:?}"),
    }
    // The limit is per queue: the urgent queue still has room.
    let (_u, w) = RawCaller::join(&c.addr, "U", urgent());
    assert_eq!(waiting_of(&w), ("urgent", 1, true));
    c.expect("call 2 waits in `urgent`");
}

#[test]
fn logout_tells_waiting_callers_nobody_is_staffed() {
    let mut c = Console::start(&[]);
    let (mut a, _) = RawCaller::join(&c.addr, "A", reports());
    c.expect("call 1 waits");
    c.run(":logout");
    c.expect("logged out: waiting and new callers are told no call-taker is logged in");
    assert_eq!(waiting_of(&a.recv()), ("reports", 1, false));
    c.run(":answer");
    c.expect("! logged out: `:login` first");
    let (mut b, w) = RawCaller::join(&c.addr, "B", reports());
    assert_eq!(waiting_of(&w), ("reports", 2, false));
    c.run(":login");
    c.expect("logged in: taking calls");
    assert_eq!(waiting_of(&a.recv()), ("reports", 1, true));
    assert_eq!(waiting_of(&b.recv()), ("reports", 2, true));
}

#[test]
fn a_conversation_with_notes_is_logged_when_it_ends() {
    let mut c = Console::start(&["--name", "Sam"]);
    let (mut caller, _) = RawCaller::join(&c.addr, "Frank", urgent());
    c.expect("call 1 waits in `urgent`");
    c.run(":answer");
    c.expect("=== call 1 from Frank: screen pop ===");
    assert_eq!(caller.recv(), ToCaller::Answered { operator: "Sam".into() });
    c.run("Hotline, what is happening?");
    assert_eq!(
        caller.recv(),
        ToCaller::Say {
            text: "Hotline, what is happening?".into()
        }
    );
    caller.send(&ToConsole::Say {
        text: "A fire at Harbour Road 14".into(),
    });
    c.expect("  caller: A fire at Harbour Road 14");
    c.run(":hold");
    assert_eq!(caller.recv(), ToCaller::Held);
    c.run(":resume");
    assert_eq!(caller.recv(), ToCaller::Resumed);
    c.run(":note where Harbour Road 14");
    c.expect("noted where");
    c.run(":note what fire");
    c.run(":wait 40s");
    c.run(":end report_taken");
    c.expect("call 1 ended: report_taken (handled in 1:00)");
    assert_eq!(
        caller.recv(),
        ToCaller::Ended {
            disposition: "report_taken".into()
        }
    );
    assert!(c.quit().success());

    let records = c.records();
    assert_eq!(records.len(), 1, "{records:?}");
    let r = &records[0];
    assert_eq!(r["type"], "call");
    assert_eq!(r["caller"], "Frank");
    assert_eq!(r["queue"], "urgent");
    assert_eq!(r["state"], "ended");
    assert_eq!(r["end"], "completed");
    assert_eq!(r["disposition"], "report_taken");
    // Virtual time: every line typed takes 0.2 s a character (at least 1 s), `:wait` its time.
    assert_eq!(r["answered_ms"], 1_400, "`:answer` is 7 characters");
    let typed: u64 = [
        "Hotline, what is happening?",
        ":hold",
        ":resume",
        ":note where Harbour Road 14",
        ":note what fire",
        ":end report_taken",
    ]
    .iter()
    .map(|l| (l.chars().count() as u64 * 200).max(1000))
    .sum();
    assert_eq!(r["ended_ms"], 1_400 + typed + 40_000);
    assert_eq!(
        r["notes"],
        serde_json::json!([["where", "Harbour Road 14"], ["what", "fire"]])
    );
    let said: Vec<(&str, &str)> = r["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["who"].as_str().unwrap(), s["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        said,
        [
            ("call-taker", "Hotline, what is happening?"),
            ("caller", "A fire at Harbour Road 14"),
            ("call-taker", "(on hold)"),
            ("call-taker", "(off hold)"),
        ]
    );
    assert_eq!(r["handoff"]["node"], "urgent_transfer");
    assert_eq!(r["handoff"]["priority"], "urgent");
}

#[test]
fn a_token_is_required_off_loopback() {
    let dir = Dir::new();
    let menu = crate::support::root().join("menus/hotline.yaml");
    let out = dir.ivrsim(&["operator", menu.to_str().unwrap(), "--listen", "0.0.0.0:0"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("give --token SECRET"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn a_missing_or_wrong_token_is_refused_and_the_connection_closed() {
    let mut c = Console::start(&["--token", "s3cret"]);
    for token in [None, Some("guess")] {
        let mut caller = RawCaller::connect(&c.addr);
        caller.send(&ToConsole::Hello {
            caller: "mallory".into(),
            token: token.map(Into::into),
        });
        let msgs = caller.expect_eof(WAIT);
        assert_eq!(msgs.len(), 1, "{token:?}: {msgs:?}");
        assert_eq!(error_of(&msgs[0]), ("token", true), "{token:?}");
    }
    let mut ok = RawCaller::connect(&c.addr);
    ok.send(&ToConsole::Hello {
        caller: "alice".into(),
        token: Some("s3cret".into()),
    });
    assert!(matches!(ok.recv(), ToCaller::Welcome { .. }));
    ok.send(&ToConsole::Join { handoff: reports() });
    assert_eq!(waiting_of(&ok.recv()), ("reports", 1, true));
    c.expect("call 1 waits in `reports` (normal, chosen) at position 1: alice:");
}

#[test]
fn end_with_an_unknown_code_lists_the_codes_and_keeps_the_call() {
    let mut c = Console::start(&[]);
    let (mut caller, _) = RawCaller::join(&c.addr, "A", reports());
    c.expect("call 1 waits");
    c.run(":answer");
    assert!(matches!(caller.recv(), ToCaller::Answered { .. }));
    c.run(":end report_takn");
    c.expect("! `report_takn` is not a disposition code; did you mean `report_taken`?");
    c.expect_line("`:end CODE` with one of:");
    let codes = crate::support::hotline_dispositions();
    assert_eq!(codes.len(), 7, "{codes:?}");
    for code in codes {
        c.expect_by(&code, |l| l.trim_start().starts_with(code.as_str()));
    }
    caller.expect_quiet(std::time::Duration::from_millis(300));
    c.run(":end");
    c.expect_line("`:end CODE` with one of:");
    c.run(":end case_updated");
    c.expect("call 1 ended: case_updated");
    assert_eq!(
        caller.recv(),
        ToCaller::Ended {
            disposition: "case_updated".into()
        }
    );
}

#[test]
fn leaving_the_queue_and_callback_requests_are_shown_and_logged() {
    let mut c = Console::start(&[]);
    let (mut a, _) = RawCaller::join(&c.addr, "A", reports());
    c.expect("call 1 waits");
    let (mut b, _) = RawCaller::join(&c.addr, "B", reports());
    c.expect("call 2 waits");
    // The IVR takes call 1 back (its `when_no_operator` plan), then asks for a callback.
    a.send(&ToConsole::Leave {
        reason: "waited too long".into(),
    });
    c.expect("call 1 left its queue: waited too long");
    assert_eq!(waiting_of(&b.recv()), ("reports", 1, true));
    a.send(&ToConsole::Callback {
        queue: "reports".into(),
        number: "+31 (0)20 555-0100".into(),
        priority: None,
        variables: Default::default(),
    });
    c.expect("callback requested by A for `reports`: 310205550100");
    // A caller with no call yet can ask for one too.
    let mut d = RawCaller::hello(&c.addr, "D");
    d.send(&ToConsole::Callback {
        queue: "urgent".into(),
        number: "0612345678".into(),
        priority: Some(ivrsim::menu::Priority::High),
        variables: Default::default(),
    });
    c.expect("callback requested by D for `urgent`: 0612345678 (high priority)");
    let queue = c.queue();
    assert!(queue.contains(&"callback requests: 2".to_owned()), "{queue:?}");
    assert!(c.quit().success());
    let kinds: Vec<(String, String)> = c
        .records()
        .iter()
        .map(|r| {
            let what = r["end"].as_str().or(r["number"].as_str()).unwrap_or_default();
            (r["type"].as_str().unwrap().to_owned(), what.to_owned())
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("call".to_owned(), "left".to_owned()),
            ("callback".to_owned(), "310205550100".to_owned()),
            ("callback".to_owned(), "0612345678".to_owned()),
            ("call".to_owned(), "console_closed".to_owned()),
        ]
    );
}

#[test]
fn a_real_caller_and_the_call_taker_talk_and_the_hang_up_reaches_the_console() {
    let mut c = Console::start(&["--name", "Sam"]);
    let mut caller = crate::desk::RealCaller::start(&c.addr, "Hana");
    caller.reach("2"); // suspicious activity: the reports queue
    c.out
        .expect_within(std::time::Duration::from_secs(60), "the call", &c.stderr(), |l| {
            l.contains("call 1 waits in `reports` (normal, chosen) at position 1: Hana:")
        });
    caller.expect("You are number 1 in the queue");
    c.run(":answer");
    caller.expect("Sam answered");
    c.run("Hello, what did you see?");
    caller.expect("call-taker: Hello, what did you see?");
    caller.type_line("someone broke into the shed");
    c.expect("  caller: someone broke into the shed");
    // Keys reach the call-taker as keys (DTMF), not as words.
    caller.type_line("5");
    caller.expect("you pressed 5: the call-taker sees the keys");
    c.expect("  caller pressed 5");
    c.run(":hold");
    caller.expect("put on hold by the call-taker");
    caller.type_line("hello?");
    caller.expect("you are on hold: the call-taker cannot hear you");
    c.run(":resume");
    caller.expect("off hold");
    caller.type_line(":quit");
    c.expect("! call 1: the caller hung up: wrap the call up with `:end DISPOSITION`");
    assert!(caller.wait_exit().success());
    c.run(":end report_taken");
    assert!(c.quit().success());
    let rec = c.records().into_iter().find(|r| r["type"] == "call").expect("the call");
    assert_eq!(rec["end"], "hung_up", "{rec:#}");
    assert_eq!(rec["disposition"], "report_taken");
    assert_eq!(rec["caller"], "Hana");
    let keys: Vec<_> = rec["transcript"]
        .as_array()
        .expect("a transcript")
        .iter()
        .filter(|l| l["keys"] == "5")
        .collect();
    assert_eq!(keys.len(), 1, "{rec:#}");
    assert_eq!(keys[0]["who"], "caller");
    assert!(keys[0].get("text").is_none(), "{rec:#}");
}

#[test]
fn a_caller_who_could_not_reach_the_console_is_taken_when_it_starts() {
    // A free port, with nobody listening on it yet.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").to_string()
    };
    let mut caller = crate::desk::RealCaller::start(&addr, "Ivo");
    caller.reach("2");
    caller.expect("cannot reach a call-taker console");
    // The hotline's plan is `hold` for 3 minutes: the caller holds and the line tries again.
    let mut c = Console::start_on(&addr, &[]);
    c.out
        .expect_within(std::time::Duration::from_secs(30), "the call", &c.stderr(), |l| {
            l.contains("call 1 waits in `reports`")
        });
    caller.expect("reached the call-taker console");
    c.run(":answer");
    caller.expect("answered");
    c.run(":end report_taken");
    caller.expect("the call-taker ended the call (report_taken)");
    assert!(c.quit().success());
}

/// The path lines of a screen pop (`  1.2 s  main_menu  key 1`): time, node, event.
fn path_steps(lines: &[String]) -> Vec<(String, String, String)> {
    lines
        .iter()
        .filter_map(|l| {
            let (time, rest) = l.trim().split_once(" s ")?;
            time.parse::<f64>().ok()?;
            let (node, event) = rest.trim().split_once(char::is_whitespace)?;
            Some((time.to_owned(), node.to_owned(), event.trim().to_owned()))
        })
        .collect()
}

/// `call --operator` from a pipe follows the pipe's rules in real time: a line read at once
/// waits for the caller's turn (the prompts playing have ended), so the key is pressed in
/// the menu after the welcome, and the screen pop has the times of a caller who listened.
#[test]
fn a_piped_caller_on_the_operator_line_hears_each_prompt_to_its_end() {
    piped_caller_on_the_operator_line(&[]);
}

/// As [`a_piped_caller_on_the_operator_line_hears_each_prompt_to_its_end`], the clock
/// waiting for each line (an empty line skips to the next time-out, never to the call's
/// maximum length).
#[test]
fn a_piped_caller_without_time_outs_hears_each_prompt_to_its_end() {
    piped_caller_on_the_operator_line(&["--no-timeouts"]);
}

fn piped_caller_on_the_operator_line(extra: &[&str]) {
    let mut c = Console::start(&[]);
    let dir = Dir::new();
    let menu = dir.write("short.yaml", SHORT_PROMPTS);
    let menu = menu.to_str().expect("a UTF-8 path");
    let mut caller = RealCaller::start_with(
        &[
            &[
                "call",
                menu,
                "--mute",
                "--at",
                "2026-03-02T10:00",
                "--caller",
                "Piper",
                "--operator",
                &c.addr,
            ],
            extra,
        ]
        .concat(),
    );
    caller.type_line("1"); // read at once, during the welcome
    caller.expect("=== handed to an operator");
    caller.expect("path:");
    caller.expect("  operator ");
    let steps = path_steps(&caller.out.seen);
    assert!(
        steps.contains(&("1.2".into(), "main_menu".into(), "key 1".into())),
        "{:#?}",
        caller.out.seen
    );
    assert!(
        !caller.out.seen.iter().any(|l| l.contains("type-ahead")),
        "{:#?}",
        caller.out.seen
    );
    c.expect("call 1 waits in `reports` (normal, chosen) at position 1: Piper: welcome → main_menu → operator");
    c.run(":answer");
    c.expect("=== call 1 from Piper: screen pop ===");
    let pop = c.expect_by("the screen pop's last path step", |l| {
        l.contains(" operator ") && l.contains(" s ")
    });
    let from = c
        .out
        .seen
        .iter()
        .position(|l| l == "=== call 1 from Piper: screen pop ===")
        .expect("the pop");
    let console_steps = path_steps(&c.out.seen[from..]);
    assert!(
        console_steps
            .iter()
            .any(|(t, node, _)| t != "0.0" && node == "main_menu"),
        "{pop}\n{:#?}",
        &c.out.seen[from..]
    );
    assert!(
        console_steps.iter().any(|(t, _, _)| t != "0.0"),
        "{:#?}",
        &c.out.seen[from..]
    );
    // Talking with the call-taker, an empty line has no time-out to wait for: the words after
    // it come at once.
    caller.expect("the call-taker answered");
    caller.type_line("");
    caller.type_line("Hello, this is Piper");
    c.expect("Hello, this is Piper");
    c.run(":end no_action");
    caller.expect("the call-taker ended the call (no_action)");
}
