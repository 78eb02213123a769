use std::path::{Path, PathBuf};

use super::*;
use crate::simulate::model::HOLIDAY;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled hotline, with prompts timed from their words.
fn hotline(sources: &mut Sources) -> Menu {
    crate::menu::load_menu(&root().join("menus/hotline.yaml"), sources)
        .expect("read")
        .menu
        .expect("menu")
}

/// Findings as `line:col message`.
fn shown(diags: &[Diagnostic], sources: &Sources) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let lc = sources.line_col(d.primary.span);
            format!("{}:{} {}", lc.line, lc.column, d.message)
        })
        .collect()
}

/// Loads `text` as `dir/t.yaml` (with `files` written beside it), bare unless `with_menu`.
fn load(text: &str, files: &[(&str, &str)], with_menu: bool) -> (Option<Traffic>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, text).unwrap();
    let mut sources = Sources::new();
    let menu = with_menu.then(|| hotline(&mut sources));
    let timings = PromptTimings::text_only();
    let (t, diags) = load_traffic(&path, &mut sources, menu.as_ref().map(|m| (m, &timings))).unwrap();
    (t, shown(&diags, &sources))
}

const BARE: &str = "\
interval: 60m
arrivals:
  mon-fri: { \"08:00\": 10, \"12:30\": 30 }
  sat,sun: { \"00:00\": 2 }
queues:
  q: { handle: 1m }
call_takers:
  - group: a
    serves: [q]
    shifts:
      - { days: mon-sun, from: \"00:00\", to: \"24:00\", count: 1 }
      - { days: mon, from: \"08:00\", to: \"10:00\", count: 2 }
";

#[test]
fn a_step_function_is_averaged_over_each_interval() {
    let (t, diags) = load(BARE, &[], false);
    assert!(diags.is_empty(), "{diags:?}");
    let t = t.unwrap();
    assert_eq!((t.interval, t.slots()), (3600, 24));
    // 0 before the first time; 10 from 08:00; 30 from 12:30 (half of the 12:00 hour).
    assert_eq!(t.rates[0][7], 0.0);
    assert_eq!(t.rates[0][8], 10.0);
    assert_eq!(t.rates[4][12], 20.0);
    assert_eq!(t.rates[4][23], 30.0);
    assert_eq!(t.rates[5], vec![2.0; 24]);
    assert_eq!(t.rates[HOLIDAY], t.rates[6], "a holiday without a profile is a Sunday");
    assert!(t.callers.is_none() && t.patience.is_none());
    assert_eq!(t.service_level, (20.0, 0.8));
    assert_eq!(t.start, DEFAULT_START);
}

#[test]
fn shifts_add_up_and_holidays_work_sundays() {
    let (t, _) = load(BARE, &[], false);
    let staff = &t.unwrap().groups[0].staff;
    assert_eq!(staff[0][7..11], [1, 3, 3, 1]);
    assert_eq!(staff[1][8], 1);
    assert_eq!(staff[HOLIDAY], staff[6]);
    let with_holiday = BARE.replace(
        "count: 2 }",
        "count: 2 }\n      - { days: holiday, from: \"10:00\", to: \"11:00\", count: 5 }",
    );
    let (t, diags) = load(&with_holiday, &[], false);
    assert!(diags.is_empty(), "{diags:?}");
    let staff = &t.unwrap().groups[0].staff;
    assert_eq!(staff[HOLIDAY][9..12], [0, 5, 0], "a holiday shift replaces Sunday's");
}

#[test]
fn a_history_is_averaged_per_weekday_and_interval() {
    let mut csv = String::from("start,calls\n");
    // Two Mondays (10 and 20 calls at 08:00), every other interval of two weeks 4 calls.
    for day in 0..14 {
        let date = jiff::civil::date(2026, 2, 2) + jiff::Span::new().days(day);
        for slot in 0..48 {
            let n = if slot == 16 && day == 0 {
                10
            } else if slot == 16 && day == 7 {
                20
            } else {
                4
            };
            csv.push_str(&format!("{date}T{:02}:{:02},{n}\n", slot / 2, slot % 2 * 30));
        }
    }
    let text = "holidays: [2026-02-10]\narrivals: { csv: h.csv }\nqueues: { q: { handle: 1m } }\ncall_takers: [{ group: a, serves: [q], shifts: [{ days: mon-sun, from: \"00:00\", to: \"24:00\", count: 1 }] }]\n";
    let (t, diags) = load(text, &[("h.csv", &csv)], false);
    assert!(diags.is_empty(), "{diags:?}");
    let t = t.unwrap();
    assert_eq!(t.rates[0][16], 30.0, "mean of 10 and 20 calls a half hour, per hour");
    assert_eq!(t.rates[0][15], 8.0);
    // The holiday Tuesday feeds the holiday profile; the other Tuesday alone is Tuesday's.
    assert_eq!(t.rates[HOLIDAY][3], 8.0);
    assert_eq!(t.rates[1][3], 8.0);
}

#[test]
fn the_bundled_traffic_files_load_clean() {
    let (t, diags) = {
        let mut sources = Sources::new();
        let menu = hotline(&mut sources);
        let timings = PromptTimings::text_only();
        let path = root().join("scenarios/traffic/hotline-week.yaml");
        let opened = open_traffic(&path, &mut sources).unwrap();
        assert_eq!(opened.menu(), Some(root().join("menus/hotline.yaml")));
        let (t, d) = opened.read(&mut sources, Some((&menu, &timings)));
        (t, shown(&d, &sources))
    };
    assert!(diags.is_empty(), "{diags:?}");
    let t = t.unwrap();
    let callers = t.callers.as_ref().unwrap();
    assert_eq!(callers.intents.len(), 15);
    assert_eq!(t.queues.len(), 9);
    let monday: f64 = t.rates[0].iter().sum::<f64>() / 2.0;
    assert!((900.0..1100.0).contains(&monday), "{monday} callers on Monday");

    for file in ["scenarios/traffic/from-history.yaml", "tests/fixtures/traffic/mmc.yaml"] {
        let mut sources = Sources::new();
        let (t, d) = load_traffic(&root().join(file), &mut sources, None).unwrap();
        assert!(d.is_empty(), "{file}: {:?}", shown(&d, &sources));
        assert!(t.is_some(), "{file}");
    }
}

#[test]
fn the_mmc_fixture_is_a_bare_m_m_10_queue() {
    let mut sources = Sources::new();
    let (t, _) = load_traffic(&root().join("tests/fixtures/traffic/mmc.yaml"), &mut sources, None).unwrap();
    let t = t.unwrap();
    assert!(t.rates.iter().flatten().all(|r| *r == 32_400.0));
    assert!(t.groups[0].staff.iter().flatten().all(|n| *n == 10));
    assert!(t.queues[0].handle.is_exponential() && t.queues[0].handle.mean() == 1.0);
    assert!(t.patience.is_none() && t.callers.is_none());
}

/// Every file of tests/fixtures/traffic/bad/ with the finding it must give, at `line:col`,
/// and whether it is read with the bundled hotline.
const BAD: &[(&str, &str, bool)] = &[
    ("negative-rate.yaml", "5:31 a negative rate: `-5`", false),
    ("nan-rate.yaml", "4:23 a rate that is not a number: `NaN`", false),
    ("shares.yaml", "6:3 the shares of the intents sum to 0.9, not 1", true),
    (
        "language-shares.yaml",
        "6:3 the shares of the languages sum to 0.8, not 1",
        true,
    ),
    ("unknown-language.yaml", "6:3 the menu has no language `fr`", true),
    ("unknown-day.yaml", "5:3 unknown day key `mon-fry`", false),
    ("missing-day.yaml", "4:3 no arrivals for `sat`, `sun`", false),
    ("off-grid.yaml", "12:28 `08:15` is not on the interval grid", false),
    (
        "backwards-shift.yaml",
        "12:41 a shift that ends before it starts",
        false,
    ),
    ("unknown-serves.yaml", "9:17 unknown queue `qeue`", false),
    (
        "menu-queue-missing.yaml",
        "9:3 no `queues:` entry for the menu's queue `general`",
        true,
    ),
    ("unknown-menu-queue.yaml", "18:3 the menu has no queue `genral`", true),
    ("no-call-takers.yaml", "6:3 no call-taker ever answers `q`", false),
    (
        "mistake.yaml",
        "6:42 the chance `wrong_key` `1.5` is not between 0 and 1",
        true,
    ),
    ("bad-mean.yaml", "6:31 the mean must be more than 0", false),
    (
        "empirical.yaml",
        "3:35 `10s` does not come after the time before it",
        false,
    ),
    (
        "no-match.yaml",
        "8:29 step 2 `press: \"7\"` is a no-match at `report_menu`",
        true,
    ),
    (
        "after-end.yaml",
        "8:45 step 3 `press: \"1\"` comes after the call ended",
        true,
    ),
    ("expect-step.yaml", "8:29 an intent has no `expect` steps", true),
    ("bare-intents.yaml", "6:3 `intents` does nothing without a menu", false),
    ("two-queues.yaml", "6:3 2 queues without a menu", false),
    (
        "bad-header.yaml",
        "1:1 the history does not start with the header `start,calls`",
        false,
    ),
    ("bad-row.yaml", "3:1 bad row in the history", false),
    ("csv-spacing.yaml", "3:1 bad row in the history", false),
    ("negative-count.yaml", "4:1 bad row in the history", false),
    ("unknown-field.yaml", "3:1 unknown field `arivals`", false),
    (
        "bad-date.yaml",
        "3:8 `2026-02-30` is not a date: write `YYYY-MM-DD`",
        false,
    ),
    (
        "callback-handle.yaml",
        "12:22 the callback handle time must be more than 0",
        false,
    ),
];

#[test]
fn bad_files_give_their_finding_at_its_place() {
    let dir = root().join("tests/fixtures/traffic/bad");
    let mut listed: Vec<&str> = BAD.iter().map(|b| b.0).collect();
    listed.sort_unstable();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    on_disk.sort_unstable();
    assert_eq!(listed, on_disk, "every bad fixture has its expected finding here");
    let mut wrong = Vec::new();
    for (file, expected, with_menu) in BAD {
        let mut sources = Sources::new();
        let menu = with_menu.then(|| hotline(&mut sources));
        let timings = PromptTimings::text_only();
        let (t, diags) = load_traffic(&dir.join(file), &mut sources, menu.as_ref().map(|m| (m, &timings))).unwrap();
        let shown = shown(&diags, &sources);
        if t.is_some() || !shown.iter().any(|d| d.starts_with(expected)) {
            wrong.push(format!("{file}: expected `{expected}`, got {shown:#?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_menu_is_resolved_against_the_file() {
    assert_eq!(
        menu_path(Path::new("scenarios/traffic/w.yaml"), "../../menus/hotline.yaml"),
        PathBuf::from("menus/hotline.yaml")
    );
}

#[test]
fn step_averages_hold_the_last_rate_to_midnight() {
    let r = arrivals::step_average(&[(60, 4.0), (90, 8.0)], 60);
    assert_eq!((r[0], r[1], r[2], r[23]), (0.0, 6.0, 8.0, 8.0));
}

/// Loads `text` bare as [`load`] does, keeping the findings whole (notes and help too).
fn load_whole(text: &str, files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, text).unwrap();
    let mut sources = Sources::new();
    load_traffic(&path, &mut sources, None).unwrap().1
}

#[test]
fn a_history_spaced_for_another_interval_is_one_finding_with_a_count() {
    // A week of 30-minute rows read with a 60-minute interval: 168 rows off the grid.
    let mut csv = String::from("start,calls\n");
    for day in 0..7 {
        let date = jiff::civil::date(2026, 2, 2) + jiff::Span::new().days(day);
        for slot in 0..48 {
            csv.push_str(&format!("{date}T{:02}:{:02},4\n", slot / 2, slot % 2 * 30));
        }
    }
    let text = "interval: 60m\narrivals: { csv: h.csv }\nqueues: { q: { handle: 1m } }\ncall_takers: [{ group: a, serves: [q], shifts: [{ days: mon-sun, from: \"00:00\", to: \"24:00\", count: 1 }] }]\n";
    let diags = load_whole(text, &[("h.csv", &csv)]);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        diags[0].primary.message,
        "`2026-02-02T00:30` is not at the start of a 60-minute interval"
    );
    assert_eq!(diags[0].notes, ["and 167 more rows like it"]);

    // Other mistakes repeated on many rows: the first few, then a count.
    let mut csv = String::from("start,calls\n");
    for row in 0..10 {
        csv.push_str(&format!("2026-02-02T{row:02}:00,many\n"));
    }
    let diags = load_whole(text, &[("h.csv", &csv)]);
    let rows: Vec<&Diagnostic> = diags.iter().filter(|d| d.message == "bad row in the history").collect();
    assert_eq!(rows.len(), 3, "{diags:#?}");
    assert_eq!(rows[2].notes, ["and 7 more rows like it"]);
    assert!(rows[0].notes.is_empty());
}

#[test]
fn an_unknown_day_key_says_which_it_meant_and_no_day_is_missing_for_it() {
    let text = BARE
        .replace("mon-fri:", "mon-fry:")
        .replace("days: mon,", "days: Monday,")
        .replace("days: mon-sun", "days: \"mon-sun,holliday\"");
    let diags = load_whole(&text, &[]);
    let helps: Vec<(&str, &[String])> = diags.iter().map(|d| (d.message.as_str(), &d.help[..])).collect();
    assert_eq!(
        helps,
        [
            ("unknown day key `mon-fry`", &["did you mean `mon-fri`?".to_owned()][..]),
            (
                "unknown day key `mon-sun,holliday`",
                &["did you mean `mon-sun,holiday`?".to_owned()][..]
            ),
            ("unknown day key `Monday`", &["did you mean `mon`?".to_owned()][..]),
        ],
        "{diags:#?}"
    );
    // A key too far from any day: no guess, and no finding about missing days either.
    let diags = load_whole(&BARE.replace("mon-fri:", "workdays:"), &[]);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0].help.is_empty());
}

#[test]
fn a_sum_of_shares_is_written_rounded() {
    assert_eq!(share_sum(0.6 + 0.3), "0.9");
    assert_eq!(0.6 + 0.3, 0.899_999_999_999_999_9, "what the sum is");
    assert_eq!(share_sum(1.25), "1.25");
    assert_eq!(share_sum(2.0 / 3.0), "0.666667");
    assert_eq!(share_sum(1.000_002_4), "1.000002", "never rounded to 1");
    assert_eq!(share_sum(0.0), "0");
}

#[test]
fn a_bad_date_says_why_in_words() {
    assert_eq!(
        not_a_date_why("2026-02-30").as_deref(),
        Some("February 2026 has 28 days")
    );
    assert_eq!(
        not_a_date_why("2028-02-30").as_deref(),
        Some("February 2028 has 29 days")
    );
    assert_eq!(not_a_date_why("2026-13-01").as_deref(), Some("there is no month 13"));
    assert_eq!(not_a_date_why("2026-02"), None);
    assert_eq!(not_a_date_why("2 March"), None);
    let diags = load_whole(&format!("holidays: [2026-02]\n{BARE}"), &[]);
    let d = &diags[0];
    assert_eq!(
        (d.message.as_str(), d.primary.message.as_str()),
        ("`2026-02` is not a date: write `YYYY-MM-DD`", "e.g. `2026-03-02`")
    );
}
