//! Training calls: every bundled call under `scenarios/training/` loads against the hotline's
//! disposition codes and reaches a transfer on the bundled menu; the set covers what a
//! training shift needs; the documented example loads; `ivrsim test` leaves them alone.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ivrsim::audio::ClipLibrary;
use ivrsim::diag::render_plain;
use ivrsim::menu::{Menu, load_menu};
use ivrsim::operator::persona::{Caller, ReplyKind};
use ivrsim::operator::score::{Observed, Scorecard};
use ivrsim::operator::training::{Mood, TrainingCall, handoff, load_training};
use ivrsim::source::Sources;

use crate::support::{Dir, ivrsim, root};

fn codes() -> Vec<String> {
    crate::support::hotline_dispositions()
}

fn hotline() -> (Menu, ClipLibrary) {
    let mut sources = Sources::new();
    let menu = load_menu(&root().join("menus/hotline.yaml"), &mut sources)
        .expect("read")
        .menu
        .expect("menu");
    let (clips, _) = ClipLibrary::load(&menu);
    (menu, clips)
}

fn load(path: &Path) -> TrainingCall {
    let mut sources = Sources::new();
    let (call, diags) = load_training(path, &mut sources, &codes()).expect("read");
    assert!(diags.is_empty(), "{}", render_plain(&sources, &diags));
    call.expect("loads")
}

fn bundled() -> Vec<(PathBuf, TrainingCall)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios/training"))
        .expect("scenarios/training/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths.into_iter().map(|p| (p.clone(), load(&p))).collect()
}

#[test]
fn every_bundled_call_loads_and_reaches_a_transfer() {
    let (menu, clips) = hotline();
    let calls = bundled();
    assert_eq!(calls.len(), 5);
    let mut queues = Vec::new();
    for (path, call) in &calls {
        assert_eq!(call.menu, root().join("menus/hotline.yaml"), "{}", path.display());
        let h = handoff(call, &menu, &clips).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        queues.push((h.queue.clone(), h.reason.name()));
        if call.name.starts_with("follow-up") {
            assert_eq!(h.variables.get("case_number").map(String::as_str), Some("20264817"));
        }
    }
    assert_eq!(
        queues,
        [
            ("urgent".to_owned(), "chosen"),
            ("follow-up".to_owned(), "chosen"),
            ("general".to_owned(), "max_no_match"),
            ("national".to_owned(), "chosen"),
            ("general".to_owned(), "operator_key"),
        ]
    );
}

#[test]
fn the_bundled_set_is_a_training_shift() {
    let calls: Vec<TrainingCall> = bundled().into_iter().map(|(_, c)| c).collect();
    let mut arrivals: Vec<Duration> = calls.iter().map(|c| c.arrival).collect();
    arrivals.sort();
    arrivals.dedup();
    assert_eq!(arrivals.len(), calls.len(), "arrivals are staggered");
    for c in &calls {
        assert!(c.record.len() >= 2, "`{}` records fewer than two fields", c.name);
    }
    for field in ["when", "where", "who", "what"] {
        assert!(
            calls.iter().any(|c| c.record.iter().any(|r| r.field == field)),
            "no call records `{field}`"
        );
    }
    assert!(calls.iter().any(|c| c.callback), "a call requires a callback number");
    for mood in Mood::ALL {
        assert!(calls.iter().any(|c| c.persona.mood == mood), "no {mood:?} caller");
    }
    // The impatient caller arrives while the first call (from 0 s) is being handled.
    let impatient = calls.iter().min_by_key(|c| c.persona.patience).expect("calls");
    assert!(impatient.persona.patience <= Duration::from_secs(20));
    assert!(impatient.arrival > Duration::ZERO && impatient.arrival < Duration::from_secs(120));
    let mut dispositions: Vec<&str> = calls.iter().map(|c| c.disposition.as_str()).collect();
    dispositions.sort();
    dispositions.dedup();
    assert!(dispositions.len() >= 4, "{dispositions:?}");
}

#[test]
fn a_model_call_taker_scores_full_marks_on_every_bundled_call() {
    // Ask for every recorded fact by its topic's first keyword (twice for `ask_twice` facts)
    // and note the caller's answers: every check must pass, so the expected words are in the
    // answers and the keywords reach their facts.
    for (path, call) in bundled() {
        let mut caller = Caller::new(&call);
        let mut observed = Observed {
            arrived: Duration::from_secs(60),
            answered: Some(Duration::from_secs(70)),
            ended: Duration::from_secs(300),
            disposition: Some(call.disposition.clone()),
            ..Observed::default()
        };
        for r in &call.record {
            let Some(topic) = &r.topic else { continue };
            let fact = call.facts.iter().find(|f| f.topic == *topic).expect("fact");
            let question = format!("{}?", fact.keywords[0]);
            let mut reply = caller.reply(&question);
            observed.questions.push(question.clone());
            if reply.kind == ReplyKind::Hedge {
                reply = caller.reply(&question);
                observed.questions.push(question);
            }
            assert_eq!(reply.topic.as_deref(), Some(topic.as_str()), "{}", path.display());
            observed.notes.entry(r.field.clone()).or_default().push(reply.text);
        }
        if call.record.iter().any(|r| r.field == "case") {
            observed.notes.entry("case".into()).or_default().push("20264817".into());
        }
        if call.callback {
            let phone = call.persona.phone.clone().expect("phone");
            observed.notes.insert("callback".into(), vec![phone]);
        }
        let card = Scorecard::new(&call, &observed);
        assert_eq!(card.score, 100, "{}:\n{card}", path.display());
    }
}

#[test]
fn ivrsim_test_skips_the_training_folder() {
    let out = ivrsim(&["test"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stderr.contains("training"), "{}", out.stderr);
}

/// The ```yaml block after `heading` in docs/training-format.md.
fn doc_example(heading: &str) -> String {
    let doc = std::fs::read_to_string(root().join("docs/training-format.md")).expect("docs/training-format.md");
    let start = doc.find(heading).unwrap_or_else(|| panic!("no `{heading}` in the doc"));
    doc[start..]
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a yaml block")
        .to_owned()
}

#[test]
fn the_documented_example_loads_and_transfers() {
    let dir = Dir::new();
    let menu = root().join("menus/hotline.yaml");
    let yaml = doc_example("## A complete example").replace("../../menus/hotline.yaml", menu.to_str().expect("utf-8"));
    let path = dir.write("example.yaml", yaml);
    let call = load(&path);
    assert_eq!(call.persona.mood, Mood::Anxious);
    assert!(call.callback);
    let (menu, clips) = hotline();
    let h = handoff(&call, &menu, &clips).expect("transfers");
    assert_eq!(h.queue, "reports");
}

/// An empty file is named for what it should be: a training call, a scenario file, a menu.
#[test]
fn an_empty_file_says_what_its_kind_needs() {
    let dir = Dir::new();
    dir.write("e.yaml", "# nothing yet\n");
    let menu = root().join("menus/hotline.yaml");
    let out = dir.ivrsim(&["operator", menu.to_str().unwrap(), "--no-listen", "--shift", "e.yaml"]);
    assert_ne!(out.code, 0);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("help: a training call needs at least"), "{all}");
    assert!(!all.contains("a menu needs"), "{all}");
    let out = dir.ivrsim(&["test", "e.yaml"]);
    assert!(format!("{}{}", out.stdout, out.stderr).contains("a scenario file needs at least `menu` and `scenarios`"));
    let out = dir.ivrsim(&["check", "e.yaml"]);
    assert!(
        out.stdout.contains("a menu needs at least `name`, `entry` and `nodes`"),
        "{}",
        out.stdout
    );
}
