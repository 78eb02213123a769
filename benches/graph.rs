//! `cargo bench --bench graph`: `ivrsim graph` in-process (load, check, build the map, lay it
//! out, write the SVG) on synthetic menus of 2,000 and 20,000 nodes, the whole map and a
//! `--focus` of depth 2. Issue 6 asks for a 2,000-node menu in under 5 s.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ivrsim::audio::ClipLibrary;
use ivrsim::check::{Analysis, Overrides, Thresholds, check_menu};
use ivrsim::map::Map;
use ivrsim::menu::load_menu;
use ivrsim::source::Sources;

fn draw(path: &std::path::Path, focus: Option<&str>) -> usize {
    let mut sources = Sources::new();
    let outcome = load_menu(path, &mut sources).expect("readable");
    let menu = outcome.menu.expect("parsed");
    let (clips, _) = ClipLibrary::load(&menu);
    let analysis = Analysis::of(&menu, &clips);
    let findings = check_menu(
        &menu,
        &clips,
        &analysis,
        &Thresholds::resolve(&menu, &Overrides::default()),
    );
    let mut map = Map::build(&menu, &sources, &analysis, &findings);
    if let Some(node) = focus {
        map = map.focus(node, 2).expect("node exists");
    }
    black_box(ivrsim::map::svg::render(&map)).len()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("graph");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    for n in [2_000usize, 20_000] {
        let path = dir.path().join(format!("menu-{n}.yaml"));
        std::fs::write(&path, ivrsim::synth::menu_yaml(n)).expect("write menu");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("svg", n), &path, |b, p| b.iter(|| draw(p, None)));
        group.bench_with_input(BenchmarkId::new("svg-focus-depth-2", n), &path, |b, p| {
            b.iter(|| draw(p, Some("n5")))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
