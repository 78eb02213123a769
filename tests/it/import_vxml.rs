//! The VoiceXML 2.1 importer (`src/import/vxml/`) through the real binary: `check` on a
//! document points into it (file:line:column), a generated suite passes with full coverage,
//! `graph` draws it, scenarios timed by VoiceXML's rules pass, and bad documents are
//! findings, never a panic (docs/import.md, "VoiceXML 2.0 / 2.1").

use crate::support::{Dir, ivrsim, root};

/// The fixture hotline (with `regions.vxml` beside it, which its offices menu leads to).
const HOTLINE: &str = "tests/fixtures/import/vxml/hotline.vxml";

fn bad(name: &str) -> String {
    format!("tests/fixtures/import/vxml/bad/{name}.vxml")
}

#[test]
fn check_reads_the_document_and_points_into_it() {
    let out = ivrsim(&["check", HOTLINE]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // The clip that is not beside the document, at its `<audio>` element.
    assert!(
        out.stdout
            .contains("warning[W027]: the clip `welcome.wav` is not played: no such file lies beside the document; its fallback text is read instead\n   --> tests/fixtures/import/vxml/hotline.vxml:30:7"),
        "{}",
        out.stdout
    );
    // A finding of the other document points into that document.
    assert!(
        out.stdout.contains("--> tests/fixtures/import/vxml/regions.vxml:9:5"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("main: press 0 (operator key) → operator (queue +15550100)"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!("import-vxml-check-hotline", out.stdout);
}

#[test]
fn check_json_places_findings_by_line_and_column() {
    let out = ivrsim(&["check", "--format", "json", HOTLINE]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let findings = json["menus"][0]["findings"].as_array().unwrap();
    let clip = findings
        .iter()
        .find(|f| f["code"] == "W027" && f["message"].as_str().unwrap().contains("welcome.wav"))
        .unwrap();
    assert_eq!((clip["line"].as_u64(), clip["column"].as_u64()), (Some(30), Some(7)));
}

#[test]
fn a_generated_suite_passes_with_full_coverage() {
    let dir = Dir::new();
    let suite = dir.path().join("suite.yaml");
    let hotline = root().join(HOTLINE);
    let gen_out = ivrsim(&[
        "scenarios",
        "generate",
        hotline.to_str().unwrap(),
        "-o",
        suite.to_str().unwrap(),
    ]);
    assert_eq!(gen_out.code, 0, "{}\n{}", gen_out.stdout, gen_out.stderr);
    let out = ivrsim(&["test", suite.to_str().unwrap(), "--min-coverage", "100"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("nodes 31/31 (100.0%), options 17/17 (100.0%), failure edges 28/28 (100.0%)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(" passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn graph_draws_the_document() {
    let out = ivrsim(&["graph", HOTLINE, "--format", "mermaid"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for expected in [
        "▶ main",
        "followup_case_number",
        "regions_south_desk",
        // The route of an `<if>` in a `<filled>`.
        "report_topic_filled_if<br/><i>decides by `topic`</i>",
        // dtmf="true" numbering (VoiceXML 2.0 §2.2.1).
        "-->|\"2 #quot;report something urgent#quot;\"|",
    ] {
        assert!(out.stdout.contains(expected), "no `{expected}` in\n{}", out.stdout);
    }
    let dir = Dir::new();
    let svg = dir.path().join("map.svg");
    let out = ivrsim(&["graph", HOTLINE, "-o", svg.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
}

#[test]
fn scenarios_timed_by_voicexml_rules_pass() {
    // tests/fixtures/import/vxml/timings.yaml: each expected time is derived in its comments
    // from VoiceXML 2.0 (§4.1.7, §5.2.2, §5.2.4, App. D) and the document's properties.
    let out = ivrsim(&["test", "tests/fixtures/import/vxml/timings.yaml", "--coverage", "none"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("7 passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn a_piped_call_follows_the_document() {
    let out = assert_cmd::Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(["call", HOTLINE])
        .write_stdin("3\n12345678\n2\n2\n")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The case number read back digit by digit, the boolean's 2 (`false`), then "anything
    // else?" answered 2: the goodbye of the `<filled>` ending in `<exit/>`.
    assert!(stdout.contains("Case 1 2 3 4 5 6 7 8."), "{stdout}");
    assert!(stdout.contains("We write to you within ten working days"), "{stdout}");
    assert!(
        stdout.contains("Thank you for calling the city service line. Goodbye."),
        "{stdout}"
    );
}

#[test]
fn malformed_documents_are_e022_at_their_place() {
    let out = ivrsim(&["check", &bad("syntax")]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("error[E022]: not well-formed XML")
            && out
                .stdout
                .contains("--> tests/fixtures/import/vxml/bad/syntax.vxml:5:3"),
        "{}",
        out.stdout
    );
    let out = ivrsim(&["check", &bad("entities")]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("a document type declaration (DTD) is not read: its entities could expand without bound\n  --> tests/fixtures/import/vxml/bad/entities.vxml:2:1"),
        "{}",
        out.stdout
    );
    // A file that mentions `<vxml` but is something else.
    let dir = Dir::new();
    dir.write(
        "other.xml",
        "<?xml version=\"1.0\"?>\n<html><!-- not <vxml --></html>\n",
    );
    let out = dir.ivrsim(&["check", "other.xml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("not a VoiceXML document: its root element is `<html>`")
            && out.stdout.contains("other.xml:2:1"),
        "{}",
        out.stdout
    );
}

#[test]
fn jumps_to_missing_dialogs_and_items_are_e006_at_the_jump() {
    let out = ivrsim(&["check", &bad("missing-target")]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("error[E006]: no node `#biling`\n  --> tests/fixtures/import/vxml/bad/missing-target.vxml:6:22"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("did you mean `billing`?"), "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "error[E006]: no node `billing/confirm`\n   --> tests/fixtures/import/vxml/bad/missing-target.vxml:12:21"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn constructs_not_imported_are_w027_with_a_stand_in() {
    let out = ivrsim(&["check", &bad("unknown")]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    for expected in [
        "`<script>` is ECMAScript, which ivrsim does not run: it is left out",
        "a handler for `help`, which ivrsim never raises",
        "`creditcard` is not a built-in type ivrsim knows",
        "without `<reprompt/>` VoiceXML plays only this handler",
        "the condition `pin.length > 12` is ECMAScript that ivrsim does not run: it is taken as false",
        "`<teleport>` is not executable content ivrsim imports",
        "`<subdialog>` runs `verify.vxml`, which is not imported",
        "a bridged transfer comes back to the document",
        "`universals` (help, cancel, exit by voice) are not imported",
    ] {
        assert!(out.stdout.contains(expected), "no `{expected}` in\n{}", out.stdout);
    }
    assert!(!out.stdout.contains("error["), "{}", out.stdout);
}

#[test]
fn a_loop_of_blocks_ends_the_call_and_a_missing_document_is_an_external_flow() {
    let out = ivrsim(&["check", &bad("loop")]);
    assert!(
        out.stdout.contains(
            "warning[W027]: blocks that only jump lead round without saying anything: the call ends here\n  --> tests/fixtures/import/vxml/bad/loop.vxml:5:5"
        ),
        "{}",
        out.stdout
    );
    let out = ivrsim(&["check", &bad("missing-document")]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "the document `outages.vxml` was not found or could not be read: an `external` flow node stands in"
        ) && out.stdout.contains("missing-document.vxml:6:22"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("the application root document `root.vxml` was not found"),
        "{}",
        out.stdout
    );
}

#[test]
fn deep_and_large_documents_are_bounded() {
    let dir = Dir::new();
    let depth = 100_000;
    dir.write(
        "deep.vxml",
        format!(
            "<vxml version=\"2.1\"><form id=\"f\"><block>{}Hello.{}</block></form></vxml>",
            "<if cond=\"x == 1\">".repeat(depth),
            "</if>".repeat(depth)
        ),
    );
    let out = dir.ivrsim(&["check", "deep.vxml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout.contains("nested deeper than 64 elements is not read"),
        "{}",
        out.stdout
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    // Thousands of fields, each served by document handlers up to a count of 999: the
    // re-prompts are bounded (docs/import.md).
    let fields: String = (0..3000)
        .map(|i| format!("<field name=\"f{i}\" type=\"digits?length=4\"><prompt>Field {i}.</prompt></field>"))
        .collect();
    dir.write(
        "large.vxml",
        format!(
            "<vxml version=\"2.1\"><noinput>Again. <reprompt/></noinput><noinput count=\"999\">Last try. <reprompt/></noinput><noinput count=\"1000\"><exit/></noinput><form id=\"f\">{fields}</form></vxml>"
        ),
    );
    let out = dir.ivrsim(&["check", "large.vxml"]);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(
        out.stdout.contains("more than 100000 re-prompts in all"),
        "{}",
        &out.stdout[..out.stdout.len().min(4000)]
    );
}

#[test]
fn the_example_of_docs_import_md_imports_as_it_says() {
    let doc = std::fs::read_to_string(root().join("docs/import.md")).unwrap();
    let section = &doc[doc.find("## VoiceXML 2.0 / 2.1").unwrap()..];
    let fixture = &section[section.find("### 6. Fixture").unwrap()..];
    let xml = fixture.split("```xml\n").nth(1).unwrap().split("```").next().unwrap();
    let dir = Dir::new();
    dir.write("water.vxml", xml);
    let out = dir.ivrsim(&["check", "water.vxml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for expected in [
        "the clip `welcome.wav` is not played",
        "pauses (`<break>`) are not timed",
        "the document `outage.vxml` was not found",
        "`<submit>` sends the call to the server",
        "`<enumerate/>` without content",
        "wrong keys goes round without end from `billing_paid`",
    ] {
        assert!(out.stdout.contains(expected), "no `{expected}` in\n{}", out.stdout);
    }
    let out = dir.ivrsim(&["graph", "water.vxml", "--format", "mermaid"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for expected in [
        "▶ main",
        "billing_acct",
        "billing_paid",
        "leak_severity",
        "leak_msg",
        "[[\"operator<br/><i>queue +15550100</i>",
        "decides by `paid`",
        "decides by `severity`",
        "Account {acct:digits}.",
    ] {
        assert!(out.stdout.contains(expected), "no `{expected}` in\n{}", out.stdout);
    }
}
