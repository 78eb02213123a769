//! `GotoIfTime` time specifications (`times,weekdays,mdays,months[,timezone]`) read into an
//! ivrsim [`Schedule`] that is open exactly when Asterisk's test holds.
//!
//! The rules are `main/pbx_timing.c` (`ast_build_timing`, `get_timerange`, `get_range`,
//! `ast_check_timing2`): fields are separated by `,` or `|`; an empty field or `*` is every
//! value; items are joined by `&`; a range `a-b` is cyclic (`fri-mon`, `22:00-06:00`); a time
//! range includes its end minute (`08:00-17:59` is 08:00:00 to 17:59:59, so ivrsim's `to` is
//! one minute later), a single time `HH:MM` is that minute; weekdays are `sun`..`sat` or `1`
//! (Sunday) to `7`, months `jan`..`dec` or `1`..`12`, days of the month `1`..`31`; names in
//! any case. All four must hold, and the time of day is tested apart from the date, so
//! `22:00-06:00,mon` holds on Monday from 00:00 to 06:00 and from 22:00 to 23:59. An
//! element Asterisk cannot read is skipped with a warning there; here it is skipped too and
//! reported.
//!
//! Weekdays and times alone become weekly periods. A day of the month or a month makes the
//! test depend on the date: ivrsim schedules name dates, so those are listed as special hours
//! for every matching date from [`FIRST_YEAR`] to [`LAST_YEAR`] (a yearly holiday
//! `*,*,25,dec` is open all day on every 25 December of those years); outside those years the
//! schedule is closed (the caller reports it).

use jiff::civil::Date;

use crate::menu::schedule::{DateRange, OpenPeriod, SpecialHours};
use crate::menu::{Schedule, schedule::MAX_RANGE_DAYS};

/// First year a date-dependent `GotoIfTime` is written out for (ours).
pub(crate) const FIRST_YEAR: i16 = 2020;
/// Last year a date-dependent `GotoIfTime` is written out for (ours).
pub(crate) const LAST_YEAR: i16 = 2040;
/// Most special-hours entries one specification may give (ours; a yearly holiday gives 21).
const MAX_SPECIAL: usize = 20_000;

const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A time specification as Asterisk reads it.
#[derive(Debug, Clone)]
pub(crate) struct TimeSpec {
    /// Open minutes of the day, 0..1440.
    pub minutes: Vec<bool>,
    /// Weekdays, Sunday = 0 (Asterisk's order).
    pub weekdays: [bool; 7],
    /// Days of the month, 1 = index 0.
    pub mdays: [bool; 31],
    /// Months, January = 0.
    pub months: [bool; 12],
    /// The fifth field, a time zone, if given.
    pub timezone: Option<String>,
}

/// `lookup_name`: a name of `names` (when the text does not start with a digit), or a number
/// 1..=max, as an index from 0.
fn lookup(s: &str, names: &[&str], max: usize) -> Option<usize> {
    let s = s.trim();
    if !names.is_empty()
        && s.chars().next().is_some_and(|c| c > '9')
        && let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s))
    {
        return Some(i);
    }
    let digits: String = s.chars().take(2).take_while(char::is_ascii_digit).collect();
    let n: usize = digits.parse().ok()?;
    (1..=max).contains(&n).then(|| n - 1)
}

/// `get_range`: the mask of a weekday, day or month field; skipped items are added to `bad`.
fn range<const N: usize>(field: &str, names: &[&str], what: &str, bad: &mut Vec<String>) -> [bool; N] {
    let f = field.trim();
    if f.is_empty() || f == "*" {
        return [true; N];
    }
    let mut mask = [false; N];
    for part in f.split('&') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (part, None),
        };
        let Some(start) = lookup(a, names, N) else {
            bad.push(format!("`{}` is not a {what}", a.trim()));
            continue;
        };
        let end = match b {
            Some(b) => match lookup(b, names, N) {
                Some(e) => e,
                None => {
                    bad.push(format!("`{}` is not a {what}", b.trim()));
                    continue;
                }
            },
            None => start,
        };
        let mut i = start;
        mask[end] = true;
        while i != end {
            mask[i] = true;
            i = (i + 1) % N;
        }
    }
    mask
}

/// `HH:MM` as minutes after midnight (`%2d:%2d`, hours 0-23, minutes 0-59).
fn minute(s: &str) -> Option<usize> {
    let (h, m) = s.trim().split_once(':')?;
    let num = |t: &str| -> Option<usize> {
        let t = t.trim();
        let d: String = t.chars().take(2).take_while(char::is_ascii_digit).collect();
        if d.is_empty() { None } else { d.parse().ok() }
    };
    let (h, m) = (num(h)?, num(m)?);
    (h <= 23 && m <= 59).then_some(h * 60 + m)
}

/// `get_timerange`.
fn times(field: &str, bad: &mut Vec<String>) -> Vec<bool> {
    let f = field.trim();
    if f.is_empty() || f == "*" {
        return vec![true; 1440];
    }
    let mut mask = vec![false; 1440];
    for part in f.split('&') {
        match part.split_once('-') {
            None => match minute(part) {
                Some(m) => mask[m] = true,
                None => bad.push(format!("`{}` is not a time", part.trim())),
            },
            Some((a, b)) => {
                let (Some(start), Some(end)) = (minute(a), minute(b)) else {
                    bad.push(format!("`{}` is not a time range", part.trim()));
                    continue;
                };
                let mut x = start;
                while x != end {
                    mask[x] = true;
                    x = (x + 1) % 1440;
                }
                mask[end] = true;
            }
        }
    }
    mask
}

/// Reads `spec`; the second value lists the elements Asterisk skips (with a warning there).
pub(crate) fn parse(spec: &str) -> (TimeSpec, Vec<String>) {
    let mut bad = Vec::new();
    let fields: Vec<&str> = spec.split([',', '|']).collect();
    let timezone = (fields.len() == 5).then(|| fields[4].trim().to_owned());
    let field = |i: usize| fields.get(i).copied().unwrap_or("*");
    let t = TimeSpec {
        minutes: times(fields[0], &mut bad),
        weekdays: range::<7>(field(1), &DAYS, "day of the week", &mut bad),
        mdays: range::<31>(field(2), &[], "day of the month", &mut bad),
        months: range::<12>(field(3), &MONTHS, "month", &mut bad),
        timezone,
    };
    if fields.len() > 5 {
        bad.push(format!("{} fields where Asterisk reads at most 5", fields.len()));
    }
    (t, bad)
}

/// The runs of open minutes, as `(from, to)` with `to` exclusive.
fn runs(minutes: &[bool]) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &on) in minutes.iter().chain(std::iter::once(&false)).enumerate() {
        match (on, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s as u16, i as u16));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The schedule open exactly when `spec` holds (for dates: from [`FIRST_YEAR`] to
/// [`LAST_YEAR`]), and whether it depends on the date. `Err` when it would need more than
/// [`MAX_SPECIAL`] dated entries.
pub(crate) fn schedule(spec: &TimeSpec) -> Result<(Schedule, bool), String> {
    let open = runs(&spec.minutes);
    // ivrsim's weekdays are Monday first; Asterisk's Sunday first.
    let days: [bool; 7] = std::array::from_fn(|d| spec.weekdays[(d + 1) % 7]);
    let dated = spec.mdays.iter().any(|d| !d) || spec.months.iter().any(|m| !m);
    let mut s = Schedule::default();
    if !dated {
        if days.iter().any(|d| *d) {
            s.periods = open.iter().map(|&(from, to)| OpenPeriod { days, from, to }).collect();
        }
        return Ok((s, false));
    }
    let first = Date::new(FIRST_YEAR, 1, 1).map_err(|e| e.to_string())?;
    let last = Date::new(LAST_YEAR, 12, 31).map_err(|e| e.to_string())?;
    let holds = |d: Date| {
        spec.months[(d.month() - 1) as usize]
            && spec.mdays[(d.day() - 1) as usize]
            && spec.weekdays[d.weekday().to_sunday_zero_offset() as usize]
    };
    let mut date = first;
    let mut run: Option<(DateRange, i32)> = None;
    let mut ranges = Vec::new();
    loop {
        if holds(date) {
            match &mut run {
                Some((r, len)) if r.last.tomorrow().ok() == Some(date) && *len < MAX_RANGE_DAYS => {
                    r.last = date;
                    *len += 1;
                }
                _ => {
                    if let Some((r, _)) = run.take() {
                        ranges.push(r);
                    }
                    run = Some((
                        DateRange {
                            first: date,
                            last: date,
                        },
                        1,
                    ));
                }
            }
        }
        if date >= last {
            break;
        }
        date = date.tomorrow().map_err(|e| e.to_string())?;
    }
    ranges.extend(run.map(|(r, _)| r));
    if ranges.len().saturating_mul(open.len()) > MAX_SPECIAL {
        return Err(format!(
            "it would need {} dated periods from {FIRST_YEAR} to {LAST_YEAR} (at most {MAX_SPECIAL} are written)",
            ranges.len() * open.len()
        ));
    }
    for r in ranges {
        for &(from, to) in &open {
            s.special.push(SpecialHours { dates: r, from, to });
        }
    }
    Ok((s, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::schedule::Weekday;

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> jiff::civil::DateTime {
        jiff::civil::date(y, m, d).at(h, min, 0, 0)
    }

    #[test]
    fn office_hours_include_the_end_minute() {
        let (t, bad) = parse("08:00-17:59,mon-fri,*,*");
        assert!(bad.is_empty());
        let (s, dated) = schedule(&t).unwrap();
        assert!(!dated);
        assert_eq!(s.periods.len(), 1);
        assert_eq!((s.periods[0].from, s.periods[0].to), (480, 1080));
        assert!(s.is_open(Weekday::Fri, 17 * 60 + 59));
        assert!(!s.is_open(Weekday::Fri, 18 * 60));
        assert!(!s.is_open(Weekday::Sat, 10 * 60));
        // `08:00-18:00` includes the minute 18:00.
        let (s, _) = schedule(&parse("08:00-18:00|mon-fri").0).unwrap();
        assert!(s.is_open(Weekday::Mon, 18 * 60));
        assert!(!s.is_open(Weekday::Mon, 18 * 60 + 1));
    }

    #[test]
    fn cyclic_ranges_and_numbers() {
        let (t, _) = parse("22:00-06:00,fri-mon,*,*");
        let (s, _) = schedule(&t).unwrap();
        assert!(s.is_open(Weekday::Sun, 3 * 60));
        assert!(s.is_open(Weekday::Mon, 23 * 60));
        assert!(s.is_open(Weekday::Mon, 6 * 60));
        assert!(!s.is_open(Weekday::Mon, 6 * 60 + 1));
        assert!(!s.is_open(Weekday::Tue, 3 * 60));
        // 1 is Sunday, 7 Saturday.
        let (t, _) = parse("*,1&7,*,*");
        let (s, _) = schedule(&t).unwrap();
        assert!(s.is_open(Weekday::Sun, 0) && s.is_open(Weekday::Sat, 1439));
        assert!(!s.is_open(Weekday::Mon, 600));
    }

    #[test]
    fn dates_become_special_hours_for_each_year() {
        let (t, _) = parse("*,*,25,dec");
        let (s, dated) = schedule(&t).unwrap();
        assert!(dated);
        assert_eq!(s.special.len(), (LAST_YEAR - FIRST_YEAR + 1) as usize);
        assert!(s.is_open_at(at(2026, 12, 25, 10, 0)));
        assert!(!s.is_open_at(at(2026, 12, 24, 10, 0)));
        // First Monday of a month, mornings only.
        let (t, _) = parse("09:00-11:59,mon,1-7,*");
        let (s, _) = schedule(&t).unwrap();
        assert!(s.is_open_at(at(2026, 3, 2, 10, 0)));
        assert!(!s.is_open_at(at(2026, 3, 9, 10, 0)));
        assert!(!s.is_open_at(at(2026, 3, 2, 12, 0)));
        // A whole month is one range a year.
        let (s, _) = schedule(&parse("*,*,*,aug").0).unwrap();
        assert_eq!(s.special.len(), (LAST_YEAR - FIRST_YEAR + 1) as usize);
        assert!(s.is_open_at(at(2030, 8, 31, 23, 59)));
    }

    #[test]
    fn bad_elements_are_skipped_and_reported() {
        let (t, bad) = parse("25:00-26:00&08:00-09:00,mon&funday,*,*,Europe/Paris");
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(t.timezone.as_deref(), Some("Europe/Paris"));
        let (s, _) = schedule(&t).unwrap();
        assert!(s.is_open(Weekday::Mon, 8 * 60 + 30));
        assert!(!s.is_open(Weekday::Tue, 8 * 60 + 30));
    }

    #[test]
    fn too_many_dated_periods_are_refused() {
        let spec = (0..400)
            .map(|i| format!("{:02}:{:02}", i * 2 / 60, i * 2 % 60))
            .collect::<Vec<_>>()
            .join("&");
        let (t, _) = parse(&format!("{spec},*,1-30,*"));
        assert!(schedule(&t).is_err());
    }
}
