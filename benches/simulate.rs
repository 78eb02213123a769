//! `cargo bench --bench simulate`: callers per second of the traffic simulation's event loop,
//! in process, on one thread:
//!
//! - `bare-mmc`: the bare M/M/c queue of the SimPy side-by-side (`scripts/bench-simpy.sh`):
//!   c = 10, λ = 9 /s, μ = 1 /s, 10⁶ customers;
//!
//! A plain timed loop prints callers/s; whole-command figures (the bundled hotline's week,
//! replications on every core) come from `scripts/bench-simulate.sh`.

use std::time::Instant;

use ivrsim::simulate::dist::Dist;
use ivrsim::simulate::events::{RunLength, Sim};
use ivrsim::simulate::hours::Segments;
use ivrsim::simulate::model::Traffic;

fn main() {
    let t = Traffic::bare(10, 9.0 * 3600.0, Dist::exponential(1.0).expect("mean > 0"), None);
    let seg = Segments::whole();
    let len = RunLength {
        days: 365.0,
        max_callers: Some(1_000_000),
    };
    for round in 0..3 {
        let start = Instant::now();
        let r = Sim::new(&t, None, &seg, len, round).run();
        let s = start.elapsed().as_secs_f64();
        println!(
            "bare-mmc: {} callers in {:.3} s: {:.0} callers/s (one thread); mean wait {:.4} s",
            r.callers,
            s,
            r.callers as f64 / s,
            r.total.wait_answered / r.total.answered as f64
        );
    }
}
