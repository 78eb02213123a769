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

    /// Weekday and minute of the day (0..1440) at `t`, as weekly periods are written. Whether
    /// a schedule is open is [`crate::menu::Schedule::is_open_at`] of [`CallClock::at`] (dated
    /// exceptions included).
    pub fn weekday_minute(&self, t: CallTime) -> (Weekday, u16) {
        let now = self.at(t);
        let minute = (now.hour() as u16) * 60 + now.minute() as u16;
        (crate::menu::schedule::weekday(now.date()), minute)
    }
}

/// Parses a local date and time (`call --at`, `check --at`): `2026-03-02T19:30`, without a zone or offset (schedules are
/// in the hotline's local time); the year has four digits, 0001 to 9999 (a signed or longer
/// year, which ISO 8601 allows by agreement, is refused with a message about the year).
///
/// # Errors
/// A message for the command line: a zone or offset, a year out of range, not a date-time.
pub fn parse_local_datetime(s: &str) -> Result<jiff::civil::DateTime, String> {
    let t = s.trim();
    let year_field = t.trim_start_matches(['+', '-']).split('-').next().unwrap_or_default();
    let signed = t.starts_with(['+', '-']);
    if signed || (year_field.len() > 4 && year_field.bytes().all(|b| b.is_ascii_digit())) || year_field == "0000" {
        return Err(format!(
            "`{}`: the year must be from 0001 to 9999, e.g. 2026-03-02T19:30",
            crate::source::printable(t)
        ));
    }
    let zoned = t.ends_with(['Z', 'z']) || t.contains('[') || t.rfind(['+', '-']).is_some_and(|i| i > 10);
    if zoned {
        return Err("write the hotline's local date and time without a zone, e.g. 2026-03-02T19:30".into());
    }
    t.parse()
        .map_err(|_| "expected a local date and time such as 2026-03-02T19:30".to_owned())
}
