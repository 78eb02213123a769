//! Importing FreeSWITCH mod_ivr menus (`ivr.conf` XML: `<menus>` of `<menu>` elements with
//! `<entry>` binds), reproducing what `src/switch_ivr_menu.c` does with them.
//!
//! Sources (github.com/signalwire/freeswitch, commit `cc93a683ca6e`, 2026-08-21):
//! `src/switch_ivr_menu.c` (**M**: `switch_ivr_menu_init`, `switch_ivr_menu_bind_action`,
//! `play_and_collect`, `switch_ivr_menu_execute`, `switch_ivr_menu_stack_xml_build`),
//! `src/switch_ivr.c` (`switch_ivr_collect_digits_count`), `src/switch_ivr_play_say.c`
//! (`switch_ivr_play_file`, `switch_ivr_phrase_macro_event`), `src/switch_regex.c`
//! (`switch_regex_perform`), `src/mod/applications/mod_dptools/mod_dptools.c` (the `ivr`
//! application). `docs/import.md`, "FreeSWITCH mod_ivr", has the full table with line
//! numbers; the rules as built:
//!
//! **The file.** The menus are the `<menu>` children of `<menus>` (in
//! `<configuration name="ivr.conf">`) or of an `<include>` root (a file pulled in by
//! `<X-PRE-PROCESS cmd="include">`, which is followed for relative `.xml` paths and `*`
//! patterns, see [`model`]). FreeSWITCH starts the menu the dialplan names
//! (`<action application="ivr" data="NAME"/>`); the file does not say which, so the **first
//! menu** is the entry (the top menu). Each menu is a `menu` node whose id is its `name`
//! (made an id by [`super::node_id`]).
//!
//! **Each menu** (a run of `switch_ivr_menu_execute`):
//! - `greet-long` → `prompt`; `greet-short` → `short_prompt` (FreeSWITCH plays it on every
//!   turn but the first of a run, `reps > 0`); `invalid-sound` → the `no_match` re-prompt, and
//!   before the no-match fallback (FreeSWITCH plays it on the failure that reaches the limit
//!   too, which ivrsim's re-prompts never do: a `message` node `<menu>_invalid` plays it);
//!   no `no_input` re-prompt (a timeout plays nothing before the short greeting).
//! - `timeout` (ms; missing, 0 or negative: [`DEFAULT_TIMEOUT_MS`]) → `timeout`;
//!   `inter-digit-timeout` (ms; missing or 0: half the `timeout` *as written*, M:158) →
//!   `inter_digit_timeout`; when both are missing FreeSWITCH has no inter-digit timer (the
//!   10 s cap on the whole entry ends it) and the import writes the timeout (W027).
//! - `max-failures` (> 0, else [`DEFAULT_MAX_FAILURES`]) → `max_no_match`; `max-timeouts`
//!   (missing or empty: the `max-failures` text, M:880; > 0, else
//!   [`DEFAULT_MAX_TIMEOUTS`]) → `max_no_input`; `counting: freeswitch` (`errs = 0` on a
//!   match, `timeouts` never reset within a run).
//! - `digit-len` and the binds → `key_match: full_length` with `digit_len` = FreeSWITCH's
//!   `inlen`: `digit-len`, raised to the length of the longest literal bind (regex binds do
//!   not raise it, M:253-259). Every entry is collected to that length, the inter-digit
//!   timeout or `#`, then matched: no early match.
//! - `barge_in: true` (the greeting is played with a digit buffer: the first key stops it
//!   and starts the entry) and `type_ahead: true` (keys queued while a sound plays without a
//!   buffer, `menu-play-sound`, reach the next greeting).
//! - When a limit is reached: `exec-on-max-failures` / `exec-on-max-timeouts` (an
//!   application, mapped as `menu-exec-app` below) → `fallback_no_match` /
//!   `fallback_no_input`; then (or without one) the run ends: a sub-menu returns to the menu
//!   that ran it (its parent, by `menu-sub`), the top menu ends the IVR.
//!
//! **The end of the IVR.** When the top menu's run ends (`menu-exit`, `menu-back` in the top
//! menu, a retry limit, an entry FreeSWITCH cannot run) it plays the top menu's `exit-sound`
//! and the `ivr` application returns to the dialplan, which in the standard configuration
//! hangs up: imported as `hangup` nodes with that prompt, one per `ivr_menu_status`
//! (`exit`: success, `exit_max_failures`, `exit_max_timeouts`), with a W027 saying so.
//!
//! **Entries** (`<entry action digits param>`; `action` compared case-sensitively, M:799):
//! `digits` is a literal key (an option `key`) or, starting with `/`, a PCRE searched in the
//! entry (`/^(10[01][0-9])$/`, flags after the last `/`: an option `pattern`, see
//! [`crate::menu::KeyPattern`]; the keys dialled are stored in `digits` when `param` uses
//! `$1`). By action:
//!
//! | action | FreeSWITCH | ivrsim |
//! | --- | --- | --- |
//! | `menu-sub` | a nested run of menu `param` (counts from zero) | option to that menu |
//! | `menu-back` | ends this run: the parent goes on, the top menu ends the IVR | option to the parent (the menu that `menu-sub`s this one; the first if several, W027), or to `exit` |
//! | `menu-top` | every nested run ends; the top menu goes on (greet-long) | option to the top menu (W027: counts restart) |
//! | `menu-exit` | ends the IVR | option to `exit` |
//! | `menu-play-sound` | plays `param` (no barge-in), then this menu goes on with greet-short | option to a `message` (`barge_in: false`) back to the menu (W027: re-entered) |
//! | `menu-exec-app` | runs the application `param` | by application, see below |
//!
//! Applications ([`apps`]): `transfer DEST` → `transfer` node, queue named after DEST (W027:
//! the dialplan decides what DEST is; `transfer-sound` is its prompt); `bridge` →
//! `transfer` to the endpoint's name, whose no-operator plan goes back to the menu (W027);
//! `callcenter Q` / `fifo Q in` → `transfer` to Q; `voicemail … ID` → `external` voicemail
//! ID; `hangup [CAUSE]` → `hangup`; `playback`, `phrase`, `speak` → a `message` back to the
//! menu; `set`, `log`, `sleep` and other silent applications → straight back to the menu
//! (W027); anything else → `external` application (W027: FreeSWITCH would come back to the
//! menu if it returned with the call up).
//!
//! **Sounds** ([`sound`]): `say:TEXT` → the text; `phrase:NAME` → the macro's words, read
//! from the phrase files named with the import or lying beside the imported file
//! (`<macro name>` in any `*.xml` there), else `[phrase: NAME]` (W027); a recording →
//! caption `[audio: NAME]`, with the clip when a file of that name is beside the imported
//! file (else W027: not played).
//!
//! A file with no `transfer`, `bridge`, `callcenter` or `fifo` at all is self-service by design
//! (no E014).
//!
//! Not imported, each a W027 at its place: `confirm-macro`/`confirm-key`, `pin`, the
//! absolute `timeout` cap of an entry, `#` ending an entry (a bind with `#`), several binds
//! matching one entry (FreeSWITCH runs them all), `menu-sub` loops deeper than 12 runs,
//! other `X-PRE-PROCESS` commands, unknown attributes and elements.

mod apps;
mod model;
mod sound;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Cx;
use crate::menu::build::{At, ListenSpec, MenuBuilder, NodeSpec, OptionSpec};
use crate::menu::{
    Counting, DEFAULT_EXTERNAL_STORE, DtmfKey, ExternalApp, ExternalNode, HangupNode, KeyMatchPolicy, KeyPattern,
    LoadOutcome, MAX_RETRIES, NoOperator, Priority, Prompt, Retries,
};
use crate::source::Span;
use apps::App;
use model::{Attr, Elem, Item, MenuDef};
use sound::{PhraseBook, Sound};

/// `timeout` when the attribute is missing, 0 or negative: 10 000 ms
/// (`src/switch_ivr_menu.c`, `switch_ivr_menu_init`: `if (menu->timeout <= 0) menu->timeout
/// = 10000;`).
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;

/// `max-failures` when missing or not more than 0: 3 (`switch_ivr_menu_init`:
/// `menu->max_failures = 3`).
pub const DEFAULT_MAX_FAILURES: u32 = 3;

/// `max-timeouts` when missing (and `max-failures` too) or not more than 0: 3
/// (`switch_ivr_menu_init`: `menu->max_timeouts = 3`).
pub const DEFAULT_MAX_TIMEOUTS: u32 = 3;

/// Deepest nesting of menu runs: the 13th nested `switch_ivr_menu_execute` fails ("Too many
/// levels of recursion", `if (++stack->stack_count > 12)`), which ends the IVR.
pub const MAX_MENU_NESTING: u32 = 12;

/// Deepest nesting of `X-PRE-PROCESS` includes followed (an include that includes itself is
/// a loop, not a menu).
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// Most files read through `X-PRE-PROCESS` includes, all patterns together.
pub const MAX_INCLUDED_FILES: usize = 256;

/// Most files looked at for phrase macros in the imported file's folder.
pub const MAX_PHRASE_FILES: usize = 64;

/// Largest file (bytes) looked at for phrase macros in the imported file's folder; larger
/// ones are left alone (a phrase file is a few kilobytes).
pub const MAX_PHRASE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The variable the keys of a regex bind are stored in when its `param` uses them (`$1`).
pub const DIGITS_VARIABLE: &str = "digits";

/// The actions of `<entry action>`: the table `iam[]` of `src/switch_ivr_menu.c`.
const ACTIONS: [&str; 6] = [
    "menu-exit",
    "menu-sub",
    "menu-exec-app",
    "menu-play-sound",
    "menu-back",
    "menu-top",
];

/// The attributes `switch_ivr_menu_stack_xml_build` reads from a `<menu>`.
const MENU_ATTRIBUTES: [&str; 21] = [
    "name",
    "greet-long",
    "greet-short",
    "invalid-sound",
    "exit-sound",
    "transfer-sound",
    "timeout",
    "max-failures",
    "max-timeouts",
    "exec-on-max-failures",
    "exec-on-max-timeouts",
    "confirm-macro",
    "confirm-key",
    "tts-engine",
    "tts-voice",
    "confirm-attempts",
    "digit-len",
    "inter-digit-timeout",
    "pin",
    "pin-file",
    "bad-pin-file",
];

/// Imports the file of `cx` as mod_ivr menus.
pub fn import(mut cx: Cx<'_>) -> LoadOutcome {
    let file = cx.file;
    let read = match model::read(file, cx.sources.text(file)) {
        Ok(r) => r,
        Err((at, message)) => {
            cx.unreadable(at, message);
            return cx.nothing();
        }
    };
    let title = read.title.clone();
    let mut menus = Vec::new();
    let mut seen = HashSet::from([normal(&cx.path)]);
    let dir = cx.path.parent().unwrap_or(Path::new("")).to_owned();
    flatten(&mut cx, read, &dir, 0, &mut seen, &mut menus);
    if menus.is_empty() {
        let at = cx.sources.whole(file);
        cx.unreadable(
            at,
            "no mod_ivr `<menu>` here: expected `<configuration name=\"ivr.conf\"><menus><menu name=\"…\" greet-long=\"…\">`",
        );
        return cx.nothing();
    }
    let first = menus[0].elem.soft("name").to_owned();
    let name = title.unwrap_or_else(|| format!("FreeSWITCH IVR {first}"));
    let top = cx.sources.whole(file);
    let b = MenuBuilder::new(&cx.path.clone(), name, top);
    let mut imp = Importer::new(&mut cx, b, menus, dir, seen);
    imp.run();
    let b = imp.b;
    cx.finish(b)
}

/// `dir`, or `.` for the empty folder of a bare file name (`read_dir("")` fails).
fn listable(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// Whether the first 64 KiB of the file at `path` name a phrase macro or a language.
fn looks_like_phrases(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(64 * 1024).read_to_end(&mut head));
    if read.is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    head.contains("<macro") || head.contains("<language") || head.contains("<phrases")
}

/// A path made comparable (absolute when it can be).
fn normal(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned())
}

/// The menus of `read` in document order, the files its includes name read in their place
/// (see [`include_files`]); findings for what is not read.
fn flatten(
    cx: &mut Cx<'_>,
    read: model::Read,
    dir: &Path,
    depth: usize,
    seen: &mut HashSet<PathBuf>,
    menus: &mut Vec<MenuDef>,
) {
    for n in read.notes {
        cx.approx(n.at, n.what, n.caller);
    }
    for item in read.items {
        match item {
            Item::Menu(m) => menus.push(*m),
            Item::Include(inc) => {
                if depth >= MAX_INCLUDE_DEPTH {
                    cx.approx(
                        inc.at,
                        format!("this include is not followed: includes nest more than {MAX_INCLUDE_DEPTH} deep"),
                        "the menus of the included files are missing",
                    );
                    continue;
                }
                for (path, err) in include_files(&inc, dir, seen) {
                    if let Some(why) = err {
                        cx.approx(
                            inc.data_at,
                            format!("`{}` is not read: {why}", inc.data),
                            "the menus of that file are missing from the import",
                        );
                        continue;
                    }
                    let shown = path.display().to_string();
                    let id = match cx.sources.find(&shown) {
                        Some(id) => id,
                        None => match crate::menu::load::read_text(&path) {
                            Ok(t) => cx.sources.add(shown.clone(), t.text),
                            Err(e) => {
                                cx.approx(
                                    inc.data_at,
                                    format!("`{shown}` is not read: {e}"),
                                    "the menus of that file are missing from the import",
                                );
                                continue;
                            }
                        },
                    };
                    match model::read(id, cx.sources.text(id)) {
                        Ok(inner) => {
                            let inner_dir = path.parent().unwrap_or(Path::new("")).to_owned();
                            flatten(cx, inner, &inner_dir, depth + 1, seen, menus);
                        }
                        Err((at, message)) => cx.unreadable(at, format!("included file: {message}")),
                    }
                }
            }
        }
    }
}

/// The files an `X-PRE-PROCESS include` names, relative to `dir`, each with why it is not
/// read (if so): a `*`/`?` pattern in the file name matches the `.xml` files of that folder in
/// name order (as FreeSWITCH's `glob`); absolute paths, `$${…}` variables and files that are
/// not `.xml` are not followed; a file already read is not read again.
fn include_files(inc: &model::Include, dir: &Path, seen: &mut HashSet<PathBuf>) -> Vec<(PathBuf, Option<String>)> {
    let data = inc.data.trim();
    let refuse = |why: &str| vec![(PathBuf::from(data), Some(why.to_owned()))];
    if data.contains('$') {
        return refuse("it names a `$${…}` pre-processor variable, which the import does not know");
    }
    let rel = Path::new(data);
    if rel.is_absolute() {
        return refuse("only paths relative to the including file are followed");
    }
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !name.to_ascii_lowercase().ends_with(".xml") {
        return refuse("only `.xml` files are followed");
    }
    let folder = dir.join(rel.parent().unwrap_or(Path::new("")));
    let mut files = Vec::new();
    if name.contains(['*', '?']) {
        let Ok(entries) = std::fs::read_dir(listable(&folder)) else {
            return refuse("its folder cannot be read");
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter(|n| glob(name, n))
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| folder.join(n)));
    } else {
        files.push(folder.join(name));
    }
    let mut out = Vec::new();
    for f in files {
        if seen.len() > MAX_INCLUDED_FILES {
            out.push((f, Some(format!("more than {MAX_INCLUDED_FILES} files are included"))));
            break;
        }
        if seen.insert(normal(&f)) {
            out.push((f, None));
        }
    }
    out
}

/// Whether `name` matches `pattern` of `*` (any run) and `?` (one character).
fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matching with one backtrack point for the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// C's `atoi`: leading blanks, an optional sign, digits; 0 when there are none (saturating
/// instead of overflowing). Also whether the text was a number as a whole.
fn atoi(text: &str) -> (i64, bool) {
    let t = text.trim_start();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let len = digits.bytes().take_while(u8::is_ascii_digit).count();
    let mut n: i64 = 0;
    for b in digits[..len].bytes() {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    let whole = len > 0 && digits[len..].trim().is_empty();
    (if neg { -n } else { n }, whole)
}

/// How the IVR ends (`ivr_menu_status`), one `hangup` node each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// `menu-exit`, `menu-back` in the top menu, an entry that cannot run: `success`.
    Exit,
    /// `max-failures` reached: `failure`.
    Failure,
    /// `max-timeouts` reached: `timeout`.
    Timeout,
}

impl End {
    fn index(self) -> usize {
        self as usize
    }

    fn id(self) -> &'static str {
        match self {
            End::Exit => "exit",
            End::Failure => "exit_max_failures",
            End::Timeout => "exit_max_timeouts",
        }
    }

    fn reason(self) -> &'static str {
        match self {
            End::Exit => "menu-exit",
            End::Failure => "max-failures",
            End::Timeout => "max-timeouts",
        }
    }

    fn status(self) -> &'static str {
        match self {
            End::Exit => "success",
            End::Failure => "failure",
            End::Timeout => "timeout",
        }
    }
}

/// Where a menu goes on when an application it ran returns with the call up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cont {
    /// The menu of this index (the same menu after a `menu-exec-app`, the parent after a
    /// sub-menu's `exec-on-max-…`).
    Menu(usize),
    /// The end of the IVR (after the top menu's `exec-on-max-…`).
    End(End),
}

/// The index of the top menu (the first).
const TOP: usize = 0;

struct Importer<'c, 's> {
    cx: &'c mut Cx<'s>,
    b: MenuBuilder,
    menus: Vec<MenuDef>,
    /// Node id of each menu.
    ids: Vec<String>,
    /// Menu index by name, the first of a name.
    by_name: HashMap<String, usize>,
    taken: HashSet<String>,
    /// The menus that run each menu with `menu-sub`, in file order (itself left out).
    parents: Vec<Vec<usize>>,
    /// `menu-sub` edges that close a loop of sub-menus.
    cyclic: HashSet<(usize, usize)>,
    exits: [Option<String>; 3],
    /// Nodes made for applications, sounds and last invalid sounds, by what they do.
    made: HashMap<String, String>,
    phrases: Option<PhraseBook>,
    /// Recordings reported as not played (once each).
    missing_audio: HashSet<String>,
    /// Menus whose `say:` without TTS was reported.
    tts_noted: HashSet<usize>,
    /// Values reported as not numbers.
    bad_numbers: HashSet<Span>,
    /// The menus that run the top menu with `menu-sub`.
    top_run_by: Vec<usize>,
    /// `transfer` nodes made.
    transfers: usize,
    /// Folder of the imported file (clips and phrase files are looked for there).
    dir: PathBuf,
    /// Files read as the menus (not phrase files).
    menu_files: HashSet<PathBuf>,
}

impl<'c, 's> Importer<'c, 's> {
    fn new(cx: &'c mut Cx<'s>, b: MenuBuilder, menus: Vec<MenuDef>, dir: PathBuf, files: HashSet<PathBuf>) -> Self {
        let n = menus.len();
        Importer {
            cx,
            b,
            menus,
            ids: Vec::with_capacity(n),
            by_name: HashMap::new(),
            taken: HashSet::new(),
            parents: vec![Vec::new(); n],
            cyclic: HashSet::new(),
            exits: [None, None, None],
            made: HashMap::new(),
            phrases: None,
            missing_audio: HashSet::new(),
            tts_noted: HashSet::new(),
            bad_numbers: HashSet::new(),
            top_run_by: Vec::new(),
            transfers: 0,
            dir,
            menu_files: files,
        }
    }

    fn note(&mut self, at: Span, what: impl Into<String>, caller: impl Into<String>) {
        self.cx.approx(at, what, caller);
    }

    fn name(&self, i: usize) -> &str {
        self.menus[i].elem.soft("name")
    }

    fn run(&mut self) {
        self.name_menus();
        self.find_parents();
        let entry_at = self.menus[TOP]
            .elem
            .attr("name")
            .map_or(self.menus[TOP].elem.at, |a| a.value_at);
        let entry = self.b.reference(self.ids[TOP].clone(), entry_at);
        self.b.entry(entry);
        for i in 0..self.menus.len() {
            self.menu(i);
        }
        // Menus that never hand a call to anyone (no transfer, bridge or queue) are
        // self-service by design: `check` does not ask them for a way to a person (E014).
        if self.transfers == 0 {
            self.b.self_service(true);
        }
        if self.exits.iter().any(Option::is_some) {
            let at = self.menus[TOP].elem.at;
            let name = self.name(TOP).to_owned();
            self.note(
                at,
                format!(
                    "when the IVR ends here (`menu-exit`, `menu-back` in `{name}`, a retry limit), FreeSWITCH plays `{name}`'s exit-sound and returns to the dialplan, which decides what follows; imported as a hang-up (the `exit…` nodes)"
                ),
                "nothing, when the dialplan hangs up after `ivr` as the standard one does; anything the dialplan does next is not imported",
            );
        }
    }

    /// Node ids for the menus, in file order; findings for nameless and same-named menus.
    fn name_menus(&mut self) {
        for i in 0..self.menus.len() {
            let e = self.menus[i].elem.clone();
            let name = e.soft("name").to_owned();
            let id = super::node_id(&name, "menu", &mut self.taken);
            if name.is_empty() {
                self.note(
                    e.at,
                    format!("a `<menu>` without a `name` is imported as `{id}`"),
                    "nothing here, but FreeSWITCH cannot run a menu without a name (`ivr` and `menu-sub` find menus by name)",
                );
            } else if let Some(&first) = self.by_name.get(&name) {
                let at = e.attr("name").map_or(e.at, |a| a.value_at);
                let first_id = self.ids[first].clone();
                self.note(
                    at,
                    format!("a second menu named `{name}` is imported as `{id}`; `menu-sub` entries lead to the first (`{first_id}`)"),
                    "nothing: FreeSWITCH also finds the first menu of a name, so this one is never run",
                );
            } else {
                self.by_name.insert(name, i);
            }
            self.ids.push(id);
        }
    }

    /// The parents of each menu (the menus that `menu-sub` it) and the `menu-sub` edges that
    /// close loops (Tarjan's strongly connected components, without recursion).
    fn find_parents(&mut self) {
        let n = self.menus.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        for (i, m) in self.menus.iter().enumerate() {
            for e in &m.entries {
                if e.soft("action") != "menu-sub" {
                    continue;
                }
                if let Some(&j) = self.by_name.get(e.soft("param"))
                    && j != i
                    && seen.insert((i, j))
                {
                    edges[i].push(j);
                    if j == TOP {
                        self.top_run_by.push(i);
                    } else {
                        self.parents[j].push(i);
                    }
                }
            }
        }
        let component = components(&edges);
        for (i, out) in edges.iter().enumerate() {
            for &j in out {
                if component[i] == component[j] {
                    self.cyclic.insert((i, j));
                }
            }
        }
    }

    /// The ListenSpec, options and fallbacks of menu `i`, added as a node.
    fn menu(&mut self, i: usize) {
        let m = self.menus[i].clone();
        let e = &m.elem;
        let id = self.ids[i].clone();
        let name = e.soft("name").to_owned();
        for a in &e.attrs {
            if !MENU_ATTRIBUTES.contains(&a.name.as_str()) {
                self.note(
                    a.at,
                    format!("`{}` is not an attribute of a mod_ivr menu; ignored", a.name),
                    "nothing: FreeSWITCH ignores it too",
                );
            }
        }
        for (attr, what) in [
            (
                "confirm-macro",
                "the confirmation of each entry (`confirm-macro`, `confirm-key`, `confirm-attempts`)",
            ),
            (
                "pin",
                "the PIN asked before the greeting (`pin`, `pin-file`, `bad-pin-file`)",
            ),
        ] {
            if let Some(a) = e.given(attr) {
                let at = a.at;
                self.note(
                    at,
                    format!("{what} is not imported"),
                    if attr == "pin" {
                        "no PIN is asked: every caller reaches the menu".to_owned()
                    } else {
                        "entries are taken without being read back for confirmation".to_owned()
                    },
                );
            }
        }
        if i != TOP
            && let Some(a) = e.given("exit-sound")
        {
            let at = a.at;
            self.note(
                at,
                "the exit-sound of a menu other than the top one is not imported",
                "nothing: FreeSWITCH plays only the exit-sound of the menu the dialplan started (`stack_count == 1`)",
            );
        }
        if i == TOP && !self.top_run_by.is_empty() {
            let by: Vec<String> = self.top_run_by.iter().map(|&p| format!("`{}`", self.name(p))).collect();
            self.note(
                e.attr("name").map_or(e.at, |a| a.value_at),
                format!(
                    "`{name}`, the first menu, is taken as the one the dialplan starts (`ivr {name}`), though {} run it with `menu-sub`",
                    by.join(", ")
                ),
                "nothing, if the dialplan starts this menu; if it starts another, move that one first in the file",
            );
        }

        // Timing and limits.
        let (timeout_raw, timeout_at) = self.number(e, "timeout");
        let (inter_raw, inter_at) = self.number(e, "inter-digit-timeout");
        let mut inter = if inter_raw == 0 { timeout_raw / 2 } else { inter_raw };
        let timeout = if timeout_raw <= 0 {
            DEFAULT_TIMEOUT_MS as i64
        } else {
            timeout_raw
        };
        let inlen = self.inlen(&m);
        let longer_entries = inlen > 1 || m.entries.iter().any(|x| x.soft("digits").starts_with('/'));
        if inter <= 0 {
            inter = timeout;
            if longer_entries {
                let at = inter_at.or(timeout_at).unwrap_or(e.at);
                self.note(
                    at,
                    format!(
                        "no inter-digit timeout: FreeSWITCH times an entry of several keys only by its {} ms limit on the whole entry; imported as an inter-digit timeout of {} ms",
                        timeout, timeout
                    ),
                    "an entry ends that long after its last key, not that long after the greeting ended",
                );
            }
        }
        let digit_len = inlen.clamp(1, crate::menu::pattern::MAX_ENTRY);
        if inlen > crate::menu::pattern::MAX_ENTRY {
            let at = e.attr("digit-len").map_or(e.at, |a| a.value_at);
            self.note(
                at,
                format!(
                    "entries of {inlen} keys are imported as {} keys, the longest ivrsim takes",
                    crate::menu::pattern::MAX_ENTRY
                ),
                "a longer entry is matched at its 32nd key",
            );
        }
        let max_failures = self.limit(e, "max-failures", None, DEFAULT_MAX_FAILURES);
        let max_timeouts = self.limit(e, "max-timeouts", e.given("max-failures"), DEFAULT_MAX_TIMEOUTS);
        let at_of = |name: &str| e.attr(name).map_or(e.at, |a| a.value_at);

        // Sounds.
        let prompt = match e.given("greet-long").cloned() {
            Some(a) => self.prompt(i, &a),
            None => {
                self.note(
                    e.at,
                    "a menu without `greet-long` is imported with the caption `[no greeting]`",
                    "in FreeSWITCH the first turn of such a menu plays nothing and counts as a failure at once; ivrsim shows the caption and waits",
                );
                let t = At::new("[no greeting]".to_owned(), e.at);
                self.b.prompt(e.at, &t, None)
            }
        };
        let short = e.given("greet-short").cloned().map(|a| Box::new(self.prompt(i, &a)));
        let invalid = e.given("invalid-sound").cloned().map(|a| self.prompt(i, &a));

        // Entries.
        let options = self.options(i, &m, inlen);
        if options.is_empty() {
            self.note(
                e.at,
                "a menu without entries FreeSWITCH can take is imported without options",
                "in FreeSWITCH every turn is a failure until max-failures ends the menu",
            );
        }

        // Limits.
        let no_match = self.limit_target(i, End::Failure, invalid.as_ref());
        let no_input = self.limit_target(i, End::Timeout, None);
        if i != TOP && !self.parents[i].is_empty() {
            let parent = self.parents[i][0];
            let pname = self.name(parent).to_owned();
            self.note(
                e.at,
                format!(
                    "returning from `{name}` (its retry limits, `menu-back`) leads to `{pname}`, which ivrsim enters afresh; FreeSWITCH resumes the run of `{pname}` that started `{name}`"
                ),
                format!("`{pname}`'s count of timeouts starts again from zero (FreeSWITCH keeps it)"),
            );
            if self.parents[i].len() > 1 {
                let others: Vec<String> = self.parents[i][1..]
                    .iter()
                    .map(|&p| format!("`{}`", self.name(p)))
                    .collect();
                self.note(
                    e.at,
                    format!(
                        "`{name}` is run by several menus (`{pname}`, {}); returning from it always leads to `{pname}`",
                        others.join(", ")
                    ),
                    "a caller who came from another menu returns to the wrong one (FreeSWITCH returns to the menu that ran it)",
                );
            }
        }
        let listen = ListenSpec {
            timeout: Some(At::new(
                Duration::from_millis(timeout as u64),
                timeout_at.unwrap_or(e.at),
            )),
            inter_digit_timeout: Some(At::new(
                Duration::from_millis(inter as u64),
                inter_at.or(timeout_at).unwrap_or(e.at),
            )),
            max_no_input: Some(At::new(Retries::Limit(max_timeouts), at_of("max-timeouts"))),
            max_no_match: Some(At::new(Retries::Limit(max_failures), at_of("max-failures"))),
            counting: Some(At::new(Counting::FreeSwitch, e.at)),
            fallback: None,
            fallback_no_input: Some(no_input),
            fallback_no_match: Some(no_match),
            short_prompt: short,
            no_input: Some(Vec::new()),
            no_match: Some(invalid.into_iter().collect()),
            barge_in: Some(true),
            type_ahead: Some(true),
            key_match: Some(At::new(
                KeyMatchPolicy::FullLength { digit_len: None },
                at_of("digit-len"),
            )),
            digit_len: Some(At::new(digit_len as u32, at_of("digit-len"))),
        };
        self.b.add_node(
            At::new(id, e.at),
            Some(format!("FreeSWITCH mod_ivr menu `{name}`")),
            NodeSpec::Menu {
                prompt,
                options,
                listen,
            },
        );
    }

    /// `atoi` of attribute `name` of `e` (0 when missing), and where its value is; a value
    /// that is not a number is reported (FreeSWITCH reads its leading digits, or 0).
    fn number(&mut self, e: &Elem, name: &str) -> (i64, Option<Span>) {
        match e.attr(name).cloned() {
            Some(a) => (self.read_number(&a), Some(a.value_at)),
            None => (0, None),
        }
    }

    /// `atoi` of attribute `a`'s value; a value that is not a number is reported (once per
    /// place).
    fn read_number(&mut self, a: &Attr) -> i64 {
        let (n, whole) = atoi(&a.value);
        if !whole && !a.value.trim().is_empty() && self.bad_numbers.insert(a.value_at) {
            self.note(
                a.value_at,
                format!(
                    "`{}=\"{}\"` is not a number; read as {n}, as FreeSWITCH's `atoi` reads it",
                    a.name, a.value
                ),
                "nothing: FreeSWITCH reads it the same way",
            );
        }
        n
    }

    /// A retry limit: attribute `name` (or `copy` when it is missing or empty, as
    /// `max-timeouts` takes `max-failures`), more than 0, else `default`; at most
    /// [`MAX_RETRIES`].
    fn limit(&mut self, e: &Elem, name: &str, copy: Option<&Attr>, default: u32) -> u32 {
        let Some(a) = e.given(name).or(copy).cloned() else {
            return default;
        };
        let n = self.read_number(&a);
        if n <= 0 {
            return default;
        }
        if n > i64::from(MAX_RETRIES) {
            self.note(
                a.value_at,
                format!(
                    "`{}=\"{}\"` is imported as {MAX_RETRIES}, the largest retry limit ivrsim takes",
                    a.name, a.value
                ),
                format!("the menu ends after {MAX_RETRIES} failures of that kind instead of {n}"),
            );
            return MAX_RETRIES;
        }
        n as u32
    }

    /// FreeSWITCH's `inlen`: `digit-len` (if more than 0), raised to the length of the
    /// longest literal bind (`switch_ivr_menu_bind_action`).
    fn inlen(&self, m: &MenuDef) -> usize {
        let (digit_len, _) = atoi(m.elem.soft("digit-len"));
        let mut n = usize::try_from(digit_len.max(0)).unwrap_or(usize::MAX);
        for e in &m.entries {
            let digits = e.soft("digits");
            if ACTIONS.contains(&e.soft("action")) && !digits.is_empty() && !digits.starts_with('/') {
                n = n.max(digits.len());
            }
        }
        n
    }

    /// The options of menu `i`, from its entries.
    fn options(&mut self, i: usize, m: &MenuDef, inlen: usize) -> Vec<OptionSpec> {
        let mut out = Vec::new();
        let mut literal: Vec<String> = Vec::new();
        let mut literal_set: HashSet<String> = HashSet::new();
        // Checks of a literal bind against a regex bind (both ways), bounded so that a menu
        // of thousands of binds stays linear.
        let mut overlap_budget: usize = 100_000;
        let mut patterns: Vec<(KeyPattern, Span)> = Vec::new();
        let menu_name = m.elem.soft("name").to_owned();
        for e in &m.entries {
            for a in &e.attrs {
                if !["action", "digits", "param"].contains(&a.name.as_str()) {
                    self.note(
                        a.at,
                        format!("`{}` is not an attribute of a mod_ivr entry; ignored", a.name),
                        "nothing: FreeSWITCH ignores it too",
                    );
                }
            }
            let action = e.soft("action");
            if !ACTIONS.contains(&action) {
                let at = e.attr("action").map_or(e.at, |a| a.value_at);
                let hint = if ["menu-say-phrase", "menu-say-text", "menu-call-transfer"].contains(&action) {
                    " (it was removed from FreeSWITCH in 2008; `menu-play-sound` with `phrase:NAME` plays a phrase)"
                } else if ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(action)) {
                    " (actions are compared case-sensitively)"
                } else {
                    ""
                };
                self.note(
                    at,
                    format!(
                        "`{action}` is not a mod_ivr action{hint}; the entry is left out (actions: {})",
                        ACTIONS.join(", ")
                    ),
                    "in FreeSWITCH this entry stops the menus from being built, and the `ivr` application returns without playing anything",
                );
                continue;
            }
            let Some(digits_attr) = e.given("digits").cloned() else {
                self.note(
                    e.at,
                    "an entry without `digits` is left out",
                    "in FreeSWITCH this entry stops the menus from being built, and the `ivr` application returns without playing anything",
                );
                continue;
            };
            let digits = digits_attr.value.clone();
            let dat = digits_attr.value_at;
            // The key, or the pattern.
            let mut option_key = None;
            let mut option_pattern = None;
            if let Some(body) = digits.strip_prefix('/') {
                let Some(end) = body.rfind('/') else {
                    self.note(
                        dat,
                        format!("the regular expression `{digits}` has no closing `/`; the entry is left out"),
                        "nothing: FreeSWITCH cannot compile it and never takes the entry",
                    );
                    continue;
                };
                let text = format!("/{}/", &body[..end]);
                let p = match KeyPattern::parse(&text) {
                    Ok(p) => p,
                    Err(why) => {
                        self.note(
                            dat,
                            format!("the regular expression `{digits}` is left out: {why}"),
                            "keys FreeSWITCH's PCRE would take here are no-matches",
                        );
                        continue;
                    }
                };
                let (samples, complete) = p.samples(1);
                if samples.is_empty() && complete {
                    self.note(
                        dat,
                        format!("`{digits}` matches no keys a caller can press; the entry is left out"),
                        "nothing: FreeSWITCH never takes it either",
                    );
                    continue;
                }
                // `samples` searches a bounded number of entries: a pattern whose shortest
                // entry it did not reach is passed on as it is (see `menu::pattern`).
                if let Some(shortest) = samples.first()
                    && shortest.len() > inlen
                {
                    self.note(
                        dat,
                        format!(
                            "`{digits}` needs at least {} keys, but `{menu_name}` takes entries of {inlen} (`digit-len` and its longest literal bind); the entry is left out",
                            shortest.len()
                        ),
                        format!(
                            "nothing: FreeSWITCH never takes it either; give the menu `digit-len=\"{}\"`",
                            shortest.len()
                        ),
                    );
                    continue;
                }
                for k in &literal {
                    if overlap_budget == 0 {
                        break;
                    }
                    overlap_budget -= 1;
                    if p.matches(k) {
                        self.note(
                            dat,
                            format!("the entry `{k}` matches both `{digits}` and the bind `{k}`; ivrsim takes only the bind `{k}`"),
                            "FreeSWITCH runs every bind that matches, in file order; here only the literal one runs",
                        );
                    }
                }
                patterns.push((p.clone(), dat));
                option_pattern = Some(At::new(p, dat));
            } else {
                let key = match DtmfKey::parse(&digits) {
                    Ok(k) => k,
                    Err(_) => {
                        let hint = if digits.starts_with('~') || digits.starts_with('_') {
                            format!(
                                "; a regular expression bind starts with `/`, e.g. `/^{}$/`",
                                digits.trim_start_matches(['~', '_', '^']).trim_end_matches('$')
                            )
                        } else {
                            String::new()
                        };
                        self.note(
                            dat,
                            format!("`{digits}` is compared as it is written, and no keypad can dial it; the entry is left out{hint}"),
                            "nothing: FreeSWITCH never takes it either (only binds starting with `/` are regular expressions)",
                        );
                        continue;
                    }
                };
                if key.len() > crate::menu::pattern::MAX_ENTRY {
                    self.note(
                        dat,
                        format!(
                            "a bind of {} keys is left out: ivrsim takes entries of at most 32 keys",
                            key.len()
                        ),
                        "the entry cannot be dialled",
                    );
                    continue;
                }
                if literal_set.contains(&digits) {
                    self.note(
                        dat,
                        format!("a second entry on `{digits}` is left out"),
                        format!("FreeSWITCH runs both entries on `{digits}`, in file order; ivrsim runs the first"),
                    );
                    continue;
                }
                for (p, _) in &patterns {
                    if overlap_budget == 0 {
                        break;
                    }
                    overlap_budget -= 1;
                    if p.matches(&digits) {
                        self.note(
                            dat,
                            format!("the entry `{digits}` matches both this bind and the earlier `{p}`; ivrsim takes only this bind"),
                            "FreeSWITCH runs every bind that matches, in file order; here only the literal one runs",
                        );
                    }
                }
                if digits.contains('#') {
                    self.note(
                        dat,
                        format!("`{digits}` has `#`, which ends an entry in FreeSWITCH; ivrsim takes `#` as a key at any time"),
                        "in FreeSWITCH this bind matches only when `#` is the first key, pressed while the greeting plays",
                    );
                }
                literal.push(digits.clone());
                literal_set.insert(digits.clone());
                option_key = Some(At::new(key, dat));
            }
            // Where it leads.
            let Some(to) = self.entry_target(i, e, &digits) else {
                continue;
            };
            let to = self.b.reference(to.0, to.1);
            let store = (option_pattern.is_some() && e.soft("param").contains('$')).then(|| DIGITS_VARIABLE.to_owned());
            let o = OptionSpec {
                key: option_key,
                at: e.at,
                to,
                say: Vec::new(),
                label: None,
                language: None,
                pattern: option_pattern,
                store,
                set: Vec::new(),
            };
            out.push(o);
        }
        out
    }

    /// Where entry `e` of menu `i` leads: a node id and the place of the reference; `None`
    /// when it is left out (with a finding).
    fn entry_target(&mut self, i: usize, e: &Elem, digits: &str) -> Option<(String, Span)> {
        let action = e.soft("action");
        let param_attr = e.attr("param").cloned();
        let param = e.soft("param").to_owned();
        let pat = param_attr.as_ref().map_or(e.at, |a| a.value_at);
        let name = self.name(i).to_owned();
        let id = self.ids[i].clone();
        Some(match action {
            "menu-sub" => {
                if param == name {
                    self.note(
                        pat,
                        format!("`menu-sub` of `{name}` itself leads back to `{name}`, entered afresh"),
                        "the long greeting plays and the count of timeouts starts again (FreeSWITCH goes on with the short greeting and keeps the count)",
                    );
                    (id, pat)
                } else if let Some(&j) = self.by_name.get(&param) {
                    if self.cyclic.contains(&(i, j)) {
                        self.note(
                            pat,
                            format!(
                                "`menu-sub` of `{param}` closes a loop of sub-menus; FreeSWITCH nests a run at every `menu-sub` and ends the IVR when more than {MAX_MENU_NESTING} are nested, ivrsim has no such limit"
                            ),
                            format!("a caller who goes round the loop is cut off after {MAX_MENU_NESTING} nested menus in FreeSWITCH, not in ivrsim"),
                        );
                    }
                    (self.ids[j].clone(), pat)
                } else if param.is_empty() {
                    self.note(
                        e.at,
                        "`menu-sub` without a `param` (the menu to run) ends the IVR",
                        "nothing: FreeSWITCH fails the entry and the IVR ends (exit-sound)",
                    );
                    (self.exit(End::Exit), e.at)
                } else {
                    // Not a menu of the file: the builder reports the unknown id (E006).
                    (param, pat)
                }
            }
            "menu-top" => {
                let top = self.ids[TOP].clone();
                let tname = self.name(TOP).to_owned();
                if i == TOP {
                    self.note(
                        e.at,
                        format!("`menu-top` in the top menu `{name}` leads back to it, entered afresh"),
                        "the long greeting plays and the count of timeouts starts again (FreeSWITCH goes on with the short greeting and keeps the count)",
                    );
                } else {
                    self.note(
                        e.at,
                        format!("`menu-top` leads to the top menu `{tname}`, which ivrsim enters afresh"),
                        format!("`{tname}`'s count of timeouts starts again from zero (FreeSWITCH resumes its run and keeps it)"),
                    );
                }
                (top, e.at)
            }
            "menu-back" => {
                if i == TOP || self.parents[i].is_empty() {
                    (self.exit(End::Exit), e.at)
                } else {
                    (self.ids[self.parents[i][0]].clone(), e.at)
                }
            }
            "menu-exit" => (self.exit(End::Exit), e.at),
            "menu-play-sound" => {
                if param.trim().is_empty() {
                    self.note(
                        e.at,
                        "`menu-play-sound` without a sound ends the IVR",
                        "nothing: FreeSWITCH cannot play it and the IVR ends (exit-sound)",
                    );
                    return Some((self.exit(End::Exit), e.at));
                }
                let pa = param_attr.clone().unwrap_or_else(|| Attr {
                    name: "param".into(),
                    value: param.clone(),
                    at: e.at,
                    value_at: e.at,
                });
                let node = self.play_node(i, &pa, &format!("{id}_sound_{digits}"), &id, e.at);
                self.note(
                    e.at,
                    format!("after the sound, ivrsim enters `{name}` afresh; FreeSWITCH goes on with the same run"),
                    "the long greeting plays instead of the short one, and the count of timeouts starts again",
                );
                (node, e.at)
            }
            "menu-exec-app" => {
                let node = self.app_node(i, &param, pat, Cont::Menu(i), true, &format!("{id} {digits}"));
                (node, pat)
            }
            _ => return None,
        })
    }

    /// The end `id` is the hang-up node of, if it is one.
    fn exit_of(&self, id: &str) -> Option<End> {
        [End::Exit, End::Failure, End::Timeout]
            .into_iter()
            .find(|e| self.exits[e.index()].as_deref() == Some(id))
    }

    /// A hang-up node of `end` that plays `first` before the top menu's exit-sound (one
    /// prompt of both texts: the time of the two when both are text; clips cannot be joined
    /// and are left out, with a finding). `label` names the node.
    fn exit_after(&mut self, first: &Prompt, end: End, label: &str) -> String {
        let key = format!("exit after\u{0}{}\u{0}{}", first.text, end.index());
        if let Some(n) = self.made.get(&key) {
            return n.clone();
        }
        let top = self.menus[TOP].elem.clone();
        let exit = top.given("exit-sound").cloned().map(|a| self.prompt(TOP, &a));
        let mut text = first.text.clone();
        if let Some(x) = &exit {
            text.push(' ');
            text.push_str(&x.text);
        }
        let clips = first.audio.is_some() || exit.as_ref().is_some_and(|x| x.audio.is_some());
        if clips {
            self.note(
                first.span,
                "this sound and the exit-sound after it are imported as one prompt of both captions; their clips are not played",
                "the captions are timed as their words (0.4 s a word), not as the recordings",
            );
        }
        let n = super::node_id(&format!("{label} {}", end.id()), end.id(), &mut self.taken);
        self.made.insert(key, n.clone());
        let prompt = Prompt {
            text,
            audio: None,
            translations: Default::default(),
            span: first.span,
            text_span: first.text_span,
        };
        let tname = top.soft("name");
        self.b.add_node(
            At::new(n.clone(), first.span),
            Some(format!(
                "FreeSWITCH mod_ivr: a sound, then the IVR ends with `ivr_menu_status={}` after the exit-sound of `{tname}`",
                end.status()
            )),
            NodeSpec::Hangup(HangupNode {
                prompt: Some(prompt),
                reason: end.reason().to_owned(),
            }),
        );
        n
    }

    /// The hang-up node of `end` (made when first needed): the top menu's exit-sound, then
    /// the line hangs up.
    fn exit(&mut self, end: End) -> String {
        if let Some(id) = &self.exits[end.index()] {
            return id.clone();
        }
        let id = super::node_id(end.id(), end.id(), &mut self.taken);
        self.exits[end.index()] = Some(id.clone());
        let top = self.menus[TOP].elem.clone();
        let sound = top.given("exit-sound").cloned();
        let prompt = sound.as_ref().map(|a| self.prompt(TOP, a));
        let at = sound.as_ref().map_or(top.at, |a| a.at);
        let tname = top.soft("name");
        self.b.add_node(
            At::new(id.clone(), at),
            Some(format!(
                "FreeSWITCH mod_ivr: the IVR ends with `ivr_menu_status={}`, after the exit-sound of `{tname}`",
                end.status()
            )),
            NodeSpec::Hangup(HangupNode {
                prompt,
                reason: end.reason().to_owned(),
            }),
        );
        id
    }

    /// Where a retry limit of menu `i` leads: `exec-on-max-…` (if given), then the parent
    /// (a sub-menu) or the end of the IVR (the top menu); for failures, after the
    /// invalid-sound (FreeSWITCH plays it on the last failure too).
    fn limit_target(&mut self, i: usize, end: End, invalid: Option<&Prompt>) -> crate::menu::NodeRef {
        let e = self.menus[i].elem.clone();
        let (exec, limit) = match end {
            End::Failure => ("exec-on-max-failures", "max-failures"),
            _ => ("exec-on-max-timeouts", "max-timeouts"),
        };
        let cont = if i == TOP || self.parents[i].is_empty() {
            Cont::End(end)
        } else {
            Cont::Menu(self.parents[i][0])
        };
        let id = self.ids[i].clone();
        let mut at = e.attr(limit).map_or(e.at, |a| a.value_at);
        let exec = e.given(exec).cloned();
        if let Some(a) = &exec {
            at = a.value_at;
        }
        // Without an application, the top menu's last invalid-sound is followed by the end
        // of the IVR: one hang-up node says both (a message before a hang-up would be a
        // node with no way to a person, E014).
        if let (None, Some(p), Cont::End(end)) = (&exec, invalid, cont) {
            let target = self.exit_after(p, end, &format!("{id} invalid"));
            return self.b.reference(target, at);
        }
        let target = match &exec {
            Some(a) => {
                let label = format!("{id} {}", limit.replace('-', "_"));
                self.app_node(i, &a.value, a.value_at, cont, false, &label)
            }
            None => self.cont_id(cont),
        };
        let mut target = target;
        if let Some(p) = invalid {
            if let Some(end) = self.exit_of(&target) {
                let target = self.exit_after(p, end, &format!("{id} invalid"));
                return self.b.reference(target, at);
            }
            let key = format!("invalid\u{0}{id}\u{0}{target}");
            let node = match self.made.get(&key) {
                Some(n) => n.clone(),
                None => {
                    let n = super::node_id(&format!("{id}_invalid"), "invalid", &mut self.taken);
                    self.made.insert(key, n.clone());
                    let next = self.b.reference(target.clone(), at);
                    let span = e.attr("invalid-sound").map_or(e.at, |a| a.at);
                    self.b.add_node(
                        At::new(n.clone(), span),
                        Some(format!(
                            "FreeSWITCH mod_ivr menu `{}`: the invalid-sound of the failure that reaches max-failures",
                            e.soft("name")
                        )),
                        NodeSpec::Message {
                            prompt: p.clone(),
                            next,
                            barge_in: Some(true),
                        },
                    );
                    n
                }
            };
            target = node;
        }
        self.b.reference(target, at)
    }

    /// A `message` node playing `sound` (an attribute), then going to `next`.
    fn play_node(&mut self, i: usize, sound: &Attr, label: &str, next: &str, at: Span) -> String {
        let key = format!("play\u{0}{}\u{0}{next}", sound.value);
        if let Some(n) = self.made.get(&key) {
            return n.clone();
        }
        let n = super::node_id(label, "sound", &mut self.taken);
        self.made.insert(key, n.clone());
        let prompt = self.prompt(i, sound);
        let next_ref = self.b.reference(next.to_owned(), at);
        self.b.add_node(
            At::new(n.clone(), at),
            Some(format!("FreeSWITCH mod_ivr: plays `{}`", sound.value)),
            NodeSpec::Message {
                prompt,
                next: next_ref,
                barge_in: Some(false),
            },
        );
        n
    }

    /// The node of `c` (an exit node is made when first needed).
    fn cont_id(&mut self, c: Cont) -> String {
        match c {
            Cont::Menu(j) => self.ids[j].clone(),
            Cont::End(end) => self.exit(end),
        }
    }

    /// What FreeSWITCH does at `c` after an application of menu `i` returns, in words.
    fn cont_words(&self, i: usize, c: Cont) -> String {
        match c {
            Cont::Menu(j) if j == i => format!("goes on with the short greeting of `{}`", self.name(j)),
            Cont::Menu(j) => format!("returns to `{}`", self.name(j)),
            Cont::End(_) => "ends the IVR (the exit-sound)".to_owned(),
        }
    }

    /// The node for the application `param` run by menu `i` (a `menu-exec-app` entry when
    /// `bind`, else an `exec-on-max-…`); `cont` is where the menu goes on if the
    /// application returns with the call up; `label` names the node.
    fn app_node(&mut self, i: usize, param: &str, at: Span, cont: Cont, bind: bool, label: &str) -> String {
        let e = self.menus[i].elem.clone();
        let name = e.soft("name").to_owned();
        let afresh = cont == Cont::Menu(i);
        let then = self.cont_words(i, cont);
        let key_of = |c: Cont| match c {
            Cont::Menu(j) => format!("m{j}"),
            Cont::End(end) => format!("e{}", end.index()),
        };
        let ckey = key_of(cont);
        match apps::parse(param) {
            App::Empty => {
                self.note(
                    at,
                    "`menu-exec-app` without an application ends the IVR",
                    "nothing: FreeSWITCH fails the entry and the IVR ends (exit-sound)",
                );
                self.exit(End::Exit)
            }
            App::NoSuchName { name: word } => {
                self.note(
                    at,
                    format!(
                        "`{word}` is not an application (did you mean `transfer {param}`?); FreeSWITCH fails the entry and the IVR ends: imported as the end (`exit`)"
                    ),
                    "nothing: the IVR ends here in FreeSWITCH too",
                );
                self.exit(End::Exit)
            }
            App::Transfer { dest, context } => {
                let (queue, dynamic) = apps::queue_name(dest, "extension");
                let sound = if bind { e.given("transfer-sound").cloned() } else { None };
                let key = format!(
                    "transfer\u{0}{queue}\u{0}{}",
                    sound.as_ref().map_or("", |s| s.value.as_str())
                );
                if let Some(n) = self.made.get(&key) {
                    return n.clone();
                }
                let ctx = context.map_or(String::new(), |c| format!(" of context `{c}`"));
                let mut what = format!(
                    "`{param}` sends the call to extension `{dest}`{ctx} of the dialplan; imported as a handoff to the call-taker queue `{queue}`"
                );
                if dynamic {
                    what.push_str(&format!(
                        " (the extension is filled in when the call runs: from the keys dialled (`$1`, stored in `{DIGITS_VARIABLE}`) or a variable)"
                    ));
                }
                self.note(
                    at,
                    what,
                    "the call is handed to a queue of call-takers; whatever the dialplan does at that extension (another IVR, a conference, a voicemail box) is not imported",
                );
                let prompt = sound.as_ref().map(|s| self.prompt(i, s));
                self.transfer_node(&key, &format!("transfer {queue}"), at, &queue, prompt, None, param)
            }
            App::Bridge { dial } => {
                let (queue, _) = apps::bridge_target(dial);
                let key = format!("bridge\u{0}{queue}\u{0}{ckey}");
                if let Some(n) = self.made.get(&key) {
                    return n.clone();
                }
                let mut caller =
                    "the caller waits in a queue with hold announcements instead of hearing the endpoint ring"
                        .to_owned();
                if afresh {
                    caller.push_str(&format!(
                        "; when nobody answers, ivrsim enters `{name}` afresh (the long greeting, the count of timeouts from zero)"
                    ));
                }
                self.note(
                    at,
                    format!(
                        "`{param}` rings `{dial}` directly; imported as a handoff to the call-taker queue `{queue}`; when nobody can take the call, the caller goes where FreeSWITCH sends a call nobody answers (it {then})"
                    ),
                    caller,
                );
                let cont_node = self.cont_id(cont);
                let to = self.b.reference(cont_node, at);
                self.transfer_node(
                    &key,
                    &format!("bridge {queue}"),
                    at,
                    &queue,
                    None,
                    Some(NoOperator::Goto { to }),
                    param,
                )
            }
            App::Callcenter { queue } | App::Fifo { queue } => {
                let q = queue.split('@').next().unwrap_or(queue).to_owned();
                let key = format!("queue\u{0}{q}");
                if let Some(n) = self.made.get(&key) {
                    return n.clone();
                }
                let app = param.split_whitespace().next().unwrap_or("queue");
                self.transfer_node(&key, &format!("{app} {q}"), at, &q, None, None, param)
            }
            App::Voicemail { mailbox, check } => {
                let key = format!("voicemail\u{0}{param}");
                if let Some(n) = self.made.get(&key) {
                    return n.clone();
                }
                let (app, target, base) = if check {
                    (ExternalApp::Application, param.to_owned(), "voicemail check".to_owned())
                } else {
                    (
                        ExternalApp::Voicemail,
                        mailbox.to_owned(),
                        format!("voicemail {mailbox}"),
                    )
                };
                self.note(
                    at,
                    format!("`{param}` is imported as the end of the IVR's part of the call, at the voicemail `{target}`"),
                    format!("if the voicemail application returns with the caller still on the line, FreeSWITCH {then}; ivrsim ends the IVR's part of the call at the box"),
                );
                self.external_node(&key, &base, at, app, target, param)
            }
            App::Hangup { cause } => {
                let reason = cause.map_or("hangup".to_owned(), str::to_ascii_lowercase);
                let key = format!("hangup\u{0}{reason}");
                if let Some(n) = self.made.get(&key) {
                    return n.clone();
                }
                let n = super::node_id(&format!("hangup {reason}"), "hangup", &mut self.taken);
                self.made.insert(key, n.clone());
                self.b.add_node(
                    At::new(n.clone(), at),
                    Some(format!("FreeSWITCH mod_ivr: `{param}`")),
                    NodeSpec::Hangup(HangupNode { prompt: None, reason }),
                );
                n
            }
            App::Play { sound } => {
                let a = Attr {
                    name: "param".into(),
                    value: sound,
                    at,
                    value_at: at,
                };
                let n = match cont {
                    Cont::End(end) => {
                        let p = self.prompt(i, &a);
                        self.exit_after(&p, end, &format!("{label} play"))
                    }
                    Cont::Menu(_) => {
                        let next = self.cont_id(cont);
                        self.play_node(i, &a, &format!("{label} play"), &next, at)
                    }
                };
                if bind && afresh {
                    self.note(
                        at,
                        format!("after `{param}`, ivrsim enters `{name}` afresh; FreeSWITCH goes on with the same run"),
                        "the long greeting plays instead of the short one, and the count of timeouts starts again",
                    );
                }
                n
            }
            App::Silent { name: app } => {
                let caller = if afresh {
                    format!(
                        "ivrsim enters `{name}` afresh: the long greeting plays and the count of timeouts starts again (FreeSWITCH {then})"
                    )
                } else {
                    format!("nothing: FreeSWITCH then {then} too")
                };
                self.note(
                    at,
                    format!("`{param}` runs `{app}`, which a caller does not hear; imported as going straight on"),
                    caller,
                );
                self.cont_id(cont)
            }
            App::Other { name: app, param: p } => {
                let key = format!("app\u{0}{p}");
                if let Some(n) = self.made.get(&key) {
                    return n.clone();
                }
                self.note(
                    at,
                    format!("`{p}` runs the application `{app}`; imported as the end of the IVR's part of the call (an external application)"),
                    format!("if `{app}` returns with the caller still on the line, FreeSWITCH {then}; ivrsim ends the IVR's part of the call here"),
                );
                self.external_node(
                    &key,
                    &format!("app {app}"),
                    at,
                    ExternalApp::Application,
                    p.to_owned(),
                    param,
                )
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn transfer_node(
        &mut self,
        key: &str,
        base: &str,
        at: Span,
        queue: &str,
        prompt: Option<Prompt>,
        plan: Option<NoOperator>,
        param: &str,
    ) -> String {
        let n = super::node_id(base, "transfer", &mut self.taken);
        self.made.insert(key.to_owned(), n.clone());
        self.transfers += 1;
        self.b.add_node(
            At::new(n.clone(), at),
            Some(format!("FreeSWITCH mod_ivr: `{param}`")),
            NodeSpec::Transfer {
                queue: queue.to_owned(),
                priority: Priority::Normal,
                prompt,
                context: None,
                hold: None,
                when_no_operator: plan.map(Some),
            },
        );
        n
    }

    fn external_node(
        &mut self,
        key: &str,
        base: &str,
        at: Span,
        app: ExternalApp,
        target: String,
        param: &str,
    ) -> String {
        let n = super::node_id(base, "external", &mut self.taken);
        self.made.insert(key.to_owned(), n.clone());
        self.b.add_node(
            At::new(n.clone(), at),
            Some(format!("FreeSWITCH mod_ivr: `{param}`")),
            NodeSpec::External(ExternalNode {
                app,
                name: target,
                prompt: None,
                on: None,
                store: DEFAULT_EXTERNAL_STORE.to_owned(),
            }),
        );
        n
    }

    /// The prompt of sound attribute `a`, used by menu `i` (whose TTS settings apply).
    fn prompt(&mut self, i: usize, a: &Attr) -> Prompt {
        let (text, audio) = self.sound_text(i, &a.value, a.value_at);
        let text = At::new(text, a.value_at);
        let audio = audio.map(|c| At::new(c, a.value_at));
        self.b.prompt(a.at, &text, audio.as_ref())
    }

    /// The caption of `sound` and the clip it plays (a file beside the imported file), with
    /// findings for what is approximated.
    fn sound_text(&mut self, i: usize, sound: &str, at: Span) -> (String, Option<String>) {
        match sound::classify(sound) {
            Sound::Say(t) => {
                // The top menu's `tts-engine`/`tts-voice` are set on the channel when it runs
                // (`switch_channel_set_variable`), so its sub-menus speak with them too.
                let has_tts = |e: &Elem| e.given("tts-engine").is_some() && e.given("tts-voice").is_some();
                let e = &self.menus[i].elem;
                if !has_tts(e) && !has_tts(&self.menus[TOP].elem) && self.tts_noted.insert(i) {
                    let name = e.soft("name").to_owned();
                    self.note(
                        at,
                        format!("`say:` in `{name}` is imported as spoken text, but neither this menu nor the top one sets `tts-engine` and `tts-voice`"),
                        "nothing, if the dialplan sets `tts_engine` and `tts_voice` on the channel; otherwise FreeSWITCH says nothing here",
                    );
                }
                if t.is_empty() {
                    self.note(
                        at,
                        "`say:` with no text is imported as `[say: nothing]`",
                        "a short caption instead of nothing",
                    );
                    ("[say: nothing]".into(), None)
                } else {
                    (t.to_owned(), None)
                }
            }
            Sound::Phrase { name, data } => {
                let (name, data) = (name.to_owned(), data.to_owned());
                self.load_phrases();
                let book = self.phrases.as_ref();
                let files = book.map_or(Vec::new(), |b| b.files.clone());
                match book.and_then(|b| b.say(&name, &data)) {
                    Some(said) => {
                        let mut problems = Vec::new();
                        if !said.recordings.is_empty() {
                            problems.push(format!(
                                "its {} recording(s) are shown as captions, not played",
                                said.recordings.len()
                            ));
                        }
                        if !said.skipped.is_empty() {
                            problems.push(format!("not followed: {}", said.skipped.join("; ")));
                        }
                        if !problems.is_empty() {
                            self.note(
                                at,
                                format!(
                                    "the phrase macro `{name}` is imported as its words; {}",
                                    problems.join("; ")
                                ),
                                "the captions are timed as their words (0.4 s a word), not as the recordings",
                            );
                        }
                        let text = said.parts.join(" ");
                        if text.trim().is_empty() {
                            (format!("[phrase: {name}]"), None)
                        } else {
                            (text, None)
                        }
                    }
                    None => {
                        let where_ = if files.is_empty() {
                            "no phrase file was found beside the menu file (`<macro>` elements in a `.xml` file there)"
                                .to_owned()
                        } else {
                            format!("the phrase files read ({}) do not define it", files.join(", "))
                        };
                        self.note(
                            at,
                            format!(
                                "the phrase macro `{name}` is imported as the caption `[phrase: {name}]`: {where_}"
                            ),
                            "a caption of the macro's name, timed as two words, instead of the phrase",
                        );
                        (format!("[phrase: {name}]"), None)
                    }
                }
            }
            Sound::Silence(ms) => {
                let text = ms.map_or("[silence]".to_owned(), |ms| format!("[silence {ms} ms]"));
                self.note(
                    at,
                    format!("`{sound}` is imported as the caption `{text}`"),
                    "a caption timed as its words instead of the silence",
                );
                (text, None)
            }
            Sound::Tone => {
                self.note(
                    at,
                    format!("`{sound}` is imported as the caption `[tone]`"),
                    "a caption instead of the tone",
                );
                ("[tone]".into(), None)
            }
            Sound::Stream(s) => {
                let text = sound::audio_caption(s);
                self.note(
                    at,
                    format!("the stream `{s}` is imported as the caption `{text}`"),
                    "a caption instead of the stream",
                );
                (text, None)
            }
            Sound::File { path, name } => {
                let (path, name) = (path.to_owned(), name.to_owned());
                let text = sound::audio_caption(&name);
                match self.local_clip(&path, &name) {
                    Some(clip) => (text, Some(clip)),
                    None => {
                        if self.missing_audio.insert(path.clone()) {
                            self.note(
                                at,
                                format!(
                                    "the recording `{path}` is not played: no clip `{name}` beside the menu file; the caption `{text}` stands for it"
                                ),
                                "the caption is shown and timed as its words (0.4 s a word), not as the recording",
                            );
                        }
                        (text, None)
                    }
                }
            }
        }
    }

    /// The clip for recording `path` (file name `name`) beside the imported file: the path
    /// as written, then the file name alone, each also with `.wav` when it has no extension.
    fn local_clip(&self, path: &str, name: &str) -> Option<String> {
        let mut candidates = Vec::new();
        let rel = Path::new(path);
        let plain = !path.contains('$')
            && rel.is_relative()
            && rel.components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if plain {
            candidates.push(path.to_owned());
        }
        if !name.contains('$') && !name.is_empty() {
            candidates.push(name.to_owned());
        }
        let with_wav: Vec<String> = candidates
            .iter()
            .filter(|c| Path::new(c.as_str()).extension().is_none())
            .map(|c| format!("{c}.wav"))
            .collect();
        candidates.extend(with_wav);
        candidates.into_iter().find(|c| self.dir.join(c).is_file())
    }

    /// Reads the phrase macros once: from the files named with the import, then from the
    /// `.xml` files beside the imported file that hold `<macro` (not the menu files).
    fn load_phrases(&mut self) {
        if self.phrases.is_some() {
            return;
        }
        let mut book = PhraseBook::default();
        let mut names: Vec<String> = self
            .cx
            .companions
            .iter()
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
            .collect();
        if let Ok(entries) = std::fs::read_dir(listable(&self.dir)) {
            let mut local: Vec<String> = entries
                .filter_map(Result::ok)
                .filter(|e| {
                    e.metadata()
                        .is_ok_and(|m| m.is_file() && m.len() <= MAX_PHRASE_FILE_BYTES)
                })
                .filter(|e| !self.menu_files.contains(&normal(&e.path())))
                .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                .filter(|n| n.to_ascii_lowercase().ends_with(".xml"))
                .collect();
            local.sort();
            local.truncate(MAX_PHRASE_FILES);
            // Only files whose start looks like a language file are read whole (and kept
            // for findings): the folder may hold other, larger XML.
            local.retain(|n| looks_like_phrases(&listable(&self.dir).join(n)));
            names.extend(local);
        }
        let mut done = HashSet::new();
        for n in names {
            let Some((path, id)) = self.cx.companion(&n, &[]) else {
                continue;
            };
            if !done.insert(normal(&path)) || self.menu_files.contains(&normal(&path)) {
                continue;
            }
            let text = self.cx.sources.text(id);
            if !text.contains("<macro") {
                continue;
            }
            if let Err((at, message)) = book.add_file(id, &path.display().to_string(), text) {
                self.cx.approx(
                    at,
                    format!("the phrase file is not read: {message}"),
                    "its phrase macros are shown by name instead of their words",
                );
            }
        }
        self.phrases = Some(book);
    }
}

/// The strongly connected component of each node of `edges` (Tarjan's algorithm with an
/// explicit stack, so a long chain of menus cannot overflow the call stack).
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut count = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, position in its edge list)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(top) = work.len().checked_sub(1) {
            let (v, pos) = work[top];
            if pos == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(pos) {
                work[top].1 += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(u, _)) = work.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = count;
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    comp
}
