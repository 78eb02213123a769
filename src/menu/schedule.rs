//! Opening hours (`schedules:` in a menu): weekly periods with dated exceptions (closed
//! days and special hours), evaluated against the call's local clock.
//!
//! [`Schedule::is_open_at`] is the one rule of "is schedule S open at this local date and
//! time": the engine's `when: { hours: S }` and `check` (per period, and `check --at`) both
//! call it or [`Schedule::open_minutes`], which gives the same answer minute by minute.
//!
//! Precedence on a date: a closure (`closed`) wins, then special hours (`special`: only those
//! periods open that day), then the weekly periods. It is Amazon Connect's rule for hours of
//! operation with overrides ("an override takes precedence over the standard hours" for the
//! dates from `EffectiveFrom` to `EffectiveTill`, each `OPEN` for its times or `CLOSED`:
//! <https://docs.aws.amazon.com/connect/latest/adminguide/set-hours-operation.html>,
//! <https://docs.aws.amazon.com/connect/latest/APIReference/API_OverrideHour.html>), and what
//! an Asterisk dialplan does with a holiday `GotoIfTime(*,*,25,dec?closed)` placed before the
//! weekly `GotoIfTime(08:00-17:59,mon-fri,*,*?open)` (first match in dialplan order:
//! <https://docs.asterisk.org/Latest_API/API_Documentation/Dialplan_Applications/GotoIfTime>)
//! and a FreeSWITCH dialplan with a `mday`/`mon` condition before its `wday`/`time-of-day` one.
//! A date given twice in one schedule (two closures, or a closure and special hours) is a
//! finding of the lowering, so the precedence only decides what a hand-built `Schedule` does.

use std::fmt;

use jiff::civil::{Date, DateTime};

/// A day of the week, Monday first (ISO 8601 order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

impl Weekday {
    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Parses `mon` … `sun` (any case).
    pub fn parse(s: &str) -> Option<Self> {
        DAYS.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s.trim()))
            .map(|&(_, d)| d)
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(DAYS[self.index()].0)
    }
}

/// One open period: the days it applies to and `from..to` in minutes after midnight
/// (`to` exclusive, at most 1440).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenPeriod {
    /// `days[d]` is true when the period applies on weekday `d` (Monday = 0).
    pub days: [bool; 7],
    /// Opening time, minutes after midnight.
    pub from: u16,
    /// Closing time, minutes after midnight, exclusive.
    pub to: u16,
}

/// Dates from `first` to `last`, both included (one date: `first == last`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateRange {
    /// First date.
    pub first: Date,
    /// Last date (included).
    pub last: Date,
}

impl DateRange {
    /// Whether `d` is in the range.
    pub fn contains(&self, d: Date) -> bool {
        self.first <= d && d <= self.last
    }

    /// Whether the two ranges share a date.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{} to {}", self.first, self.last)
        }
    }
}

/// Special hours on dated days: on every date of `dates` the schedule is open `from..to`
/// (minutes after midnight, `to` exclusive, at most 1440) and at no other time, whatever
/// its weekly periods say. Several entries for one date add their periods (a split day).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecialHours {
    /// The dates.
    pub dates: DateRange,
    /// Opening time, minutes after midnight.
    pub from: u16,
    /// Closing time, minutes after midnight, exclusive.
    pub to: u16,
}

/// What governs a schedule on one date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayRule {
    /// A closure: closed all day.
    Closed,
    /// Special hours: open only in these `(from, to)` minutes.
    Special(Vec<(u16, u16)>),
    /// The weekly periods of the date's weekday.
    Weekly,
}

/// A named schedule: open when any weekly period holds, except on its dated exceptions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// The weekly open periods.
    pub periods: Vec<OpenPeriod>,
    /// Dates closed all day (`closed:`).
    pub closed: Vec<DateRange>,
    /// Dates with their own hours (`special:`).
    pub special: Vec<SpecialHours>,
}

impl Schedule {
    /// Whether the weekly periods hold on `day` at `minute` (minutes after local midnight,
    /// 0..1440), dated exceptions left aside. Calls use [`Schedule::is_open_at`].
    pub fn is_open(&self, day: Weekday, minute: u16) -> bool {
        self.periods
            .iter()
            .any(|p| p.days[day.index()] && p.from <= minute && minute < p.to)
    }

    /// Whether the schedule is open at the local date and time `at` (seconds and below do
    /// not matter: a period `08:00`-`18:00` is open from 08:00:00 to 17:59:59.999). The one
    /// rule for opening hours; precedence as in the module documentation.
    pub fn is_open_at(&self, at: DateTime) -> bool {
        let minute = at.hour() as u16 * 60 + at.minute() as u16;
        match self.rule_on(at.date()) {
            DayRule::Closed => false,
            DayRule::Special(hours) => hours.iter().any(|&(from, to)| from <= minute && minute < to),
            DayRule::Weekly => self.is_open(weekday(at.date()), minute),
        }
    }

    /// What governs the schedule on `date`: O(exceptions).
    pub fn rule_on(&self, date: Date) -> DayRule {
        if self.closed.iter().any(|r| r.contains(date)) {
            return DayRule::Closed;
        }
        let hours: Vec<(u16, u16)> = self
            .special
            .iter()
            .filter(|s| s.dates.contains(date))
            .map(|s| (s.from, s.to))
            .collect();
        if hours.is_empty() {
            DayRule::Weekly
        } else {
            DayRule::Special(hours)
        }
    }

    /// The open minutes of a day, as sorted `(from, to)` pairs that neither overlap nor touch:
    /// on `date` when given (its exceptions apply), else on an ordinary `day`. Minute `m` is
    /// in a pair exactly when [`Schedule::is_open_at`] holds at that minute.
    pub fn open_minutes(&self, day: Weekday, date: Option<Date>) -> Vec<(u16, u16)> {
        let rule = date.map_or(DayRule::Weekly, |d| self.rule_on(d));
        let mut v: Vec<(u16, u16)> = match rule {
            DayRule::Closed => Vec::new(),
            DayRule::Special(hours) => hours,
            DayRule::Weekly => self
                .periods
                .iter()
                .filter(|p| p.days[day.index()])
                .map(|p| (p.from, p.to))
                .collect(),
        };
        v.retain(|&(f, t)| f < t);
        v.sort_unstable();
        let mut out: Vec<(u16, u16)> = Vec::with_capacity(v.len());
        for (f, t) in v {
            match out.last_mut() {
                Some(last) if f <= last.1 => last.1 = last.1.max(t),
                _ => out.push((f, t)),
            }
        }
        out
    }

    /// Every date this schedule has an exception on, as ranges (closures and special hours).
    pub fn exception_dates(&self) -> impl Iterator<Item = DateRange> + '_ {
        self.closed.iter().copied().chain(self.special.iter().map(|s| s.dates))
    }
}

/// The weekday of a date.
pub fn weekday(d: Date) -> Weekday {
    match d.weekday() {
        jiff::civil::Weekday::Monday => Weekday::Mon,
        jiff::civil::Weekday::Tuesday => Weekday::Tue,
        jiff::civil::Weekday::Wednesday => Weekday::Wed,
        jiff::civil::Weekday::Thursday => Weekday::Thu,
        jiff::civil::Weekday::Friday => Weekday::Fri,
        jiff::civil::Weekday::Saturday => Weekday::Sat,
        jiff::civil::Weekday::Sunday => Weekday::Sun,
    }
}

/// Longest date range a closure or special-hours entry may span, in days (a year, leap day
/// included). Longer closures are better written as weekly hours; the bound also keeps
/// `check`'s walk over exception dates small.
pub const MAX_RANGE_DAYS: i32 = 366;

/// Parses a date `YYYY-MM-DD`, or a range of dates `YYYY-MM-DD/YYYY-MM-DD` (ISO 8601's
/// interval notation; both ends included, at most [`MAX_RANGE_DAYS`] days).
///
/// # Errors
/// A message when the text is not a date or range, the range runs backwards or is too long.
pub fn parse_dates(s: &str) -> Result<DateRange, String> {
    let one = |t: &str| -> Result<Date, String> {
        let t = t.trim();
        let b = t.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(format!("`{t}` is not a date: write `YYYY-MM-DD`, e.g. `2026-12-25`"));
        }
        t.parse::<Date>()
            .map_err(|_| format!("`{t}` is not a day of the calendar"))
            .and_then(|d| {
                if d.year() < 1 {
                    Err(format!("`{t}`: the year must be from 0001 to 9999"))
                } else {
                    Ok(d)
                }
            })
    };
    let (first, last) = match s.split_once('/') {
        Some((a, b)) => (one(a)?, one(b)?),
        None => {
            let d = one(s)?;
            (d, d)
        }
    };
    if last < first {
        return Err(format!("`{}` runs backwards: write the earlier date first", s.trim()));
    }
    let days = first.until(last).map(|sp| sp.get_days()).unwrap_or(i32::MAX);
    if days >= MAX_RANGE_DAYS {
        return Err(format!(
            "`{}` spans more than {MAX_RANGE_DAYS} days: write long closures as weekly hours",
            s.trim()
        ));
    }
    Ok(DateRange { first, last })
}

/// Parses `days:`: `mon`, `mon-fri`, `mon-wed,fri`.
///
/// # Errors
/// A message naming the part that is not a day or range.
pub fn parse_days(s: &str) -> Result<[bool; 7], String> {
    let mut days = [false; 7];
    for part in s.split(',') {
        let part = part.trim();
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a, b),
            None => (part, part),
        };
        let (Some(a), Some(b)) = (Weekday::parse(a), Weekday::parse(b)) else {
            return Err(format!("`{part}` is not a day (`mon` … `sun`) or a range (`mon-fri`)"));
        };
        if a > b {
            return Err(format!(
                "`{part}` runs backwards: write the days Monday first, e.g. `sat-sun` or `mon,sun`"
            ));
        }
        for d in &mut days[a.index()..=b.index()] {
            *d = true;
        }
    }
    Ok(days)
}

/// Parses a clock time `HH:MM` (`24:00` allowed) into minutes after midnight.
///
/// # Errors
/// A message when the text is not `HH:MM` or is out of range.
pub fn parse_time(s: &str) -> Result<u16, String> {
    let bad = || format!("`{s}` is not a time of day: write `HH:MM`, e.g. `08:30`");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times() {
        let d = parse_days("mon-wed,fri").unwrap();
        assert_eq!(d, [true, true, true, false, true, false, false]);
        assert!(parse_days("fri-mon").is_err());
        assert!(parse_days("funday").is_err());
        assert_eq!(parse_time("08:30"), Ok(510));
        assert_eq!(parse_time("24:00"), Ok(1440));
        assert!(parse_time("24:01").is_err());
        assert!(parse_time("8").is_err());
    }

    #[test]
    fn open_hours() {
        let s = Schedule {
            periods: vec![OpenPeriod {
                days: parse_days("mon-fri").unwrap(),
                from: 480,
                to: 1080,
            }],
            ..Schedule::default()
        };
        assert!(s.is_open(Weekday::Mon, 480));
        assert!(!s.is_open(Weekday::Mon, 1080));
        assert!(!s.is_open(Weekday::Sat, 600));
    }

    #[test]
    fn dates_and_ranges() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            parse_dates("2026-12-25"),
            Ok(DateRange {
                first: d("2026-12-25"),
                last: d("2026-12-25")
            })
        );
        assert_eq!(parse_dates(" 2026-12-24/2026-12-26 ").unwrap().last, d("2026-12-26"));
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "25.12.2026",
            "2026-12-5",
            "",
            "2026-12-26/2026-12-24",
        ] {
            assert!(parse_dates(bad).is_err(), "{bad:?}");
        }
        assert!(parse_dates("2026-01-01/2026-12-31").is_ok());
        assert!(parse_dates("2026-01-01/2027-01-01").is_ok(), "366 days");
        assert!(parse_dates("2026-01-01/2027-01-02").is_err(), "367 days");
        assert!(parse_dates("0001-01-01/9999-12-31").is_err());
    }

    #[test]
    fn closures_win_then_special_hours_then_the_week() {
        let s = Schedule {
            periods: vec![OpenPeriod {
                days: parse_days("mon-fri").unwrap(),
                from: 480,
                to: 1080,
            }],
            closed: vec![parse_dates("2026-12-25").unwrap()],
            special: vec![
                SpecialHours {
                    dates: parse_dates("2026-12-24").unwrap(),
                    from: 480,
                    to: 720,
                },
                SpecialHours {
                    dates: parse_dates("2026-12-24").unwrap(),
                    from: 780,
                    to: 840,
                },
            ],
        };
        let at = |d: &str, h: i8, m: i8| d.parse::<Date>().unwrap().at(h, m, 0, 0);
        assert!(!s.is_open_at(at("2026-12-25", 10, 0)));
        assert!(s.is_open_at(at("2026-12-24", 11, 59)));
        assert!(!s.is_open_at(at("2026-12-24", 12, 30)));
        assert!(s.is_open_at(at("2026-12-24", 13, 0)));
        assert!(s.is_open_at(at("2026-12-23", 17, 59)));
        assert!(!s.is_open_at(at("2026-12-23", 18, 0)));
        let dec24 = Some("2026-12-24".parse().unwrap());
        assert_eq!(s.open_minutes(Weekday::Thu, dec24), vec![(480, 720), (780, 840)]);
        assert_eq!(s.open_minutes(Weekday::Thu, None), vec![(480, 1080)]);
        assert!(
            s.open_minutes(Weekday::Fri, Some("2026-12-25".parse().unwrap()))
                .is_empty()
        );
    }
}
