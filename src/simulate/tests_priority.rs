//! Callers through a small menu in the event loop: two priorities into one queue, and the
//! time in the IVR and containment of a menu with known branch shares, computed by hand.

use crate::engine::HandoffReason;
use crate::menu::Menu;
use crate::menu::testing::menu;
use crate::scenario::{Step, StepKind};
use crate::simulate::dist::Dist;
use crate::simulate::events::{RepResult, RunLength, Sim};
use crate::simulate::hours::Segments;
use crate::simulate::model::{Callers, Intent, Language, Mistakes, Traffic};
use crate::simulate::walk::Walks;
use crate::source::Span;
use crate::timing::PromptTimings;

/// A caller who presses `keys` at their turn.
fn press(keys: &str) -> Step {
    Step {
        span: Span::default(),
        kind: StepKind::Press {
            keys: keys.into(),
            at: None,
            gap: std::time::Duration::ZERO,
        },
    }
}

fn intent(name: &str, share: f64, steps: Vec<Step>) -> Intent {
    Intent {
        name: name.into(),
        share,
        steps,
    }
}

fn callers(intents: Vec<Intent>, mistakes: Mistakes) -> Callers {
    Callers {
        languages: vec![Language {
            tag: "en".into(),
            share: 1.0,
            mistakes,
        }],
        intents,
    }
}

/// "a b c d e": 5 words, 2 s at 150 words a minute.
const TWO_CLASSES: &str = r#"
name: T
entry: main
defaults: { timeout: 5s, max_no_input: 2, fallback: normal }
nodes:
  main:
    kind: menu
    prompt: { text: "a b c d e" }
    options:
      - { key: "1", to: urgent }
      - { key: "2", to: normal }
  urgent: { kind: transfer, queue: general, priority: urgent }
  normal: { kind: transfer, queue: general, priority: normal }
"#;

fn run_menu(m: &Menu, t: &Traffic, days: f64, seed: u64) -> RepResult {
    let timings = PromptTimings::text_only();
    let mut walks = Walks::new(m, &timings, t);
    let seg = Segments::whole();
    let len = RunLength {
        days,
        max_callers: None,
    };
    Sim::new(t, Some(&mut walks), &seg, len, seed).run()
}

/// `c` call-takers, handle rate `mu`; callers press 1 (urgent) at rate `lambdas[0]` and 2
/// (normal) at `lambdas[1]` per second; `callers` in all; replication `r`.
pub(super) fn run_two_classes(c: u32, mu: f64, lambdas: [f64; 2], callers_n: u64, r: u32) -> RepResult {
    let m = menu(TWO_CLASSES);
    let total = lambdas[0] + lambdas[1];
    let mut t = Traffic::bare(c, total * 3600.0, Dist::exponential(1.0 / mu).expect("μ > 0"), None);
    t.callers = Some(callers(
        vec![
            intent("urgent", lambdas[0] / total, vec![press("1")]),
            intent("normal", lambdas[1] / total, vec![press("2")]),
        ],
        Mistakes::default(),
    ));
    t.warm_up = 20.0 / mu;
    let days = callers_n as f64 / total / 86_400.0;
    run_menu(&m, &t, days, crate::simulate::run::replication_seed(7, r))
}

#[test]
fn a_small_menu_gives_the_time_in_the_ivr_and_the_containment_computed_by_hand() {
    // main: "a b c d e" (2 s). 1 → info (a message of 10 words, 4 s, then goodbye: contained);
    // 2 → op (a transfer with no prompt). Callers: 60 % press 1, 30 % press 2, 10 % silent
    // (two no-inputs of 5 s after the 2 s prompt and its re-prompt: fallback to op).
    let m = menu(
        r#"
name: T
entry: main
defaults: { timeout: 5s, max_no_input: 2, fallback: op }
nodes:
  main:
    kind: menu
    prompt: { text: "a b c d e" }
    options:
      - { key: "1", to: info }
      - { key: "2", to: op }
  info:
    kind: message
    prompt: { text: "one two three four five six seven eight nine ten" }
    next: bye
  bye: { kind: hangup, reason: served }
  op: { kind: transfer, queue: general }
"#,
    );
    let mut t = Traffic::bare(50, 600.0, Dist::Fixed(60.0), None);
    t.callers = Some(callers(
        vec![
            intent("info", 0.6, vec![press("1")]),
            intent("operator", 0.3, vec![press("2")]),
            intent("silent", 0.1, vec![]),
        ],
        Mistakes::default(),
    ));
    let r = run_menu(&m, &t, 1.0, 5);
    let n = r.total.offered as f64;
    // By hand: press 1 at 2 s, info plays 4 s: 6 s. Press 2 at 2 s: handed off at 2 s.
    // Silent: prompt 2 s + 5 s no-input, re-prompt 2 s + 5 s: handed off at 14 s.
    // Mean time in the IVR = 0.6 × 6 + 0.3 × 2 + 0.1 × 14 = 5.6 s; containment 60 %.
    let shares = [
        r.total.contained as f64 / n,
        r.total.handed_off[HandoffReason::Chosen as usize] as f64 / n,
        r.total.handed_off[2] as f64 / n,
    ];
    let exact_mean = |s: [f64; 3]| s[0] * 6.0 + s[1] * 2.0 + s[2] * 14.0;
    // The observed mix gives the observed mean exactly (the times are fixed).
    assert!(
        (r.total.ivr_time / n - exact_mean(shares)).abs() < 1e-6,
        "{} vs {}",
        r.total.ivr_time / n,
        exact_mean(shares)
    );
    // And the mix is the intents' shares, within 4 standard errors of a binomial share.
    for (got, p) in shares.iter().zip([0.6, 0.3, 0.1]) {
        assert!(
            (got - p).abs() < 4.0 * (p * (1.0 - p) / n).sqrt(),
            "{got} vs {p} over {n} callers"
        );
    }
    assert!((exact_mean([0.6, 0.3, 0.1]) - 5.6).abs() < 1e-12);
    assert!(
        r.total.queued - r.total.answered <= r.total.in_progress,
        "every queued caller answered, but those the day's end cut"
    );
}

#[test]
fn a_year_at_the_hotlines_scale_runs_in_flat_memory() {
    // The bundled hotline and its week of traffic, for a week and for a year: the callers in
    // the system at once and the walks kept do not grow with the callers who called (only
    // the per-interval tallies grow, with the days).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = crate::source::Sources::new();
    let m = crate::menu::load_menu(&root.join("menus/hotline.yaml"), &mut sources)
        .expect("read")
        .menu
        .expect("the hotline");
    let timings = PromptTimings::text_only();
    let (t, diags) = crate::simulate::load::load_traffic(
        &root.join("scenarios/traffic/hotline-week.yaml"),
        &mut sources,
        Some((&m, &timings)),
    )
    .expect("read");
    let t = t.unwrap_or_else(|| panic!("{diags:?}"));
    let input = crate::simulate::run::Input {
        menu: Some((&m, &timings)),
        traffic: &t,
    };
    let run = |days: f64| {
        let opts = crate::simulate::run::Options {
            length: RunLength {
                days,
                max_callers: None,
            },
            seed: 3,
            replications: 1,
        };
        let seg = crate::simulate::run::segments(input, &opts);
        let mut walks = crate::simulate::run::new_walks(input);
        let rep = crate::simulate::run::replicate(input, walks.as_mut(), &seg, &opts, 0);
        (rep.result, walks.map_or(0, |w| w.stages().len()))
    };
    let (week, week_walks) = run(7.0);
    let (year, year_walks) = run(365.0);
    assert!(
        year.callers > 50 * week.callers / 2,
        "{} vs {}",
        year.callers,
        week.callers
    );
    assert!(
        year.peak_callers < 2 * week.peak_callers.max(20),
        "{} vs {}",
        year.peak_callers,
        week.peak_callers
    );
    assert!(year_walks < 4 * week_walks, "{year_walks} walks kept vs {week_walks}");
}

#[test]
fn callers_going_round_plans_without_end_are_counted() {
    // Two queues that hold one caller each and nobody answers, each sending the call to the
    // other when full or unstaffed: the walk is cut after `walk::MAX_ANSWERS` answers, and
    // the caller counts as `other_end` (at most the two who got a place still wait).
    let m = menu(
        r#"
name: T
entry: a
queues:
  qa: { max_waiting: 1 }
  qb: { max_waiting: 1 }
nodes:
  a: { kind: transfer, queue: qa, when_no_operator: { action: goto, to: b } }
  b: { kind: transfer, queue: qb, when_no_operator: { action: goto, to: a } }
"#,
    );
    let mut t = Traffic::bare(0, 60.0, Dist::Fixed(60.0), None);
    t.queues = vec![
        crate::simulate::model::QueueModel {
            name: "qa".into(),
            handle: Dist::Fixed(60.0),
            wrap_up: Dist::Fixed(0.0),
        },
        crate::simulate::model::QueueModel {
            name: "qb".into(),
            handle: Dist::Fixed(60.0),
            wrap_up: Dist::Fixed(0.0),
        },
    ];
    t.groups[0].serves = vec![0, 1];
    t.callers = Some(callers(vec![intent("wait", 1.0, vec![])], Mistakes::default()));
    let r = run_menu(&m, &t, 1.0, 1);
    assert!(r.total.offered > 1000);
    assert!(r.total.in_progress <= 2, "{}", r.total.in_progress);
    assert_eq!(r.total.other_end, r.total.offered - r.total.in_progress);
}

#[test]
fn barging_callers_barge_in_on_the_menu_that_takes_their_key() {
    // main → 1 → a message, then a second menu: the second key is for `more`, after the
    // message. A barging caller presses it 1 s into `more`'s prompt, not into the message.
    let m = menu(
        r#"
name: T
entry: main
defaults: { timeout: 5s, max_no_input: 2, fallback: op }
nodes:
  main:
    kind: menu
    prompt: { text: "a b c d e" }
    options: [{ key: "1", to: note }]
  note: { kind: message, prompt: { text: "a b c d e f g h i j" }, next: more }
  more:
    kind: menu
    prompt: { text: "a b c d e" }
    options: [{ key: "2", to: bye }]
  bye: { kind: hangup, reason: served }
  op: { kind: transfer, queue: general }
"#,
    );
    let contained = |barge_in: f64| {
        let mut t = Traffic::bare(5, 600.0, Dist::Fixed(60.0), None);
        let mistakes = Mistakes {
            barge_in,
            ..Mistakes::default()
        };
        t.callers = Some(callers(
            vec![intent("self", 1.0, vec![press("1"), press("2")])],
            mistakes,
        ));
        let r = run_menu(&m, &t, 1.0, 2);
        (
            r.total.contained,
            r.total.offered,
            r.total.ivr_time / r.total.offered as f64,
        )
    };
    let (c0, n0, t0) = contained(0.0);
    let (c1, n1, t1) = contained(1.0);
    assert_eq!(c0, n0, "all served without barging");
    assert_eq!(c1, n1, "all served barging in too");
    // Without barging: 2 + 4 + 2 s; barging: 1 + 4 + 1 s.
    assert!((t0 - 8.0).abs() < 1e-9, "{t0}");
    assert!((t1 - 6.0).abs() < 1e-9, "{t1}");
}
