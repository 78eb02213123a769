//! `cargo bench --bench scenarios`: scenarios and steps per second of the scenario runner
//! (`ivrsim test`) in virtual time, files loaded once outside the timed loop:
//!
//! - `hotline`: the bundled suite `scenarios/hotline.yaml` on `menus/hotline.yaml`;
//! - `synthetic-10k`: 1,000 scenarios on a 10,000-node synthetic menu, each pressing the key
//!   path (one `press` per level) to a leaf and expecting its transfer.
//!
//! Criterion reports steps/s (one thread); a plain timed loop then prints scenarios/s and
//! steps/s per core, and the same with `report::run_parallel` on every core.
//! Target: ≥ 200,000 scenario steps per second per core.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ivrsim::audio::ClipLibrary;
use ivrsim::menu::{Menu, load_menu};
use ivrsim::scenario::{ScenarioFile, load_scenarios, report, runner};
use ivrsim::source::Sources;

struct Suite {
    name: &'static str,
    file: ScenarioFile,
    menu: Menu,
    clips: ClipLibrary,
    steps: u64,
}

fn load(name: &'static str, path: &Path) -> Suite {
    let mut sources = Sources::new();
    let (file, diags) = load_scenarios(path, &mut sources).expect("readable scenarios");
    let file = file.unwrap_or_else(|| panic!("scenario file has errors: {diags:?}"));
    let menu = load_menu(&file.menu, &mut sources)
        .expect("readable menu")
        .menu
        .expect("menu parses");
    let (clips, _) = ClipLibrary::load(&menu);
    let steps = file.scenarios.iter().map(|s| s.steps.len() as u64).sum();
    Suite {
        name,
        file,
        menu,
        clips,
        steps,
    }
}

/// The synthetic menu's tree: node `k` has children `4k+1 … 4k+4` on keys 1–4 while
/// `4k+1 < m` (m = nodes − 2); leaves with `k % 4 == 3` transfer to `queue{k % 10}` and
/// with `k % 4 == 0` play a message and go to `operator` (queue `general`).
fn synthetic_suite(dir: &Path, nodes: usize, scenarios: usize) -> std::path::PathBuf {
    let menu = dir.join("menu.yaml");
    std::fs::write(&menu, ivrsim::synth::menu_yaml(nodes)).expect("write menu");
    let m = nodes - 2;
    let leaves = (0..m).filter(|k| 4 * k + 1 >= m && (k % 4 == 3 || k % 4 == 0));
    let mut s = String::from("menu: menu.yaml\nscenarios:\n");
    for k in leaves.take(scenarios) {
        let mut keys = Vec::new();
        let mut n = k;
        while n > 0 {
            keys.push((n - 1) % 4 + 1);
            n = (n - 1) / 4;
        }
        keys.reverse();
        let queue = if k % 4 == 3 {
            format!("queue{}", k % 10)
        } else {
            "general".to_owned()
        };
        let _ = write!(s, "  - name: leaf n{k}\n    steps:\n");
        for key in keys {
            let _ = writeln!(s, "      - press: \"{key}\"");
        }
        let _ = writeln!(s, "      - expect: {{ transfer: {{ queue: {queue} }} }}");
    }
    let path = dir.join("synthetic.yaml");
    std::fs::write(&path, s).expect("write scenarios");
    path
}

fn run_all(s: &Suite) -> usize {
    let mut failed = 0;
    for sc in &s.file.scenarios {
        failed += usize::from(black_box(runner::run(&s.menu, &s.clips, sc)).failure.is_some());
    }
    failed
}

/// Runs the suite repeatedly for about `time`; returns (runs of the whole suite, elapsed).
fn timed(time: Duration, mut f: impl FnMut()) -> (u64, Duration) {
    let start = Instant::now();
    let mut n = 0;
    while n == 0 || start.elapsed() < time {
        f();
        n += 1;
    }
    (n, start.elapsed())
}

fn print_rates(s: &Suite) {
    let scenarios = s.file.scenarios.len() as f64;
    let (n, t) = timed(Duration::from_secs(3), || {
        black_box(run_all(s));
    });
    let per_s = n as f64 / t.as_secs_f64();
    eprintln!(
        "{}: {} scenarios, {} steps: {:.0} scenarios/s, {:.0} steps/s per core (one thread)",
        s.name,
        scenarios,
        s.steps,
        per_s * scenarios,
        per_s * s.steps as f64
    );
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let jobs = || s.file.scenarios.iter().map(|sc| (&s.menu, &s.clips, sc)).collect();
    let (n, t) = timed(Duration::from_secs(3), || {
        black_box(report::run_parallel(jobs()));
    });
    let per_s = n as f64 / t.as_secs_f64();
    eprintln!(
        "{}: run_parallel on {cores} core(s): {:.0} scenarios/s, {:.0} steps/s ({:.0} steps/s per core)",
        s.name,
        per_s * scenarios,
        per_s * s.steps as f64,
        per_s * s.steps as f64 / cores as f64
    );
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let suites = [
        load("hotline", &root.join("scenarios/hotline.yaml")),
        load("synthetic-10k", &synthetic_suite(dir.path(), 10_000, 1_000)),
    ];
    for s in &suites {
        assert_eq!(run_all(s), 0, "{}: every scenario passes", s.name);
    }
    assert_eq!(suites[1].file.scenarios.len(), 1_000);
    let mut group = c.benchmark_group("scenarios");
    group.sample_size(20).measurement_time(Duration::from_secs(5));
    for s in &suites {
        group.throughput(Throughput::Elements(s.steps));
        group.bench_with_input(BenchmarkId::new("steps", s.name), s, |b, s| b.iter(|| run_all(s)));
    }
    group.finish();
    for s in &suites {
        print_rates(s);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
