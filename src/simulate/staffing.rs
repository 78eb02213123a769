//! Staffing plans: the fewest call-takers per group, day profile and interval that meet a goal
//! (`--staff-for "sl=80/20,abandon<=5%"`), found by simulation, beside the Erlang C (or, with
//! patience, Erlang A) estimate of the same interval.
//!
//! The search (docs/simulation.md, "Staffing"):
//! 1. a run with the traffic file's shifts measures how many callers reach each queue in each
//!    interval (the menu decides that, not the arrival rates alone);
//! 2. for each group, the queues it serves first (its primary queues) give the interval's
//!    offered load λ/μ, and Erlang C or A the fewest call-takers for the goal on their own;
//! 3. every interval starts at the smaller of that estimate and the offered load (rounded
//!    down, at least 1 where callers come), and each round simulates the whole run (every
//!    replication) and adds one call-taker to each interval of a group whose primary queues
//!    missed the goal there (pooled over the days of that profile and the replications),
//!    until every interval meets it or [`MAX_ROUNDS`] have run.
//!
//! Since adding call-takers in one interval helps the next (fewer callers left waiting), the
//! search only ever adds, and the first plan that meets the goal everywhere is the answer.

#![allow(
    clippy::needless_range_loop,
    reason = "groups, day profiles and slots index several parallel tables at once"
)]

use serde::{Deserialize, Serialize};

use super::erlang;
use super::model::{DAY_KINDS, Traffic};
use super::report::Report;
use super::run::{Input, Options, Replication, new_walks, pool, replicate, segments};
use rayon::prelude::*;

/// Most simulation rounds of a search.
pub const MAX_ROUNDS: u32 = 40;

/// What a staffing plan must achieve, per interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    /// Service level: share (0–1) answered within seconds, `(share, seconds)`.
    pub sl: Option<(f64, f64)>,
    /// Most callers abandoning while waiting, share 0–1.
    pub abandon: Option<f64>,
    /// Longest average speed of answer, seconds.
    pub asa: Option<f64>,
}

impl Goal {
    /// Reads `sl=80/20,abandon<=5%,asa<=30s` (any of the three, comma-separated).
    ///
    /// # Errors
    /// What is wrong, in words.
    pub fn parse(s: &str) -> Result<Goal, String> {
        let mut g = Goal::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(v) = part.strip_prefix("sl=") {
                let (pct, secs) = v.split_once('/').ok_or_else(|| {
                    format!("`{part}`: write the service level as `sl=PERCENT/SECONDS`, e.g. `sl=80/20`")
                })?;
                let pct: f64 = pct
                    .trim_end_matches('%')
                    .parse()
                    .map_err(|_| format!("`{pct}` in `{part}` is not a percentage"))?;
                let secs: f64 = secs
                    .trim_end_matches('s')
                    .parse()
                    .map_err(|_| format!("`{secs}` in `{part}` is not a number of seconds"))?;
                if !(pct > 0.0 && pct < 100.0 && secs.is_finite() && secs >= 0.0) {
                    return Err(format!(
                        "`{part}`: the share must be more than 0 and less than 100 % (no staffing answers every caller in time for sure) and the seconds at least 0"
                    ));
                }
                g.sl = Some((pct / 100.0, secs));
            } else if let Some(v) = part.strip_prefix("abandon<=") {
                let pct: f64 = v
                    .trim_end_matches('%')
                    .parse()
                    .map_err(|_| format!("`{v}` in `{part}` is not a percentage"))?;
                if !(0.0..=100.0).contains(&pct) {
                    return Err(format!("`{part}`: the share must be 0–100 %"));
                }
                g.abandon = Some(pct / 100.0);
            } else if let Some(v) = part.strip_prefix("asa<=") {
                let secs: f64 = v
                    .trim_end_matches('s')
                    .parse()
                    .map_err(|_| format!("`{v}` in `{part}` is not a number of seconds"))?;
                if !(secs.is_finite() && secs >= 0.0) {
                    return Err(format!("`{part}`: the seconds must be at least 0"));
                }
                g.asa = Some(secs);
            } else {
                return Err(format!(
                    "`{part}` is not a goal: write `sl=80/20`, `abandon<=5%` or `asa<=30s`, comma-separated"
                ));
            }
        }
        if g == Goal::default() {
            return Err("no goal given: write e.g. `sl=80/20,abandon<=5%`".into());
        }
        Ok(g)
    }

    /// Whether `answered` callers, `within` of them within the threshold, `abandoned` and a
    /// total wait of `wait` seconds meet the goal (nobody at all meets it). A share counts
    /// as missed only when it misses by more than sampling noise explains: by more than
    /// 1.96 standard errors of a binomial share at the goal, `√(p(1−p)/n)` (a one-sided test
    /// at 97.5 %), so a quiet interval with a handful of callers is not staffed up on chance.
    pub fn met(&self, answered: f64, within_sl: f64, abandoned: f64, wait: f64) -> bool {
        let n = answered + abandoned;
        if n <= 0.0 {
            return true;
        }
        let noise = |p: f64| 1.96 * (p * (1.0 - p) / n).sqrt();
        self.sl.is_none_or(|(share, _)| within_sl / n >= share - noise(share))
            && self.abandon.is_none_or(|max| abandoned / n <= max + noise(max))
            && self.asa.is_none_or(|max| answered <= 0.0 || wait / answered <= max)
    }
}

/// A staffing plan found by `--staff-for`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Plan {
    /// The goal as given.
    pub goal: String,
    /// Per group.
    pub groups: Vec<GroupPlan>,
    /// Whether every interval met the goal in the final run.
    pub met: bool,
    /// Simulation rounds the search took.
    pub rounds: u32,
}

/// One group's plan.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GroupPlan {
    /// The group.
    pub group: String,
    /// Per day profile and interval of the day, those of the days simulated.
    pub rows: Vec<PlanRow>,
}

/// Call-takers for one interval of one day profile.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    /// `mon` … `sun`, `holiday`.
    pub day: String,
    /// Interval start, `HH:MM`.
    pub from: String,
    /// Fewest call-takers that met the goal in simulation.
    pub simulated: u32,
    /// The Erlang C (no patience) or Erlang A estimate for the same interval; `None` where
    /// no number of call-takers meets the goal by the formulas.
    pub erlang: Option<u32>,
    /// Whether the interval met the goal in the final run.
    pub met: bool,
    /// In the traffic file.
    pub given: u32,
}

/// Names of the day profiles.
pub const DAY_NAMES: [&str; DAY_KINDS] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"];

impl Plan {
    /// The plan as text: for each group, runs of consecutive intervals with the same numbers.
    pub fn text(&self) -> String {
        let mut o = format!(
            "Staffing for {}: {} after {} simulation round(s)\n",
            self.goal,
            if self.met {
                "met in every interval"
            } else {
                "NOT met everywhere (see the rows marked !)"
            },
            self.rounds
        );
        for g in &self.groups {
            o.push_str(&format!(
                "  {}\n    {:<8} {:<13} {:>9} {:>7} {:>6}\n",
                g.group, "day", "from–to", "simulated", "Erlang", "given"
            ));
            let mut i = 0;
            while i < g.rows.len() {
                let r = &g.rows[i];
                let mut j = i + 1;
                while j < g.rows.len()
                    && g.rows[j].day == r.day
                    && (g.rows[j].simulated, g.rows[j].erlang, g.rows[j].given, g.rows[j].met)
                        == (r.simulated, r.erlang, r.given, r.met)
                {
                    j += 1;
                }
                let to = g
                    .rows
                    .get(j)
                    .filter(|n| n.day == r.day)
                    .map_or("24:00", |n| n.from.as_str());
                o.push_str(&format!(
                    "    {:<8} {:<13} {:>9} {:>7} {:>6}{}\n",
                    r.day,
                    format!("{}–{}", r.from, to),
                    r.simulated,
                    r.erlang.map_or("–".to_owned(), |e| e.to_string()),
                    r.given,
                    if r.met { "" } else { "  !" }
                ));
                i = j;
            }
        }
        o
    }
}

/// Day profiles of the days simulated (warm-up excluded).
fn kinds_run(t: &Traffic, days: f64) -> [bool; DAY_KINDS] {
    let mut used = [false; DAY_KINDS];
    for d in 0..days.ceil().max(1.0) as i64 {
        if let Ok(date) = t.start.checked_add(jiff::Span::new().days(d)) {
            used[t.day_kind(date)] = true;
        }
    }
    used
}

/// Runs every replication of `traffic` in parallel.
fn run_all(input: Input<'_>, opts: &Options) -> Vec<Replication> {
    let seg = segments(input, opts);
    (0..opts.replications.max(1))
        .into_par_iter()
        .map_init(
            || new_walks(input),
            |walks, r| replicate(input, walks.as_mut(), &seg, opts, r),
        )
        .collect()
}

/// Per group, day profile and slot: answered, within SL, abandoned, wait sum (pooled).
fn cells(t: &Traffic, reps: &[Replication]) -> Vec<[[[f64; 4]; 96]; DAY_KINDS]> {
    let slots = t.slots();
    let mut out = vec![[[[0.0; 4]; 96]; DAY_KINDS]; t.groups.len()];
    let primary: Vec<Option<usize>> = (0..t.queues.len())
        .map(|q| t.groups.iter().position(|g| g.serves.first() == Some(&q)))
        .collect();
    for rep in reps {
        let n = rep.result.intervals.len();
        for i in 0..n {
            let day = (i / slots) as i64;
            let kind = t
                .start
                .checked_add(jiff::Span::new().days(day))
                .map_or(0, |d| t.day_kind(d));
            let slot = i % slots;
            for (q, p) in primary.iter().enumerate() {
                let Some(g) = *p else { continue };
                let c = rep.result.queue_intervals[q * n + i];
                let cell = &mut out[g][kind][slot];
                cell[0] += c[0] as f64;
                cell[1] += c[1] as f64;
                cell[2] += c[2] as f64;
                cell[3] += c[3] as f64 / 1000.0;
            }
        }
    }
    out
}

/// Finds the fewest call-takers per group and interval that meet `goal` (see the module's
/// notes). Returns the plan and the report of its final run.
pub fn search(
    input: Input<'_>,
    opts: &Options,
    goal: &Goal,
    goal_text: &str,
    names: (Option<String>, String),
) -> (Plan, Report) {
    let given = input.traffic;
    let slots = given.slots();
    let used = kinds_run(given, opts.length.days);
    let base = run_all(input, opts);
    let erl = erlang_estimates(given, &base, goal, opts);
    let mut traffic = given.clone();
    // Where the traffic file has someone on shift while callers are expected, the plan keeps
    // at least one (a quiet interval of a 24×7 line still needs a person).
    for (g, group) in traffic.groups.iter_mut().enumerate() {
        for kind in (0..DAY_KINDS).filter(|&k| used[k]) {
            for slot in 0..slots {
                let floor = u32::from(given.groups[g].staff[kind][slot] > 0 && given.rates[kind][slot] > 0.0);
                group.staff[kind][slot] = erl[g][kind][slot].1.max(floor);
            }
        }
    }
    let mut rounds = 0;
    let mut met = false;
    let mut missed_last: Vec<(usize, usize, usize)> = Vec::new();
    let mut last = base;
    while rounds < MAX_ROUNDS {
        rounds += 1;
        let inp = Input {
            menu: input.menu,
            traffic: &traffic,
        };
        last = run_all(inp, opts);
        let c = cells(&traffic, &last);
        let mut missed = Vec::new();
        for g in 0..traffic.groups.len() {
            for kind in (0..DAY_KINDS).filter(|&k| used[k]) {
                for slot in 0..slots {
                    let [a, w, ab, wait] = c[g][kind][slot];
                    if !goal.met(a, w, ab, wait) {
                        missed.push((g, kind, slot));
                    }
                }
            }
        }
        if missed.is_empty() {
            met = true;
            break;
        }
        if rounds == MAX_ROUNDS {
            missed_last = missed;
            break; // the plan reported is the one simulated last
        }
        for (g, kind, slot) in missed {
            traffic.groups[g].staff[kind][slot] += 1;
        }
    }
    let groups = traffic
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| GroupPlan {
            group: group.name.clone(),
            rows: (0..DAY_KINDS)
                .filter(|&k| used[k])
                .flat_map(|kind| {
                    let (erl, missed) = (&erl, &missed_last);
                    (0..slots).map(move |slot| PlanRow {
                        day: DAY_NAMES[kind].into(),
                        from: slot_time(slot, given.interval),
                        simulated: group.staff[kind][slot],
                        erlang: erl[g][kind][slot].0,
                        given: given.groups[g].staff[kind][slot],
                        met: !missed.contains(&(g, kind, slot)),
                    })
                })
                .collect(),
        })
        .collect();
    let inp = Input {
        menu: input.menu,
        traffic: &traffic,
    };
    let mut report = pool(inp, opts, names, &last);
    let plan = Plan {
        goal: goal_text.into(),
        groups,
        met,
        rounds,
    };
    report.staffing = Some(plan.clone());
    (plan, report)
}

/// `HH:MM` of the start of `slot`.
fn slot_time(slot: usize, interval: u32) -> String {
    let m = slot as u32 * interval / 60;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Per group, day profile and slot: (the Erlang estimate, `None` when unreachable; the
/// search's starting point).
type Estimates = Vec<Vec<Vec<(Option<u32>, u32)>>>;

/// See [`Estimates`].
fn erlang_estimates(t: &Traffic, base: &[Replication], goal: &Goal, opts: &Options) -> Estimates {
    let slots = t.slots();
    let mut days_of = [0.0f64; DAY_KINDS];
    for d in 0..opts.length.days.ceil().max(1.0) as i64 {
        if let Ok(date) = t.start.checked_add(jiff::Span::new().days(d)) {
            days_of[t.day_kind(date)] += 1.0;
        }
    }
    let reps = base.len().max(1) as f64;
    let theta = t.patience.as_ref().map(|p| 1.0 / p.mean().max(1e-9));
    let (sl_share, sl_t) = goal.sl.unwrap_or((0.0, t.service_level.0));
    // Callers reaching each queue per interval, and the mean busy time of one.
    let mut out = vec![vec![vec![(Some(0), 0); slots]; DAY_KINDS]; t.groups.len()];
    for g in 0..t.groups.len() {
        let primaries: Vec<usize> = (0..t.queues.len())
            .filter(|&q| t.groups.iter().position(|x| x.serves.first() == Some(&q)) == Some(g))
            .collect();
        for kind in 0..DAY_KINDS {
            if days_of[kind] == 0.0 {
                continue;
            }
            for slot in 0..slots {
                let (mut lambda, mut busy) = (0.0, 0.0);
                for &q in &primaries {
                    let mut n = 0.0;
                    for rep in base {
                        let ni = rep.result.intervals.len();
                        for i in (slot..ni).step_by(slots) {
                            let day = (i / slots) as i64;
                            let k = t
                                .start
                                .checked_add(jiff::Span::new().days(day))
                                .map_or(0, |d| t.day_kind(d));
                            if k == kind {
                                let c = rep.result.queue_intervals[q * ni + i];
                                n += (c[0] + c[2]) as f64;
                            }
                        }
                    }
                    let l = n / reps / days_of[kind] / f64::from(t.interval);
                    lambda += l;
                    busy += l * (t.queues[q].handle.mean() + t.queues[q].wrap_up.mean());
                }
                if lambda <= 0.0 {
                    continue;
                }
                let mu = lambda / busy;
                let load = (lambda / mu).floor() as u32;
                let e = erlang::fewest_for_sl(lambda, mu, theta, sl_t, sl_share, goal.abandon);
                let start = e.unwrap_or(load + 1).min(load).max(1);
                out[g][kind][slot] = (e, start);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_are_read() {
        let g = Goal::parse("sl=80/20,abandon<=5%").unwrap();
        assert_eq!(g.sl, Some((0.8, 20.0)));
        assert_eq!(g.abandon, Some(0.05));
        assert_eq!(Goal::parse("asa<=30s").unwrap().asa, Some(30.0));
        for bad in [
            "",
            "sl=80",
            "sl=120/20",
            "sl=100/0",
            "abandon<=x",
            "speed=fast",
            "abandon<=150%",
        ] {
            assert!(Goal::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_goal_is_met_by_its_numbers() {
        let g = Goal::parse("sl=80/20,abandon<=5%").unwrap();
        assert!(g.met(1000.0, 800.0, 0.0, 0.0));
        assert!(
            g.met(1000.0, 790.0, 0.0, 0.0),
            "within noise: 1.96 × 1.26 % at n = 1000"
        );
        assert!(!g.met(1000.0, 770.0, 0.0, 0.0));
        assert!(g.met(4.0, 2.0, 0.0, 0.0), "2 of 4 is within noise of 80 %");
        assert!(!g.met(900.0, 850.0, 100.0, 0.0), "10 % abandoned");
        assert!(g.met(0.0, 0.0, 0.0, 0.0));
    }
}
