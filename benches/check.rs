//! `cargo bench --bench check`: the whole of `ivrsim check` (load, lower, graph, every
//! check, the time-to-operator report) on synthetic menus of 1,000, 10,000 and 100,000
//! nodes, and (`check-hours`) on 10,000 and 100,000 nodes with three schedules, holidays and
//! special hours. Time should grow linearly: 100k / 10k within 12×.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ivrsim::audio::ClipLibrary;
use ivrsim::check::report::Report;
use ivrsim::check::{Analysis, Overrides, Thresholds, check_menu};
use ivrsim::menu::load_menu;
use ivrsim::source::Sources;

fn check_file(path: &std::path::Path) -> usize {
    let mut sources = Sources::new();
    let outcome = load_menu(path, &mut sources).expect("readable");
    let menu = outcome.menu.expect("parsed");
    let (clips, _) = ClipLibrary::load(&menu);
    let analysis = Analysis::of(&menu, &clips);
    let thresholds = Thresholds::resolve(&menu, &Overrides::default());
    let diags = check_menu(&menu, &clips, &analysis, &thresholds);
    let report = Report::build(&menu, &sources, &analysis);
    assert!(
        diags.iter().all(|d| d.code.as_str().starts_with('W')),
        "synthetic menus have no errors"
    );
    black_box(report.nodes.len()) + diags.len()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("check");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    for n in [1_000usize, 10_000, 100_000] {
        let path = dir.path().join(format!("menu-{n}.yaml"));
        std::fs::write(&path, ivrsim::synth::menu_yaml(n)).expect("write menu");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &path, |b, p| b.iter(|| check_file(p)));
    }
    group.finish();
    // With three schedules, holidays and special hours (issue 13: the period split of W023).
    let mut group = c.benchmark_group("check-hours");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    for n in [10_000usize, 100_000] {
        let path = dir.path().join(format!("menu-hours-{n}.yaml"));
        std::fs::write(&path, ivrsim::synth::menu_yaml_with_hours(n)).expect("write menu");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &path, |b, p| b.iter(|| check_file(p)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
