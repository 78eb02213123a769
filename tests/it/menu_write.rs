//! The menu writer (`ivrsim::menu::write`) round trip: every menu of the repository that loads
//! without errors is written, loaded back from the text (as the same path, so `audio_dir` and
//! clips resolve the same) and must be the same menu: the same model but for places, the same
//! load and check findings, and the same text when written again.

use std::path::{Path, PathBuf};

use ivrsim::audio::ClipLibrary;
use ivrsim::check::{Analysis, Overrides, Thresholds, check_menu};
use ivrsim::diag::{Diagnostic, Severity};
use ivrsim::menu::build::{At, ListenSpec, MenuBuilder, NodeSpec, OptionSpec};
use ivrsim::menu::write::{WriteOptions, to_yaml, write};
use ivrsim::menu::{DtmfKey, Menu, NoOperator, Prompt, load_menu, load_menu_text};
use ivrsim::source::Sources;

use crate::support::{Dir, root};

/// The menu without its places: its `Debug` text with every `Span` and the id index (a hash
/// map, in no fixed order) left out. Everything else the model holds is compared: node ids,
/// kinds, options and their targets, timings, retries, fallbacks, prompts with their clips'
/// paths, queues, schedules, holds, plans, variables, lint settings.
fn shape(menu: &Menu) -> String {
    let mut m = menu.clone();
    m.ids.clear();
    let text = format!("{m:?}");
    let span = regex::Regex::new(
        r"Span \{ file: FileId\(\d+\), start: \d+, end: \d+, pointer: (None|Some\(PointerId\(\d+\)\)) \}",
    )
    .unwrap();
    span.replace_all(&text, "Span").into_owned()
}

/// The findings as code and message, sorted (their places differ between the two files).
fn said(diags: &[Diagnostic]) -> Vec<String> {
    let mut v: Vec<String> = diags.iter().map(|d| format!("{} {}", d.code, d.message)).collect();
    v.sort();
    v
}

/// `check`'s findings and the clips' findings of `menu`.
fn checked(menu: &Menu) -> Vec<String> {
    let (clips, mut diags) = ClipLibrary::load(menu);
    let analysis = Analysis::of(menu, &clips);
    diags.extend(check_menu(
        menu,
        &clips,
        &analysis,
        &Thresholds::resolve(menu, &Overrides::default()),
    ));
    said(&diags)
}

/// The text without the comments that say where a node came from (they differ between a
/// menu and the menu read back from its text).
fn without_places(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("# from "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Round trips the menu at `path` (loaded by `load_menu`) if it loads without errors;
/// `Ok(false)` when it does not, `Err` with what differs when the round trip fails.
fn round_trip(path: &Path) -> Result<bool, String> {
    let mut sources = Sources::new();
    let Ok(out) = load_menu(path, &mut sources) else {
        return Ok(false);
    };
    if out.diagnostics.iter().any(|d| d.severity() == Severity::Error) {
        return Ok(false);
    }
    let Some(menu) = out.whole_menu() else {
        return Ok(false);
    };
    let header = ["Written by the menu_write round trip".to_owned()];
    let written = write(
        menu,
        &WriteOptions {
            sources: Some(&sources),
            header: &header,
            out_path: None,
        },
    );
    let here = path.display();
    if !written.lost.is_empty() {
        return Err(format!("{here}: the writer lost {:?}", written.lost));
    }
    let mut s2 = Sources::new();
    let again = load_menu_text(path, written.text.clone(), &mut s2);
    let Some(menu2) = again.menu.as_ref() else {
        return Err(format!(
            "{here}: the text does not load:\n{}\n{}",
            written.text,
            ivrsim::diag::render_plain(&s2, &again.diagnostics)
        ));
    };
    // An imported file's own findings (what the platform does differently, W027) are about
    // the original file, not about the menu written from it.
    let original: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| {
            !matches!(
                d.code,
                ivrsim::diag::Code::ImportApproximated | ivrsim::diag::Code::ImportUnreadable
            )
        })
        .cloned()
        .collect();
    if said(&again.diagnostics) != said(&original) {
        return Err(format!(
            "{here}: other load findings:\n{}\n--- text:\n{}",
            ivrsim::diag::render_plain(&s2, &again.diagnostics),
            written.text
        ));
    }
    let (a, b) = (shape(menu), shape(menu2));
    if a != b {
        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let from = at.saturating_sub(300);
        return Err(format!(
            "{here}: the menu read back differs\n  was: …{}…\n  now: …{}…\n--- text:\n{}",
            &a[from..(at + 300).min(a.len())],
            &b[from..(at + 300).min(b.len())],
            written.text
        ));
    }
    let (c1, c2) = (checked(menu), checked(menu2));
    if c1 != c2 {
        return Err(format!(
            "{here}: other check findings\n  was: {c1:#?}\n  now: {c2:#?}\n--- text:\n{}",
            written.text
        ));
    }
    let second = write(
        menu2,
        &WriteOptions {
            header: &header,
            ..Default::default()
        },
    );
    if !second.lost.is_empty() || without_places(&second.text) != without_places(&written.text) {
        return Err(format!(
            "{here}: written again, the text differs:\n{}\n--- again:\n{}",
            written.text, second.text
        ));
    }
    // The source comments name the original file, one per node.
    let from = written.text.matches("# from ").count();
    if from != menu.nodes.len() {
        return Err(format!("{here}: {from} source comments for {} nodes", menu.nodes.len()));
    }
    Ok(true)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read_dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Paths relative to the repository root (as a user gives them), so `audio_dir` resolves
/// relative too.
fn repo_files(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    files_under(&root().join(dir), &mut out);
    out.into_iter()
        .map(|p| p.strip_prefix(root()).map(Path::to_path_buf).unwrap_or(p))
        .collect()
}

#[test]
fn every_menu_and_fixture_that_loads_reads_back_the_same() {
    // Integration tests run in the repository root, so these relative paths load.
    let mut done = Vec::new();
    let mut failures = Vec::new();
    for path in repo_files("menus").into_iter().chain(repo_files("tests/fixtures")) {
        match round_trip(&path) {
            Ok(true) => done.push(path.display().to_string()),
            Ok(false) => {}
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n========\n\n"));
    for must in [
        "menus/hotline.yaml",
        "menus/clinic.yaml",
        "tests/fixtures/announced/freeswitch-demo.yaml",
    ] {
        assert!(done.iter().any(|d| d == must), "{must} was not round tripped: {done:?}");
    }
    eprintln!("round tripped {} menus: {done:?}", done.len());
    assert!(done.len() >= 40, "only {} menus round tripped: {done:?}", done.len());
}

#[test]
fn every_menu_example_of_the_docs_reads_back_the_same() {
    let markdown = std::fs::read_to_string(root().join("docs/menu-format.md")).expect("docs");
    let dir = Dir::new();
    let mut done = 0;
    let mut failures = Vec::new();
    for (i, (_, block)) in crate::docs::yaml_blocks(&markdown).into_iter().enumerate() {
        let path = dir.write(&format!("example{i}.yaml"), &block);
        match round_trip(&path) {
            Ok(true) => done += 1,
            Ok(false) => {}
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n========\n\n"));
    assert!(done >= 2, "only {done} examples round tripped");
}

#[test]
fn included_files_are_written_into_the_one_file() {
    let dir = Dir::new();
    dir.write(
        "parts/regions.yaml",
        "schedules:\n  office: [{ days: mon-fri, from: \"08:00\", to: \"18:00\" }]\nnodes:\n  north:\n    kind: route\n    routes: [{ when: { hours: office }, to: desk }]\n    default: closed\n  closed: { kind: hangup, reason: closed }\n",
    );
    let menu = dir.write(
        "menus/main.yaml",
        "name: Regions\nentry: main\ninclude: [../parts/regions.yaml]\nnodes:\n  main:\n    kind: menu\n    prompt: { text: \"North, press 1.\" }\n    options: [{ key: \"1\", to: north }]\n    fallback: desk\n  desk: { kind: transfer, queue: desk, when_no_operator: { action: goto, to: closed } }\n",
    );
    assert_eq!(round_trip(&menu), Ok(true));
    let mut sources = Sources::new();
    let m = load_menu(&menu, &mut sources).unwrap().menu.unwrap();
    let text = write(
        &m,
        &WriteOptions {
            sources: Some(&sources),
            ..Default::default()
        },
    )
    .text;
    assert!(!text.contains("include"), "{text}");
    assert!(text.contains("regions.yaml:4:3\n  north:"), "{text}");
    assert!(text.contains("schedules:\n  office:"), "{text}");
}

/// The example of docs/menu-format.md, "Writing a menu back out", is what the writer writes for
/// a menu an importer built (places as JSON pointers, the platform's ids in descriptions).
#[test]
fn the_docs_example_of_a_written_menu_is_what_is_written() {
    let mut sources = Sources::new();
    let file = sources.add("flow.json", "{}");
    let mut at = |p: &str| sources.pointer(file, p);
    let mut b = MenuBuilder::new(Path::new("flow.json"), "Water line", at(""));
    let entry = b.reference("main", at("/StartAction"));
    b.entry(entry);
    let key = |k: &str, at: ivrsim::source::Span| At::new(DtmfKey::parse(k).unwrap(), at);
    let options = vec![
        OptionSpec::new(
            key("1", at("/Actions/0/Conditions/0")),
            b.reference("leaks", at("/Actions/0/Conditions/0/NextAction")),
        ),
        OptionSpec::new(
            key("2", at("/Actions/0/Conditions/1")),
            b.reference("billing", at("/Actions/0/Conditions/1/NextAction")),
        ),
    ];
    let listen = ListenSpec {
        timeout: Some(At::new(
            std::time::Duration::from_secs(8),
            at("/Actions/0/Parameters/StoreInput"),
        )),
        fallback_no_input: Some(b.reference("leaks", at("/Actions/0/Transitions/Errors/0"))),
        fallback_no_match: Some(b.reference("billing", at("/Actions/0/Transitions/Errors/1"))),
        ..ListenSpec::default()
    };
    b.add_node(
        At::new("main".into(), at("/Actions/0")),
        Some("GetParticipantInput 5b8c2e1a: Main menu".into()),
        NodeSpec::Menu {
            prompt: Prompt::text_only("To report a leak, press 1. For billing, press 2."),
            options,
            listen,
        },
    );
    for (i, (id, queue)) in [("leaks", "Leaks"), ("billing", "Billing: \"east\" #2")]
        .into_iter()
        .enumerate()
    {
        b.add_node(
            At::new(id.into(), at(&format!("/Actions/{}", i + 1))),
            Some(format!("TransferContactToQueue {id}")),
            NodeSpec::Transfer {
                queue: queue.into(),
                priority: Default::default(),
                prompt: None,
                context: None,
                hold: None,
                when_no_operator: None,
            },
        );
    }
    b.no_operator_default(NoOperator::Message {
        prompt: Prompt::text_only("All our agents are busy. Please call again later."),
    });
    let (menu, findings) = b.finish();
    assert!(findings.is_empty());
    let text = to_yaml(
        &menu,
        &sources,
        &["Imported by ivrsim from flow.json (Amazon Connect)".to_owned()],
    );
    let markdown = std::fs::read_to_string(root().join("docs/menu-format.md")).expect("docs");
    let blocks = crate::docs::yaml_blocks(&markdown);
    let (_, documented) = blocks
        .iter()
        .find(|(h, _)| h == "Writing a menu back out")
        .expect("docs/menu-format.md has an example under \"Writing a menu back out\"");
    assert_eq!(documented, &text, "the writer now writes:\n{text}");
}

/// The menu with every construct of the format (`tests/fixtures/generate`, a template with its
/// counting policy left open), under each policy.
#[test]
fn the_menu_with_every_construct_reads_back_the_same() {
    let template =
        std::fs::read_to_string(root().join("tests/fixtures/generate/every-construct.yaml")).expect("fixture");
    let dir = Dir::new();
    for policy in ["visit", "shared", "freeswitch", "call"] {
        let path = dir.write(&format!("every-{policy}.yaml"), template.replace("COUNTING", policy));
        assert_eq!(round_trip(&path), Ok(true), "{policy}");
    }
}
