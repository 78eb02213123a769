//! `queues.conf`, read for the settings of the queues a dialplan's `Queue()` names, as
//! `apps/app_queue.c` reads them (`init_queue` for the defaults, `queue_set_param` for each
//! setting, `parse_empty_options` for `joinempty` / `leavewhenempty`).
//!
//! What maps (see `docs/import.md`): `maxlen` (0, the default, is no limit) → `max_waiting`;
//! `joinempty` (default: empty, a caller may join a queue with nobody in it) → `join_empty`;
//! `leavewhenempty` (default: empty, a waiting caller is never taken out) →
//! `leave_when_empty`; `announce-frequency` (default 0: no position announcements) →
//! `hold.every`; `periodic-announce-frequency` (default 0: none) with `periodic-announce`
//! (default `queue-periodic-announce`) → `hold.periodic`; `context` (a one-digit extension
//! there takes a waiting caller out) → `hold.exit`. Templates (`[name](!)`) and sections
//! that use them (`[name](tmpl)`) are read as Asterisk's config reader reads them: the
//! template's settings first.

use std::collections::HashMap;
use std::ops::Range;

use super::parse::{Note, decomment, is_false, is_true, trimmed};

/// One `key = value` (or `key => value`) of a section.
#[derive(Debug, Clone)]
pub(crate) struct Setting {
    /// The key, in lower case.
    pub key: String,
    /// The value.
    pub value: String,
    /// Where the line is.
    pub range: Range<usize>,
    /// The name of the section it is written in (a template's, when inherited).
    pub origin: Range<usize>,
}

/// A queue's section (templates merged in).
#[derive(Debug, Clone)]
pub(crate) struct Section {
    /// Where its header's name is.
    pub range: Range<usize>,
    /// Its settings in the order they apply.
    pub settings: Vec<Setting>,
}

/// The queues of `queues.conf` by name, and the findings of reading it.
pub(crate) fn parse(text: &str) -> (HashMap<String, Section>, Vec<Note>) {
    let mut queues: HashMap<String, Section> = HashMap::new();
    let mut templates: HashMap<String, Vec<Setting>> = HashMap::new();
    let mut notes = Vec::new();
    // (name, is a template)
    let mut current: Option<(String, bool, Range<usize>)> = None;
    let mut depth = 0;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let at = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.len() > super::parse::MAX_LINE_BYTES {
            notes.push(Note::Unreadable(
                at..at + line.len(),
                "this line is too long to read".into(),
            ));
            continue;
        }
        let (live, _) = decomment(line, &mut depth);
        let (l, lr) = trimmed(&live, at);
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if let Some(rest) = l.strip_prefix('[') {
            let Some(close) = rest.find(']') else {
                notes.push(Note::Unreadable(lr, "a section header needs a closing `]`".into()));
                current = None;
                continue;
            };
            let name = rest[..close].trim().to_owned();
            let name_range = lr.start + 1..lr.start + 1 + close;
            let opts = rest[close + 1..].trim();
            let opts = opts.strip_prefix('(').and_then(|o| o.strip_suffix(')')).unwrap_or("");
            let mut template = false;
            let mut inherited = Vec::new();
            let mut append = false;
            for o in opts.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                match o {
                    "!" => template = true,
                    "+" => append = true,
                    t => match templates.get(t) {
                        Some(s) => inherited.extend(s.iter().cloned()),
                        None => notes.push(Note::Approx(
                            name_range.clone(),
                            format!("no template `{t}` before this section: its settings are not applied"),
                            "this queue behaves with Asterisk's defaults where the template would set something".into(),
                        )),
                    },
                }
            }
            if name.eq_ignore_ascii_case("general") {
                current = None;
                continue;
            }
            if template {
                templates.insert(name.clone(), inherited);
            } else if append && queues.contains_key(&name) {
                if let Some(q) = queues.get_mut(&name) {
                    q.settings.extend(inherited);
                }
            } else {
                queues.insert(
                    name.clone(),
                    Section {
                        range: name_range.clone(),
                        settings: inherited,
                    },
                );
            }
            current = Some((name, template, name_range));
            continue;
        }
        let Some((name, template, origin)) = &current else {
            continue;
        };
        let Some(eq) = l.find('=') else {
            notes.push(Note::Unreadable(lr, "not a `name = value` line".into()));
            continue;
        };
        let mut v = &l[eq + 1..];
        if let Some(r) = v.strip_prefix('>') {
            v = r;
        }
        let setting = Setting {
            key: l[..eq].trim().to_ascii_lowercase(),
            value: v.trim().to_owned(),
            range: lr,
            origin: origin.clone(),
        };
        if *template {
            templates.entry(name.clone()).or_default().push(setting);
        } else if let Some(q) = queues.get_mut(name) {
            q.settings.push(setting);
        }
    }
    (queues, notes)
}

/// `parse_empty_options`: whether a `joinempty` (`join`) or `leavewhenempty` value sets any
/// member condition, and the conditions that have no counterpart in ivrsim (member states
/// other than "no member available": `paused`, `penalty`, `inuse`, `ringing`, `wrapup`).
pub(crate) fn empty_conditions(value: &str, join: bool) -> (bool, Vec<String>) {
    let mut any = false;
    let mut other = Vec::new();
    let keep = |s: &str, other: &mut Vec<String>| {
        if !other.iter().any(|o| o == s) {
            other.push(s.to_owned());
        }
    };
    for o in value.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let lo = o.to_ascii_lowercase();
        match lo.as_str() {
            "unavailable" | "invalid" | "unknown" => any = true,
            "paused" | "penalty" | "inuse" | "ringing" | "wrapup" => {
                any = true;
                keep(&lo, &mut other);
            }
            "loose" => {
                any = true;
                keep("penalty", &mut other);
            }
            "strict" => {
                any = true;
                keep("penalty", &mut other);
                keep("paused", &mut other);
            }
            _ if (is_false(o) && join) || (is_true(o) && !join) => {
                // `joinempty = no`, `leavewhenempty = yes`: penalty, invalid, paused.
                any = true;
                keep("penalty", &mut other);
                keep("paused", &mut other);
            }
            _ if (is_false(o) && !join) || (is_true(o) && join) => {
                any = false;
                other.clear();
            }
            _ => keep(&format!("`{o}` (not an option Asterisk knows)"), &mut other),
        }
    }
    (any, other)
}

/// Settings that change what a waiting caller hears and are not imported.
pub(crate) const HEARD: &[&str] = &[
    "musicclass",
    "announce-holdtime",
    "announce-position",
    "announce-position-limit",
    "announce-position-only-up",
    "announce-round-seconds",
    "announce-to-first-user",
    "min-announce-frequency",
    "periodic-announce-startdelay",
    "random-periodic-announce",
    "relative-periodic-announce",
    "queue-youarenext",
    "queue-thereare",
    "queue-callswaiting",
    "queue-holdtime",
    "queue-minute",
    "queue-minutes",
    "queue-seconds",
    "queue-thankyou",
    "queue-reporthold",
];

/// Settings read (see the module documentation).
pub(crate) const MAPPED: &[&str] = &[
    "maxlen",
    "joinempty",
    "leavewhenempty",
    "announce-frequency",
    "periodic-announce-frequency",
    "periodic-announce",
    "context",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_templates_and_settings() {
        let text = "[general]\npersistentmembers=yes\n[base](!)\nmaxlen=5\n[leaks](base)\njoinempty=yes ; comment\nmember => PJSIP/1\n[billing]\nmaxlen = 0\n[leaks](+)\ncontext=leak-exit\n";
        let (q, notes) = parse(text);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(q.len(), 2);
        let keys: Vec<_> = q["leaks"]
            .settings
            .iter()
            .map(|s| (s.key.as_str(), s.value.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("maxlen", "5"),
                ("joinempty", "yes"),
                ("member", "PJSIP/1"),
                ("context", "leak-exit")
            ]
        );
        assert_eq!(&text[q["billing"].range.clone()], "billing");
    }

    #[test]
    fn empty_options_as_asterisk_reads_them() {
        assert_eq!(empty_conditions("yes", true), (false, vec![]));
        assert!(empty_conditions("no", true).0);
        assert_eq!(empty_conditions("no", false), (false, vec![]));
        assert!(empty_conditions("yes", false).0);
        assert_eq!(empty_conditions("unavailable,invalid,unknown", true), (true, vec![]));
        assert_eq!(
            empty_conditions("paused,inuse", true),
            (true, vec!["paused".to_owned(), "inuse".to_owned()])
        );
        assert!(empty_conditions("sometimes", true).1[0].contains("sometimes"));
    }
}
