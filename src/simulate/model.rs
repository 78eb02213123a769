//! The traffic model as the simulation uses it: a traffic file (docs/traffic-format.md) read
//! and checked by [`super::load`], every time in seconds (`f64`), every rate per hour, every
//! name resolved to an index. Nothing here knows YAML or spans.

use std::time::Duration;

use jiff::civil::{Date, Weekday};

use super::dist::Dist;
use crate::scenario::Step;

/// Days of the week in the order the model indexes them (`Monday` = 0).
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// The index of a day profile: 0–6 Monday to Sunday, [`HOLIDAY`] for a holiday.
pub type DayKind = usize;

/// The day profile of holidays (the eighth, after Sunday).
pub const HOLIDAY: DayKind = 7;

/// Number of day profiles: seven weekdays and holidays.
pub const DAY_KINDS: usize = 8;

/// A checked traffic model.
#[derive(Clone, Debug)]
pub struct Traffic {
    /// The first simulated day (its midnight is the simulation's time zero).
    pub start: Date,
    /// The length of one interval of the day in seconds: 900, 1800 or 3600.
    pub interval: u32,
    /// Arrival rates, callers per hour, per day profile and interval of the day:
    /// `rates[kind][slot]`, `kind` a [`DayKind`], `slot` in `0..slots()`.
    pub rates: Vec<Vec<f64>>,
    /// Dates simulated with the [`HOLIDAY`] profile (arrivals and staffing).
    pub holidays: Vec<Date>,
    /// What callers do: languages, intents and mistakes. `None`: no menu, callers join
    /// queue 0 directly (a bare queue, for Erlang checks and side-by-side benchmarks).
    pub callers: Option<Callers>,
    /// How long a caller waits for a call-taker before hanging up, in seconds from joining
    /// the queue. `None`: callers never give up.
    pub patience: Option<Dist>,
    /// The queues, in the order of the traffic file.
    pub queues: Vec<QueueModel>,
    /// The call-taker groups.
    pub groups: Vec<Group>,
    /// Callbacks requested by callers whose call no call-taker could take: returned by a
    /// call-taker of the queue when free and nobody waits.
    pub callbacks: CallbackModel,
    /// The service-level goal the reports measure against: answered within `.0` seconds,
    /// share `.1` (80/20: `(20.0, 0.8)`).
    pub service_level: (f64, f64),
    /// Simulated time before the first day whose results are discarded, in seconds (the
    /// run starts empty at midnight; a warm-up starts it as the day before ended).
    pub warm_up: f64,
}

impl Traffic {
    /// Intervals in a day.
    pub fn slots(&self) -> usize {
        (86_400 / self.interval) as usize
    }

    /// The day profile of `date`: [`HOLIDAY`] when listed, else its weekday.
    pub fn day_kind(&self, date: Date) -> DayKind {
        if self.holidays.contains(&date) {
            HOLIDAY
        } else {
            date.weekday().to_monday_zero_offset() as usize
        }
    }

    /// A bare queue (no menu): callers arrive at `rate_per_hour` all week, join the one queue
    /// `general` and are served by `call_takers` on shift all week, each call taking
    /// `handle` seconds and no wrap-up, callers waiting at most `patience` (`None`: for
    /// ever). The M/M/c and M/M/c+M models of the Erlang checks and benchmarks. 30-minute
    /// intervals from Monday 2026-03-02, service level 80/20, no warm-up.
    pub fn bare(call_takers: u32, rate_per_hour: f64, handle: Dist, patience: Option<Dist>) -> Traffic {
        let slots = 48;
        Traffic {
            start: jiff::civil::date(2026, 3, 2),
            interval: 1800,
            rates: vec![vec![rate_per_hour; slots]; DAY_KINDS],
            holidays: Vec::new(),
            callers: None,
            patience,
            queues: vec![QueueModel {
                name: "general".into(),
                handle,
                wrap_up: Dist::Fixed(0.0),
            }],
            groups: vec![Group {
                name: "call-takers".into(),
                serves: vec![0],
                staff: vec![vec![call_takers; slots]; DAY_KINDS],
            }],
            callbacks: CallbackModel::default(),
            service_level: (20.0, 0.8),
            warm_up: 0.0,
        }
    }

    /// Index of the queue called `name`.
    pub fn queue_index(&self, name: &str) -> Option<usize> {
        self.queues.iter().position(|q| q.name == name)
    }
}

/// What callers do, for a simulation through a menu.
#[derive(Clone, Debug)]
pub struct Callers {
    /// Languages with their shares (summing to 1), each with the mistakes its callers make.
    pub languages: Vec<Language>,
    /// Intents with their shares (summing to 1).
    pub intents: Vec<Intent>,
}

/// Callers of one language.
#[derive(Clone, Debug)]
pub struct Language {
    /// The menu's language tag.
    pub tag: String,
    /// Share of callers, 0–1.
    pub share: f64,
    /// How often they go wrong.
    pub mistakes: Mistakes,
}

/// How often callers go wrong, each a probability 0–1 per step (`zero_out` per call).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Mistakes {
    /// At a `press` step at a menu: a key that is no option first (a no-match), then the
    /// step as written.
    pub wrong_key: f64,
    /// At a `press` or `say` step: silence until the no-input time-out first, then the step.
    pub silence: f64,
    /// At a `press` or `say` step written without `at`: act 1 s into the prompt (barge-in)
    /// instead of at its end.
    pub barge_in: f64,
    /// Per call: press `0` (the operator key) at the first prompt, 1 s into it, instead of
    /// the intent's steps.
    pub zero_out: f64,
}

/// One intent: why callers call and what they do in the menu.
#[derive(Clone, Debug)]
pub struct Intent {
    /// Its name (reports use it).
    pub name: String,
    /// Share of callers, 0–1.
    pub share: f64,
    /// The caller's actions, as a scenario writes them (`press`, `say`, `silence`,
    /// `hangup`). After the last, the caller waits: for a call-taker, or for the call to end.
    pub steps: Vec<Step>,
}

/// One queue of the menu, with its call-takers' handle times.
#[derive(Clone, Debug)]
pub struct QueueModel {
    /// The menu's queue name.
    pub name: String,
    /// Talk time of one call, seconds.
    pub handle: Dist,
    /// After-call work, seconds (the call-taker is busy, without a caller).
    pub wrap_up: Dist,
}

/// A group of call-takers with the same skills and shifts.
#[derive(Clone, Debug)]
pub struct Group {
    /// Its name.
    pub name: String,
    /// The queues it serves, as indexes into [`Traffic::queues`], in the group's order of
    /// preference (ties between waiting callers of equal priority go to the longest wait).
    pub serves: Vec<usize>,
    /// Call-takers on shift per day profile and interval: `staff[kind][slot]`.
    pub staff: Vec<Vec<u32>>,
}

/// Callbacks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallbackModel {
    /// Whether call-takers return requested callbacks (else they are counted only).
    pub returned: bool,
    /// Talk time of a returned callback, seconds (`None`: the queue's handle time).
    pub handle_mean: Option<f64>,
}

impl Default for CallbackModel {
    fn default() -> Self {
        CallbackModel {
            returned: true,
            handle_mean: None,
        }
    }
}

/// Seconds as a [`Duration`] (negative and NaN as zero).
pub fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or_default()
}
