//! What a simulation reports: estimates over replications (mean and 95 % confidence
//! interval) of each measure, for all callers, per queue, per priority and per interval,
//! the per-node funnel and the wait distribution; as JSON (`-o results.json`, read back by
//! `ivrsim graph --traffic` and the SVG report) and as a text report.

use std::fmt::Write as _;

use hdrhistogram::Histogram;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::stats::{Occupancy, Tally, quantile};

/// The version of the results JSON.
pub const FORMAT_VERSION: u32 = 1;

/// Fewer callers queued than this in a cohort (per replication, on average) marks its
/// results as noisy: with fewer, an interval's ASA and service level move by more than
/// about a fifth between replications of a typical load.
pub const NOISY_BELOW: f64 = 30.0;

/// The measures of a cohort, in report order: (name, what it is).
pub const MEASURES: [(&str, &str); 28] = [
    ("offered", "callers who called"),
    ("contained", "served in the IVR: the menu ended the call by design"),
    ("containment", "contained ÷ offered"),
    ("abandoned_in_ivr", "hung up in the IVR"),
    ("retries_exhausted", "retries ran out and the line said goodbye"),
    ("zero_outs", "handed off because the caller pressed the operator key"),
    ("handed_off", "handed off to a queue (first handoff)"),
    ("handed_off_chosen", "handed off by the caller's choices"),
    ("handed_off_operator_key", "handed off by the operator key"),
    ("handed_off_no_input", "handed off after too many no-inputs"),
    ("handed_off_no_match", "handed off after too many no-matches"),
    (
        "time_in_ivr_s",
        "mean seconds in the IVR (to the first handoff, or the end)",
    ),
    ("queued", "joined a queue"),
    ("answered", "answered by a call-taker"),
    ("abandoned_waiting", "hung up while waiting"),
    ("abandonment", "abandoned_waiting ÷ queued"),
    ("no_operator", "told no call-taker could take the call"),
    ("callbacks", "callbacks requested"),
    ("callbacks_returned", "callbacks returned by a call-taker"),
    (
        "asa_s",
        "average speed of answer: mean wait of answered callers, seconds",
    ),
    ("p_wait", "share of answered callers who waited at all"),
    (
        "service_level",
        "answered within the threshold ÷ (answered + abandoned while waiting)",
    ),
    ("wait_p50_s", "median wait of answered callers, seconds"),
    ("wait_p90_s", "90th percentile wait of answered callers, seconds"),
    ("wait_p99_s", "99th percentile wait of answered callers, seconds"),
    ("occupancy", "call-taker time busy (talk and wrap-up) ÷ time on shift"),
    ("in_progress", "still in the IVR or waiting when the run ended"),
    (
        "other_end",
        "ended otherwise: round `when_no_operator` plans without end, or at the call's maximum length",
    ),
];

/// One replication's value of each of [`MEASURES`] (NaN where undefined: a share of none).
pub fn sample(t: &Tally, waits: Option<&Histogram<u64>>, occ: Option<&Occupancy>) -> [f64; MEASURES.len()] {
    let n = |x: u64| x as f64;
    let div = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    let handed: u64 = t.handed_off.iter().sum();
    let pct = |q| waits.filter(|h| !h.is_empty()).map_or(f64::NAN, |h| quantile(h, q));
    [
        n(t.offered),
        n(t.contained),
        div(n(t.contained), n(t.offered)),
        n(t.abandoned_ivr),
        n(t.retries_exhausted),
        n(t.zero_outs),
        n(handed),
        n(t.handed_off[0]),
        n(t.handed_off[1]),
        n(t.handed_off[2]),
        n(t.handed_off[3]),
        div(t.ivr_time, n(t.offered)),
        n(t.queued),
        n(t.answered),
        n(t.abandoned_queue),
        div(n(t.abandoned_queue), n(t.queued)),
        n(t.no_operator),
        n(t.callbacks),
        n(t.callbacks_returned),
        div(t.wait_answered, n(t.answered)),
        div(n(t.delayed), n(t.answered)),
        div(n(t.within_sl), n(t.answered + t.abandoned_queue)),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        occ.and_then(Occupancy::share).unwrap_or(f64::NAN),
        n(t.in_progress),
        n(t.other_end),
    ]
}

/// An estimate over replications: the mean and the half-width of its 95 % confidence
/// interval (Student's t with R−1 degrees of freedom; `None` with one replication).
/// `None` as a whole where no replication had a value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Est {
    /// Mean over replications.
    pub mean: f64,
    /// Half-width of the 95 % confidence interval.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ci95: Option<f64>,
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom, from the standard table
/// (NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2); 1.960 past 30.
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        d if d <= 30 => T[d - 1],
        _ => 1.960,
    }
}

/// Mean and standard error of the finite values of `xs`; `None` when none is finite.
pub fn mean_se(xs: impl IntoIterator<Item = f64>) -> Option<(f64, f64, usize)> {
    let v: Vec<f64> = xs.into_iter().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 {
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    Some((mean, (var / n).sqrt(), v.len()))
}

/// The estimate of one measure from its replications' values.
pub fn estimate(xs: impl IntoIterator<Item = f64>) -> Option<Est> {
    let (mean, se, n) = mean_se(xs)?;
    Some(Est {
        mean,
        ci95: (n > 1).then(|| t975(n - 1) * se),
    })
}

/// Every measure of a cohort: name → estimate (absent where undefined).
pub type Measures = IndexMap<String, Est>;

/// Estimates of [`MEASURES`] from per-replication samples.
pub fn measures(samples: &[[f64; MEASURES.len()]]) -> Measures {
    MEASURES
        .iter()
        .enumerate()
        .filter_map(|(i, (name, _))| Some(((*name).to_owned(), estimate(samples.iter().map(|s| s[i]))?)))
        .collect()
}

/// The results of `ivrsim simulate` (`-o results.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The menu simulated (as given), if any.
    pub menu: Option<String>,
    /// The traffic file.
    pub traffic: String,
    /// The seed of the first replication (each next one is derived from it).
    pub seed: u64,
    /// Independent replications.
    pub replications: u32,
    /// The first day counted.
    pub start: String,
    /// Days counted per replication.
    pub days: f64,
    /// Seconds simulated before `start` and not counted (the run starts empty).
    pub warm_up_s: f64,
    /// Interval length, seconds.
    pub interval_s: u32,
    /// The service-level goal: answered within `threshold_s`, share `target`.
    pub service_level: ServiceLevel,
    /// Callers simulated over all replications (warm-up included).
    pub callers_simulated: u64,
    /// Distinct walks through the menu computed on the engine, over all replications (not
    /// written: it depends on how replications share threads, the results do not).
    #[serde(skip)]
    pub walks_computed: u64,
    /// All callers.
    pub total: Measures,
    /// Per queue.
    pub queues: Vec<Cohort>,
    /// Per priority present (1 the highest).
    pub priorities: Vec<Cohort>,
    /// Per call-taker group.
    pub groups: Vec<GroupRow>,
    /// Per interval of the run.
    pub intervals: Vec<Interval>,
    /// The wait distribution of answered callers (all replications pooled): share of
    /// answered callers who waited at most `upto_s`.
    pub wait_distribution: Vec<WaitBucket>,
    /// The funnel through the menu.
    pub funnel: Funnel,
    /// Some replication had [`super::events::MAX_IN_SYSTEM`] callers in the system at once
    /// and stopped taking arrivals: the queues grow without end, the results understate the
    /// load.
    #[serde(default)]
    pub overloaded: bool,
    /// A staffing plan, when `--staff-for` asked for one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub staffing: Option<super::staffing::Plan>,
}

/// The service-level goal.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct ServiceLevel {
    /// Seconds.
    pub threshold_s: f64,
    /// Share, 0–1.
    pub target: f64,
}

/// The measures of a named cohort.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cohort {
    /// Queue name, or priority level.
    pub name: String,
    /// Fewer queued callers than [`NOISY_BELOW`] per replication.
    pub noisy: bool,
    /// The measures.
    pub measures: Measures,
}

/// A call-taker group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GroupRow {
    /// Its name.
    pub name: String,
    /// Busy ÷ on shift.
    pub occupancy: Option<Est>,
    /// Call-taker hours on shift per replication.
    pub staffed_hours: f64,
}

/// One interval of the run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Interval {
    /// Its start, local time (`2026-03-02T08:30`).
    pub start: String,
    /// Mean call-takers on shift (all groups).
    pub staffed: f64,
    /// Mean callers waiting (time-average).
    pub waiting: f64,
    /// Fewer queued callers than [`NOISY_BELOW`] per replication.
    pub noisy: bool,
    /// The measures of callers who called in it (wait percentiles are not kept per interval).
    pub measures: Measures,
}

/// One bucket of the wait distribution.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct WaitBucket {
    /// Upper bound, seconds.
    pub upto_s: f64,
    /// Share of answered callers who waited at most this long.
    pub share: f64,
}

/// Callers through the menu, per replication on average.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Funnel {
    /// Per node, in menu order.
    pub nodes: Vec<FunnelNode>,
    /// Per edge taken (from node to node).
    pub edges: Vec<FunnelEdge>,
}

/// A node of the funnel.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FunnelNode {
    /// Node id.
    pub node: String,
    /// Callers who entered it (each time).
    pub entered: f64,
    /// Callers who hung up there (in the IVR, or waiting for a call-taker at a transfer).
    pub gave_up: f64,
}

/// An edge of the funnel.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FunnelEdge {
    /// From node id.
    pub from: String,
    /// To node id.
    pub to: String,
    /// Callers who went this way (each time).
    pub callers: f64,
}

/// Formats an estimate: `12.3 ± 0.4`, with `digits` decimals; `–` when absent.
fn fmt_est(e: Option<&Est>, digits: usize, scale: f64) -> String {
    match e {
        None => "–".into(),
        Some(e) => match e.ci95 {
            Some(ci) if ci > 0.0 => format!("{:.*} ±{:.*}", digits, e.mean * scale, digits, ci * scale),
            _ => format!("{:.*}", digits, e.mean * scale),
        },
    }
}

impl Report {
    /// The text report a manager reads.
    pub fn text(&self) -> String {
        let mut o = String::new();
        let sl = self.service_level;
        let _ = writeln!(
            o,
            "Simulation of {} with {}",
            self.menu.as_deref().unwrap_or("a bare queue"),
            self.traffic
        );
        let days = if self.days.fract() == 0.0 {
            format!("{}", self.days)
        } else {
            format!("{:.2}", self.days)
        };
        let _ = writeln!(
            o,
            "  {} day(s) from {}, {} replication(s), seed {}, {}-minute intervals; warm-up {} h (not counted)",
            days,
            self.start,
            self.replications,
            self.seed,
            self.interval_s / 60,
            self.warm_up_s / 3600.0
        );
        let _ = writeln!(
            o,
            "  service level goal: {:.0} % answered within {:.0} s{}",
            sl.target * 100.0,
            sl.threshold_s,
            if self.replications > 1 {
                "; ± is the 95 % confidence interval over replications"
            } else {
                " (one replication: no confidence intervals)"
            }
        );
        if self.staffing.is_some() {
            let _ = writeln!(
                o,
                "  the results below are for the proposed staffing plan (at the end), not the traffic file's shifts"
            );
        }
        if self.overloaded {
            let _ = writeln!(
                o,
                "  OVERLOADED: a million callers were in the system at once and arrivals stopped; the queues grow without end (add call-takers or give callers a patience)"
            );
        }
        let _ = writeln!(o);
        let t = &self.total;
        let g = |k: &str| t.get(k);
        let _ = writeln!(o, "Callers (per replication)");
        let rows: [(&str, &str, usize, f64); 14] = [
            ("offered", "offered", 0, 1.0),
            ("contained in the IVR", "contained", 0, 1.0),
            ("containment %", "containment", 1, 100.0),
            ("abandoned in the IVR", "abandoned_in_ivr", 0, 1.0),
            ("retries ran out", "retries_exhausted", 0, 1.0),
            ("handed off", "handed_off", 0, 1.0),
            ("  by choice", "handed_off_chosen", 0, 1.0),
            ("  operator key (zero-outs)", "handed_off_operator_key", 0, 1.0),
            ("  after no-input", "handed_off_no_input", 0, 1.0),
            ("  after no-match", "handed_off_no_match", 0, 1.0),
            ("time in the IVR (s)", "time_in_ivr_s", 1, 1.0),
            ("callbacks requested", "callbacks", 0, 1.0),
            ("ended round plans / at max length", "other_end", 0, 1.0),
            ("still in progress at the end", "in_progress", 0, 1.0),
        ];
        for (label, key, d, scale) in rows {
            let _ = writeln!(o, "  {label:<28} {}", fmt_est(g(key), d, scale));
        }
        let _ = writeln!(o);
        let _ = writeln!(o, "Queues");
        let header = format!(
            "  {:<16} {:>14} {:>14} {:>12} {:>12} {:>11} {:>9} {:>9} {:>9} {:>10}",
            "queue", "queued", "answered", "abandon %", "ASA s", "SL %", "p50 s", "p90 s", "p99 s", "occupancy%"
        );
        let _ = writeln!(o, "{header}");
        let mut all = self.queues.clone();
        all.push(Cohort {
            name: "(all)".into(),
            noisy: false,
            measures: self.total.clone(),
        });
        for c in &all {
            let m = &c.measures;
            let _ = writeln!(
                o,
                "  {:<16} {:>14} {:>14} {:>12} {:>12} {:>11} {:>9} {:>9} {:>9} {:>10}{}",
                c.name,
                fmt_est(m.get("queued"), 0, 1.0),
                fmt_est(m.get("answered"), 0, 1.0),
                fmt_est(m.get("abandonment"), 1, 100.0),
                fmt_est(m.get("asa_s"), 1, 1.0),
                fmt_est(m.get("service_level"), 1, 100.0),
                fmt_est(m.get("wait_p50_s"), 0, 1.0),
                fmt_est(m.get("wait_p90_s"), 0, 1.0),
                fmt_est(m.get("wait_p99_s"), 0, 1.0),
                fmt_est(m.get("occupancy"), 1, 100.0),
                if c.noisy { "  (few callers: noisy)" } else { "" }
            );
        }
        if self.priorities.len() > 1 {
            let _ = writeln!(o);
            let _ = writeln!(o, "Priorities");
            for c in &self.priorities {
                let m = &c.measures;
                let _ = writeln!(
                    o,
                    "  priority {:<7} queued {:>12}  ASA {:>10} s  SL {:>10} %  abandoned {:>9} %{}",
                    c.name,
                    fmt_est(m.get("queued"), 0, 1.0),
                    fmt_est(m.get("asa_s"), 1, 1.0),
                    fmt_est(m.get("service_level"), 1, 100.0),
                    fmt_est(m.get("abandonment"), 1, 100.0),
                    if c.noisy { "  (noisy)" } else { "" }
                );
            }
        }
        if !self.groups.is_empty() {
            let _ = writeln!(o);
            let _ = writeln!(o, "Call-takers");
            for gr in &self.groups {
                let _ = writeln!(
                    o,
                    "  {:<24} {:>8.1} h on shift   occupancy {} %",
                    gr.name,
                    gr.staffed_hours,
                    fmt_est(gr.occupancy.as_ref(), 1, 100.0)
                );
            }
        }
        self.text_hours(&mut o);
        if !self.funnel.nodes.is_empty() {
            let _ = writeln!(o);
            let _ = writeln!(o, "Funnel (callers per replication: entered, gave up there)");
            let mut nodes = self.funnel.nodes.clone();
            nodes.sort_by(|a, b| b.entered.total_cmp(&a.entered));
            for n in nodes.iter().filter(|n| n.entered > 0.0) {
                let _ = writeln!(o, "  {:<28} {:>10.1} {:>9.1}", n.node, n.entered, n.gave_up);
            }
        }
        if let Some(plan) = &self.staffing {
            let _ = writeln!(o);
            o.push_str(&plan.text());
        }
        o
    }

    /// The day by hour: intervals of the same time of day pooled over the days.
    fn text_hours(&self, o: &mut String) {
        if self.intervals.is_empty() {
            return;
        }
        let per_day = (86_400 / self.interval_s.max(1)) as usize;
        let per_hour = (3600 / self.interval_s.max(1)) as usize;
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "By hour of the day (all days; ~ marks hours with few callers, too noisy to trust)"
        );
        let _ = writeln!(
            o,
            "  {:<6} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "hour", "offered", "answered", "ASA s", "SL %", "aband %", "staffed"
        );
        for h in 0..24 {
            let (mut off, mut ans, mut wait, mut within, mut ab, mut staffed, mut n) =
                (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0);
            for (i, iv) in self.intervals.iter().enumerate() {
                if (i % per_day) / per_hour.max(1) != h {
                    continue;
                }
                let m = |k: &str| iv.measures.get(k).map_or(0.0, |e| e.mean);
                off += m("offered");
                let a = m("answered");
                ans += a;
                wait += iv.measures.get("asa_s").map_or(0.0, |e| e.mean * a);
                let abn = m("abandoned_waiting");
                ab += abn;
                within += iv.measures.get("service_level").map_or(0.0, |e| e.mean * (a + abn));
                staffed += iv.staffed;
                n += 1;
            }
            if n == 0 {
                continue;
            }
            let asa = if ans > 0.0 {
                format!("{:.1}", wait / ans)
            } else {
                "–".into()
            };
            let slv = if ans + ab > 0.0 {
                format!("{:.1}", 100.0 * within / (ans + ab))
            } else {
                "–".into()
            };
            let abp = if ans + ab > 0.0 {
                format!("{:.1}", 100.0 * ab / (ans + ab))
            } else {
                "–".into()
            };
            let noisy = if ans + ab < NOISY_BELOW { " ~" } else { "" };
            let _ = writeln!(
                o,
                "  {:02}:00 {:>9.0} {:>9.0} {:>9} {:>9} {:>9} {:>9.1}{}",
                h,
                off,
                ans,
                asa,
                slv,
                abp,
                staffed / n as f64,
                noisy
            );
        }
    }
}
