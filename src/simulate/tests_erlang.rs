//! The event loop against exact queueing results: M/M/c (Erlang C) and M/M/c+M (Erlang A,
//! Garnett, Mandelbaum and Reiman 2002) in steady state, and two priorities (Cobham 1954).
//!
//! Each case runs `R` independent replications of a bare queue (constant arrivals, call-
//! takers on shift all day), each with a warm-up of 200 mean handle times that is not
//! counted (the run starts empty), and checks that each measure's mean over replications
//! is within 4 standard errors of the exact value (plus the wait histogram's 0.1 %
//! resolution). The quick cases run in `cargo test`; [`long_validation`] covers ρ 0.5–0.97
//! and c 1–200 and is run by CI in release mode (`cargo test --release -- --ignored
//! long_validation`).

use crate::simulate::dist::Dist;
use crate::simulate::erlang::{ErlangA, ErlangC, priority_waits};
use crate::simulate::events::{RepResult, RunLength, Sim};
use crate::simulate::hours::Segments;
use crate::simulate::model::Traffic;
use crate::simulate::report::mean_se;
use crate::simulate::stats::quantile;

/// Mean handle time of the cases, seconds.
const HANDLE: f64 = 60.0;

/// One case: `c` call-takers at load `rho`, patience rate `theta` per second (`None`:
/// infinitely patient), `callers` per replication, `reps` replications.
struct Case {
    c: u32,
    rho: f64,
    theta: Option<f64>,
    callers: u64,
    reps: u32,
}

fn run(case: &Case) -> Vec<RepResult> {
    let mu = 1.0 / HANDLE;
    let lambda = case.rho * f64::from(case.c) * mu;
    let patience = case.theta.map(|th| Dist::exponential(1.0 / th).expect("θ > 0"));
    let mut t = Traffic::bare(
        case.c,
        lambda * 3600.0,
        Dist::exponential(HANDLE).expect("mean > 0"),
        patience,
    );
    t.warm_up = 200.0 * HANDLE;
    let days = case.callers as f64 / lambda / 86_400.0;
    let seg = Segments::whole();
    (0..case.reps)
        .map(|r| {
            let len = RunLength {
                days,
                max_callers: None,
            };
            Sim::new(&t, None, &seg, len, crate::simulate::run::replication_seed(1, r)).run()
        })
        .collect()
}

/// Asserts that the replications' values `xs` agree with `exact` within 4 standard errors
/// and `slack` (the histogram's resolution for times; for shares, 4 binomial standard errors
/// of all the callers pooled, which bound a share that came out the same every time).
fn agree(what: &str, case: &Case, xs: impl IntoIterator<Item = f64>, exact: f64, slack: f64) {
    let (mean, se, _) = mean_se(xs).unwrap_or_else(|| panic!("{what}: no values"));
    let tol = 4.0 * se + slack;
    assert!(
        (mean - exact).abs() <= tol,
        "{what} at c = {}, ρ = {}, θ = {:?}: simulated {mean:.5} ± {se:.5} (SE), exact {exact:.5}, tolerance {tol:.5}",
        case.c,
        case.rho,
        case.theta
    );
}

fn check(case: &Case) {
    let reps = run(case);
    let mu = 1.0 / HANDLE;
    let lambda = case.rho * f64::from(case.c) * mu;
    let sl_t = 20.0;
    let queued = |r: &RepResult| r.total.queued as f64;
    // P(all call-takers busy on arrival): callers not answered at once.
    let p_wait = reps
        .iter()
        .map(|r| (queued(r) - (r.total.answered - r.total.delayed) as f64) / queued(r));
    let asa = reps.iter().map(|r| r.total.wait_answered / r.total.answered as f64);
    let sl = reps
        .iter()
        .map(|r| r.total.within_sl as f64 / (r.total.answered + r.total.abandoned_queue) as f64);
    let occ = reps.iter().map(|r| r.groups[0].busy / r.groups[0].staffed);
    let res = 0.002 * HANDLE + 1e-9; // the histogram's resolution at the scale of a handle time
    // A share near 0 or 1 can come out the same in every replication (a standard error of 0):
    // then the binomial noise of all the callers pooled bounds how far it may be.
    let n = (case.callers * u64::from(case.reps)) as f64;
    let share = |p: f64| 4.0 * (p * (1.0 - p) / n).sqrt() + 1e-9;
    match case.theta {
        None => {
            let e = ErlangC::new(case.c, lambda, mu);
            agree("P(wait)", case, p_wait, e.p_wait(), share(e.p_wait()));
            agree("ASA", case, asa, e.asa(), 1e-9);
            agree(
                "service level 20 s",
                case,
                sl,
                e.service_level(sl_t),
                share(e.service_level(sl_t)),
            );
            agree("occupancy", case, occ, e.occupancy(), 1e-9);
            for p in [0.5, 0.9, 0.99] {
                let xs = reps.iter().map(|r| quantile(&r.waits, p));
                agree(&format!("wait p{}", p * 100.0), case, xs, e.wait_quantile(p), res);
            }
        }
        Some(theta) => {
            let e = ErlangA::new(case.c, lambda, mu, theta);
            let ab = reps.iter().map(|r| r.total.abandoned_queue as f64 / queued(r));
            agree("P(wait)", case, p_wait, e.p_wait(), share(e.p_wait()));
            agree("abandonment", case, ab, e.p_abandon(), share(e.p_abandon()));
            agree("ASA", case, asa, e.asa(), 1e-9);
            agree(
                "service level 20 s",
                case,
                sl,
                e.answered_within(sl_t),
                share(e.answered_within(sl_t)),
            );
            agree("occupancy", case, occ, e.occupancy(), 1e-9);
            for p in [0.5, 0.9, 0.99] {
                let xs = reps.iter().map(|r| quantile(&r.waits, p));
                agree(
                    &format!("answered wait p{}", p * 100.0),
                    case,
                    xs,
                    e.answered_wait_quantile(p),
                    res,
                );
            }
        }
    }
}

#[test]
fn erlang_c_quick() {
    for (c, rho) in [(1, 0.5), (5, 0.8), (20, 0.9)] {
        check(&Case {
            c,
            rho,
            theta: None,
            callers: 20_000,
            reps: 10,
        });
    }
}

#[test]
fn erlang_a_quick() {
    for (c, rho, theta) in [(3, 0.9, 1.0 / 120.0), (10, 1.1, 1.0 / 60.0)] {
        check(&Case {
            c,
            rho,
            theta: Some(theta),
            callers: 20_000,
            reps: 10,
        });
    }
}

/// The whole grid: ρ 0.5 to 0.97, c 1 to 200, with and without patience. About a minute in
/// release mode on two cores; CI runs it (`.ci/run`).
#[test]
#[ignore = "long: run in release mode (`cargo test --release -- --ignored long_validation`)"]
fn long_validation() {
    use rayon::prelude::*;
    let mut cases = Vec::new();
    for c in [1, 2, 5, 10, 50, 200] {
        for rho in [0.5, 0.8, 0.9, 0.97] {
            // Heavier loads need longer runs for the same precision (the relaxation time grows
            // like 1/(1−ρ)²).
            let callers = ((400_000.0 * (0.1_f64 / (1.0 - rho)).max(1.0)) as u64).max(200 * u64::from(c));
            cases.push(Case {
                c,
                rho,
                theta: None,
                callers,
                reps: 20,
            });
            for patience in [0.5, 2.0] {
                cases.push(Case {
                    c,
                    rho: rho + 0.1,
                    theta: Some(1.0 / (patience * HANDLE)),
                    callers: 200_000.max(200 * u64::from(c)),
                    reps: 20,
                });
            }
        }
    }
    cases.par_iter().for_each(check);
}

#[test]
fn two_priorities_wait_as_cobham_says() {
    // Non-preemptive priority M/M/c, equal service rates: class waits from Cobham (1954).
    let (c, mu) = (4u32, 1.0 / HANDLE);
    let lambdas = [0.3 * 4.0 * mu, 0.55 * 4.0 * mu]; // urgent first, then normal; ρ = 0.85
    let exact = priority_waits(c, mu, &lambdas);
    let reps: Vec<RepResult> = (0..10)
        .map(|r| crate::simulate::tests_priority::run_two_classes(c, mu, lambdas, 40_000, r))
        .collect();
    for (k, rank) in [
        (0usize, crate::menu::Priority::Urgent.rank()),
        (1, crate::menu::Priority::Normal.rank()),
    ] {
        let case = Case {
            c,
            rho: 0.85,
            theta: None,
            callers: 0,
            reps: 10,
        };
        let xs = reps
            .iter()
            .map(|r| r.priorities[rank].wait_answered / r.priorities[rank].answered as f64);
        agree(&format!("mean wait of class {}", k + 1), &case, xs, exact[k], 0.0);
    }
}
