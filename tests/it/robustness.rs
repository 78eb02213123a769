//! Bad input never panics, never hangs, always gives a clear message and the right exit status.
//!
//! Every test runs the real `ivrsim check` on hostile or broken input written into a temp
//! folder, under a time-out (so a hang fails the test instead of blocking CI), and checks:
//! no panic (never exit status 101, never "panicked" on stderr, never killed by a signal),
//! the documented exit status (0 clean, 1 findings, 2 usage or I/O error), and a finding
//! that names the problem, at `file:line:column` where there is one.
//!
//! The tests that once ate memory or blocked (a 100,000-step chain, `/dev/zero`, named pipes)
//! run under `ulimit -v` and a short time-out, so a regression fails fast instead of
//! taking the machine down.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;

use crate::support::{Dir, MINIMAL, write_wav};

/// Time-out of one run: generous for a debug build on a busy 2-core machine.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Memory cap (`ulimit -v`, KiB) of runs that could allocate without bound.
const MEMORY_CAP_KB: u64 = 4 * 1024 * 1024;

// ------------------------------------------------------------------------ running ivrsim

/// What one run of `ivrsim` did.
struct Run {
    what: String,
    stdout: String,
    stderr: String,
    code: Option<i32>,
    signal: Option<i32>,
    elapsed: Duration,
    timed_out: bool,
}

/// `ivrsim ARGS...` in `dir`, killed after [`TIMEOUT`].
fn ivrsim(dir: &Path, args: &[&str]) -> Run {
    ivrsim_with(dir, args, TIMEOUT, None)
}

/// `ivrsim ARGS...` in `dir`, killed after `timeout`, optionally under `ulimit -v memory_kb`.
fn ivrsim_with(dir: &Path, args: &[&str], timeout: Duration, memory_kb: Option<u64>) -> Run {
    let bin = env!("CARGO_BIN_EXE_ivrsim");
    let mut cmd = match memory_kb {
        None => Command::new(bin),
        Some(kb) => {
            let mut c = Command::new("sh");
            c.args(["-c", r#"ulimit -v "$1" && shift && exec "$@""#, "sh"])
                .arg(kb.to_string())
                .arg(bin);
            c
        }
    };
    cmd.current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("IVRSIM_LOG")
        .env_remove("RUST_BACKTRACE")
        .timeout(timeout);
    let start = Instant::now();
    let out = cmd.output().expect("run ivrsim");
    let elapsed = start.elapsed();
    Run {
        what: format!("ivrsim {}", args.join(" ")),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
        signal: out.status.signal(),
        elapsed,
        timed_out: out.status.code().is_none() && elapsed >= timeout,
    }
}

/// At most `n` bytes of `s` (outputs can be tens of megabytes), cut at a char boundary.
fn head(s: &str, n: usize) -> String {
    if s.len() <= n {
        return s.to_owned();
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n... ({} more bytes)", &s[..end], s.len() - end)
}

impl Run {
    /// What happened, for assertion messages (output shortened).
    fn show(&self) -> String {
        let mut s = format!(
            "`{}`: exit {:?}, signal {:?}, {:.1} s{}\n",
            self.what,
            self.code,
            self.signal,
            self.elapsed.as_secs_f64(),
            if self.timed_out { " (TIMED OUT)" } else { "" }
        );
        let _ = write!(
            s,
            "--- stdout\n{}\n--- stderr\n{}",
            head(&self.stdout, 3000),
            head(&self.stderr, 2000)
        );
        s
    }

    /// No hang, no panic, no signal, and exactly exit status `code`.
    fn assert_exit(&self, code: i32) -> &Self {
        assert!(!self.timed_out, "hang: killed after the time-out\n{}", self.show());
        assert!(self.signal.is_none(), "killed by signal (crash?)\n{}", self.show());
        assert_ne!(self.code, Some(101), "panic\n{}", self.show());
        assert!(!self.stderr.contains("panicked"), "panic\n{}", self.show());
        assert!(!self.stderr.contains("overflow"), "overflow\n{}", self.show());
        assert_eq!(self.code, Some(code), "wrong exit status\n{}", self.show());
        self
    }

    /// The finding codes printed (`E001`, `W010`, ...).
    fn codes(&self) -> BTreeSet<String> {
        self.stdout
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix("error[").or_else(|| l.strip_prefix("warning["))?;
                Some(rest.split(']').next()?.to_owned())
            })
            .collect()
    }

    /// Asserts that a finding `code` was printed.
    fn assert_code(&self, code: &str) -> &Self {
        assert!(self.codes().contains(code), "expected {code}\n{}", self.show());
        self
    }

    /// Asserts that the only finding codes printed are `codes`.
    fn assert_codes(&self, codes: &[&str]) -> &Self {
        let want: BTreeSet<String> = codes.iter().map(|c| (*c).to_owned()).collect();
        assert_eq!(self.codes(), want, "finding codes\n{}", self.show());
        self
    }

    /// The `file:line:column` places of the findings with `code`, in output order.
    fn places(&self, code: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut want = false;
        for l in self.stdout.lines() {
            if l.starts_with("error[") || l.starts_with("warning[") {
                want = l.starts_with(&format!("error[{code}]")) || l.starts_with(&format!("warning[{code}]"));
            } else if let Some(p) = l.trim_start().strip_prefix("--> ")
                && want
            {
                out.push(p.trim().to_owned());
                want = false;
            }
        }
        out
    }

    /// Asserts that a finding `code` points at exactly `place` (`file:line:column`).
    fn assert_at(&self, code: &str, place: &str) -> &Self {
        assert!(
            self.places(code).iter().any(|p| p == place),
            "expected {code} at {place}, found it at {:?}\n{}",
            self.places(code),
            self.show()
        );
        self
    }

    /// Asserts that a finding `code` points into `file`, at some `line:column`.
    fn assert_in_file(&self, code: &str, file: &str) -> &Self {
        let ok = self.places(code).iter().any(|p| {
            p.strip_prefix(file)
                .and_then(|rest| rest.strip_prefix(':'))
                .and_then(|lc| lc.split_once(':'))
                .is_some_and(|(l, c)| l.parse::<u32>().is_ok_and(|l| l > 0) && c.parse::<u32>().is_ok_and(|c| c > 0))
        });
        assert!(
            ok,
            "expected {code} in {file}:LINE:COLUMN, found it at {:?}\n{}",
            self.places(code),
            self.show()
        );
        self
    }

    /// Asserts that stdout or stderr says `words` (case-insensitive).
    fn assert_says(&self, words: &str) -> &Self {
        let w = words.to_lowercase();
        assert!(
            self.stdout.to_lowercase().contains(&w) || self.stderr.to_lowercase().contains(&w),
            "expected the output to say {words:?}\n{}",
            self.show()
        );
        self
    }
}

/// 1-based `line:column` (column in characters) of the first `needle` in `text`.
fn line_col(text: &str, needle: &str) -> String {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the menu"));
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    format!(
        "{}:{}",
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1
    )
}

/// Whether this process can read a file that has no read permission (true for root).
fn permissions_are_ignored(dir: &Dir) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.write("probe-perm", "x");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let readable = std::fs::read(&p).is_ok();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::remove_file(&p).expect("rm");
    readable
}

/// Makes a named pipe with `mkfifo`; `false` if the tool is missing.
fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

// ------------------------------------------------------------------ the file is not YAML

#[test]
fn empty_file() {
    let dir = Dir::new();
    dir.write("empty.yaml", "");
    ivrsim(dir.path(), &["check", "empty.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_at("E001", "empty.yaml:1:1")
        .assert_says("empty");
}

#[test]
fn whitespace_only_file() {
    let dir = Dir::new();
    dir.write("blank.yaml", "\n   \n\t\n  \r\n\n");
    ivrsim(dir.path(), &["check", "blank.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_in_file("E001", "blank.yaml")
        .assert_says("empty");
}

#[test]
fn comment_only_file_is_refused() {
    let dir = Dir::new();
    dir.write("comments.yaml", "# Hotline menu\n\n   # to be written\n#---\n");
    let run = ivrsim(dir.path(), &["check", "comments.yaml"]);
    run.assert_exit(1);
    // Today: E004 `name`, `entry`, `nodes` missing; see `comment_only_file_is_empty` below.
    let code = if run.codes().contains("E001") { "E001" } else { "E004" };
    run.assert_code(code).assert_in_file(code, "comments.yaml");
}

#[test]
fn comment_only_file_is_empty() {
    let dir = Dir::new();
    dir.write("comments.yaml", "# Hotline menu\n\n   # to be written\n");
    ivrsim(dir.path(), &["check", "comments.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_says("empty");
}

/// Deterministic junk: pseudo-random bytes, ending in NULs and invalid UTF-8 (0xff, a lone
/// continuation byte, a truncated sequence).
fn junk(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x2545_f491;
    let mut v: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    v.extend_from_slice(b"\x00\x00\xff\xfe\x80\xc3");
    v
}

#[test]
fn binary_junk() {
    let dir = Dir::new();
    dir.write("junk.yaml", junk(64 * 1024));
    ivrsim(dir.path(), &["check", "junk.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_in_file("E001", "junk.yaml")
        .assert_says("UTF-8");
}

#[test]
fn binary_junk_as_json_is_still_valid_json() {
    let dir = Dir::new();
    dir.write("junk.yaml", junk(4096));
    let mut nul = MINIMAL.as_bytes().to_vec();
    nul.splice(6..6, *b"\x00\x01\x1b[31m");
    dir.write("nul.yaml", nul);
    for file in ["junk.yaml", "nul.yaml"] {
        let run = ivrsim(dir.path(), &["check", "--format", "json", file]);
        run.assert_exit(1);
        let j: serde_json::Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON: {e}\n{}", run.show()));
        let first = &j["menus"][0]["findings"][0];
        assert_eq!(first["code"], "E001", "{}", run.show());
        assert_eq!(first["line"], 1, "{}", run.show());
    }
}

#[test]
fn nul_bytes_in_utf8_text() {
    let dir = Dir::new();
    // Valid UTF-8, but YAML does not allow control characters such as NUL.
    let text = MINIMAL.replace("queue: general", "queue: gen\0eral");
    dir.write("nul.yaml", &text);
    ivrsim(dir.path(), &["check", "nul.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_at("E001", &format!("nul.yaml:{}", line_col(&text, "\0")));
}

#[test]
fn terminal_escapes_in_the_file_are_not_echoed() {
    let dir = Dir::new();
    dir.write("esc.yaml", "name: \"x\"\x1b]0;pwned\x07\x1b[2J\nentry: m\n");
    let run = ivrsim(dir.path(), &["check", "--color", "never", "esc.yaml"]);
    run.assert_exit(1)
        .assert_codes(&["E001"])
        .assert_at("E001", "esc.yaml:1:10");
    assert!(
        !run.stdout.contains('\x1b') && !run.stdout.contains('\x07'),
        "raw control characters in the output: {:?}",
        head(&run.stdout, 300)
    );
}

#[test]
fn a_utf8_byte_order_mark_does_not_shift_columns() {
    let dir = Dir::new();
    let text = MINIMAL.replacen("name: Minimal", "nme: Minimal", 1);
    dir.write("bom.yaml", format!("\u{feff}{text}"));
    let run = ivrsim(dir.path(), &["check", "bom.yaml"]);
    run.assert_exit(1)
        .assert_codes(&["E002"])
        .assert_at("E002", "bom.yaml:1:1");
    assert!(!run.stdout.contains("???nme"), "{}", run.stdout);
    // A menu with a byte order mark loads like any other.
    dir.write("ok.yaml", format!("\u{feff}{MINIMAL}"));
    ivrsim(dir.path(), &["check", "ok.yaml"]).assert_exit(0);
}

#[test]
fn utf16_with_bom() {
    let dir = Dir::new();
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(MINIMAL.encode_utf16().flat_map(u16::to_le_bytes));
    dir.write("utf16.yaml", bytes);
    ivrsim(dir.path(), &["check", "utf16.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_at("E001", "utf16.yaml:1:1")
        .assert_says("UTF-8");
}

#[test]
fn utf8_with_bom_is_fine() {
    let dir = Dir::new();
    dir.write("bom.yaml", format!("\u{feff}{MINIMAL}"));
    ivrsim(dir.path(), &["check", "bom.yaml"])
        .assert_exit(0)
        .assert_codes(&[]);
}

#[test]
fn replacement_character_is_valid_utf8() {
    let dir = Dir::new();
    dir.write(
        "fffd.yaml",
        MINIMAL.replace("For help press 1.", "For help press 1 \u{fffd}."),
    );
    ivrsim(dir.path(), &["check", "fffd.yaml"])
        .assert_exit(0)
        .assert_codes(&[]);
}

const TEN_MB: usize = 10 * 1024 * 1024;

#[test]
fn ten_megabyte_name_line() {
    let dir = Dir::new();
    dir.write("long.yaml", format!("name: \"{}\"\n", "a".repeat(TEN_MB)));
    // Valid YAML: what is wrong is the missing `entry` and `nodes`.
    ivrsim(dir.path(), &["check", "long.yaml"])
        .assert_exit(1)
        .assert_codes(&["E004"])
        .assert_in_file("E004", "long.yaml")
        .assert_says("entry")
        .assert_says("nodes");
}

#[test]
fn ten_megabyte_garbage_line() {
    let dir = Dir::new();
    let mut text = String::from("name: x\nentry: m\nnodes:\n  m: {kind: transfer, queue: q}\n  ");
    text.push_str(&"ab{c[:".repeat(TEN_MB / 6));
    text.push('\n');
    dir.write("garbage.yaml", &text);
    ivrsim(dir.path(), &["check", "garbage.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_in_file("E001", "garbage.yaml");

    // One 10 MB line of a plain scalar where a mapping should be.
    dir.write("scalar.yaml", "x".repeat(TEN_MB));
    ivrsim(dir.path(), &["check", "scalar.yaml"])
        .assert_exit(1)
        .assert_codes(&["E003"])
        .assert_at("E003", "scalar.yaml:1:1");
}

#[test]
fn ten_megabyte_line_output_stays_readable() {
    let dir = Dir::new();
    dir.write("long.yaml", format!("name: \"{}\"\n", "a".repeat(TEN_MB)));
    let run = ivrsim(dir.path(), &["check", "long.yaml"]);
    run.assert_exit(1).assert_code("E004");
    assert!(
        run.stdout.len() < 100_000,
        "{} bytes of output for 3 findings\n{}",
        run.stdout.len(),
        run.show()
    );
}

// ------------------------------------------------------------------------ YAML bombs

/// The classic "billion laughs": 10 levels of anchors, each 10 aliases of the one before.
fn billion_laughs(indent: &str) -> String {
    let mut s = format!(
        "{indent}l0: &l0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
    );
    for i in 1..=9 {
        let aliases = vec![format!("*l{}", i - 1); 10].join(", ");
        let _ = writeln!(s, "{indent}l{i}: &l{i} [{aliases}]");
    }
    s
}

#[test]
fn billion_laughs_at_top_level() {
    let dir = Dir::new();
    let text = format!("{}name: *l9\n", billion_laughs(""));
    dir.write("bomb.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "bomb.yaml"]);
    run.assert_exit(1);
    // One finding (the first unknown field, or a budget or shape error), never an expansion.
    let codes = run.codes();
    assert_eq!(codes.len(), 1, "{}", run.show());
    let code = codes.first().expect("a finding");
    assert!(["E001", "E002", "E003"].contains(&code.as_str()), "{}", run.show());
    run.assert_in_file(code, "bomb.yaml");
}

#[test]
fn billion_laughs_in_typed_fields() {
    // Anchors where the format allows lists of strings, aliases nesting them: the aliases
    // must not be expanded into a billion strings.
    let dir = Dir::new();
    let mut text = String::from("name: Bomb\nentry: m\nlanguages: &l0 [en, en, en, en, en, en, en, en, en, en]\n");
    text.push_str("lint:\n  allow: &l1 [");
    text.push_str(&["*l0"; 10].join(", "));
    text.push_str("]\nnodes:\n  m: { kind: transfer, queue: q, context: *l1 }\n");
    dir.write("bomb.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "bomb.yaml"]);
    run.assert_exit(1);
    let code = if run.codes().contains("E003") { "E003" } else { "E001" };
    run.assert_at(code, &format!("bomb.yaml:{}", line_col(&text, "*l0")));

    // The same under `nodes:`: each level a mapping of nodes.
    let text = format!("name: Bomb\nentry: l0\nnodes:\n{}", billion_laughs("  "));
    dir.write("nodes.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "nodes.yaml"]);
    run.assert_exit(1)
        .assert_code("E003")
        .assert_in_file("E003", "nodes.yaml");
}

#[test]
fn alias_amplification_hits_the_budget() {
    // One 1 MB string, then 1000 aliases of it (with enough other anchors to pass an
    // alias-to-anchor ratio check): 1 GB of text if expanded.
    let dir = Dir::new();
    let mut text = String::from("name: Amp\nentry: m\nnodes:\n");
    let _ = writeln!(
        text,
        "  m: {{ kind: transfer, queue: q, description: &big \"{}\" }}",
        "x".repeat(1 << 20)
    );
    for i in 0..99 {
        let _ = writeln!(text, "  s{i}: {{ kind: hangup, description: &s{i} s }}");
    }
    for i in 0..1000 {
        let _ = writeln!(text, "  n{i}: {{ kind: hangup, description: *big }}");
    }
    dir.write("amp.yaml", &text);
    let run = ivrsim_with(dir.path(), &["check", "amp.yaml"], TIMEOUT, Some(MEMORY_CAP_KB));
    run.assert_exit(1)
        .assert_codes(&["E001"])
        .assert_in_file("E001", "amp.yaml")
        .assert_says("safety limit");
}

#[test]
fn alias_errors_have_a_whole_message() {
    let dir = Dir::new();
    dir.write(
        "al.yaml",
        "name: x\nentry: m\nlanguages: &a [en]\nlint: { allow: [*a] }\n",
    );
    let run = ivrsim(dir.path(), &["check", "al.yaml"]);
    run.assert_exit(1).assert_code("E003").assert_at("E003", "al.yaml:4:17");
    let msg = run.stdout.lines().next().unwrap_or_default();
    assert!(!msg.trim_end().ends_with("(used"), "message cut short: {msg}");

    let mut text = String::from("name: Amp\nentry: m\nnodes:\n");
    let _ = writeln!(
        text,
        "  m: {{ kind: transfer, queue: q, description: &big \"{}\" }}",
        "x".repeat(1 << 20)
    );
    for i in 0..99 {
        let _ = writeln!(text, "  s{i}: {{ kind: hangup, description: &s{i} s }}");
    }
    for i in 0..100 {
        let _ = writeln!(text, "  n{i}: {{ kind: hangup, description: *big }}");
    }
    dir.write("amp.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "amp.yaml"]);
    run.assert_exit(1).assert_code("E001");
    let msg = run.stdout.lines().next().unwrap_or_default();
    assert!(!msg.contains(" { "), "Debug formatting in the message: {msg}");
    assert!(!msg.trim_end().ends_with("(used"), "message cut short: {msg}");
}

// ------------------------------------------------------------------------ deep nesting

const DEEP: usize = 10_000;

#[test]
fn deep_flow_sequences() {
    let dir = Dir::new();
    dir.write("top.yaml", format!("{}{}\n", "[".repeat(DEEP), "]".repeat(DEEP)));
    let run = ivrsim(dir.path(), &["check", "top.yaml"]);
    run.assert_exit(1);
    let code = if run.codes().contains("E001") { "E001" } else { "E003" };
    run.assert_in_file(code, "top.yaml");

    let text = format!(
        "name: x\nentry: m\nnodes:\n  m: {}{}\n",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );
    dir.write("node.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "node.yaml"]);
    run.assert_exit(1);
    let code = if run.codes().contains("E001") { "E001" } else { "E003" };
    run.assert_at(code, "node.yaml:4:6");
}

#[test]
fn deep_flow_mappings() {
    let dir = Dir::new();
    let inner = format!("{}1{}", "{a: ".repeat(DEEP), "}".repeat(DEEP));
    dir.write("top.yaml", format!("a: {inner}\n"));
    let run = ivrsim(dir.path(), &["check", "top.yaml"]);
    run.assert_exit(1);
    assert_eq!(run.codes().len(), 1, "{}", run.show());

    dir.write("node.yaml", format!("name: x\nentry: m\nnodes:\n  m: {inner}\n"));
    let run = ivrsim(dir.path(), &["check", "node.yaml"]);
    run.assert_exit(1);
    let code = run.codes().into_iter().next().expect("a finding");
    assert!(["E001", "E002"].contains(&code.as_str()), "{}", run.show());
    run.assert_in_file(&code, "node.yaml");

    dir.write("name.yaml", format!("name: {inner}\n"));
    let run = ivrsim(dir.path(), &["check", "name.yaml"]);
    run.assert_exit(1);
    let code = run.codes().into_iter().next().expect("a finding");
    assert!(["E001", "E003"].contains(&code.as_str()), "{}", run.show());
    run.assert_at(&code, "name.yaml:1:7");
}

#[test]
fn deep_block_nesting() {
    let dir = Dir::new();
    // Compact block sequences: `- - - - ... 1`, 10,000 deep on one line.
    dir.write("seq.yaml", format!("{}1\n", "- ".repeat(DEEP)));
    ivrsim(dir.path(), &["check", "seq.yaml"])
        .assert_exit(1)
        .assert_codes(&["E003"])
        .assert_at("E003", "seq.yaml:1:1");

    let text = format!(
        "name: x\nentry: m\nnodes:\n  m:\n    kind: menu\n    options:\n      {}1\n",
        "- ".repeat(DEEP)
    );
    dir.write("options.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "options.yaml"]);
    run.assert_exit(1);
    let code = run.codes().into_iter().next().expect("a finding");
    assert!(["E001", "E003"].contains(&code.as_str()), "{}", run.show());
    run.assert_in_file(&code, "options.yaml");

    // Block mappings, one more space per level (3,000 deep: 4.5 MB of indentation).
    let mut text = String::from("name: x\nentry: m\nnodes:\n");
    for i in 0..3000 {
        let _ = writeln!(text, "{}m{i}:", " ".repeat(i + 2));
    }
    let _ = writeln!(text, "{}kind: hangup", " ".repeat(3002));
    dir.write("maps.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "maps.yaml"]);
    run.assert_exit(1);
    let code = run.codes().into_iter().next().expect("a finding");
    assert!(["E001", "E002"].contains(&code.as_str()), "{}", run.show());
    run.assert_in_file(&code, "maps.yaml");
}

// -------------------------------------------------------------------- wrong shapes

#[test]
fn two_documents() {
    let dir = Dir::new();
    let text = format!("---\n{MINIMAL}---\n{MINIMAL}");
    dir.write("two.yaml", &text);
    let second = text.match_indices("---\n").nth(1).expect("second document").0;
    let line = text[..second].matches('\n').count() + 2;
    ivrsim(dir.path(), &["check", "two.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_at("E001", &format!("two.yaml:{line}:1"))
        .assert_says("more than one YAML document");

    // A second document after a complete menu, even a small one.
    dir.write("tail.yaml", format!("{MINIMAL}---\nname: other\n"));
    ivrsim(dir.path(), &["check", "tail.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_in_file("E001", "tail.yaml");
}

#[test]
fn two_documents_message_is_for_menu_writers() {
    let dir = Dir::new();
    dir.write("two.yaml", format!("{MINIMAL}---\n{MINIMAL}"));
    let run = ivrsim(dir.path(), &["check", "two.yaml"]);
    run.assert_exit(1).assert_codes(&["E001"]);
    assert!(!run.stdout.contains("from_str"), "{}", run.show());
}

#[test]
fn top_level_list_or_scalar() {
    let dir = Dir::new();
    for (file, text) in [
        ("list.yaml", "- name: x\n- entry: m\n"),
        ("flow.yaml", "[name, entry, nodes]\n"),
        ("scalar.yaml", "hotline\n"),
        ("number.yaml", "42\n"),
        ("quoted.yaml", "\"name: x\"\n"),
    ] {
        dir.write(file, text);
        ivrsim(dir.path(), &["check", file])
            .assert_exit(1)
            .assert_codes(&["E003"])
            .assert_at("E003", &format!("{file}:1:1"))
            .assert_says("mapping");
    }
    // `null` and `~` are empty documents.
    for (file, text) in [("null.yaml", "null\n"), ("tilde.yaml", "~\n")] {
        dir.write(file, text);
        let run = ivrsim(dir.path(), &["check", file]);
        run.assert_exit(1)
            .assert_in_file(run.codes().first().expect("a finding"), file);
    }
}

#[test]
fn tabs_for_indentation() {
    let dir = Dir::new();
    let text = MINIMAL.replace("\n  main:\n", "\n\tmain:\n");
    dir.write("tabs.yaml", &text);
    ivrsim(dir.path(), &["check", "tabs.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_in_file("E001", "tabs.yaml")
        .assert_says("tab");
}

// Issue 13: a whole number out of range is a finding among others (E016, with the field's
// range), not a wrong type that stops the file.
#[test]
fn huge_integer() {
    let dir = Dir::new();
    let text = MINIMAL.replace(
        "  fallback: operator\n",
        "  fallback: operator\n  max_no_input: 99999999999999999999\n",
    );
    dir.write("huge.yaml", &text);
    ivrsim(dir.path(), &["check", "huge.yaml"])
        .assert_exit(1)
        .assert_codes(&["E016"])
        .assert_at("E016", &format!("huge.yaml:{}", line_col(&text, "99999")));

    // 2^32: one past u32.
    let text = MINIMAL.replace(
        "  fallback: operator\n",
        "  fallback: operator\n  max_no_match: 4294967296\n",
    );
    dir.write("u32.yaml", &text);
    ivrsim(dir.path(), &["check", "u32.yaml"])
        .assert_exit(1)
        .assert_codes(&["E016"])
        .assert_at("E016", &format!("u32.yaml:{}", line_col(&text, "4294967296")));
}

#[test]
fn negative_numbers() {
    let dir = Dir::new();
    for (file, from, to, at) in [
        (
            "retries.yaml",
            "  fallback: operator\n",
            "  fallback: operator\n  max_no_input: -3\n",
            "-3",
        ),
        ("lint.yaml", "nodes:\n", "lint: { max_options: -1 }\nnodes:\n", "-1"),
        (
            "node.yaml",
            "nodes:\n",
            "nodes:\n  ask:\n    kind: collect\n    prompt: { text: \"Enter.\" }\n    digits: { min: -2, max: 4 }\n    store: n\n    next: operator\n",
            "-2",
        ),
    ] {
        let text = MINIMAL.replace(from, to);
        assert_ne!(text, MINIMAL);
        dir.write(file, &text);
        // The file is read to its end: the collect nobody reaches is reported too.
        let codes: &[&str] = if file == "node.yaml" {
            &["E016", "W001"]
        } else {
            &["E016"]
        };
        ivrsim(dir.path(), &["check", file])
            .assert_exit(1)
            .assert_codes(codes)
            .assert_at("E016", &format!("{file}:{}", line_col(&text, at)));
    }
}

#[test]
fn nodes_as_a_list() {
    let dir = Dir::new();
    let text = "name: x\nentry: main\nnodes:\n  - main\n  - operator\n";
    dir.write("list.yaml", text);
    ivrsim(dir.path(), &["check", "list.yaml"])
        .assert_exit(1)
        .assert_codes(&["E003"])
        .assert_at("E003", "list.yaml:4:3")
        .assert_says("mapping");
}

#[test]
fn node_that_is_a_string() {
    let dir = Dir::new();
    let text = MINIMAL.replace(
        "  operator:\n    kind: transfer\n    queue: general\n",
        "  operator: \"the operator\"\n",
    );
    dir.write("str.yaml", &text);
    ivrsim(dir.path(), &["check", "str.yaml"])
        .assert_exit(1)
        .assert_codes(&["E003"])
        .assert_at("E003", &format!("str.yaml:{}", line_col(&text, "\"the operator\"")))
        .assert_says("mapping");
}

// ------------------------------------------------------------------------ includes

/// Writes `menu.yaml` (MINIMAL + `include: [c0.yaml]`) and a chain c0 -> c1 -> ... of `n`
/// fragments, each with one node.
fn include_chain(dir: &Dir, n: usize) {
    dir.write("menu.yaml", format!("{MINIMAL}include: [c0.yaml]\n"));
    for i in 0..n {
        let next = if i + 1 < n {
            format!("include: [c{}.yaml]\n", i + 1)
        } else {
            String::new()
        };
        dir.write(
            &format!("c{i}.yaml"),
            format!(
                "nodes:\n  h{i}: {{ kind: transfer, queue: q{i}, when_no_operator: {{ action: hold, max_wait: 1m }} }}\n{next}"
            ),
        );
    }
}

#[test]
fn include_chain_100_deep() {
    let dir = Dir::new();
    include_chain(&dir, 100);
    let run = ivrsim(dir.path(), &["check", "menu.yaml"]);
    run.assert_exit(0);
    // Every included node is there (unreachable from the entry: W001 only).
    assert!(run.codes().iter().all(|c| c == "W001"), "{}", run.show());
    assert_eq!(run.places("W001").len(), 100, "{}", run.show());
}

#[test]
fn include_chain_10000_deep() {
    let dir = Dir::new();
    include_chain(&dir, 10_000);
    let run = ivrsim(dir.path(), &["check", "menu.yaml"]);
    // Either loaded, or refused with E017 (e.g. an include depth limit); never a crash.
    assert!(!run.timed_out && run.signal.is_none(), "{}", run.show());
    match run.code {
        Some(0) => {
            run.assert_exit(0);
        }
        _ => {
            run.assert_exit(1).assert_code("E017");
        }
    }
}

#[test]
fn include_self() {
    let dir = Dir::new();
    let text = format!("{MINIMAL}include: [self.yaml]\n");
    dir.write("self.yaml", &text);
    ivrsim(dir.path(), &["check", "self.yaml"])
        .assert_exit(1)
        .assert_codes(&["E017"])
        .assert_at("E017", &format!("self.yaml:{}", line_col(&text, "self.yaml]")))
        .assert_says("cycle");

    // Through `./` and a second file that includes itself.
    dir.write("top.yaml", format!("{MINIMAL}include: [./frag.yaml]\n"));
    dir.write(
        "frag.yaml",
        "nodes:\n  other: { kind: transfer, queue: other }\ninclude: [sub/../frag.yaml]\n",
    );
    std::fs::create_dir_all(dir.path().join("sub")).expect("mkdir");
    ivrsim(dir.path(), &["check", "top.yaml"])
        .assert_exit(1)
        .assert_code("E017")
        .assert_at("E017", "frag.yaml:3:11")
        .assert_says("cycle");
}

#[test]
fn include_cycle_of_two() {
    let dir = Dir::new();
    dir.write("menu.yaml", format!("{MINIMAL}include: [a.yaml]\n"));
    dir.write(
        "a.yaml",
        "nodes:\n  a: { kind: transfer, queue: a }\ninclude: [b.yaml]\n",
    );
    dir.write(
        "b.yaml",
        "nodes:\n  b: { kind: transfer, queue: b }\ninclude: [a.yaml]\n",
    );
    ivrsim(dir.path(), &["check", "menu.yaml"])
        .assert_exit(1)
        .assert_code("E017")
        .assert_at("E017", "b.yaml:3:11")
        .assert_says("cycle");
}

#[test]
fn include_a_folder() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path().join("regions")).expect("mkdir");
    let text = format!("{MINIMAL}include: [regions]\n");
    dir.write("menu.yaml", &text);
    ivrsim(dir.path(), &["check", "menu.yaml"])
        .assert_exit(1)
        .assert_codes(&["E017"])
        .assert_at("E017", &format!("menu.yaml:{}", line_col(&text, "regions]")))
        .assert_says("folder");
}

#[test]
fn include_missing_file() {
    let dir = Dir::new();
    let text = format!("{MINIMAL}include: [nowhere.yaml]\n");
    dir.write("menu.yaml", &text);
    ivrsim(dir.path(), &["check", "menu.yaml"])
        .assert_exit(1)
        .assert_codes(&["E017"])
        .assert_at("E017", &format!("menu.yaml:{}", line_col(&text, "nowhere.yaml]")))
        .assert_says("nowhere.yaml");
}

#[test]
fn include_dev_null() {
    let dir = Dir::new();
    dir.write("menu.yaml", format!("{MINIMAL}include: [/dev/null]\n"));
    let run = ivrsim(dir.path(), &["check", "menu.yaml"]);
    run.assert_exit(1).assert_says("/dev/null");
    // An empty file (E001), or not a file one may include (E017).
    assert_eq!(run.codes().len(), 1, "{}", run.show());
    if run.codes().contains("E001") {
        run.assert_at("E001", "/dev/null:1:1");
    } else {
        run.assert_code("E017").assert_in_file("E017", "menu.yaml");
    }
}

#[test]
fn include_binary_file() {
    let dir = Dir::new();
    dir.write("bin.yaml", junk(8192));
    dir.write("menu.yaml", format!("{MINIMAL}include: [bin.yaml]\n"));
    ivrsim(dir.path(), &["check", "menu.yaml"])
        .assert_exit(1)
        .assert_codes(&["E001"])
        .assert_in_file("E001", "bin.yaml")
        .assert_says("UTF-8");
}

#[test]
fn include_a_full_menu() {
    // An included file may hold only `nodes`, `schedules` and `include`.
    let dir = Dir::new();
    dir.write(
        "other.yaml",
        MINIMAL
            .replace("main:", "other_main:")
            .replace("operator:", "other_op:"),
    );
    dir.write("menu.yaml", format!("{MINIMAL}include: [other.yaml]\n"));
    ivrsim(dir.path(), &["check", "menu.yaml"])
        .assert_exit(1)
        .assert_code("E002")
        .assert_at("E002", "other.yaml:1:1");
}

#[test]
fn include_dev_zero() {
    let dir = Dir::new();
    let text = format!("{MINIMAL}include: [/dev/zero]\n");
    dir.write("menu.yaml", &text);
    // Capped at 4 GiB so the bug cannot take the machine down with it.
    let run = ivrsim_with(dir.path(), &["check", "menu.yaml"], TIMEOUT, Some(MEMORY_CAP_KB));
    run.assert_exit(1)
        .assert_codes(&["E017"])
        .assert_at("E017", &format!("menu.yaml:{}", line_col(&text, "/dev/zero")));
    assert!(!run.stdout.contains("out of memory"), "{}", run.show());
}

#[test]
fn include_named_pipe() {
    let dir = Dir::new();
    if !mkfifo(&dir.path().join("pipe.yaml")) {
        eprintln!("skipped: no mkfifo");
        return;
    }
    let text = format!("{MINIMAL}include: [pipe.yaml]\n");
    dir.write("menu.yaml", &text);
    ivrsim_with(dir.path(), &["check", "menu.yaml"], Duration::from_secs(10), None)
        .assert_exit(1)
        .assert_codes(&["E017"])
        .assert_at("E017", &format!("menu.yaml:{}", line_col(&text, "pipe.yaml]")));
}

#[test]
fn include_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    if permissions_are_ignored(&dir) {
        eprintln!("skipped: running as root, file permissions do not apply");
        return;
    }
    let p = dir.write("secret.yaml", "nodes: {}\n");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let text = format!("{MINIMAL}include: [secret.yaml]\n");
    dir.write("menu.yaml", &text);
    ivrsim(dir.path(), &["check", "menu.yaml"])
        .assert_exit(1)
        .assert_codes(&["E017"])
        .assert_at("E017", &format!("menu.yaml:{}", line_col(&text, "secret.yaml]")))
        .assert_says("permission");
}

// --------------------------------------------------------------- the menu path itself

#[test]
fn menu_path_is_a_folder() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path().join("menus")).expect("mkdir");
    let run = ivrsim(dir.path(), &["check", "menus"]);
    run.assert_exit(2).assert_says("menus").assert_says("folder");
    assert!(run.codes().is_empty(), "{}", run.show());
}

#[test]
fn missing_menu() {
    let dir = Dir::new();
    let run = ivrsim(dir.path(), &["check", "nowhere.yaml"]);
    run.assert_exit(2)
        .assert_says("nowhere.yaml")
        .assert_says("no such file");

    // With a good menu too: the good one is still checked, the status is still 2.
    dir.write("good.yaml", MINIMAL);
    let run = ivrsim(dir.path(), &["check", "good.yaml", "nowhere.yaml"]);
    run.assert_exit(2)
        .assert_says("good.yaml: 0 errors")
        .assert_says("nowhere.yaml");
}

#[test]
fn menu_path_with_invalid_utf8_name() {
    use std::os::unix::ffi::OsStrExt;
    let dir = Dir::new();
    let name = std::ffi::OsStr::from_bytes(b"men\xff\xfe.yaml");
    std::fs::write(dir.path().join(name), "").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_ivrsim"))
        .current_dir(dir.path())
        .arg("check")
        .arg(name)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[E001]"), "{stdout}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn menu_is_dev_null() {
    // A device is not a menu file: refused before reading, like a pipe (exit 2).
    let dir = Dir::new();
    ivrsim(dir.path(), &["check", "/dev/null"])
        .assert_exit(2)
        .assert_says("not a regular file");
}

#[test]
fn menu_without_read_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    if permissions_are_ignored(&dir) {
        eprintln!("skipped: running as root, file permissions do not apply");
        return;
    }
    let p = dir.write("menu.yaml", MINIMAL);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let run = ivrsim(dir.path(), &["check", "menu.yaml"]);
    run.assert_exit(2).assert_says("menu.yaml").assert_says("permission");
    assert!(run.codes().is_empty(), "{}", run.show());
}

#[test]
fn menu_is_a_named_pipe() {
    let dir = Dir::new();
    if !mkfifo(&dir.path().join("pipe.yaml")) {
        eprintln!("skipped: no mkfifo");
        return;
    }
    ivrsim_with(dir.path(), &["check", "pipe.yaml"], Duration::from_secs(10), None)
        .assert_exit(2)
        .assert_says("pipe.yaml");
}

// ------------------------------------------------------------------------ WAV clips

/// A menu whose message chain plays `clips` in turn (from `audio/`), then transfers.
fn clip_menu(clips: &[&str]) -> String {
    let mut s = String::from(
        "name: Clips\nentry: m0\naudio_dir: audio\ndefaults:\n  when_no_operator: { action: message, prompt: { text: \"No one can take your call now.\" } }\n  fallback: operator\n  keys: { operator: \"0\" }\nnodes:\n",
    );
    for (i, c) in clips.iter().enumerate() {
        let next = if i + 1 < clips.len() {
            format!("m{}", i + 1)
        } else {
            "operator".to_owned()
        };
        let _ = writeln!(
            s,
            "  m{i}:\n    kind: message\n    prompt: {{ text: \"Step {i}.\", audio: \"{c}\" }}\n    next: {next}"
        );
    }
    s.push_str("  operator:\n    kind: transfer\n    queue: general\n");
    s
}

/// A WAV file: RIFF header, `fmt ` chunk as given, `data` chunk that declares `declared`
/// bytes and holds `data`.
fn wav_bytes(channels: u16, rate: u32, bits: u16, data: &[u8], declared: u32) -> Vec<u8> {
    let block = channels.wrapping_mul(bits / 8);
    let mut fmt = Vec::new();
    fmt.extend(1u16.to_le_bytes()); // PCM
    fmt.extend(channels.to_le_bytes());
    fmt.extend(rate.to_le_bytes());
    fmt.extend(rate.wrapping_mul(u32::from(block)).to_le_bytes());
    fmt.extend(block.to_le_bytes());
    fmt.extend(bits.to_le_bytes());
    let mut body = b"WAVEfmt ".to_vec();
    body.extend(16u32.to_le_bytes());
    body.extend(fmt);
    body.extend(b"data");
    body.extend(declared.to_le_bytes());
    body.extend(data);
    let mut out = b"RIFF".to_vec();
    out.extend((body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

/// Checks a menu playing `audio/NAME` holding `bytes`: E012 at the clip, `says` in the label.
fn assert_bad_clip(name: &str, bytes: &[u8], says: &str) {
    let dir = Dir::new();
    dir.write(&format!("audio/{name}"), bytes);
    let text = clip_menu(&[name]);
    dir.write("menu.yaml", &text);
    ivrsim(dir.path(), &["check", "menu.yaml"])
        .assert_exit(1)
        .assert_codes(&["E012"])
        .assert_at(
            "E012",
            &format!("menu.yaml:{}", line_col(&text, &format!("\"{name}\""))),
        )
        .assert_says(says);
}

#[test]
fn good_clip_is_accepted() {
    let dir = Dir::new();
    write_wav(&dir.path().join("audio/ok.wav"), 8000, 1, 8000);
    dir.write("menu.yaml", clip_menu(&["ok.wav"]));
    ivrsim(dir.path(), &["check", "menu.yaml"])
        .assert_exit(0)
        .assert_codes(&[]);
}

#[test]
fn wav_with_lying_header() {
    // Promises 10 s of samples, holds 1 s.
    let bytes = wav_bytes(1, 8000, 16, &[0; 16_000], 160_000);
    assert_bad_clip("lying.wav", &bytes, "lying.wav");
}

#[test]
fn truncated_wav() {
    let dir = Dir::new();
    let p = dir.path().join("full.wav");
    write_wav(&p, 8000, 1, 8000);
    let bytes = std::fs::read(&p).expect("read");
    assert_bad_clip("cut.wav", &bytes[..bytes.len() - 3001], "cut.wav");
    // Cut inside the header.
    assert_bad_clip("header.wav", &bytes[..30], "header.wav");
}

#[test]
fn zero_byte_wav() {
    assert_bad_clip("empty.wav", b"", "empty.wav");
}

#[test]
fn text_file_named_wav() {
    assert_bad_clip("text.wav", b"this is not audio, it is a text file\n", "WAV");
}

#[test]
fn wav_with_zero_channels_or_zero_rate() {
    assert_bad_clip("ch0.wav", &wav_bytes(0, 8000, 16, &[0; 16], 16), "channels");
    assert_bad_clip("rate0.wav", &wav_bytes(1, 0, 16, &[0; 16], 16), "sample rate");
    assert_bad_clip("bits0.wav", &wav_bytes(1, 8000, 0, &[0; 16], 16), "bits");
    assert_bad_clip("odd.wav", &wav_bytes(1, 8000, 16, &[0; 3], 3), "odd.wav");
}

#[test]
fn wav_with_huge_declared_size() {
    // The data chunk and the RIFF chunk claim 4 GiB; the file is 44 bytes (or 1 s).
    let mut bytes = wav_bytes(1, 8000, 16, &[], 0xffff_fff0);
    bytes[4..8].copy_from_slice(&0xffff_ffffu32.to_le_bytes());
    assert_bad_clip("huge.wav", &bytes, "huge.wav");
    let mut bytes = wav_bytes(1, 8000, 16, &[0; 16_000], 0xffff_fff0);
    bytes[4..8].copy_from_slice(&0xffff_ffffu32.to_le_bytes());
    assert_bad_clip("huge1s.wav", &bytes, "huge1s.wav");
}

#[test]
fn truncated_wav_message_says_what_is_missing() {
    let bytes = wav_bytes(1, 8000, 16, &[0; 16_000], 160_000);
    assert_bad_clip("lying.wav", &bytes, "8000 of the 80000 samples");
}

#[test]
fn clip_paths_escaping_audio_dir_are_refused() {
    let dir = Dir::new();
    write_wav(&dir.path().join("audio/ok.wav"), 8000, 1, 800);
    // A real WAV just outside `audio_dir`, so that `../x.wav` names an existing file.
    write_wav(&dir.path().join("x.wav"), 8000, 1, 800);
    let clips = ["../../etc/passwd", "/etc/passwd", "a/../../x.wav", "../x.wav", "ok.wav"];
    let text = clip_menu(&clips);
    dir.write("menu.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "menu.yaml"]);
    run.assert_exit(1).assert_codes(&["E013"]);
    assert_eq!(run.places("E013").len(), 4, "{}", run.show());
    for c in &clips[..4] {
        run.assert_at("E013", &format!("menu.yaml:{}", line_col(&text, &format!("\"{c}\""))));
    }
}

#[test]
fn symlink_out_of_audio_dir_is_refused_and_not_read() {
    let dir = Dir::new();
    let audio = dir.path().join("audio");
    write_wav(&audio.join("ok.wav"), 8000, 1, 800);
    // Outside: a CD-quality WAV. Were it read, there would be a W010 (not telephony).
    write_wav(&dir.path().join("outside/cd.wav"), 44_100, 2, 100);
    std::os::unix::fs::symlink("../outside/cd.wav", audio.join("relative.wav")).expect("symlink");
    std::os::unix::fs::symlink(dir.path().join("outside/cd.wav"), audio.join("absolute.wav")).expect("symlink");
    std::os::unix::fs::symlink("/etc/passwd", audio.join("passwd.wav")).expect("symlink");
    std::os::unix::fs::symlink(dir.path().join("outside"), audio.join("outdir")).expect("symlink");
    // Control: a link that stays inside is fine.
    std::os::unix::fs::symlink("ok.wav", audio.join("inside.wav")).expect("symlink");
    let clips = [
        "relative.wav",
        "absolute.wav",
        "passwd.wav",
        "outdir/cd.wav",
        "inside.wav",
    ];
    let text = clip_menu(&clips);
    dir.write("menu.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "menu.yaml"]);
    run.assert_exit(1).assert_codes(&["E013"]);
    assert_eq!(run.places("E013").len(), 4, "{}", run.show());
    for c in &clips[..4] {
        run.assert_at("E013", &format!("menu.yaml:{}", line_col(&text, &format!("\"{c}\""))));
    }
    run.assert_says("link");
}

#[test]
fn dangling_symlink_out_of_audio_dir_is_not_followed() {
    let dir = Dir::new();
    let audio = dir.path().join("audio");
    std::fs::create_dir_all(&audio).expect("mkdir");
    std::os::unix::fs::symlink("../outside/none.wav", audio.join("dangling.wav")).expect("symlink");
    let text = clip_menu(&["dangling.wav"]);
    dir.write("menu.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "menu.yaml"]);
    run.assert_exit(1);
    // Missing (E011) or escaping (E013): either way it names the clip and reads nothing.
    let code = if run.codes().contains("E013") { "E013" } else { "E011" };
    run.assert_codes(&[code])
        .assert_at(code, &format!("menu.yaml:{}", line_col(&text, "\"dangling.wav\"")));
}

// ------------------------------------------------------------------------ regex bombs

/// A menu whose collect has `pattern: 'PATTERN'`.
fn pattern_menu(pattern: &str) -> String {
    format!(
        "{MINIMAL}  ask:\n    kind: collect\n    prompt: {{ text: \"Enter.\" }}\n    digits: {{ min: 1, max: 6, terminator: \"#\" }}\n    pattern: '{pattern}'\n    store: num\n    next: operator\n"
    )
    .replace("to: operator }", "to: ask }")
}

#[test]
fn catastrophic_backtracking_pattern_is_harmless() {
    let dir = Dir::new();
    for p in ["(a*)*b", "^(\\d+)+$", "(x+x+)+y", "^(([0-9])*)*[#]$"] {
        dir.write("menu.yaml", pattern_menu(p));
        ivrsim(dir.path(), &["check", "menu.yaml"])
            .assert_exit(0)
            .assert_codes(&[]);
    }
}

#[test]
fn huge_repetition_pattern_is_refused() {
    let dir = Dir::new();
    let deep = format!("{}a{}", "(".repeat(DEEP), ")".repeat(DEEP));
    for p in [
        "a{1000000}",
        "x{4294967295}",
        "((a{100}){100}){100}",
        "[0-9]{65535}",
        deep.as_str(),
    ] {
        let text = pattern_menu(p);
        dir.write("menu.yaml", &text);
        ivrsim(dir.path(), &["check", "menu.yaml"])
            .assert_exit(1)
            .assert_codes(&["E016"])
            .assert_at("E016", &format!("menu.yaml:{}", line_col(&text, "'")))
            .assert_says("regular expression");
    }
}

#[test]
fn huge_repetition_in_route_matches_is_refused() {
    let dir = Dir::new();
    let text = format!(
        "{MINIMAL}  route:\n    kind: route\n    routes:\n      - when: {{ var: x, matches: '(a{{1000}}){{1000}}' }}\n        to: operator\n    default: operator\n"
    )
    .replace("to: operator }", "to: route }");
    dir.write("menu.yaml", &text);
    ivrsim(dir.path(), &["check", "menu.yaml"])
        .assert_exit(1)
        .assert_codes(&["E016"])
        .assert_at("E016", &format!("menu.yaml:{}", line_col(&text, "'(a")));
}

// ------------------------------------------------------------------------ big menus

/// A menu of `n` nodes: a tree of menus (3 options each) whose leaves lead to the one
/// transfer, with a global operator key and retry handling: clean.
fn tree_menu(n: usize) -> String {
    let mut s = String::with_capacity(n * 140);
    s.push_str("name: Big\nentry: m0\ndefaults:\n  when_no_operator: { action: message, prompt: { text: \"No one can take your call now.\" } }\n  fallback: operator\n  keys: { operator: \"0\" }\n");
    s.push_str("  no_input: [{ text: \"Sorry, I did not hear you.\" }]\n  no_match: [{ text: \"Sorry, that is not a choice.\" }]\nnodes:\n");
    let menus = n - 1;
    for i in 0..menus {
        let kids: Vec<usize> = (3 * i + 1..=3 * i + 3).filter(|&c| c < menus).collect();
        let options = if kids.is_empty() {
            "{ key: \"1\", to: operator }".to_owned()
        } else {
            kids.iter()
                .enumerate()
                .map(|(k, c)| format!("{{ key: \"{}\", to: m{c} }}", k + 1))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            s,
            "  m{i}:\n    kind: menu\n    prompt: {{ text: \"Menu {i}. Press a key.\" }}\n    options: [{options}]"
        );
    }
    s.push_str("  operator:\n    kind: transfer\n    queue: general\n");
    s
}

#[test]
fn menu_of_100000_nodes_checks_clean() {
    let dir = Dir::new();
    let text = tree_menu(100_000);
    dir.write("big.yaml", &text);
    // No time assertion: only a guard against a hang (a debug build takes ~15 s alone).
    let run = ivrsim_with(dir.path(), &["check", "big.yaml"], Duration::from_secs(600), None);
    eprintln!(
        "100,000-node menu ({} MB): checked in {:.1} s",
        text.len() / 1_000_000,
        run.elapsed.as_secs_f64()
    );
    run.assert_exit(0)
        .assert_codes(&[])
        .assert_says("big.yaml: 0 errors, 0 warnings");
}

#[test]
fn chain_of_100000_messages_checks_clean() {
    let dir = Dir::new();
    let n = 100_000;
    let mut text = String::from(
        "name: Chain\nentry: m0\ndefaults:\n  when_no_operator: { action: message, prompt: { text: \"No one can take your call now.\" } }\nnodes:\n",
    );
    for i in 0..n - 1 {
        let next = if i + 2 < n {
            format!("m{}", i + 1)
        } else {
            "operator".to_owned()
        };
        let _ = writeln!(
            text,
            "  m{i}: {{ kind: message, prompt: {{ text: \"Step {i}.\" }}, next: {next} }}"
        );
    }
    text.push_str("  operator: { kind: transfer, queue: general }\n");
    dir.write("chain.yaml", &text);
    let run = ivrsim_with(
        dir.path(),
        &["check", "chain.yaml"],
        Duration::from_secs(600),
        Some(MEMORY_CAP_KB),
    );
    eprintln!("100,000-message chain: {:.1} s", run.elapsed.as_secs_f64());
    run.assert_exit(0).assert_codes(&[]);
}

#[test]
fn a_whole_number_out_of_range_is_called_so() {
    let dir = Dir::new();
    let text = MINIMAL.replacen("defaults:\n", "defaults:\n  max_no_input: 4294967296\n", 1);
    dir.write("big.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "big.yaml"]);
    // Issue 13: a finding among others (E016), with the range the field takes.
    run.assert_exit(1).assert_codes(&["E016"]);
    assert!(run.stdout.contains("`max_no_input` is too large"), "{}", run.stdout);
    assert!(run.stdout.contains("takes 1 to 1000, or `unlimited`"), "{}", run.stdout);
    assert!(!run.stdout.contains("not a whole number"), "{}", run.stdout);
    dir.write(
        "neg.yaml",
        MINIMAL.replacen("defaults:\n", "defaults:\n  max_no_input: -3\n", 1),
    );
    let run = ivrsim(dir.path(), &["check", "neg.yaml"]);
    assert!(run.stdout.contains("`max_no_input` is negative"), "{}", run.stdout);
    // Larger than 64 bits, written with separators, or in `digits` and `lint`: the same.
    for (field, value) in [
        ("max_no_match", "99999999999999999999999"),
        ("max_no_match", "\"4,294,967,296\""),
    ] {
        dir.write(
            "huge.yaml",
            MINIMAL.replacen("defaults:\n", &format!("defaults:\n  {field}: {value}\n"), 1),
        );
        let run = ivrsim(dir.path(), &["check", "huge.yaml"]);
        run.assert_exit(1).assert_codes(&["E016"]);
        assert!(
            run.stdout.contains(&format!("`{field}` is too large")),
            "{}",
            run.stdout
        );
    }
    let text = format!("{MINIMAL}lint: {{ max_options: 4294967296 }}\n");
    dir.write("lint.yaml", &text);
    let run = ivrsim(dir.path(), &["check", "lint.yaml"]);
    run.assert_exit(1).assert_codes(&["E016"]);
    assert!(run.stdout.contains("`max_options` is too large"), "{}", run.stdout);
}
