//! Opening hours in `check` (issue 13): W023 per period of the week and per dated exception,
//! `check --at DATETIME` for one moment, and schedules with holidays and special hours.

use std::collections::BTreeSet;

use crate::check_codes::codes_in;
use crate::support::{self, Dir};

const FIXTURE: &str = "W023-no-operator-at-night-and-on-holidays.yaml";

fn check_fixture(args: &[&str]) -> support::Output {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.push(FIXTURE);
    support::run_in(&support::root().join("tests/fixtures/check"), &all)
}

#[test]
fn at_a_closed_moment_the_findings_speak_of_it() {
    // Christmas Day, a Friday: the desk is closed, so nothing leads to a person.
    let out = check_fixture(&["--at", "2026-12-25T10:00"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["E014".into(), "W001".into()]));
    assert!(
        out.stdout
            .contains("note: at 2026-12-25 10:00 (fri, `--at`): only the routes that can be taken then count"),
        "{}",
        out.stdout
    );
    // 24 December: open in the morning, closed from noon (special hours).
    assert_eq!(check_fixture(&["--at", "2026-12-24T11:59"]).code, 0);
    assert_eq!(check_fixture(&["--at", "2026-12-24T12:00"]).code, 1);
    // A Wednesday morning: open; W023 is not looked for at one moment, only the moment's W001
    // (the closed message cannot be reached then).
    let open = check_fixture(&["--at", "2026-12-23T10:00"]);
    assert_eq!(open.code, 0, "{}", open.stdout);
    assert_eq!(codes_in(&open.stdout), BTreeSet::from(["W001".into()]));
}

#[test]
fn at_takes_the_syntax_of_call_at() {
    for bad in ["2026-12-25T10:00Z", "tomorrow", "+2026-12-25T10:00"] {
        let out = check_fixture(&["--at", bad]);
        assert_eq!(out.code, 2, "--at {bad}: {}{}", out.stdout, out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_closed_branch_that_leads_to_a_person_is_no_finding() {
    // The bundled clinic sends callers to the on-call nurse out of hours.
    let out = support::ivrsim(&["check", "menus/clinic.yaml"]);
    assert!(!codes_in(&out.stdout).contains("W023"), "{}", out.stdout);
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        r#"
name: T
entry: r
defaults: { when_no_operator: { action: message, prompt: { text: "busy" } } }
schedules:
  desk:
    weekly: [{ days: mon-fri, from: "08:00", to: "18:00" }]
    closed: ["2026-12-25"]
nodes:
  r:
    kind: route
    routes:
      - { when: { hours: desk }, to: desk }
    default: nurse
  desk: { kind: transfer, queue: desk }
  nurse: { kind: transfer, queue: nurse }
"#,
    );
    let out = dir.ivrsim(&["check", "-D", "menu.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn other_tests_of_a_branch_still_go_either_way_and_a_sure_branch_hides_the_rest() {
    let dir = Dir::new();
    let menu = |first: &str| {
        format!(
            r#"
name: T
entry: r
defaults: {{ when_no_operator: {{ action: message, prompt: {{ text: "busy" }} }} }}
schedules:
  desk: [{{ days: mon-sun, from: "08:00", to: "18:00" }}]
nodes:
  r:
    kind: route
    routes:
      - {{ when: {first}, to: closed }}
    default: desk
  desk: {{ kind: transfer, queue: desk }}
  closed: {{ kind: hangup }}
"#
        )
    };
    // `hours` alone: while open the first branch is taken for sure, so `default` cannot be.
    dir.write("sure.yaml", menu("{ hours: desk }"));
    let out = dir.ivrsim(&["check", "sure.yaml"]);
    assert!(
        out.stdout
            .contains("from `r`, every day 08:00–18:00: no way to a person"),
        "{}",
        out.stdout
    );
    // With a variable beside it, the branch may fail and `default` may be taken.
    dir.write("either.yaml", menu("{ hours: desk, var: vip, equals: \"1\" }"));
    let out = dir.ivrsim(&["check", "either.yaml"]);
    assert!(!codes_in(&out.stdout).contains("W023"), "{}", out.stdout);
}

#[test]
fn the_list_form_and_the_mapping_form_are_one_schedule() {
    let dir = Dir::new();
    let menu = |sched: &str| {
        format!(
            "name: T\nentry: r\ndefaults: {{ when_no_operator: {{ action: message, prompt: {{ text: \"busy\" }} }} }}\n\
             schedules:\n  desk: {sched}\nnodes:\n  r: {{ kind: route, routes: [{{ when: {{ hours: desk }}, to: desk }}], default: bye }}\n  \
             desk: {{ kind: transfer, queue: desk }}\n  bye: {{ kind: hangup }}\n"
        )
    };
    dir.write("list.yaml", menu("[{ days: mon-fri, from: \"08:00\", to: \"18:00\" }]"));
    dir.write(
        "map.yaml",
        menu("{ weekly: [{ days: mon-fri, from: \"08:00\", to: \"18:00\" }] }"),
    );
    let (list, map) = (dir.ivrsim(&["check", "list.yaml"]), dir.ivrsim(&["check", "map.yaml"]));
    assert_eq!(
        list.stdout.replace("list.yaml", "F"),
        map.stdout.replace("map.yaml", "F")
    );
    assert!(
        list.stdout
            .contains("from `r`, mon-fri before 08:00 and from 18:00; sat-sun all day: no way to a person"),
        "{}",
        list.stdout
    );
}

#[test]
fn generate_reaches_branches_open_only_on_a_dated_exception() {
    let dir = support::root().join("tests/fixtures/hours");
    let out = support::run_in(&dir, &["scenarios", "generate", "holiday-desk.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("start: { at: 2026-12-24T08:00 }"), "{}", out.stdout);
    assert!(out.stdout.contains("queue: \"holiday\""), "{}", out.stdout);
    assert!(out.stdout.contains("start: { at: 2026-12-25T00:00 }"), "{}", out.stdout);
    assert!(!out.stderr.contains("route 1"), "{}", out.stderr);
    assert!(!out.stderr.contains("default route"), "{}", out.stderr);
}

#[test]
fn nodes_failing_in_different_periods_are_separate_findings() {
    // `sales` is staffed on weekdays, `support` every day until 20:00; the after-hours menu is
    // reached only at night, so only what can be reached then counts there.
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        r#"
name: T
entry: main
defaults:
  when_no_operator: { action: message, prompt: { text: "busy" } }
  no_input: [{ text: "again" }]
  no_match: [{ text: "again" }]
schedules:
  weekdays: [{ days: mon-fri, from: "09:00", to: "17:00" }]
  daily: [{ days: mon-sun, from: "08:00", to: "20:00" }]
nodes:
  main:
    kind: menu
    prompt: { text: "sales 1, support 2" }
    fallback: bye
    options: [{ key: "1", to: sales_check }, { key: "2", to: support_check }]
  sales_check:
    kind: route
    routes: [{ when: { hours: weekdays }, to: sales }]
    default: bye
  support_check:
    kind: route
    routes: [{ when: { hours: daily }, to: support }]
    default: after_hours
  after_hours:
    kind: menu
    prompt: { text: "press 1 to hear this again" }
    fallback: bye
    options: [{ key: "1", to: after_hours }]
  sales: { kind: transfer, queue: sales }
  support: { kind: transfer, queue: support }
  bye: { kind: hangup }
"#,
    );
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    let w023: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("warning[W023]")).collect();
    assert_eq!(
        w023,
        [
            "warning[W023]: from `main`, every day before 08:00 and from 20:00: no way to a person",
            "warning[W023]: from `sales_check`, mon-fri before 09:00 and from 17:00; sat-sun all day: no way to a person",
        ],
        "{}",
        out.stdout
    );
    // Nodes failing in the same periods are one finding, at the node nearest the entry.
    assert!(
        out.stdout.contains("note: the same holds for `support_check`\n"),
        "{}",
        out.stdout
    );
    // `after_hours` never reaches a person at all: E014, not W023.
    assert!(
        out.stdout.contains("no operator can be reached from `after_hours`"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_queue_with_opening_hours_is_no_person_while_it_is_closed() {
    // No route tests the hours: the only transfer's queue is closed at night and at weekends,
    // so from `main` nobody answers then (its closed plan is a message, not a person).
    let dir = Dir::new();
    let menu = |plan: &str| {
        format!(
            r#"
name: T
entry: main
defaults: {{ fallback: desk, operator: desk, keys: {{ operator: "0" }} }}
schedules:
  day: [{{ days: mon-fri, from: "08:00", to: "18:00" }}]
queues:
  desk:
    hours: day
    when_unstaffed: {{ action: message, prompt: {{ text: "busy" }} }}
    when_closed: {plan}
nodes:
  main:
    kind: menu
    prompt: {{ text: "For the desk, press 1." }}
    options: [{{ key: "1", to: desk }}]
  desk: {{ kind: transfer, queue: desk }}
  night: {{ kind: transfer, queue: night }}
"#
        )
    };
    dir.write(
        "closed.yaml",
        menu(r#"{ action: message, prompt: { text: "closed" } }"#),
    );
    let out = dir.ivrsim(&["check", "closed.yaml"]);
    assert!(
        out.stdout
            .contains("from `main`, mon-fri before 08:00 and from 18:00; sat-sun all day: no way to a person"),
        "{}",
        out.stdout
    );
    // A closed plan that goes on to a queue without hours: someone answers at any time.
    dir.write("night.yaml", menu("{ action: goto, to: night }"));
    let out = dir.ivrsim(&["check", "night.yaml"]);
    assert!(!codes_in(&out.stdout).contains("W023"), "{}", out.stdout);
}
