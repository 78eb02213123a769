//! `ivrsim schema`: the committed JSON Schemas under docs/schema/ are what the binary prints,
//! and every bundled YAML file and every complete example in the docs validates against them.

use std::path::{Path, PathBuf};

use ivrsim::diag::{Code, Severity};

use serde_json::Value;

use crate::docs::yaml_blocks;
use crate::support::{Dir, ivrsim, root};

const FORMATS: [&str; 4] = ["menu", "scenario", "training", "traffic"];

/// The committed schema of `format`, parsed.
fn committed(format: &str) -> Value {
    let path = root().join(format!("docs/schema/{format}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A draft-07 validator for the committed schema of `format`.
fn validator(format: &str) -> jsonschema::Validator {
    jsonschema::draft7::new(&committed(format)).unwrap_or_else(|e| panic!("{format}: invalid schema: {e}"))
}

/// YAML text as JSON, read by serde-saphyr (as an editor's YAML parser would read it).
fn to_json(yaml: &str, what: &str) -> Value {
    serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{what}: not YAML: {e}"))
}

/// The schema's findings for `yaml`, one line each with the place in the document.
fn findings(v: &jsonschema::Validator, yaml: &str, what: &str) -> Vec<String> {
    let doc = to_json(yaml, what);
    v.iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no YAML files in {dir}");
    out
}

#[test]
fn committed_schemas_are_what_the_binary_prints() {
    for format in FORMATS {
        let out = ivrsim(&["schema", format]);
        assert_eq!(out.code, 0, "ivrsim schema {format}: {}", out.stderr);
        let path = format!("docs/schema/{format}.schema.json");
        let on_disk = std::fs::read_to_string(root().join(&path)).unwrap_or_default();
        assert!(
            out.stdout == on_disk,
            "{path} is out of date with the loader's types; regenerate it with\n    \
             cargo run -- schema {format} -o {path}"
        );
        assert!(out.stdout.ends_with("}\n"), "pretty JSON with a trailing newline");
    }
}

#[test]
fn schemas_are_valid_draft_07() {
    for format in FORMATS {
        let schema = committed(format);
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#", "{format}");
        if let Err(e) = jsonschema::draft7::meta::validate(&schema) {
            panic!("{format}: not a valid draft-07 schema: {e}");
        }
        // Editors compile patterns as ECMA-262 regexes with the `u` flag, which refuses
        // escapes such as `\-` that other engines allow: only these are used.
        let mut patterns = Vec::new();
        collect_patterns(&schema, &mut patterns);
        assert!(patterns.len() > 5, "{format}: {patterns:?}");
        for p in patterns {
            let mut chars = p.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    let next = chars.next();
                    assert!(
                        matches!(next, Some('s' | 'S' | '+' | '.' | 'd')),
                        "{format}: the pattern {p:?} escapes {next:?}"
                    );
                }
            }
        }
    }
}

fn collect_patterns<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("pattern", Value::String(p)) => out.push(p),
                    _ => collect_patterns(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

/// The files of `dir` that git tracks (the bundled ones), or every YAML file there when git or
/// the repository is not at hand (a source tarball). A user's own files (a generated suite,
/// a recorded call) are theirs: this test does not hold them to the bundled files' rules.
fn bundled_yaml_files(dir: &str) -> Vec<PathBuf> {
    let all = yaml_files(dir);
    let listed = std::process::Command::new("git")
        .current_dir(root())
        .args(["ls-files", "-z", "--", dir])
        .output()
        .ok()
        .filter(|o| o.status.success() && !o.stdout.is_empty());
    let Some(listed) = listed else { return all };
    let tracked: std::collections::HashSet<PathBuf> = listed
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| root().join(String::from_utf8_lossy(p).as_ref()))
        .collect();
    all.into_iter().filter(|p| tracked.contains(p)).collect()
}

#[test]
fn every_bundled_file_validates_and_names_its_schema() {
    let sets = [
        ("menus", "menu", "../docs/schema/menu.schema.json"),
        ("scenarios", "scenario", "../docs/schema/scenario.schema.json"),
        (
            "scenarios/training",
            "training",
            "../../docs/schema/training.schema.json",
        ),
        ("scenarios/traffic", "traffic", "../../docs/schema/traffic.schema.json"),
        (
            "tests/fixtures/traffic",
            "traffic",
            "../../../docs/schema/traffic.schema.json",
        ),
    ];
    for (dir, format, reference) in sets {
        let v = validator(format);
        for path in bundled_yaml_files(dir) {
            let text = std::fs::read_to_string(&path).expect("read");
            let first = text.lines().next().unwrap_or_default();
            assert_eq!(
                first,
                format!("# yaml-language-server: $schema={reference}"),
                "{}: the first line names the schema",
                path.display()
            );
            assert!(
                Path::new(dir).join(reference).components().count() > 0 && root().join(dir).join(reference).is_file(),
                "{}: {reference} does not exist",
                path.display()
            );
            let errors = findings(&v, &text, &path.display().to_string());
            assert!(
                errors.is_empty(),
                "{} does not validate:\n{}",
                path.display(),
                errors.join("\n")
            );
        }
    }
}

#[test]
fn every_complete_example_in_the_docs_validates() {
    let mut seen = [0; 4];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.push(root().join("README.md"));
    for path in docs {
        let text = std::fs::read_to_string(&path).expect("read");
        for (heading, block) in yaml_blocks(&text) {
            if heading == "YAML traps" {
                continue; // broken YAML on purpose
            }
            let doc = to_json(&block, &path.display().to_string());
            let has = |k: &str| doc.get(k).is_some();
            // A complete file has its format's top-level fields; the rest are excerpts.
            let format = if has("nodes") && has("entry") {
                0
            } else if has("scenarios") {
                1
            } else if has("persona") {
                2
            } else if has("call_takers") && has("arrivals") {
                3
            } else {
                continue;
            };
            seen[format] += 1;
            let errors = findings(&validator(FORMATS[format]), &block, &heading);
            assert!(
                errors.is_empty(),
                "{} ({heading}) does not validate as a {}:\n{}",
                path.display(),
                FORMATS[format],
                errors.join("\n")
            );
        }
    }
    assert!(
        seen.iter().all(|n| *n >= 1),
        "a complete example of each format: {seen:?}"
    );
}

#[test]
fn a_misspelled_field_and_a_wrong_type_fail_validation() {
    let v = validator("menu");
    let good = crate::support::MINIMAL;
    assert_eq!(findings(&v, good, "minimal"), Vec::<String>::new());

    let misspelled = good.replace("    options:", "    optoins:");
    let errors = findings(&v, &misspelled, "misspelled");
    assert!(errors.iter().any(|e| e.contains("optoins")), "{errors:?}");

    let wrong_type = good.replace("prompt: { text: \"For help press 1.\" }", "prompt: [oops]");
    assert!(!findings(&v, &wrong_type, "wrong type").is_empty());

    for (what, from, to) in [
        ("an unknown kind", "kind: menu", "kind: menus"),
        (
            "a bare number as a duration",
            "  fallback: operator",
            "  timeout: 5\n  fallback: operator",
        ),
        ("a key that is not DTMF", "key: \"1\"", "key: \"A\""),
        (
            "an unquoted # key (YAML null)",
            "      - { key: \"1\", to: operator }",
            "      - key: #\n        to: operator",
        ),
        (
            "an unknown priority",
            "queue: general",
            "queue: general\n    priority: asap",
        ),
        (
            "a field of another kind",
            "queue: general",
            "queue: general\n    next: main",
        ),
        ("a menu without options", "      - { key: \"1\", to: operator }\n", ""),
        ("an unknown action", "action: message", "action: voicemail"),
        (
            "an action's missing field",
            "action: message, prompt: { text: \"No one can take your call now.\" }",
            "action: hold",
        ),
    ] {
        let changed = good.replacen(from, to, 1);
        assert_ne!(changed, good, "{what}: the test edit applies");
        assert!(
            !findings(&v, &changed, what).is_empty(),
            "{what} passes the schema:\n{changed}"
        );
    }
}

#[test]
fn what_the_loader_accepts_the_schema_accepts() {
    // YAML scalars the loader reads as text, numbers or booleans of the field's type.
    let v = validator("menu");
    let menu = crate::support::MINIMAL
        .replacen("key: \"1\"", "key: 1", 1)
        .replacen(
            "queue: general",
            "queue: 42\n    priority: urgent\n    context: [case_1]",
            1,
        )
        .replacen(
            "  fallback: operator",
            "  fallback: operator\n  max_no_input: \"2\"\n  barge_in: \"yes\"\n  timeout: 1m 30s",
            1,
        )
        .replacen("kind: menu", "kind: menu\n    description:\n    next: ~", 1);
    let dir = Dir::new();
    dir.write("m.yaml", &menu);
    let out = dir.ivrsim(&["check", "m.yaml"]);
    assert!(
        out.stdout.contains("0 errors"),
        "the loader accepts it:\n{}{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(findings(&v, &menu, "lenient"), Vec::<String>::new());
}

#[test]
fn fields_have_descriptions() {
    let menu = committed("menu");
    let described = |v: &Value| v["description"].as_str().is_some_and(|d| d.len() > 10);
    assert!(described(&menu["properties"]["nodes"]), "nodes");
    assert!(described(&menu), "the menu itself");
    let node = &menu["definitions"]["RawNode"]["properties"];
    for field in ["kind", "prompt", "options", "timeout", "queue", "when_no_operator"] {
        assert!(described(&node[field]), "node field {field}");
    }
    assert!(
        node["timeout"]["description"]
            .as_str()
            .unwrap_or_default()
            .contains("duration"),
        "a duration says so"
    );
    let scenario = committed("scenario");
    assert!(
        described(&scenario["definitions"]["RawStep"]["properties"]["press"]),
        "press"
    );
    let training = committed("training");
    assert!(described(&training["properties"]["persona"]), "persona");
    // Every property of every schema is described.
    for format in FORMATS {
        let schema = committed(format);
        let mut objects = vec![("root".to_owned(), &schema)];
        if let Some(defs) = schema["definitions"].as_object() {
            objects.extend(defs.iter().map(|(k, v)| (k.clone(), v)));
        }
        for (name, obj) in objects {
            for (field, prop) in obj["properties"].as_object().into_iter().flatten() {
                assert!(described(prop), "{format}: {name}.{field} has no description");
            }
        }
    }
}

#[test]
fn a_bad_format_is_a_usage_error_and_output_goes_to_a_file() {
    let dir = Dir::new();
    let out = dir.ivrsim(&["schema", "menus"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("invalid value 'menus'"), "{}", out.stderr);
    assert!(out.stderr.contains("menu, scenario, training"), "{}", out.stderr);

    let out = dir.ivrsim(&["schema"]);
    assert_eq!(out.code, 2, "{}", out.stderr);

    let out = dir.ivrsim(&["schema", "scenario", "-o", "s.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(dir.path().join("s.json")).expect("written");
    let printed = dir.ivrsim(&["schema", "scenario"]).stdout;
    assert_eq!(written, printed);

    let out = dir.ivrsim(&["schema", "menu", "-o", "no/such/dir/m.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("cannot write"), "{}", out.stderr);
}

/// A value of the right type for each node field, valid in [`crate::support::MINIMAL`].
const NODE_FIELDS: [(&str, &str); 34] = [
    ("description", "A node."),
    ("prompt", "{ text: \"Hi.\" }"),
    ("options", "[{ key: \"1\", to: main }]"),
    ("no_input", "[{ text: \"Hello?\" }]"),
    ("no_match", "[{ text: \"Sorry?\" }]"),
    ("timeout", "5s"),
    ("inter_digit_timeout", "3s"),
    ("max_no_input", "2"),
    ("max_no_match", "2"),
    ("fallback", "main"),
    ("barge_in", "true"),
    ("type_ahead", "true"),
    ("next", "main"),
    ("digits", "{ max: 4 }"),
    ("pattern", "\"^1\""),
    ("store", "v"),
    ("routes", "[{ when: { var: v, equals: \"1\" }, to: main }]"),
    ("default", "main"),
    ("queue", "q"),
    ("priority", "high"),
    ("context", "[v]"),
    ("hold", "{ every: 30s }"),
    ("when_no_operator", "{ action: message, prompt: { text: \"Bye.\" } }"),
    ("reason", "closed"),
    ("app", "voicemail"),
    ("target", "box"),
    ("on", "{ success: main, error: main }"),
    ("set", "{ v: \"+1\" }"),
    ("beep", "false"),
    ("max_length", "1m"),
    ("final_silence", "2s"),
    ("terminator", "\"#\""),
    ("no_speech", "main"),
    ("number", "v"),
];

/// The minimal menu with a node `x` of `kind` with `fields`; the loader's errors (codes) and
/// the schema's findings.
fn node_case(v: &jsonschema::Validator, kind: &str, fields: &[&str]) -> (Vec<Code>, Vec<String>) {
    let mut yaml = format!("{}  x:\n    kind: {kind}\n", crate::support::MINIMAL);
    for f in fields {
        let (_, value) = NODE_FIELDS.iter().find(|(n, _)| n == f).expect("a sample value");
        yaml.push_str(&format!("    {f}: {value}\n"));
    }
    let mut sources = ivrsim::source::Sources::new();
    let outcome = ivrsim::menu::load::load_menu_text(Path::new("m.yaml"), yaml.clone(), &mut sources);
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| d.code)
        .collect();
    (errors, findings(v, &yaml, &yaml))
}

#[test]
fn node_rules_of_the_schema_are_the_loaders() {
    // The schema's per-kind rules (if kind then: required fields, fields of other kinds null),
    // tried field by field against the loader.
    let v = validator("menu");
    let schema = committed("menu");
    let rules = schema["definitions"]["RawNode"]["allOf"]
        .as_array()
        .expect("per-kind rules");
    let mut kinds = Vec::new();
    for rule in rules {
        let kind = rule["if"]["properties"]["kind"]["const"].as_str().expect("kind");
        kinds.push(kind.to_owned());
        let required: Vec<&str> = rule["then"]["required"]
            .as_array()
            .expect("required")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let not_used: Vec<&str> = rule["then"]["properties"]
            .as_object()
            .expect("properties")
            .iter()
            .filter(|(_, p)| p["type"] == "null")
            .map(|(f, _)| f.as_str())
            .collect();
        let (errors, schema_findings) = node_case(&v, kind, &required);
        assert!(
            errors.is_empty() && schema_findings.is_empty(),
            "{kind} with {required:?}: {errors:?} {schema_findings:?}"
        );
        for missing in &required {
            let fields: Vec<&str> = required.iter().copied().filter(|f| f != missing).collect();
            let (errors, schema_findings) = node_case(&v, kind, &fields);
            assert!(!errors.is_empty(), "{kind} without {missing}: the loader accepts it");
            assert!(
                !schema_findings.is_empty(),
                "{kind} without {missing}: the schema accepts it"
            );
        }
        for (field, _) in NODE_FIELDS {
            if required.contains(&field) {
                continue;
            }
            let fields: Vec<&str> = required.iter().copied().chain([field]).collect();
            let (errors, schema_findings) = node_case(&v, kind, &fields);
            if not_used.contains(&field) {
                assert!(
                    errors.contains(&Code::FieldNotForKind),
                    "{kind} with {field}: {errors:?}"
                );
                assert!(
                    !schema_findings.is_empty(),
                    "{kind} with {field}: the schema accepts it"
                );
            } else {
                assert_eq!(errors, [], "{kind} with {field}");
                assert_eq!(schema_findings, Vec::<String>::new(), "{kind} with {field}");
            }
        }
    }
    assert_eq!(
        kinds,
        [
            "menu", "message", "collect", "route", "transfer", "hangup", "external", "record", "callback"
        ]
    );
}

/// A training call's call-taker is the trainee at the console: its schema offers no operator
/// side (`start.operator`, `operator` steps), and the console refuses a file that has one, at
/// its place.
#[test]
fn a_training_call_has_no_operator_side_in_its_schema_or_its_loader() {
    let v = validator("training");
    let good = std::fs::read_to_string(root().join("scenarios/training/01-urgent-gas-smell.yaml")).unwrap();
    assert!(findings(&v, &good, "good").is_empty());
    let with_start = good.replacen(
        "start: { at: 2026-03-02T09:12 }",
        "start: { at: 2026-03-02T09:12, operator: unavailable }",
        1,
    );
    let with_step = good.replacen(
        "  - press: \"1\" # report a concern",
        "  - operator: { answer: sam }\n  - press: \"1\"",
        1,
    );
    assert_ne!(with_start, good);
    assert_ne!(with_step, good);
    assert!(
        !findings(&v, &with_start, "start").is_empty(),
        "the schema takes start.operator"
    );
    assert!(
        !findings(&v, &with_step, "step").is_empty(),
        "the schema takes an operator step"
    );
    let dir = Dir::new();
    let with_waiting = good.replacen(
        "start: { at: 2026-03-02T09:12 }",
        "start: { at: 2026-03-02T09:12, waiting: 2 }",
        1,
    );
    let with_language = good.replacen(
        "start: { at: 2026-03-02T09:12 }",
        "start: { at: 2026-03-02T09:12, language: xx }",
        1,
    );
    assert!(
        !findings(&v, &with_waiting, "waiting").is_empty(),
        "the schema takes start.waiting"
    );
    for (name, text, message, line) in [
        ("start.yaml", &with_start, "a training call has no `start.operator`", 7),
        ("step.yaml", &with_step, "a training call has no `operator` steps", 9),
        (
            "waiting.yaml",
            &with_waiting,
            "a training call has no `start.waiting`",
            7,
        ),
        ("language.yaml", &with_language, "the menu has no language `xx`", 7),
    ] {
        let text = text.replace(
            "../../menus/hotline.yaml",
            &root().join("menus/hotline.yaml").display().to_string(),
        );
        dir.write(name, &text);
        let menu = root().join("menus/hotline.yaml").display().to_string();
        let out = dir.ivrsim(&["operator", &menu, "--shift", name, "--clock", "virtual", "--no-listen"]);
        assert_ne!(out.code, 0, "{name}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{name}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("{name}:{line}:")),
            "{name}: {}",
            out.stderr
        );
    }
}

#[test]
fn the_traffic_schema_offers_no_expectations_or_operator_side_and_help_names_it() {
    let text = serde_json::to_string(&committed("traffic")).unwrap();
    for word in ["expect", "operator"] {
        assert!(!text.contains(word), "the traffic schema mentions `{word}`");
    }
    for args in [&["--help"][..], &["schema", "--help"]] {
        let out = ivrsim(args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let words = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains("training-call or traffic format"),
            "ivrsim {args:?}: {}",
            out.stdout
        );
    }
}
