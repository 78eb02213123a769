//! `arrivals:` written as step functions per day key: callers per hour from a time of day on,
//! averaged over each interval.

use jiff::civil::Date;

use super::{Cx, day_kinds, with_holiday_fallback};
use crate::diag::{Code, Diagnostic};
use crate::menu::raw::S;
use crate::simulate::format::{RawArrivals, RawProfile};
use crate::simulate::model::DAY_KINDS;
use crate::source::{FileId, Span};

/// Day names for findings, by day profile.
pub(super) const KIND_NAMES: [&str; DAY_KINDS] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"];

/// `rates[kind][slot]` from `arrivals` (or from the CSV history `history`, already added to
/// the sources); zeros where a finding leaves nothing.
pub(super) fn rates(
    cx: &mut Cx,
    arrivals: Option<&S<RawArrivals>>,
    top: Span,
    history: Option<FileId>,
    holidays: &[Date],
) -> Vec<Vec<f64>> {
    let zeros = vec![0.0; cx.slots()];
    let Some(arrivals) = cx.required(
        arrivals,
        top,
        "arrivals",
        "callers per hour, per day key, or `{ csv: FILE }`",
    ) else {
        return vec![zeros; DAY_KINDS];
    };
    let at = cx.span(&arrivals.referenced);
    let entries = &arrivals.value.0.0;
    if let Some((key, value)) = entries.iter().find(|(k, _)| k.value == "csv") {
        if entries.len() > 1 {
            let sp = cx.span(&key.referenced);
            cx.push(
                Diagnostic::new(Code::InvalidValue, sp, "`csv` with day profiles")
                    .label("a history replaces the day profiles")
                    .help("keep either `csv:` or the day keys"),
            );
        }
        let csv_at = cx.span(&value.referenced);
        return match history {
            Some(file) => super::history::rates(cx, file, csv_at, holidays),
            None => vec![zeros; DAY_KINDS],
        };
    }
    let mut per_kind: Vec<Option<Vec<f64>>> = vec![None; DAY_KINDS];
    let mut first_at: [Option<Span>; DAY_KINDS] = [None; DAY_KINDS];
    // Days an unknown day key was meant for (see below).
    let mut meant_for = [false; DAY_KINDS];
    for (key, value) in entries {
        let sp = cx.span(&key.referenced);
        let kinds = match day_kinds(&key.value) {
            Ok(k) => k,
            Err(why) => {
                // The days it was meant for are not also reported as missing; when that is
                // unclear, no day is.
                match super::day_key_suggestion(&key.value).and_then(|s| day_kinds(&s).ok()) {
                    Some(meant) => meant.into_iter().for_each(|k| meant_for[k] = true),
                    None => meant_for = [true; DAY_KINDS],
                }
                let mut d = super::unknown_day_key(sp, &key.value, why);
                if d.help.is_empty()
                    && let Some(s) = crate::diag::did_you_mean(key.value.trim(), ["csv"])
                {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                cx.push(d);
                continue;
            }
        };
        let profile = match &value.value {
            RawProfile::Rates(r) => profile(cx, &r.0),
            RawProfile::File(_) => {
                let vsp = cx.span(&value.referenced);
                cx.push(
                    Diagnostic::new(
                        Code::WrongType,
                        vsp,
                        "expected a mapping of `\"HH:MM\": callers per hour`",
                    )
                    .label("e.g. `{ \"00:00\": 5, \"08:00\": 60 }`"),
                );
                None
            }
        };
        for k in kinds {
            if let Some(first) = first_at[k] {
                cx.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        sp,
                        format!("`{}` has arrivals twice", KIND_NAMES[k]),
                    )
                    .label("a second profile for it")
                    .with_secondary(first, "the first"),
                );
                continue;
            }
            first_at[k] = Some(sp);
            per_kind[k].clone_from(&profile);
            if profile.is_none() {
                per_kind[k] = Some(zeros.clone());
            }
        }
    }
    cx.missing_days(
        at,
        |k| first_at[k].is_some() || meant_for[k],
        "no arrivals for",
        "every day of the week needs a profile",
        "add a day key for it, or include it in a range such as `mon-sun`",
    );
    with_holiday_fallback(per_kind, zeros)
}

/// One step function `"HH:MM": rate`, averaged over each interval; `None` with findings.
fn profile(cx: &mut Cx, steps: &[(S<String>, S<f64>)]) -> Option<Vec<f64>> {
    let mut points: Vec<(u32, f64, Span)> = Vec::with_capacity(steps.len());
    let mut ok = true;
    for (time, rate) in steps {
        let tsp = cx.span(&time.referenced);
        let minute = match crate::menu::schedule::parse_time(time.value.trim()) {
            Ok(m) if m < 24 * 60 => u32::from(m),
            Ok(_) => {
                cx.push(
                    Diagnostic::new(Code::InvalidValue, tsp, "a rate from `24:00` is for no time")
                        .label("the day ends here"),
                );
                ok = false;
                continue;
            }
            Err(why) => {
                cx.push(Diagnostic::new(Code::InvalidValue, tsp, "invalid time").label(why));
                ok = false;
                continue;
            }
        };
        if let Some(&(_, _, first)) = points.iter().find(|p| p.0 == minute) {
            cx.push(
                Diagnostic::new(Code::InvalidValue, tsp, format!("`{}` twice in one day", time.value))
                    .label("a second rate from the same time")
                    .with_secondary(first, "the first"),
            );
            ok = false;
        }
        if !(rate.value.is_finite() && rate.value >= 0.0) {
            let rsp = cx.span(&rate.referenced);
            let what = if rate.value < 0.0 {
                "a negative rate"
            } else {
                "a rate that is not a number"
            };
            cx.push(
                Diagnostic::new(Code::InvalidValue, rsp, format!("{what}: `{}`", rate.value))
                    .label("callers per hour, 0 or more"),
            );
            ok = false;
        }
        points.push((minute, rate.value, tsp));
    }
    points.sort_by_key(|p| p.0);
    let steps: Vec<(u32, f64)> = points.iter().map(|p| (p.0, p.1)).collect();
    ok.then(|| step_average(&steps, cx.interval / 60))
}

/// The mean of a step function of the day over each interval of `interval` minutes: `steps`
/// are `(minute, rate)` sorted by minute, each rate holding until the next (the last until
/// midnight), 0 before the first.
pub(super) fn step_average(steps: &[(u32, f64)], interval: u32) -> Vec<f64> {
    let slots = 24 * 60 / interval;
    (0..slots)
        .map(|i| {
            let (a, b) = (i * interval, (i + 1) * interval);
            let mut sum = 0.0;
            for (j, &(t, rate)) in steps.iter().enumerate() {
                let end = steps.get(j + 1).map_or(24 * 60, |s| s.0);
                let (lo, hi) = (t.max(a), end.min(b));
                if hi > lo {
                    sum += rate * f64::from(hi - lo);
                }
            }
            sum / f64::from(interval)
        })
        .collect()
}
