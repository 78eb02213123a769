//! Weekly opening hours (`schedules:` in a menu), evaluated against the call's local clock.

use std::fmt;

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

/// A named weekly schedule: open when any period holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// The open periods.
    pub periods: Vec<OpenPeriod>,
}

impl Schedule {
    /// Whether the line is open on `day` at `minute` (minutes after local midnight, 0..1440).
    pub fn is_open(&self, day: Weekday, minute: u16) -> bool {
        self.periods
            .iter()
            .any(|p| p.days[day.index()] && p.from <= minute && minute < p.to)
    }
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
        };
        assert!(s.is_open(Weekday::Mon, 480));
        assert!(!s.is_open(Weekday::Mon, 1080));
        assert!(!s.is_open(Weekday::Sat, 600));
    }
}
