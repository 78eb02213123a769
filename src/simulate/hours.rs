//! Stretches of simulated time in which no schedule of the menu opens or closes: a caller's
//! walk through the menu depends on the clock only through its schedules (routes' `hours`
//! tests, queues' `hours`), so two callers who behave alike in one stretch walk alike.

use jiff::civil::DateTime;

use crate::menu::Menu;

/// The stretches of a run, minute by minute from time zero.
#[derive(Clone, Debug)]
pub struct Segments {
    /// The stretch of each minute (empty: one stretch, the whole run).
    minutes: Vec<u32>,
    /// The end of each stretch, seconds from time zero.
    ends: Vec<f64>,
    /// Each stretch's state: stretches with the same schedules open share it.
    states: Vec<u32>,
}

impl Segments {
    /// One stretch for the whole run (a menu without schedules, or no menu).
    pub fn whole() -> Self {
        Segments {
            minutes: Vec::new(),
            ends: vec![f64::INFINITY],
            states: vec![0],
        }
    }

    /// The stretches of `menu`'s schedules over `seconds` from `zero` (local time), to the
    /// minute (schedules open and close on whole minutes).
    pub fn of(menu: &Menu, zero: DateTime, seconds: f64) -> Self {
        if menu.schedules.is_empty() {
            return Self::whole();
        }
        let n = (seconds / 60.0).ceil() as usize + 1;
        let mut minutes = Vec::with_capacity(n);
        let mut ends = Vec::new();
        let mut last: Option<Vec<bool>> = None;
        let mut seen: Vec<Vec<bool>> = Vec::new();
        let mut states = Vec::new();
        let mut t = zero;
        for m in 0..n {
            let open: Vec<bool> = menu.schedules.values().map(|s| s.is_open_at(t)).collect();
            if last.as_ref() != Some(&open) {
                if !ends.is_empty() {
                    *ends.last_mut().expect("a stretch") = m as f64 * 60.0;
                }
                ends.push(f64::INFINITY);
                let state = match seen.iter().position(|o| *o == open) {
                    Some(i) => i,
                    None => {
                        seen.push(open.clone());
                        seen.len() - 1
                    }
                };
                states.push(state as u32);
                last = Some(open);
            }
            minutes.push((ends.len() - 1) as u32);
            t = t.checked_add(jiff::SignedDuration::from_mins(1)).unwrap_or(t);
        }
        Segments { minutes, ends, states }
    }

    /// The state of the stretch at `t` seconds from time zero (the same for every stretch
    /// with the same schedules open), and the seconds left in the stretch.
    pub fn at(&self, t: f64) -> (u32, f64) {
        let id = if self.minutes.is_empty() {
            0
        } else {
            let m = ((t / 60.0) as usize).min(self.minutes.len() - 1);
            self.minutes[m]
        };
        (self.states[id as usize], self.ends[id as usize] - t)
    }

    /// Number of stretches.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none (never).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}
