//! Synthetic menus of any size, for benchmarks and scale tests; and [`handoff_after_keys`],
//! a scripted caller's handoff for benchmarks and tests of the operator side.
//!
//! [`menu_yaml`] writes a menu of exactly `nodes` nodes shaped like a large hotline: a tree of
//! menus with four options each (node `k`'s options lead to nodes `4k+1` … `4k+4`), whose
//! leaves rotate through messages, collects, routes on opening hours and transfers to ten
//! queues, plus one operator transfer (the fallback and the `0` key) and one hang-up. Every
//! node reaches an operator, so `check` finds no errors.

use std::fmt::Write as _;

/// Writes the YAML text of a synthetic menu with exactly `nodes` nodes (at least 3).
pub fn menu_yaml(nodes: usize) -> String {
    let nodes = nodes.max(3);
    let m = nodes - 2; // tree nodes n0 … n{m-1}, plus `operator` and `bye`
    let mut s = String::with_capacity(nodes * 110);
    let _ = write!(
        s,
        "name: Synthetic menu of {nodes} nodes\nentry: n0\n\
         defaults:\n  when_no_operator: {{ action: message, prompt: {{ text: \"No one can take your call now.\" }} }}\n  fallback: operator\n  keys: {{ operator: \"0\", repeat: \"*\", back: \"#\" }}\n  \
         no_input: [{{ text: \"Sorry, I did not hear anything.\" }}]\n  \
         no_match: [{{ text: \"Sorry, that is not one of the choices.\" }}]\n\
         schedules:\n  office: [{{ days: mon-fri, from: \"08:00\", to: \"18:00\" }}]\n\
         lint: {{ allow: [W001, W008, W009] }}\nnodes:\n  \
         operator: {{ kind: transfer, queue: general, prompt: {{ text: \"Connecting you now.\" }} }}\n  \
         bye: {{ kind: hangup, prompt: {{ text: \"Goodbye.\" }} }}\n"
    );
    for k in 0..m {
        let first = 4 * k + 1;
        if first < m {
            let _ = write!(
                s,
                "  n{k}:\n    kind: menu\n    prompt: {{ text: \"Menu {k}. Choose one of the options.\" }}\n    options:\n"
            );
            for (i, child) in (first..(first + 4).min(m)).enumerate() {
                let _ = writeln!(
                    s,
                    "      - {{ key: \"{}\", to: n{child}, say: [choice{}] }}",
                    i + 1,
                    i + 1
                );
            }
            continue;
        }
        let _ = match k % 4 {
            0 => writeln!(
                s,
                "  n{k}: {{ kind: message, prompt: {{ text: \"Information {k}.\" }}, next: operator }}"
            ),
            1 => writeln!(
                s,
                "  n{k}: {{ kind: collect, prompt: {{ text: \"Enter your number, then hash.\" }}, \
                 digits: {{ min: 4, max: 8, terminator: \"#\" }}, pattern: \"^[0-9]+$\", store: number, next: operator }}"
            ),
            2 => writeln!(
                s,
                "  n{k}: {{ kind: route, routes: [{{ when: {{ hours: office }}, to: operator }}], default: bye }}"
            ),
            _ => writeln!(
                s,
                "  n{k}: {{ kind: transfer, queue: queue{}, priority: normal }}",
                k % 10
            ),
        };
    }
    s
}

/// [`menu_yaml`] with opening hours as real hotlines have them: three schedules (`office`
/// with weekly periods, closed dates, a closed range and special hours; `evening` with a
/// closed range; `weekend` with special hours), and the routes on them in turn: on `office`
/// alone, on `evening` then `weekend`, and on `office` with a variable then `weekend`. For
/// timing `check`'s period split (issue 13): `cargo run --release --example synth -- 100000
/// --hours`, `cargo bench --bench check`.
pub fn menu_yaml_with_hours(nodes: usize) -> String {
    let base = menu_yaml(nodes);
    let one = "schedules:\n  office: [{ days: mon-fri, from: \"08:00\", to: \"18:00\" }]\n";
    let three = "schedules:\n  office:\n    weekly: [{ days: mon-fri, from: \"08:00\", to: \"18:00\" }, \
                 { days: sat, from: \"09:00\", to: \"13:00\" }]\n    \
                 closed: [\"2026-12-25\", \"2026-12-31/2027-01-01\", \"2026-04-03\"]\n    \
                 special: [{ date: \"2026-12-24\", from: \"08:00\", to: \"12:00\" }]\n  \
                 evening:\n    weekly: [{ days: mon-fri, from: \"17:00\", to: \"22:00\" }]\n    \
                 closed: [\"2026-12-24/2026-12-26\"]\n  \
                 weekend:\n    weekly: [{ days: sat-sun, from: \"10:00\", to: \"16:00\" }]\n    \
                 special: [{ date: \"2026-12-26\", from: \"10:00\", to: \"12:00\" }]\n";
    let route = "routes: [{ when: { hours: office }, to: operator }]";
    let mut out = String::with_capacity(base.len() + nodes * 10);
    let mut k = 0usize;
    for line in base.replacen(one, three, 1).split_inclusive('\n') {
        if line.contains(route) {
            k += 1;
            let routes = match k % 3 {
                0 => route.to_owned(),
                1 => "routes: [{ when: { hours: evening }, to: operator }, { when: { hours: weekend }, to: operator }]"
                    .to_owned(),
                _ => "routes: [{ when: { hours: office, var: number, equals: \"1\" }, to: operator }, \
                      { when: { hours: weekend }, to: bye }]"
                    .to_owned(),
            };
            out.push_str(&line.replacen(route, &routes, 1));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The handoff a console gets from a caller who, on an operator line, presses each of `keys`
/// at their turn (listening to every prompt to its end) and then waits: for benchmarks and
/// tests of the operator side. `None` when the call ends, or runs 1,000 timers, without one.
pub fn handoff_after_keys(
    menu: &crate::menu::Menu,
    clips: &crate::audio::ClipLibrary,
    keys: &str,
) -> Option<crate::engine::Handoff> {
    use crate::engine::{At, CallStart, VirtualCaller};
    let mut caller = VirtualCaller::new(
        menu,
        clips.timings(),
        CallStart {
            operator_line: true,
            ..CallStart::default()
        },
    )
    .without_effects();
    let mut buf = [0u8; 4];
    for k in keys.chars() {
        caller.press(At::Turn, k.encode_utf8(&mut buf));
    }
    caller.wait_for_handoff(1000).cloned()
}

/// An Amazon Connect contact flow (flow language JSON) of about `blocks` actions, for timing
/// `ivrsim import` and `ivrsim check` on a large flow (`scripts/bench-import.sh`,
/// `benches/import.rs`). It repeats a unit of eight blocks: a message, a menu
/// (GetParticipantInput) of three keys, a Loop retrying it twice, a Set contact attributes, a
/// Store customer input, a Compare on it, a Set working queue and a transfer; key 1 goes on to
/// the next unit, the last unit's to a hang-up.
pub fn connect_flow(blocks: usize) -> String {
    let units = blocks.div_ceil(8).max(1);
    let mut actions = Vec::with_capacity(units * 8 + 1);
    for u in 0..units {
        let next = if u + 1 == units {
            "end".to_owned()
        } else {
            format!("m{}", u + 1)
        };
        actions.push(format!(
            r#"{{"Identifier": "m{u}", "Type": "MessageParticipant", "Parameters": {{"Text": "Section {u}. Please listen carefully."}}, "Transitions": {{"NextAction": "g{u}", "Errors": [{{"NextAction": "q{u}", "ErrorType": "NoMatchingError"}}]}}}}"#
        ));
        actions.push(format!(
            r#"{{"Identifier": "g{u}", "Type": "GetParticipantInput", "Parameters": {{"Text": "For the next section press 1. To enter a number press 2. For a person press 0.", "StoreInput": "False", "InputTimeLimitSeconds": "5"}}, "Transitions": {{"NextAction": "l{u}", "Conditions": [{{"NextAction": "{next}", "Condition": {{"Operator": "Equals", "Operands": ["1"]}}}}, {{"NextAction": "s{u}", "Condition": {{"Operator": "Equals", "Operands": ["2"]}}}}, {{"NextAction": "q{u}", "Condition": {{"Operator": "Equals", "Operands": ["0"]}}}}], "Errors": [{{"NextAction": "l{u}", "ErrorType": "InputTimeLimitExceeded"}}, {{"NextAction": "l{u}", "ErrorType": "NoMatchingCondition"}}, {{"NextAction": "q{u}", "ErrorType": "NoMatchingError"}}]}}}}"#
        ));
        actions.push(format!(
            r#"{{"Identifier": "l{u}", "Type": "Loop", "Parameters": {{"LoopCount": "2"}}, "Transitions": {{"NextAction": "q{u}", "Conditions": [{{"NextAction": "g{u}", "Condition": {{"Operator": "Equals", "Operands": ["ContinueLooping"]}}}}, {{"NextAction": "q{u}", "Condition": {{"Operator": "Equals", "Operands": ["DoneLooping"]}}}}]}}}}"#
        ));
        actions.push(format!(
            r#"{{"Identifier": "s{u}", "Type": "UpdateContactAttributes", "Parameters": {{"Attributes": {{"section": "{u}"}}}}, "Transitions": {{"NextAction": "n{u}"}}}}"#
        ));
        actions.push(format!(
            r#"{{"Identifier": "n{u}", "Type": "GetParticipantInput", "Parameters": {{"Text": "Enter your number, then press hash.", "StoreInput": "True", "InputTimeLimitSeconds": "8", "InputValidation": {{"CustomValidation": {{"MaximumLength": "8"}}}}, "DTMFConfiguration": {{"DisableCancelKey": "True"}}}}, "Transitions": {{"NextAction": "c{u}"}}}}"#
        ));
        actions.push(format!(
            r#"{{"Identifier": "c{u}", "Type": "Compare", "Parameters": {{"ComparisonValue": "$.StoredCustomerInput"}}, "Transitions": {{"NextAction": "q{u}", "Conditions": [{{"NextAction": "{next}", "Condition": {{"Operator": "NumberGreaterThan", "Operands": ["1000"]}}}}], "Errors": [{{"NextAction": "q{u}", "ErrorType": "NoMatchingCondition"}}]}}}}"#
        ));
        actions.push(format!(
            r#"{{"Identifier": "q{u}", "Type": "UpdateContactTargetQueue", "Parameters": {{"QueueId": "arn:aws:connect:eu-west-1:1:instance/i/queue/desk{}"}}, "Transitions": {{"NextAction": "t{u}"}}}}"#,
            u % 7
        ));
        actions.push(format!(
            r#"{{"Identifier": "t{u}", "Type": "TransferContactToQueue", "Parameters": {{}}, "Transitions": {{}}}}"#
        ));
    }
    actions.push(
        r#"{"Identifier": "end", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}"#.to_owned(),
    );
    format!(
        "{{\"Version\": \"2019-10-30\", \"StartAction\": \"m0\", \"Actions\": [\n{}\n]}}\n",
        actions.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::load_menu;
    use crate::source::Sources;

    /// Loads `yaml` from a file (no load findings allowed, 1000 nodes) and checks it.
    fn load_and_check(yaml: &str) -> (crate::menu::Menu, Vec<crate::diag::Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.yaml");
        std::fs::write(&path, yaml).unwrap();
        let mut sources = Sources::new();
        let out = load_menu(&path, &mut sources).unwrap();
        assert!(
            out.diagnostics.is_empty(),
            "{}",
            crate::diag::render_plain(&sources, &out.diagnostics)
        );
        let menu = out.menu.unwrap();
        assert_eq!(menu.nodes.len(), 1000);
        let (clips, _) = crate::audio::ClipLibrary::load(&menu);
        let a = crate::check::Analysis::of(&menu, &clips);
        let t = crate::check::Thresholds::resolve(&menu, &Default::default());
        let diags = crate::check::check_menu(&menu, &clips, &a, &t);
        (menu, diags)
    }

    #[test]
    fn has_the_requested_size_and_no_errors() {
        let (_, diags) = load_and_check(&menu_yaml(1000));
        assert!(diags.iter().all(|d| d.severity() == crate::diag::Severity::Warning));
    }

    #[test]
    fn the_variant_with_hours_loads_and_warns_per_period() {
        let (menu, diags) = load_and_check(&menu_yaml_with_hours(1000));
        assert_eq!(menu.schedules.len(), 3);
        assert!(diags.iter().all(|d| d.severity() == crate::diag::Severity::Warning));
        // Routes on `evening`/`weekend` and on `office` (with or without a variable) fail in
        // two different sets of periods.
        let w023 = diags
            .iter()
            .filter(|d| d.code == crate::diag::Code::NoOperatorSometimes)
            .count();
        assert_eq!(w023, 2);
    }
}
