//! The bundled clips match the bundled menus: every clip exists, is in telephony format, and
//! was rendered from the prompt text the menu has now (the render script's manifest says so).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ivrsim::audio::{ClipLibrary, read_clip};
use ivrsim::menu::load_menu;
use ivrsim::source::Sources;
use regex::Regex;
use sha2::{Digest, Sha256};

use crate::support::root;

/// What `scripts/render-prompts.sh` hashes: its rate, output format and voice per language.
struct Script {
    rate: u32,
    format: String,
    voices: HashMap<String, String>,
}

fn script() -> Script {
    let text = std::fs::read_to_string(root().join("scripts/render-prompts.sh")).expect("render script");
    let grab = |re: &str| Regex::new(re).unwrap().captures(&text).expect(re)[1].to_owned();
    let rate: u32 = grab(r"(?m)^readonly RATE=(\d+)$").parse().unwrap();
    let sample_rate = grab(r"(?m)^readonly SAMPLE_RATE=(\d+)$");
    let format = grab(r#"(?m)^readonly FORMAT="([^"]+)"$"#).replace("${SAMPLE_RATE}", &sample_rate);
    let voices = Regex::new(r"(?m)^\s+(\w+)\) printf '([^']+)' ;;$")
        .unwrap()
        .captures_iter(&text)
        .map(|c| (c[1].to_owned(), c[2].to_owned()))
        .collect();
    Script { rate, format, voices }
}

fn manifest(dir: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(dir.join(".rendered"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut parts = l.split('\t');
            Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
        })
        .collect()
}

#[test]
fn script_speaks_at_the_rate_text_prompts_are_timed_at() {
    assert_eq!(script().rate, ivrsim::timing::WORDS_PER_MINUTE);
}

fn bundled_menus() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("menus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    assert!(v.len() >= 2, "menus/ holds the hotline and a second menu");
    v
}

#[test]
fn every_bundled_clip_exists_is_telephony_and_is_fresh() {
    let script = script();
    let mut problems = Vec::new();
    for path in bundled_menus() {
        let mut sources = Sources::new();
        let menu = load_menu(&path, &mut sources)
            .unwrap()
            .menu
            .expect("bundled menu loads");
        let (lib, diags) = ClipLibrary::load(&menu);
        assert!(diags.is_empty(), "{}", ivrsim::diag::render_plain(&sources, &diags));
        assert!(!lib.is_empty(), "{} names no clips", path.display());
        let default_lang = &menu.languages[0];
        for prompt in menu.prompts() {
            for (lang, clip) in prompt.clips() {
                let info = read_clip(&clip.path).expect("clip reads");
                assert!(info.is_telephony(), "{}: {}", clip.path.display(), info.describe());
                let lang = lang.unwrap_or(default_lang);
                let text = prompt.in_language(lang).0;
                let voice = script.voices.get(lang).cloned().unwrap_or_else(|| lang.to_owned());
                let hash = hex(Sha256::digest(format!(
                    "{voice}\t{}\t{}\t{text}",
                    script.rate, script.format
                )));
                let dir = clip.path.parent().unwrap();
                let name = clip.path.file_name().unwrap().to_string_lossy().into_owned();
                if manifest(dir).get(&name) != Some(&hash) {
                    problems.push(format!("{} (\"{text}\")", clip.path.display()));
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "these clips were rendered from another text; run scripts/render-prompts.sh:\n{}",
        problems.join("\n")
    );
}

fn hex(bytes: impl AsRef<[u8]>) -> String {
    bytes.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn prompts_lists_text_only_prompts_with_the_clip_each_would_get() {
    let dir = crate::support::Dir::new();
    dir.write("menus/m.yaml", crate::support::MINIMAL);
    let out = dir.ivrsim(&["prompts", "menus/m.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // No clip to render: stdout (what the render script reads) stays empty.
    assert_eq!(out.stdout, "");
    let err = &out.stderr;
    assert!(err.contains("4 prompts have text only"), "{err}");
    assert!(
        err.contains("menus/m.yaml:11:13  `main` prompt (en): \"For help press 1.\"  →  audio: main.wav"),
        "{err}"
    );
    // A re-prompt from `defaults` used by one node is named after that node.
    assert!(err.contains("audio: main.no_input.1.wav"), "{err}");
    assert!(err.contains("audio: operator.no_operator.wav"), "{err}");
    assert!(err.contains("`scripts/render-prompts.sh menus/m.yaml`"), "{err}");
    // A hold announcement saying the queue position cannot be a clip.
    let out = crate::support::ivrsim(&["prompts", "menus/hotline.yaml"]);
    assert!(out.stderr.contains("`defaults` hold (en)"), "{}", out.stderr);
    assert!(out.stderr.contains("stays text-only: `{position}`"), "{}", out.stderr);
    assert!(
        !out.stdout.contains("{position}"),
        "the script is not asked to render it"
    );
    // JSON lists them too, marked.
    let out = dir.ivrsim(&["prompts", "menus/m.yaml", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let first = &v.as_array().unwrap()[0];
    assert_eq!(first["text_only"], true, "{v}");
    // `audio_dir` defaults to the menu's folder.
    assert_eq!(first["path"], "menus/main.wav", "{v}");
    assert_eq!(first["at"], "menus/m.yaml:11:13", "{v}");
    assert_eq!(first["audio"], "main.wav", "{v}");
}

/// A clip whose header declares 1 Hz: `check` refuses it (E012, not the W010 warning) and
/// `call --record` does not start, so no recording is made from it (resampled to 8000 Hz it
/// would be 8000 times the file's samples).
#[test]
fn a_clip_at_a_rate_no_sound_tool_writes_is_an_error() {
    let dir = crate::support::Dir::new();
    crate::support::write_wav(&dir.path().join("audio/hello.wav"), 1, 1, 2000);
    dir.write(
        "menu.yaml",
        "name: T\nentry: hello\naudio_dir: audio\ndefaults: { fallback: op }\nnodes:\n  hello:\n    kind: message\n    prompt: { text: \"Hello.\", audio: hello.wav }\n    next: op\n  op:\n    kind: transfer\n    queue: general\n    when_no_operator: { action: message, prompt: { text: \"Call again.\" } }\n",
    );
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("error[E012]"), "{}", out.stdout);
    assert!(out.stdout.contains("1 Hz"), "{}", out.stdout);
    assert!(!out.stdout.contains("W010"), "{}", out.stdout);
    let out = dir.ivrsim(&["call", "menu.yaml", "--record", "call.wav", "--at", "2026-03-02T10:00"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let written = std::fs::metadata(dir.path().join("call.wav")).map_or(0, |m| m.len());
    assert!(written < 1_000_000, "a {written}-byte recording");
}

/// Every rate a common sound tool writes is usable; 8000 and 16000 Hz are telephony (no
/// finding), the others a W010 warning.
#[test]
fn clips_at_sound_tool_rates_are_usable() {
    for rate in ivrsim::audio::clip::AUDIO_RATES {
        let dir = crate::support::Dir::new();
        crate::support::write_wav(&dir.path().join("a.wav"), rate, 1, 100);
        let info = read_clip(&dir.path().join("a.wav")).unwrap_or_else(|e| panic!("{rate} Hz: {e}"));
        assert_eq!(
            info.is_telephony(),
            ivrsim::audio::clip::TELEPHONY_RATES.contains(&rate),
            "{rate} Hz"
        );
    }
    for rate in [1, 100, 7999, 8001, 96_000, 192_000, 1_000_000] {
        let dir = crate::support::Dir::new();
        crate::support::write_wav(&dir.path().join("a.wav"), rate, 1, 100);
        assert!(read_clip(&dir.path().join("a.wav")).is_err(), "{rate} Hz");
        assert!(
            ivrsim::audio::recorder::decode_clip(&dir.path().join("a.wav")).is_err(),
            "{rate} Hz"
        );
    }
}
