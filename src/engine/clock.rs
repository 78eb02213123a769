//! The call's local clock, for opening hours: a civil date and time at the start of the
//! call, moved on by the call's elapsed time. No time zone is involved: schedules are in
//! the hotline's local time, and so is the clock a driver gives (the REPL reads the
//! computer's local time; a scenario states it).

use jiff::civil::DateTime;

use super::CallTime;
use crate::menu::schedule::Weekday;

/// The local date and time at the start of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallClock {
    /// Local date and time when the call started.
    pub start: DateTime,
}

impl Default for CallClock {
    /// Monday 2026-01-05 at 10:00, inside ordinary office hours.
    fn default() -> Self {
        CallClock {
            start: jiff::civil::date(2026, 1, 5).at(10, 0, 0, 0),
        }
    }
}

impl CallClock {
    /// A clock starting at `start`.
    pub fn new(start: DateTime) -> Self {
        CallClock { start }
    }

    /// The computer's local date and time now (falls back to UTC when the time zone is unknown).
    pub fn now_local() -> Self {
        CallClock {
            start: jiff::ZonedDateTime::now().datetime(),
        }
    }

    /// The local date and time `t` after the start.
    pub fn at(&self, t: CallTime) -> DateTime {
        let span = jiff::SignedDuration::try_from(t).unwrap_or(jiff::SignedDuration::MAX);
        self.start.checked_add(span).unwrap_or(self.start)
    }

    /// Weekday and minute of the day (0..1440) at `t`, as schedules are written.
    pub fn weekday_minute(&self, t: CallTime) -> (Weekday, u16) {
        let now = self.at(t);
        let day = match now.weekday() {
            jiff::civil::Weekday::Monday => Weekday::Mon,
            jiff::civil::Weekday::Tuesday => Weekday::Tue,
            jiff::civil::Weekday::Wednesday => Weekday::Wed,
            jiff::civil::Weekday::Thursday => Weekday::Thu,
            jiff::civil::Weekday::Friday => Weekday::Fri,
            jiff::civil::Weekday::Saturday => Weekday::Sat,
            jiff::civil::Weekday::Sunday => Weekday::Sun,
        };
        let minute = (now.hour() as u16) * 60 + now.minute() as u16;
        (day, minute)
    }
}
