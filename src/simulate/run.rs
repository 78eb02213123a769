//! Replications: each an independent run of the event loop with its own seed (derived from
//! the given one and its number, so the results do not depend on how many threads run them),
//! run in parallel with rayon and pooled into a [`Report`].

use std::collections::HashMap;

use hdrhistogram::Histogram;
use rayon::prelude::*;

use super::events::{RepResult, RunLength, Sim};
use super::hours::Segments;
use super::model::{Traffic, secs};
use super::report::{
    Cohort, Funnel, FunnelEdge, FunnelNode, GroupRow, Interval, NOISY_BELOW, Report, ServiceLevel, WaitBucket,
    estimate, measures, sample,
};
use super::stats::{Occupancy, wait_histogram};
use super::walk::{End, StageKind, Walks};
use crate::menu::{Menu, Priority};
use crate::timing::PromptTimings;

/// What to simulate.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// The menu callers walk; `None`: a bare queue (callers join the traffic's one queue).
    pub menu: Option<(&'a Menu, &'a PromptTimings)>,
    /// The traffic.
    pub traffic: &'a Traffic,
}

/// How to simulate it.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Length and caller limit of each replication.
    pub length: RunLength,
    /// The seed.
    pub seed: u64,
    /// Independent replications (at least 1).
    pub replications: u32,
}

/// The seed of replication `r`: SplitMix64 (Steele, Lea and Flood, "Fast splittable
/// pseudorandom number generators", OOPSLA 2014) of the seed and `r`, so replications are
/// independent streams whatever thread runs them.
pub fn replication_seed(seed: u64, r: u32) -> u64 {
    let mut z = seed.wrapping_add(u64::from(r).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One replication's funnel: callers entering each node (menu order), per edge `(from, to)`
/// (node indexes), giving up at each node.
pub type RepFunnel = (Vec<u64>, HashMap<(u32, u32), u64>, Vec<u64>);

/// One replication's results and its funnel.
pub struct Replication {
    /// What the event loop measured.
    pub result: RepResult,
    /// See [`RepFunnel`].
    pub funnel: RepFunnel,
    /// Walks computed on the engine.
    pub walks_computed: u64,
}

/// Runs replication `r`, its callers walking through `walks` (`None`: a bare queue). Walks
/// computed by one replication are reused by the next one given the same `walks` (a walk
/// depends only on its key, so reuse changes the speed, never the results).
pub fn replicate<'m>(
    input: Input<'m>,
    walks: Option<&mut Walks<'m>>,
    segments: &Segments,
    opts: &Options,
    r: u32,
) -> Replication {
    let seed = replication_seed(opts.seed, r);
    let (Some((menu, _)), Some(walks)) = (input.menu, walks) else {
        let result = Sim::new(input.traffic, None, segments, opts.length, seed).run();
        return Replication {
            result,
            funnel: (Vec::new(), HashMap::new(), Vec::new()),
            walks_computed: 0,
        };
    };
    let before = walks.computed;
    let result = Sim::new(input.traffic, Some(&mut *walks), segments, opts.length, seed).run();
    let n = menu.nodes.len();
    let (mut entered, mut edges, mut gave_up) = (vec![0u64; n], HashMap::new(), vec![0u64; n]);
    for (id, &count) in result.stage_counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let stage = walks.get(id as u32);
        for (i, &(node, by_global)) in stage.nodes.iter().enumerate() {
            entered[node.index()] += count;
            // A global key is no edge of the map: its callers count at the nodes only.
            if i > 0 && !by_global {
                *edges.entry((stage.nodes[i - 1].0.0, node.0)).or_insert(0) += count;
            }
        }
        if stage.kind == StageKind::Ended(End::Abandoned)
            && let Some(at) = stage.gave_up_at
        {
            gave_up[at.index()] += count;
        }
    }
    for &(node, count) in &result.gave_up_waiting {
        gave_up[node.index()] += count;
    }
    Replication {
        result,
        funnel: (entered, edges, gave_up),
        walks_computed: walks.computed - before,
    }
}

/// The walks of `input`'s menu, empty (`None` for a bare queue).
pub fn new_walks<'m>(input: Input<'m>) -> Option<Walks<'m>> {
    input
        .menu
        .map(|(menu, timings)| Walks::new(menu, timings, input.traffic))
}

/// The stretches of the menu's schedules over the whole run (warm-up included).
pub fn segments(input: Input<'_>, opts: &Options) -> Segments {
    match input.menu {
        Some((menu, _)) => {
            let t = input.traffic;
            let zero = t
                .start
                .to_datetime(jiff::civil::Time::midnight())
                .checked_sub(secs(t.warm_up))
                .unwrap_or_default();
            // A run with a caller limit may go on past its days; schedules repeat weekly.
            let seconds = t.warm_up + opts.length.days.max(0.0) * 86_400.0 + 86_400.0;
            Segments::of(menu, zero, seconds)
        }
        None => Segments::whole(),
    }
}

/// Runs every replication (in parallel) and pools them. `progress` is told of each one done.
pub fn simulate(
    input: Input<'_>,
    opts: &Options,
    names: (Option<String>, String),
    progress: &(dyn Fn() + Sync),
) -> Report {
    let segments = segments(input, opts);
    let reps: Vec<Replication> = (0..opts.replications.max(1))
        .into_par_iter()
        .map_init(
            || new_walks(input),
            |walks, r| {
                let rep = replicate(input, walks.as_mut(), &segments, opts, r);
                progress();
                rep
            },
        )
        .collect();
    pool(input, opts, names, &reps)
}

/// Pools replications into a report.
pub fn pool(input: Input<'_>, opts: &Options, names: (Option<String>, String), reps: &[Replication]) -> Report {
    let t = input.traffic;
    let q = t.queues.len();
    let occ_total = |r: &RepResult| {
        let mut o = Occupancy::default();
        r.groups.iter().for_each(|g| o.add(g));
        o
    };
    let total = measures(
        &reps
            .iter()
            .map(|r| sample(&r.result.total, Some(&r.result.waits), Some(&occ_total(&r.result))))
            .collect::<Vec<_>>(),
    );
    let noisy = |queued: f64| queued < NOISY_BELOW;
    let mean_of = |f: &dyn Fn(&RepResult) -> f64| reps.iter().map(|r| f(&r.result)).sum::<f64>() / reps.len() as f64;
    let queues = (0..q)
        .map(|i| {
            let samples: Vec<_> = reps
                .iter()
                .map(|r| {
                    sample(
                        &r.result.queues[i],
                        Some(&r.result.queue_waits[i]),
                        Some(&r.result.queue_occupancy[i]),
                    )
                })
                .collect();
            Cohort {
                name: t.queues[i].name.clone(),
                noisy: noisy(mean_of(&|r| r.queues[i].queued as f64)),
                measures: measures(&samples),
            }
        })
        .collect();
    let priorities = (0..Priority::ALL.len())
        .rev()
        .filter(|&k| {
            reps.iter()
                .any(|r| r.result.priorities[k].queued + r.result.priorities[k].no_operator > 0)
        })
        .map(|k| {
            let samples: Vec<_> = reps
                .iter()
                .map(|r| sample(&r.result.priorities[k], Some(&r.result.priority_waits[k]), None))
                .collect();
            Cohort {
                name: Priority::ALL[k].level().to_string(),
                noisy: noisy(mean_of(&|r| r.priorities[k].queued as f64)),
                measures: measures(&samples),
            }
        })
        .collect();
    let groups = t
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| GroupRow {
            name: group.name.clone(),
            occupancy: estimate(reps.iter().map(|r| r.result.groups[g].share().unwrap_or(f64::NAN))),
            staffed_hours: mean_of(&|r| r.groups[g].staffed) / 3600.0,
        })
        .collect();
    // A run stopped by a caller limit ends before its days: intervals after its end are left out.
    let simulated = reps.iter().map(|r| r.result.simulated).fold(0.0, f64::max);
    let ran = ((simulated - t.warm_up).max(0.0) / f64::from(t.interval)).ceil() as usize;
    let n_intervals = reps.first().map_or(0, |r| r.result.intervals.len()).min(ran.max(1));
    let zero = t.start.to_datetime(jiff::civil::Time::midnight());
    let intervals = (0..n_intervals)
        .map(|i| {
            let samples: Vec<_> = reps
                .iter()
                .map(|r| sample(&r.result.intervals[i], None, Some(&r.result.interval_occupancy[i])))
                .collect();
            let start = zero
                .checked_add(jiff::SignedDuration::from_secs(i as i64 * i64::from(t.interval)))
                .unwrap_or(zero);
            Interval {
                start: start.strftime("%Y-%m-%dT%H:%M").to_string(),
                staffed: mean_of(&|r| r.interval_occupancy[i].staffed) / f64::from(t.interval),
                waiting: mean_of(&|r| r.interval_waiting[i]),
                noisy: noisy(mean_of(&|r| r.intervals[i].queued as f64)),
                measures: measures(&samples),
            }
        })
        .collect();
    let mut pooled = wait_histogram();
    for r in reps {
        let _ = pooled.add(&r.result.waits);
    }
    Report {
        version: super::report::FORMAT_VERSION,
        menu: names.0,
        traffic: names.1,
        seed: opts.seed,
        replications: reps.len() as u32,
        start: t.start.to_string(),
        days: if opts.length.max_callers.is_some() {
            ((simulated - t.warm_up).max(0.0) / 86_400.0).min(opts.length.days)
        } else {
            opts.length.days
        },
        warm_up_s: t.warm_up,
        interval_s: t.interval,
        service_level: ServiceLevel {
            threshold_s: t.service_level.0,
            target: t.service_level.1,
        },
        callers_simulated: reps.iter().map(|r| r.result.callers).sum(),
        walks_computed: reps.iter().map(|r| r.walks_computed).sum(),
        total,
        queues,
        priorities,
        groups,
        intervals,
        wait_distribution: wait_buckets(&pooled),
        funnel: funnel(input.menu.map(|m| m.0), reps),
        overloaded: reps.iter().any(|r| r.result.overloaded),
        staffing: None,
    }
}

/// Upper bounds of the wait distribution's buckets, seconds.
pub const WAIT_BUCKETS: [f64; 16] = [
    0.0, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0, 900.0, 1200.0, 1800.0, 3600.0,
];

fn wait_buckets(h: &Histogram<u64>) -> Vec<WaitBucket> {
    let total = h.len();
    if total == 0 {
        return Vec::new();
    }
    WAIT_BUCKETS
        .iter()
        .map(|&upto| WaitBucket {
            upto_s: upto,
            share: h.count_between(0, (upto * 1000.0) as u64) as f64 / total as f64,
        })
        .collect()
}

fn funnel(menu: Option<&Menu>, reps: &[Replication]) -> Funnel {
    let Some(menu) = menu else { return Funnel::default() };
    let r = reps.len().max(1) as f64;
    let nodes = menu
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| FunnelNode {
            node: node.id.clone(),
            entered: reps
                .iter()
                .map(|x| x.funnel.0.get(i).copied().unwrap_or(0))
                .sum::<u64>() as f64
                / r,
            gave_up: reps
                .iter()
                .map(|x| x.funnel.2.get(i).copied().unwrap_or(0))
                .sum::<u64>() as f64
                / r,
        })
        .collect();
    let mut edges: HashMap<(u32, u32), u64> = HashMap::new();
    for x in reps {
        for (&k, &v) in &x.funnel.1 {
            *edges.entry(k).or_insert(0) += v;
        }
    }
    let mut edges: Vec<FunnelEdge> = edges
        .into_iter()
        .map(|((a, b), v)| FunnelEdge {
            from: menu.nodes[a as usize].id.clone(),
            to: menu.nodes[b as usize].id.clone(),
            callers: v as f64 / r,
        })
        .collect();
    edges.sort_by(|a, b| {
        b.callers
            .total_cmp(&a.callers)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    Funnel { nodes, edges }
}
