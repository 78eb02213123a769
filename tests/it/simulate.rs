//! `ivrsim simulate`: the README's command on the bundled hotline, outputs, determinism across
//! thread counts, staffing, and bad input.

use assert_cmd::Command;

use crate::support::{Dir, ivrsim, root};

const WEEK: &str = "scenarios/traffic/hotline-week.yaml";

#[test]
fn a_week_on_the_hotline_prints_a_report_and_writes_json_and_svg() {
    let d = Dir::new();
    let json = d.path().join("week.json");
    let svg = d.path().join("week.svg");
    let out = ivrsim(&[
        "simulate",
        "menus/hotline.yaml",
        "--traffic",
        WEEK,
        "--replications",
        "3",
        "-o",
        json.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for part in [
        "Callers (per replication)",
        "Queues",
        "urgent",
        "By hour of the day",
        "Funnel",
        "containment %",
    ] {
        assert!(out.stdout.contains(part), "no `{part}` in\n{}", out.stdout);
    }
    assert!(out.stderr.contains("simulated"), "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["replications"], 3);
    assert_eq!(v["intervals"].as_array().unwrap().len(), 7 * 48);
    let offered = v["total"]["offered"]["mean"].as_f64().unwrap();
    assert!(offered > 1000.0, "{offered}");
    assert!(v["total"]["service_level"]["ci95"].as_f64().is_some());
    let svg = std::fs::read_to_string(&svg).unwrap();
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    // The map with the callers drawn on it.
    let map = d.path().join("map.svg");
    let out = ivrsim(&[
        "graph",
        "menus/hotline.yaml",
        "--traffic",
        json.to_str().unwrap(),
        "-o",
        map.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

fn run_threads(threads: &str, args: &[&str]) -> String {
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(root())
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_results_on_any_number_of_threads() {
    let args = [
        "simulate",
        "menus/hotline.yaml",
        "--traffic",
        WEEK,
        "--days",
        "2",
        "--replications",
        "4",
        "--seed",
        "9",
        "--format",
        "json",
    ];
    let one = run_threads("1", &args);
    let two = run_threads("2", &args);
    let four = run_threads("4", &args);
    assert_eq!(one, two);
    assert_eq!(one, four);
    let mut other = args;
    other[9] = "10";
    assert_ne!(one, run_threads("2", &other), "another seed, other results");
}

#[test]
fn a_bare_queue_needs_no_menu() {
    let out = ivrsim(&[
        "simulate",
        "--traffic",
        "tests/fixtures/traffic/mmc.yaml",
        "--callers",
        "20000",
        "--replications",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["menu"], serde_json::Value::Null);
    assert_eq!(v["total"]["offered"]["mean"].as_f64(), Some(20000.0));
    let asa = v["total"]["asa_s"]["mean"].as_f64().unwrap();
    // Erlang C: 10 call-takers at 9 Erlangs wait 0.67 s on average; a short run is noisy.
    assert!(asa > 0.2 && asa < 2.0, "{asa}");
}

#[test]
fn staff_for_proposes_a_plan_beside_the_erlang_estimate() {
    let out = ivrsim(&[
        "simulate",
        "menus/hotline.yaml",
        "--traffic",
        WEEK,
        "--days",
        "1",
        "--replications",
        "3",
        "--staff-for",
        "sl=80/20,abandon<=5%",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Staffing for sl=80/20,abandon<=5%"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("simulated  Erlang  given"), "{}", out.stdout);
    assert!(out.stdout.contains("priority team"), "{}", out.stdout);
}

#[test]
fn bad_traffic_files_are_findings_at_their_place() {
    for (file, place, words) in [
        ("negative-rate.yaml", "negative-rate.yaml:5:", "negative"),
        ("shares.yaml", "shares.yaml:", "sum"),
        ("no-match.yaml", "no-match.yaml:", "no-match"),
        ("no-call-takers.yaml", "no-call-takers.yaml:", "call-taker"),
    ] {
        let path = format!("tests/fixtures/traffic/bad/{file}");
        let out = ivrsim(&["simulate", "--traffic", &path, "--days", "1", "--replications", "1"]);
        assert_eq!(out.code, 1, "{file}: {}", out.stderr);
        assert!(out.stderr.contains(place), "{file}: no `{place}` in\n{}", out.stderr);
        assert!(
            out.stderr.to_lowercase().contains(words),
            "{file}: no `{words}` in\n{}",
            out.stderr
        );
        assert!(out.stderr.contains("nothing was simulated"), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        &["--days", "0"][..],
        &["--days", "400"],
        &["--replications", "0"],
        &["--staff-for", "sl=eighty"],
        &["--staff-for", "speed=fast"],
    ] {
        let mut all = vec!["simulate", "menus/hotline.yaml", "--traffic", WEEK];
        all.extend_from_slice(args);
        let out = ivrsim(&all);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    }
    let out = ivrsim(&["simulate", "--traffic", "no/such.yaml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no/such.yaml"), "{}", out.stderr);
}
