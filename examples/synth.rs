//! Writes a synthetic menu of N nodes to stdout: `cargo run --release --example synth -- 100000 > big.yaml`
//! (`-- 100000 --hours`: with three schedules, holidays and special hours; `-- 2000 --connect`:
//! an Amazon Connect flow of about 2,000 blocks instead).
//! Used to time `ivrsim check` on large menus (see benches/check.rs for the benchmark).

fn main() {
    let n = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    if std::env::args().any(|a| a == "--connect") {
        // An Amazon Connect flow of about N blocks (issue 15).
        print!("{}", ivrsim::synth::connect_flow(n));
    } else if std::env::args().any(|a| a == "--hours") {
        // Three schedules with holidays and special hours, routes on them (issue 13).
        print!("{}", ivrsim::synth::menu_yaml_with_hours(n));
    } else {
        print!("{}", ivrsim::synth::menu_yaml(n));
    }
}
