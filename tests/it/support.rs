//! A small builder for running the real `ivrsim` binary on files written into a temp dir.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temp folder holding the files of one test.
pub struct Dir {
    pub dir: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes `text` to `name` (folders created) and returns the full path.
    pub fn write(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `ivrsim ARGS...` run inside this folder.
    pub fn ivrsim(&self, args: &[&str]) -> Output {
        run_in(self.path(), args)
    }
}

/// What a run printed and how it exited.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// `ivrsim ARGS...` run in `dir`, with colour off and no terminal.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::cargo_bin("ivrsim")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("IVRSIM_LOG")
        .output()
        .expect("run ivrsim");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// `ivrsim ARGS...` run at the repository root.
pub fn ivrsim(args: &[&str]) -> Output {
    run_in(&root(), args)
}

/// The disposition codes of the bundled hotline, in file order, read from the menu.
pub fn hotline_dispositions() -> Vec<String> {
    let mut sources = ivrsim::source::Sources::new();
    let menu = ivrsim::menu::load_menu(&root().join("menus/hotline.yaml"), &mut sources)
        .expect("read the hotline")
        .menu
        .expect("the hotline loads");
    menu.dispositions.iter().map(|d| d.code.clone()).collect()
}

/// A minimal valid menu (menu → transfer, hang-up), to which a test appends nodes.
pub const MINIMAL: &str = r#"name: Minimal
entry: main
defaults:
  fallback: operator
  keys: { operator: "0" }
  no_input: [{ text: "Sorry, I did not hear you." }]
  no_match: [{ text: "Sorry, that is not a choice." }]
nodes:
  main:
    kind: menu
    prompt: { text: "For help press 1." }
    options:
      - { key: "1", to: operator }
  operator:
    kind: transfer
    queue: general
    when_no_operator: { action: message, prompt: { text: "No one can take your call now." } }
"#;

/// A menu of short prompts: "Welcome." (0.4 s), "Press one." (0.8 s), then the transfer's
/// "Connecting." (0.4 s) to the `reports` queue.
pub const SHORT_PROMPTS: &str = r#"name: Short prompts
entry: welcome
defaults:
  timeout: 2s
  fallback: operator
  keys: { operator: "0" }
  no_input: [{ text: "Hello?" }]
  no_match: [{ text: "Pardon?" }]
nodes:
  welcome:
    kind: message
    prompt: { text: "Welcome." }
    next: main_menu
  main_menu:
    kind: menu
    prompt: { text: "Press one." }
    options:
      - { key: "1", to: operator }
  operator:
    kind: transfer
    queue: reports
    prompt: { text: "Connecting." }
    when_no_operator: { action: message, prompt: { text: "No one can take your call now." } }
"#;

/// Writes a 16-bit PCM WAV of silence with hound (folders created).
pub fn write_wav(path: &Path, rate: u32, channels: u16, frames: u32) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for _ in 0..frames * u32::from(channels) {
        w.write_sample(0i16).expect("write sample");
    }
    w.finalize().expect("finalize wav");
}

/// A menu whose spoken keywords are hard to normalise (precomposed and decomposed accents,
/// Turkish dotted capital I, digits with words, Arabic-Indic digits), one queue per option.
pub const UNICODE_KEYWORDS: &str = r#"name: Unicode keywords
entry: main
defaults:
  fallback: op
  when_no_operator: { action: message, prompt: { text: "Nobody is free." } }
  no_input: [{ text: "Sorry?" }]
  no_match: [{ text: "Sorry?" }]
  keys: { operator: "0" }
nodes:
  main:
    kind: menu
    prompt: { text: "Say a word." }
    options:
      - { key: "1", to: q1, say: ["café"] }
      - { key: "2", to: q2, say: ["re\u0301sume\u0301"] }
      - { key: "3", to: q3, say: ["İstanbul"] }
      - { key: "4", to: q4, say: ["24 hours"] }
      - { key: "5", to: q5, say: ["٣"] }
  q1: { kind: transfer, queue: q1 }
  q2: { kind: transfer, queue: q2 }
  q3: { kind: transfer, queue: q3 }
  q4: { kind: transfer, queue: q4 }
  q5: { kind: transfer, queue: q5 }
  op: { kind: transfer, queue: general }
"#;

/// Runs `ivrsim test` on the first YAML example after the heading `section` of
/// docs/scenario-format.md, with its `../menus/hotline.yaml` pointed at the bundled hotline.
pub fn scenario_doc_example(section: &str) -> Output {
    let doc = std::fs::read_to_string(root().join("docs/scenario-format.md")).unwrap();
    let start = doc
        .find(section)
        .unwrap_or_else(|| panic!("no `{section}` in the docs"));
    let yaml = doc[start..]
        .split("```yaml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let dir = Dir::new();
    let menu = root().join("menus/hotline.yaml");
    dir.write(
        "example.yaml",
        yaml.replace("../menus/hotline.yaml", menu.to_str().unwrap()),
    );
    dir.ivrsim(&["test", "example.yaml"])
}
