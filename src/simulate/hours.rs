//! Stretches of simulated time in which no schedule of the menu opens or closes: a caller's
//! walk through the menu depends on the clock only through its schedules (routes' `hours`
//! tests, queues' `hours`), so two callers who behave alike in one stretch walk alike.

use jiff::civil::DateTime;

use crate::menu::Menu;
use crate::menu::schedule::weekday;

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
    /// minute (schedules open and close on whole minutes). Each day's open minutes come from
    /// [`crate::menu::Schedule::open_minutes`], which holds exactly where
    /// [`crate::menu::Schedule::is_open_at`] does (the engine's rule).
    pub fn of(menu: &Menu, zero: DateTime, seconds: f64) -> Self {
        if menu.schedules.is_empty() {
            return Self::whole();
        }
        let words = menu.schedules.len().div_ceil(64);
        let n = (seconds / 60.0).ceil() as usize + 1;
        let zero_minute = usize::from(zero.hour() as u16 * 60 + zero.minute() as u16);
        let mut minutes = Vec::with_capacity(n);
        let mut ends: Vec<f64> = Vec::new();
        let mut states = Vec::new();
        let mut seen: Vec<Vec<u64>> = Vec::new();
        let mut last: Option<Vec<u64>> = None;
        // One day's bits: `words` words per minute, a bit per schedule.
        let mut day_bits = vec![0u64; 1440 * words];
        let mut day_index = usize::MAX;
        for m in 0..n {
            let abs = zero_minute + m;
            if abs / 1440 != day_index {
                day_index = abs / 1440;
                day_bits.iter_mut().for_each(|w| *w = 0);
                let date = zero
                    .date()
                    .checked_add(jiff::Span::new().days(day_index as i64))
                    .unwrap_or(zero.date());
                for (k, sched) in menu.schedules.values().enumerate() {
                    for (from, to) in sched.open_minutes(weekday(date), Some(date)) {
                        for minute in usize::from(from)..usize::from(to).min(1440) {
                            day_bits[minute * words + k / 64] |= 1 << (k % 64);
                        }
                    }
                }
            }
            let minute = abs % 1440;
            let open = &day_bits[minute * words..(minute + 1) * words];
            if last.as_deref() != Some(open) {
                if let Some(end) = ends.last_mut() {
                    *end = m as f64 * 60.0;
                }
                ends.push(f64::INFINITY);
                let state = match seen.iter().position(|o| o.as_slice() == open) {
                    Some(i) => i,
                    None => {
                        seen.push(open.to_vec());
                        seen.len() - 1
                    }
                };
                states.push(state as u32);
                last = Some(open.to_vec());
            }
            minutes.push((ends.len() - 1) as u32);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::testing::menu;

    #[test]
    fn stretches_follow_the_schedules_minute_by_minute() {
        let m = menu(
            r#"
name: T
entry: main
schedules:
  office: { weekly: [{ days: mon-fri, from: "09:00", to: "17:00" }] }
nodes:
  main: { kind: hangup, reason: done }
"#,
        );
        // From Monday 2026-03-02 08:00, two days.
        let zero = jiff::civil::date(2026, 3, 2).at(8, 0, 0, 0);
        let seg = Segments::of(&m, zero, 2.0 * 86_400.0);
        let (closed, left) = seg.at(0.0);
        assert_eq!(left, 3600.0, "opens at 09:00");
        let (open, left) = seg.at(3600.0);
        assert_ne!(open, closed);
        assert_eq!(left, 8.0 * 3600.0);
        // Tuesday 09:00 is the same state as Monday 09:00.
        assert_eq!(seg.at(25.0 * 3600.0).0, open);
        assert_eq!(seg.at(24.0 * 3600.0).0, closed);
        for t in [0.0, 3599.0, 3600.0, 32_400.0, 32_399.0, 90_000.0] {
            let at = zero.checked_add(jiff::SignedDuration::from_secs_f64(t)).unwrap();
            let is_open = m.schedules["office"].is_open_at(at);
            assert_eq!(seg.at(t).0 == open, is_open, "at {at}");
        }
    }
}
