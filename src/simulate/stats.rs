//! Streaming statistics of one replication: counts and sums per queue, per priority and per
//! interval, and wait-time histograms (HdrHistogram), so memory stays flat in the number of
//! callers.

use hdrhistogram::Histogram;

use crate::engine::HandoffReason;

/// Counts and sums for one cohort of callers (all, one queue, one priority, one interval).
/// Callers are counted in the cohort of the interval they called in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    /// Callers who called.
    pub offered: u64,
    /// Served in the IVR: the menu ended the call by design (containment).
    pub contained: u64,
    /// Hung up in the IVR.
    pub abandoned_ivr: u64,
    /// Retries ran out and the line said goodbye.
    pub retries_exhausted: u64,
    /// Zero-outs: handed off because the caller pressed the operator key.
    pub zero_outs: u64,
    /// Handed off to a queue (first handoff), by reason: chosen, operator key, no-input,
    /// no-match.
    pub handed_off: [u64; 4],
    /// Sum of the time in the IVR (to the first handoff, or the end), seconds.
    pub ivr_time: f64,
    /// Joined a queue (each time a call joins one).
    pub queued: u64,
    /// Answered by a call-taker.
    pub answered: u64,
    /// Answered after waiting (not at once).
    pub delayed: u64,
    /// Answered within the service-level threshold.
    pub within_sl: u64,
    /// Sum of the waits of answered callers, seconds.
    pub wait_answered: f64,
    /// Hung up while waiting.
    pub abandoned_queue: u64,
    /// Sum of the waits of callers who hung up while waiting, seconds.
    pub wait_abandoned: f64,
    /// Told no call-taker could take the call (the line hung up).
    pub no_operator: u64,
    /// Callbacks requested.
    pub callbacks: u64,
    /// Callbacks returned by a call-taker.
    pub callbacks_returned: u64,
    /// Still in the IVR or waiting when the run ended.
    pub in_progress: u64,
    /// Ended otherwise: the call went round `when_no_operator` plans without end (handed on
    /// more than `walk::MAX_ANSWERS` times), or reached its maximum length.
    pub other_end: u64,
}

impl Tally {
    /// The index of `reason` in [`Tally::handed_off`].
    pub fn reason_index(reason: HandoffReason) -> usize {
        match reason {
            HandoffReason::Chosen => 0,
            HandoffReason::OperatorKey => 1,
            HandoffReason::MaxNoInput => 2,
            HandoffReason::MaxNoMatch => 3,
        }
    }

    /// Adds `other` to this.
    pub fn add(&mut self, o: &Tally) {
        self.offered += o.offered;
        self.contained += o.contained;
        self.abandoned_ivr += o.abandoned_ivr;
        self.retries_exhausted += o.retries_exhausted;
        self.zero_outs += o.zero_outs;
        for (a, b) in self.handed_off.iter_mut().zip(o.handed_off) {
            *a += b;
        }
        self.ivr_time += o.ivr_time;
        self.queued += o.queued;
        self.answered += o.answered;
        self.delayed += o.delayed;
        self.within_sl += o.within_sl;
        self.wait_answered += o.wait_answered;
        self.abandoned_queue += o.abandoned_queue;
        self.wait_abandoned += o.wait_abandoned;
        self.no_operator += o.no_operator;
        self.callbacks += o.callbacks;
        self.callbacks_returned += o.callbacks_returned;
        self.in_progress += o.in_progress;
        self.other_end += o.other_end;
    }
}

/// Busy and logged-in time of call-takers, seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Occupancy {
    /// Call-taker seconds spent on calls and their wrap-up.
    pub busy: f64,
    /// Call-taker seconds on shift.
    pub staffed: f64,
}

impl Occupancy {
    /// Adds `other`.
    pub fn add(&mut self, o: &Occupancy) {
        self.busy += o.busy;
        self.staffed += o.staffed;
    }

    /// Busy ÷ staffed, 0–1 (`None` when nobody was on shift).
    pub fn share(&self) -> Option<f64> {
        (self.staffed > 0.0).then(|| self.busy / self.staffed)
    }
}

/// Waits in milliseconds, 1 ms to 1 day, 3 significant digits (0.1 % resolution).
pub fn wait_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 86_400_000, 3).expect("valid histogram bounds")
}

/// Records a wait of `secs` seconds (clamped to the histogram's range; 0 s as 0).
pub fn record_wait(h: &mut Histogram<u64>, secs: f64) {
    let ms = (secs * 1000.0).round().clamp(0.0, 86_400_000.0) as u64;
    h.saturating_record(ms);
}

/// The `q` quantile (0–1) of `h`, seconds.
pub fn quantile(h: &Histogram<u64>, q: f64) -> f64 {
    if h.is_empty() {
        0.0
    } else {
        h.median_equivalent(h.value_at_quantile(q)) as f64 / 1000.0
    }
}
