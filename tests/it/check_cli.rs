//! `ivrsim check` on the command line: output formats, flags, exit statuses, several menus
//! at once, the bundled menus, and the central promise of E014 on a real menu that lost its
//! operator.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::Value;

use crate::check_codes::codes_in;
use crate::support::{self, Dir, Output, root};

fn fixtures() -> std::path::PathBuf {
    root().join("tests/fixtures/check")
}

/// `ivrsim check ARGS...` in the fixtures folder.
fn check_in_fixtures(args: &[&str]) -> Output {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    support::run_in(&fixtures(), &all)
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "`--format json` output does not parse: {e}\n{}\n{}",
            out.stdout, out.stderr
        )
    })
}

/// The `--> file:line:column` lines of a text output, in order.
fn places(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(str::to_owned)
        .collect()
}

/// A menu with `n` options (each to its own transfer), clean otherwise.
fn menu_with_options(n: usize) -> String {
    let mut s = String::from(
        r#"name: City Water Emergency Line
entry: main_menu
defaults:
  when_no_operator: { action: message, prompt: { text: "No one can take your call now. Please call again later." } }
  fallback: operator
  keys: { operator: "0" }
  no_input: [{ text: "Sorry, I did not hear a choice." }]
  no_match: [{ text: "Sorry, that is not one of the choices." }]
nodes:
  main_menu:
    kind: menu
    prompt: { text: "Please choose a department." }
    options:
"#,
    );
    for i in 1..=n {
        s.push_str(&format!("      - {{ key: \"{i}\", to: desk_{i} }}\n"));
    }
    for i in 1..=n {
        s.push_str(&format!("  desk_{i}:\n    kind: transfer\n    queue: desk-{i}\n"));
    }
    s.push_str("  operator:\n    kind: transfer\n    queue: general\n");
    s
}

// ------------------------------------------------------------------------------- JSON

#[test]
fn json_output_parses_and_locates_every_finding() {
    let out = check_in_fixtures(&[
        "--format",
        "json",
        "E005-duplicate-node-across-include.yaml",
        "W012-prefix-keys.yaml",
    ]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let j = json(&out);
    let menus = j["menus"].as_array().expect("menus");
    assert_eq!(menus.len(), 2, "{j:#}");
    assert_eq!(menus[0]["file"], "E005-duplicate-node-across-include.yaml");
    assert_eq!(menus[1]["file"], "W012-prefix-keys.yaml");
    assert_eq!(j["errors"], 1, "{j:#}");
    assert_eq!(j["warnings"], 1, "{j:#}");

    let e005 = &menus[0]["findings"][0];
    assert_eq!(e005["code"], "E005");
    assert_eq!(e005["name"], "duplicate-node");
    assert_eq!(e005["severity"], "error");
    assert_eq!(e005["file"], "includes/billing.yaml");
    assert_eq!((e005["line"].as_u64(), e005["column"].as_u64()), (Some(3), Some(3)));
    let related = &e005["related"][0];
    assert_eq!(related["file"], "E005-duplicate-node-across-include.yaml");
    assert_eq!(related["line"], 22);
    assert!(e005["help"][0].as_str().is_some_and(|h| h.contains("rename")));

    let w012 = &menus[1]["findings"][0];
    assert_eq!(w012["code"], "W012");
    assert_eq!(w012["severity"], "warning");
    assert_eq!(w012["file"], "W012-prefix-keys.yaml");
    assert_eq!((w012["line"].as_u64(), w012["column"].as_u64()), (Some(15), Some(16)));
    // A checked menu carries its time-to-operator report; every node row has a line.
    let report = &menus[1]["report"];
    assert_eq!(report["entry"]["node"], "main_menu", "{report:#}");
    assert!(report["nodes"].as_array().is_some_and(|n| !n.is_empty()));
}

#[test]
fn json_and_text_agree_on_every_place() {
    for stem in ["E014-no-operator", "W002-inescapable-loop", "W006-shadowed-global-key"] {
        let file = format!("{stem}.yaml");
        let text = check_in_fixtures(&[&file]);
        let j = json(&check_in_fixtures(&["--format", "json", &file]));
        let from_json: Vec<String> = j["menus"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| format!("{}:{}:{}", f["file"].as_str().unwrap(), f["line"], f["column"]))
            .collect();
        // Text output also shows secondary places (`-->` of another file only); the
        // primary places come first per finding, in the same order.
        let text_places = places(&text.stdout);
        assert_eq!(text_places, from_json, "{stem}:\n{}\n{j:#}", text.stdout);
        let codes: BTreeSet<String> = j["menus"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(codes, codes_in(&text.stdout), "{stem}");
    }
}

#[test]
fn json_for_an_unparsable_menu_has_no_report() {
    let j = json(&check_in_fixtures(&["--format", "json", "E001-yaml-syntax.yaml"]));
    let m = &j["menus"][0];
    assert_eq!(m["findings"][0]["code"], "E001");
    assert_eq!(m["findings"][0]["line"], 14);
    assert!(m["report"].is_null(), "{j:#}");
}

// ------------------------------------------------------------------------------- flags

#[test]
fn deny_warnings_fails_a_warning_only_menu() {
    let plain = check_in_fixtures(&["W001-unreachable.yaml"]);
    assert_eq!(plain.code, 0, "{}", plain.stdout);
    assert!(
        plain
            .stdout
            .ends_with("W001-unreachable.yaml: 0 errors, 1 warning: ok\n")
    );
    for flag in ["--deny-warnings", "-D"] {
        let denied = check_in_fixtures(&[flag, "W001-unreachable.yaml"]);
        assert_eq!(denied.code, 1, "{flag}: {}", denied.stdout);
        assert!(
            denied
                .stdout
                .ends_with("W001-unreachable.yaml: 0 errors, 1 warning: fails --deny-warnings\n"),
            "{}",
            denied.stdout
        );
    }
    // A clean menu stays clean under --deny-warnings.
    let dir = Dir::new();
    dir.write("menu.yaml", support::MINIMAL);
    let out = dir.ivrsim(&["check", "-D", "menu.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn allow_silences_one_warning() {
    let out = check_in_fixtures(&["--deny-warnings", "--allow", "W007", "W007-too-many-options.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(codes_in(&out.stdout).is_empty(), "{}", out.stdout);
    assert!(out.stdout.ends_with("0 errors, 0 warnings: ok\n"), "{}", out.stdout);
    // Any case, repeatable; other warnings still show.
    let out = check_in_fixtures(&["--allow", "w001", "--allow", "W007", "W002-inescapable-loop.yaml"]);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["E014".into(), "W002".into()]));
}

#[test]
fn allow_refuses_errors_and_unknown_codes() {
    for (code, why) in [("E014", "is an error"), ("W999", "unknown finding code")] {
        let out = check_in_fixtures(&["--allow", code, "W001-unreachable.yaml"]);
        assert_eq!(out.code, 2, "--allow {code}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(why), "--allow {code}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
    }
}

#[test]
fn lint_allow_in_the_menu_silences_too() {
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        format!("{}lint: {{ allow: [W007] }}\n", menu_with_options(6)),
    );
    let out = dir.ivrsim(&["check", "-D", "menu.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn max_options_flag_sets_the_w007_threshold() {
    let dir = Dir::new();
    dir.write("menu.yaml", menu_with_options(4));
    let out = dir.ivrsim(&["check", "-D", "menu.yaml"]);
    assert_eq!(out.code, 0, "4 options are fine by default:\n{}", out.stdout);

    let out = dir.ivrsim(&["check", "--max-options", "3", "menu.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["W007".into()]));
    assert!(out.stdout.contains("menu `main_menu` has 4 options"), "{}", out.stdout);
    assert!(
        out.stdout.contains("more than 3 (`lint.max_options`, `--max-options`)"),
        "{}",
        out.stdout
    );
    assert_eq!(places(&out.stdout), ["menu.yaml:10:3"]);

    // The flag wins over the menu's `lint.max_options`.
    dir.write(
        "menu.yaml",
        format!("{}lint: {{ max_options: 10 }}\n", menu_with_options(4)),
    );
    let out = dir.ivrsim(&["check", "--max-options", "3", "menu.yaml"]);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["W007".into()]));
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert!(codes_in(&out.stdout).is_empty(), "{}", out.stdout);
}

#[test]
fn max_prompt_and_max_operator_keys_flags() {
    let dir = Dir::new();
    dir.write("menu.yaml", support::MINIMAL);
    // "For help press 1." is 4 words: 1.6 s at 150 words per minute.
    let out = dir.ivrsim(&["check", "--max-prompt", "1s", "menu.yaml"]);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["W009".into()]), "{}", out.stdout);
    let out = dir.ivrsim(&["check", "--max-prompt", "5", "menu.yaml"]);
    assert_eq!(out.code, 2, "a duration without unit is a usage error: {}", out.stdout);

    let out = check_in_fixtures(&["--max-operator-keys", "4", "-D", "W008-operator-too-deep.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let out = check_in_fixtures(&["--max-operator-keys", "2", "W008-operator-too-deep.yaml"]);
    // main_menu (4 keys) and account_menu (3 keys) are now too deep.
    assert_eq!(out.stdout.matches("warning[W008]").count(), 2, "{}", out.stdout);
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        &["check", "--format", "xml", "W001-unreachable.yaml"][..],
        &["check", "--max-options", "many", "W001-unreachable.yaml"],
        &["check", "--no-such-flag"],
    ] {
        let out = support::run_in(&fixtures(), args);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn color_never_and_always() {
    let out = check_in_fixtures(&["--color", "never", "W001-unreachable.yaml"]);
    assert!(!out.stdout.contains('\x1b'), "{}", out.stdout);
    let out = check_in_fixtures(&["--color", "always", "W001-unreachable.yaml"]);
    assert!(out.stdout.contains('\x1b'), "--color always colours even into a pipe");
}

// --------------------------------------------------------------------------- files

#[test]
fn missing_menu_file_is_exit_2_on_stderr() {
    let dir = Dir::new();
    let out = dir.ivrsim(&["check", "no-such-menu.yaml"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("cannot read `no-such-menu.yaml`"), "{}", out.stderr);
    assert!(!out.stdout.contains("error["), "{}", out.stdout);

    let out = dir.ivrsim(&["check", "."]);
    assert_eq!(out.code, 2, "a folder: {}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("folder"), "{}", out.stderr);
}

#[test]
fn several_menus_in_one_call() {
    let out = check_in_fixtures(&["W001-unreachable.yaml", "W003-no-input-handling.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let verdicts: Vec<&str> = out.stdout.lines().filter(|l| l.contains(": 0 errors")).collect();
    assert_eq!(
        verdicts,
        [
            "W001-unreachable.yaml: 0 errors, 1 warning: ok",
            "W003-no-input-handling.yaml: 0 errors, 1 warning: ok"
        ]
    );
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["W001".into(), "W003".into()]));

    // One bad menu fails the run, and the good one is still reported.
    let out = check_in_fixtures(&["W001-unreachable.yaml", "E006-unknown-target.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("W001-unreachable.yaml: 0 errors, 1 warning: ok"));
    assert!(
        out.stdout
            .contains("E006-unknown-target.yaml: 1 error, 0 warnings: cannot go live")
    );

    // A missing one is exit 2, after checking the others.
    let out = check_in_fixtures(&["missing.yaml", "W001-unreachable.yaml"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("cannot read `missing.yaml`"), "{}", out.stderr);
    assert!(out.stdout.contains("W001-unreachable.yaml: 0 errors, 1 warning: ok"));
}

#[test]
fn the_same_node_ids_in_two_menus_are_not_duplicates() {
    // Each menu is its own namespace: checking two menus with the same ids together is fine.
    let dir = Dir::new();
    dir.write("a.yaml", support::MINIMAL);
    dir.write("b.yaml", support::MINIMAL);
    let out = dir.ivrsim(&["check", "-D", "a.yaml", "b.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

// --------------------------------------------------------------------------- report

#[test]
fn report_prints_a_row_per_node() {
    let out = support::ivrsim(&["check", "--report", "menus/hotline.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let menu = menu_model(&std::fs::read_to_string(root().join("menus/hotline.yaml")).unwrap());
    let header = out
        .stdout
        .lines()
        .position(|l| l.starts_with("node ") && l.contains("way with fewest keys"))
        .unwrap_or_else(|| panic!("no report table:\n{}", out.stdout));
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .skip(header + 1)
        .take_while(|l| !l.is_empty())
        .collect();
    let row_nodes: Vec<&str> = rows.iter().map(|r| r.split_whitespace().next().unwrap()).collect();
    // Every node except transfers and hang-ups, in file order.
    let expected: Vec<&str> = menu
        .order
        .iter()
        .filter(|id| !matches!(menu.kind(id), "transfer" | "hangup"))
        .map(String::as_str)
        .collect();
    assert_eq!(row_nodes, expected, "{}", out.stdout);
    for r in &rows {
        let kind = r.split_whitespace().nth(1).unwrap();
        assert_eq!(kind, menu.kind(r.split_whitespace().next().unwrap()), "{r}");
    }
    // Without --report, only the summary.
    let out = support::ivrsim(&["check", "menus/hotline.yaml"]);
    assert!(!out.stdout.contains("way with fewest keys"), "{}", out.stdout);
    assert!(out.stdout.contains("from the entry"), "{}", out.stdout);
}

// ----------------------------------------------------------------------- bundled menus

#[test]
fn bundled_menus_check_clean() {
    for menu in ["menus/hotline.yaml", "menus/clinic.yaml"] {
        let out = support::ivrsim(&["check", menu]);
        assert_eq!(out.code, 0, "{menu}:\n{}{}", out.stdout, out.stderr);
        assert!(!out.stdout.contains("error["), "{menu}:\n{}", out.stdout);
        assert!(out.stdout.contains(&format!("{menu}: 0 errors")), "{}", out.stdout);
        let j = json(&support::ivrsim(&["check", "--format", "json", menu]));
        assert_eq!(j["errors"], 0, "{menu}: {j:#}");
    }
    // And `check` with no menu checks the hotline.
    let out = support::ivrsim(&["check"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("menus/hotline.yaml: 0 errors"), "{}", out.stdout);
}

// --------------------------------------------------- the issue's "done when": E014

/// What the test needs of a menu, read independently of ivrsim (plain YAML values).
struct MenuModel {
    yaml: Value,
    /// Node ids in file order.
    order: Vec<String>,
}

fn menu_model(text: &str) -> MenuModel {
    let yaml: Value = serde_saphyr::from_str(text).expect("menu YAML");
    // serde_json's map is sorted; take the file order from the text itself.
    let nodes = yaml["nodes"].as_object().expect("nodes").clone();
    let mut order: Vec<(usize, String)> = nodes
        .keys()
        .map(|id| (node_line(text, id).expect("node line"), id.clone()))
        .collect();
    order.sort();
    MenuModel {
        yaml,
        order: order.into_iter().map(|(_, id)| id).collect(),
    }
}

impl MenuModel {
    fn node(&self, id: &str) -> &Value {
        &self.yaml["nodes"][id]
    }

    fn kind(&self, id: &str) -> &str {
        self.node(id)["kind"].as_str().unwrap_or("")
    }

    /// Nodes from which no caller action reaches a `transfer`, by the rules of
    /// docs/checks.md ("What reaching an operator means"), hang-ups excluded.
    fn without_operator(&self) -> BTreeSet<String> {
        let y = &self.yaml;
        let d = &y["defaults"];
        let s = |v: &Value| v.as_str().map(str::to_owned);
        let exists = |id: &Option<String>| id.clone().filter(|i| y["nodes"].get(i).is_some());
        let fallback = s(&d["fallback"]);
        let operator = exists(&s(&d["operator"]).or_else(|| fallback.clone()));
        let main_menu = exists(&s(&d["main_menu"]).or_else(|| s(&y["entry"])));
        let keys = &d["keys"];
        let barge_default = d["barge_in"].as_bool().unwrap_or(true);
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for id in &self.order {
            let n = self.node(id);
            let mut out: Vec<Option<String>> = Vec::new();
            let option_keys: Vec<String> = n["options"]
                .as_array()
                .map(|o| o.iter().filter_map(|o| s(&o["key"])).collect())
                .unwrap_or_default();
            // Global keys active here (their key and target).
            let global = |active: &dyn Fn(&str) -> bool| {
                [(s(&keys["operator"]), &operator), (s(&keys["main_menu"]), &main_menu)]
                    .into_iter()
                    .filter_map(|(k, t)| Some((k?, t.clone()?)))
                    .filter(|(k, _)| active(k))
                    .map(|(_, t)| Some(t))
                    .collect::<Vec<_>>()
            };
            let node_fallback = s(&n["fallback"]).or_else(|| fallback.clone());
            match self.kind(id) {
                "menu" => {
                    for o in n["options"].as_array().into_iter().flatten() {
                        out.push(s(&o["to"]));
                    }
                    out.push(node_fallback);
                    out.extend(global(&|k| !option_keys.iter().any(|o| o == k)));
                }
                "message" => {
                    out.push(s(&n["next"]));
                    if n["barge_in"].as_bool().unwrap_or(barge_default) {
                        out.extend(global(&|_| true));
                    }
                }
                "collect" => {
                    out.push(s(&n["next"]));
                    out.push(node_fallback);
                    let term = s(&n["digits"]["terminator"]);
                    out.extend(global(&|k| {
                        !k.chars().any(|c| c.is_ascii_digit()) && Some(k) != term.as_deref()
                    }));
                }
                "route" => {
                    for r in n["routes"].as_array().into_iter().flatten() {
                        out.push(s(&r["to"]));
                    }
                    out.push(s(&n["default"]));
                }
                "record" => {
                    out.push(s(&n["next"]));
                    out.push(s(&n["no_speech"]));
                }
                "callback" => out.push(s(&n["next"])),
                _ => {}
            }
            edges
                .entry(id.clone())
                .or_default()
                .extend(out.into_iter().flatten().filter(|t| y["nodes"].get(t).is_some()));
        }
        // `back`: to every menu with a direct edge into the node, where `back` acts.
        if let Some(back) = s(&keys["back"]) {
            let mut back_edges = Vec::new();
            for id in &self.order {
                let n = self.node(id);
                let active = match self.kind(id) {
                    "menu" => !n["options"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|o| s(&o["key"]).as_deref() == Some(back.as_str())),
                    "message" => n["barge_in"].as_bool().unwrap_or(barge_default),
                    "collect" => {
                        !back.chars().any(|c| c.is_ascii_digit())
                            && s(&n["digits"]["terminator"]).as_deref() != Some(back.as_str())
                    }
                    _ => false,
                };
                if !active {
                    continue;
                }
                for (p, targets) in &edges {
                    if p != id && self.kind(p) == "menu" && targets.contains(id) {
                        back_edges.push((id.clone(), p.clone()));
                    }
                }
            }
            for (from, to) in back_edges {
                edges.entry(from).or_default().insert(to);
            }
        }
        // Backward breadth-first search from every transfer, and from every node that ends the
        // IVR's part by design or reaches a call-taker otherwise (recording, callback request).
        let mut reaches: BTreeSet<String> = self
            .order
            .iter()
            .filter(|id| matches!(self.kind(id), "transfer" | "record" | "callback" | "external"))
            .cloned()
            .collect();
        let mut queue: VecDeque<String> = reaches.iter().cloned().collect();
        while let Some(t) = queue.pop_front() {
            for (from, targets) in &edges {
                if targets.contains(&t) && reaches.insert(from.clone()) {
                    queue.push_back(from.clone());
                }
            }
        }
        self.order
            .iter()
            .filter(|id| !reaches.contains(*id) && self.kind(id) != "hangup")
            .cloned()
            .collect()
    }
}

/// The 1-based line of `  id:` under `nodes:`.
fn node_line(text: &str, id: &str) -> Option<usize> {
    let key = format!("  {id}:");
    text.lines().position(|l| l == key).map(|i| i + 1)
}

/// `text` without node `id` (its `  id:` line and everything indented under it).
fn remove_node(text: &str, id: &str) -> String {
    let key = format!("  {id}:");
    let mut out = String::new();
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == key {
            skipping = true;
            continue;
        }
        if skipping {
            let indent = line.len() - line.trim_start().len();
            if line.trim().is_empty() || indent > 2 {
                continue;
            }
            skipping = false;
        }
        out.push_str(line);
    }
    out
}

/// The bundled hotline, with its clips read from the repository's audio folder.
fn hotline() -> String {
    let text = std::fs::read_to_string(root().join("menus/hotline.yaml")).expect("hotline");
    let audio = root().join("audio/hotline");
    let patched = text.replace(
        "audio_dir: ../audio/hotline",
        &format!("audio_dir: {}", audio.display()),
    );
    assert_ne!(patched, text, "menus/hotline.yaml no longer sets audio_dir");
    patched
}

/// `(node id, line)` of every E014 finding in `file`, from the JSON output.
fn e014_places(out: &Output, file: &str) -> BTreeMap<String, u64> {
    let j = json(out);
    let mut found = BTreeMap::new();
    for f in j["menus"][0]["findings"].as_array().expect("findings") {
        if f["code"] != "E014" {
            continue;
        }
        assert_eq!(f["file"], file, "{f:#}");
        let msg = f["message"].as_str().unwrap();
        let id = msg.split('`').nth(1).unwrap_or_else(|| panic!("no node id in `{msg}`"));
        found.insert(id.to_owned(), f["line"].as_u64().unwrap());
    }
    found
}

#[test]
fn model_agrees_with_check_on_the_bundled_hotline() {
    // The independent model above finds no trapped node in the intact hotline, as check does.
    let text = std::fs::read_to_string(root().join("menus/hotline.yaml")).unwrap();
    assert!(menu_model(&text).without_operator().is_empty());
}

#[test]
fn hotline_without_its_operator_node() {
    let dir = Dir::new();
    let hotline = hotline();
    let broken = remove_node(&hotline, "operator");
    assert!(node_line(&broken, "operator").is_none());
    assert!(node_line(&broken, "national").is_some(), "only `operator` is removed");
    dir.write("hotline.yaml", &broken);

    let model = menu_model(&broken);
    let expected = model.without_operator();
    // Checked by hand: every branch of the hotline still leads to a team of its own
    // (report_menu's urgent and reports queues, followup_transfer, the regional offices),
    // and the contact branch gets back to main_menu (channel_done's 2, and `#` back), so no
    // node loses its only way to a person; the two references to `operator` are broken.
    assert_eq!(expected, BTreeSet::new());

    let out = dir.ivrsim(&["check", "--deny-warnings", "hotline.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let j_out = dir.ivrsim(&["check", "--deny-warnings", "--format", "json", "hotline.yaml"]);
    assert_eq!(j_out.code, 1);
    let found = e014_places(&j_out, "hotline.yaml");
    assert_eq!(
        found.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "{}",
        out.stdout
    );
    // The errors are the two references to the missing node: `defaults.fallback` and
    // `defaults.operator`.
    let j = json(&j_out);
    let errors: Vec<(String, u64, u64)> = j["menus"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let line = |field: &str| {
        broken
            .lines()
            .position(|l| l == format!("  {field}: operator"))
            .unwrap() as u64
            + 1
    };
    assert_eq!(
        errors,
        [
            ("E006".to_owned(), line("fallback"), 13),
            ("E006".to_owned(), line("operator"), 13)
        ],
        "{}",
        out.stdout
    );
}

#[test]
fn hotline_without_way_back_and_without_operator_names_every_stranded_node() {
    // A leaner hotline: no `#` back key and no "main menu" choice after a written channel.
    // Then removing the `operator` transfer strands the whole contact branch.
    let dir = Dir::new();
    let hotline = hotline()
        .replace(
            r##"keys: { operator: "0", repeat: "*", back: "#" }"##,
            r#"keys: { operator: "0", repeat: "*" }"#,
        )
        .replace(
            "      - { key: \"2\", to: main_menu, label: Main menu, say: [main menu, menu] }\n",
            "",
        )
        // Its prompt (and clip) still say "press 2", which now does nothing (W019): allowed here.
        .replace(
            "  channel_done:\n    kind: menu\n",
            "  channel_done:\n    kind: menu\n    lint_allow: [W019]\n",
        );
    assert!(!hotline.contains("back: \"#\""), "the hotline's keys changed");
    assert!(
        !hotline.contains("to: main_menu, label: Main menu"),
        "channel_done changed"
    );
    let intact = menu_model(&hotline);
    assert!(
        intact.without_operator().is_empty(),
        "the leaner hotline is fine with its operator"
    );
    dir.write("lean.yaml", &hotline);
    let out = dir.ivrsim(&["check", "lean.yaml"]);
    assert_eq!(codes_in(&out.stdout), BTreeSet::new(), "{}", out.stdout);

    let broken = remove_node(&hotline, "operator");
    dir.write("hotline.yaml", &broken);
    let model = menu_model(&broken);
    let expected = model.without_operator();
    assert_eq!(
        expected,
        [
            "channel_done",
            "contact_email",
            "contact_mail",
            "contact_menu",
            "contact_online"
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<BTreeSet<_>>(),
        "hand-checked: the contact branch only leads to `goodbye` once `operator` is gone"
    );

    let out = dir.ivrsim(&["check", "--deny-warnings", "hotline.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let j_out = dir.ivrsim(&["check", "--deny-warnings", "--format", "json", "hotline.yaml"]);
    let found = e014_places(&j_out, "hotline.yaml");
    assert_eq!(
        found.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "{}",
        out.stdout
    );
    for (id, line) in &found {
        let want = node_line(&broken, id).unwrap() as u64;
        assert_eq!(*line, want, "E014 for `{id}` must point at its `{id}:` line");
        assert!(
            out.stdout.contains(&format!("--> hotline.yaml:{want}:3")),
            "text output names `{id}` at hotline.yaml:{want}:3:\n{}",
            out.stdout
        );
    }
    insta::assert_snapshot!("hotline-without-operator-and-way-back", out.stdout);
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // The report of a 3,000-node menu is far larger than a pipe's buffer, so `head` closes the
    // pipe while ivrsim is still writing.
    let dir = Dir::new();
    dir.write("big.yaml", ivrsim::synth::menu_yaml(3000));
    let bin = assert_cmd::cargo::cargo_bin("ivrsim");
    for format in ["text", "json"] {
        let script = format!(
            "set -o pipefail; '{}' check --report --format {format} big.yaml | head -c 10 >/dev/null",
            bin.display()
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(dir.path())
            .output()
            .expect("bash");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{format}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("Broken pipe"), "{format}: {stderr}");
    }
}

#[test]
fn a_fallback_of_a_kind_with_unlimited_retries_is_never_taken() {
    // Found by trying it: the fallback was silently ignored (no edge, no finding).
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        r#"name: T
entry: main
nodes:
  main:
    kind: menu
    prompt: { text: "For the desk, press 1." }
    max_no_input: unlimited
    fallback_no_input: desk
    options: [{ key: "1", to: desk }]
  desk: { kind: transfer, queue: desk }
"#,
    );
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("error[E016]: `fallback_no_input` is never taken here\n  --> menu.yaml:8:24"),
        "{}",
        out.stdout
    );
}
