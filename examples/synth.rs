//! Writes a synthetic menu of N nodes to stdout: `cargo run --release --example synth -- 100000 > big.yaml`.
//! Used to time `ivrsim check` on large menus (see benches/check.rs for the benchmark).

fn main() {
    let n = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    print!("{}", ivrsim::synth::menu_yaml(n));
}
