//! Unit tests of the VoiceXML importer: each mapping rule on a small document.

use std::path::Path;
use std::time::Duration;

use crate::diag::{Code, Severity, render_plain};
use crate::import::{Platform, import};
use crate::menu::{ExternalApp, GlobalAction, KeyMatchPolicy, Menu, NodeKind, Retries, SetValue, Test};
use crate::source::Sources;

/// What importing `text` (as `dir/test.vxml`, with `others` beside it) gives: the menu and
/// the findings, rendered.
fn import_in(dir: &Path, text: &str, others: &[(&str, &str)]) -> (Option<Menu>, Vec<crate::diag::Diagnostic>, String) {
    for (name, body) in others {
        std::fs::write(dir.join(name), body).unwrap();
    }
    let path = dir.join("test.vxml");
    std::fs::write(&path, text).unwrap();
    let mut sources = Sources::new();
    let file = sources.add(path.display().to_string(), text);
    let out = import(Platform::Vxml, &path, file, &[], &mut sources);
    let shown = render_plain(&sources, &out.diagnostics);
    (out.menu, out.diagnostics, shown)
}

fn vxml(text: &str) -> (Option<Menu>, Vec<crate::diag::Diagnostic>, String) {
    let dir = tempfile::tempdir().unwrap();
    import_in(dir.path(), text, &[])
}

/// A document with the timeouts set, holding `body`.
fn doc(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<vxml version=\"2.1\" xmlns=\"http://www.w3.org/2001/vxml\">\n<property name=\"timeout\" value=\"5s\"/>\n<property name=\"interdigittimeout\" value=\"3s\"/>\n{body}\n</vxml>\n"
    )
}

fn node<'m>(menu: &'m Menu, id: &str) -> &'m NodeKind {
    &menu
        .node(
            menu.find(id)
                .unwrap_or_else(|| panic!("no node `{id}` in {:?}", menu.ids.keys().collect::<Vec<_>>())),
        )
        .kind
}

fn codes(diags: &[crate::diag::Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

const OPERATOR: &str = r##"<form id="operator"><transfer name="op" dest="tel:+15550100"><prompt>Connecting you.</prompt></transfer></form>"##;

#[test]
fn counted_handlers_flatten_into_reprompts_a_limit_and_a_fallback() {
    // VoiceXML 2.0 §5.2.4: the 1st and 2nd no-input run the field's count-1 handler, the 3rd
    // the document's count-3 handler, which leaves.
    let (menu, diags, shown) = vxml(&doc(&format!(
        r##"<noinput count="3"><prompt>Let me put you through.</prompt><goto next="#operator"/></noinput>
<form id="billing"><field name="acct" type="digits?minlength=6;maxlength=8">
  <prompt>Enter your account number.</prompt>
  <noinput>Sorry, I didn't hear. <reprompt/></noinput>
</field></form>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    assert!(!diags.iter().any(|d| d.severity() == Severity::Error), "{shown}");
    let NodeKind::Collect(c) = node(&menu, "billing") else {
        panic!()
    };
    assert_eq!((c.min, c.max), (6, 8));
    assert_eq!(c.terminator.as_ref().map(|t| t.to_string()).as_deref(), Some("#"));
    assert_eq!(c.store, "acct");
    assert_eq!(c.listen.max_no_input, Retries::Limit(3));
    assert_eq!(c.listen.no_input.len(), 1);
    assert_eq!(c.listen.no_input[0].text, "Sorry, I didn't hear.");
    assert_eq!(c.listen.timeout, Duration::from_secs(5));
    assert_eq!(c.listen.counting, crate::menu::Counting::Visit);
    let fallback = c.listen.fallback_no_input.as_ref().unwrap().node().unwrap();
    let NodeKind::Message(m) = &menu.node(fallback).kind else {
        panic!()
    };
    assert_eq!(m.prompt.text, "Let me put you through.");
    assert_eq!(menu.node(m.next.node().unwrap()).id, "operator");
    // No nomatch handler at all: the spec's default re-prompts for ever.
    assert_eq!(c.listen.max_no_match, Retries::Unlimited);
    assert!(
        shown.contains("rely on the platform's default `nomatch` handler"),
        "{shown}"
    );
}

#[test]
fn the_count_beats_the_scope() {
    // §5.2.4: with a field handler A (count 1) and a form handler B (count 2), the 2nd and
    // later no-matches run B.
    let (menu, _, shown) = vxml(&doc(&format!(
        r##"<form id="f"><field name="pin" type="digits?length=4">
  <prompt>Enter your PIN.</prompt>
  <nomatch>A. <reprompt/></nomatch>
</field>
<nomatch count="2">B. <reprompt/></nomatch>
<nomatch count="4"><goto next="#operator"/></nomatch>
</form>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    let NodeKind::Collect(c) = node(&menu, "f") else {
        panic!("{shown}")
    };
    let texts: Vec<&str> = c.listen.no_match.iter().map(|p| p.text.as_str()).collect();
    // The 1st is A, the 2nd and 3rd B (the last re-prompt repeats), the 4th leaves.
    assert_eq!(texts, ["A.", "B."]);
    assert_eq!(c.listen.max_no_match, Retries::Limit(4));
    assert_eq!(
        menu.node(c.listen.fallback_no_match.as_ref().unwrap().node().unwrap())
            .id,
        "operator"
    );
}

#[test]
fn no_handlers_reprompt_for_ever_and_a_lone_high_count_sets_the_limit() {
    let (menu, _, _) = vxml(&doc(&format!(
        r##"<menu id="m"><prompt>Press 1.</prompt><choice dtmf="1" next="#operator">one</choice>
  <nomatch count="2"><goto next="#operator"/></nomatch></menu>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    let NodeKind::Menu(m) = node(&menu, "m") else { panic!() };
    assert_eq!(m.listen.max_no_input, Retries::Unlimited);
    assert!(m.listen.no_input.is_empty());
    // Count 1 is the default handler (the prompt again), count 2 leaves.
    assert_eq!(m.listen.max_no_match, Retries::Limit(2));
    assert!(m.listen.no_match.is_empty());
}

#[test]
fn a_handler_without_reprompt_is_approximated() {
    let (menu, diags, shown) = vxml(&doc(&format!(
        r##"<menu id="m"><prompt>Press 1.</prompt><choice dtmf="1" next="#operator">one</choice>
  <noinput>Hello?</noinput></menu>
{OPERATOR}"##
    )));
    let NodeKind::Menu(m) = node(menu.as_ref().unwrap(), "m") else {
        panic!()
    };
    assert_eq!(m.listen.no_input[0].text, "Hello?");
    assert!(codes(&diags).contains(&"W027"), "{shown}");
    assert!(shown.contains("without `<reprompt/>`"), "{shown}");
}

#[test]
fn dtmf_true_numbers_nine_choices_in_document_order() {
    let choices: String = (1..=10)
        .map(|i| format!("<choice next=\"#operator\">choice {i}</choice>"))
        .collect();
    let (menu, _, shown) = vxml(&doc(&format!(
        r##"<menu id="m" dtmf="true"><prompt>Pick. <enumerate><value expr="_prompt"/> is <value expr="_dtmf"/>.</enumerate></prompt>
<choice dtmf="0" next="#operator">an operator</choice>{choices}</menu>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    let NodeKind::Menu(m) = node(&menu, "m") else { panic!() };
    let keys: Vec<String> = m.options.iter().map(|o| o.key.to_string()).collect();
    assert_eq!(keys, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    assert!(
        m.prompt.text.starts_with("Pick. an operator is 0. choice 1 is 1."),
        "{}",
        m.prompt.text
    );
    assert!(
        shown.contains("a choice after the ninth without `dtmf` has no key"),
        "{shown}"
    );
    assert_eq!(m.options[1].say[0].as_str(), "choice 1");
}

#[test]
fn options_booleans_and_grammars_set_the_field() {
    let (menu, diags, shown) = vxml(&doc(&format!(
        r##"<form id="f">
<field name="kind"><prompt>Leak, 1. Drip, 2.</prompt>
  <option dtmf="1" value="flood">flooding</option><option dtmf="2">drip</option><option>spoken only</option></field>
<field name="ok" type="boolean?y=7;n=9"><prompt>Yes 7, no 9.</prompt></field>
<field name="ch"><prompt>1 or 2.</prompt>
  <grammar mode="dtmf" root="r"><rule id="r"><one-of><item>1<tag>out='email';</tag></item><item>2</item></one-of></rule></grammar></field>
</form>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    let set_of = |kind: &NodeKind| -> Vec<(String, String)> {
        let NodeKind::Menu(m) = kind else { panic!() };
        m.options
            .iter()
            .map(|o| {
                let SetValue::Text(v) = &o.set[0].value else { panic!() };
                (o.key.to_string(), v.clone())
            })
            .collect()
    };
    assert_eq!(
        set_of(node(&menu, "f_kind")),
        [("1".into(), "flood".into()), ("2".into(), "drip".into())]
    );
    assert_eq!(
        set_of(node(&menu, "f_ok")),
        [("7".into(), "true".into()), ("9".into(), "false".into())]
    );
    assert_eq!(
        set_of(node(&menu, "f_ch")),
        [("1".into(), "email".into()), ("2".into(), "2".into())]
    );
    assert!(shown.contains("an option without `dtmf` can only be spoken"), "{shown}");
    assert!(!diags.iter().any(|d| d.severity() == Severity::Error), "{shown}");
}

#[test]
fn filled_conditions_become_routes_and_ecmascript_is_taken_as_false() {
    let (menu, _, shown) = vxml(&doc(&format!(
        r##"<form id="f"><field name="n" type="digits?length=1"><prompt>A digit.</prompt>
<filled>
  <if cond="n == 1"><goto next="#operator"/>
  <elseif cond="n &gt; 5 &amp;&amp; n &lt; 9"/><prompt>Big.</prompt><exit/>
  <elseif cond="isPrime(n)"/><prompt>Prime.</prompt>
  <else/><prompt>Other.</prompt></if>
</filled></field></form>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    let NodeKind::Collect(c) = node(&menu, "f") else {
        panic!()
    };
    let NodeKind::Route(r) = &menu.node(c.next.node().unwrap()).kind else {
        panic!("{shown}")
    };
    assert_eq!(r.routes.len(), 2);
    assert!(matches!(&r.routes[0].when[0], Test::Between { var, low, .. } if var == "n" && *low == 1.0));
    assert_eq!(r.routes[1].when.len(), 2);
    let NodeKind::Hangup(h) = &menu.node(r.routes[1].to.node().unwrap()).kind else {
        panic!()
    };
    assert_eq!(h.prompt.as_ref().unwrap().text, "Big.");
    let NodeKind::Message(other) = &menu.node(r.default.node().unwrap()).kind else {
        panic!()
    };
    assert_eq!(other.prompt.text, "Other.");
    // After the last item: the form ends.
    assert!(matches!(
        menu.node(other.next.node().unwrap()).kind,
        NodeKind::Hangup(_)
    ));
    assert!(shown.contains("the condition `isPrime(n)` is ECMAScript"), "{shown}");
}

#[test]
fn audio_plays_a_clip_beside_the_document_else_a_caption_stands_in() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("here.wav"), b"RIFF").unwrap();
    let (menu, _, shown) = import_in(
        dir.path(),
        &doc(&format!(
            r##"<form id="f">
<block name="a"><prompt><audio src="here.wav"/></prompt></block>
<block name="b"><prompt><audio src="http://example.org/gone.wav"/></prompt></block>
<block name="c"><audio src="gone.wav">Fallback words.</audio></block>
<block name="d"><prompt>Your case is <say-as interpret-as="vxml:digits"><value expr="case_no"/></say-as>, {{brace}}.</prompt><goto next="#operator"/></block>
</form>
{OPERATOR}"##
        )),
        &[],
    );
    let menu = menu.unwrap();
    let text = |id: &str| {
        let NodeKind::Message(m) = node(&menu, id) else {
            panic!()
        };
        (m.prompt.text.clone(), m.prompt.audio.as_ref().map(|c| c.name.clone()))
    };
    assert_eq!(text("f_a"), ("[audio: here.wav]".into(), Some("here.wav".into())));
    assert_eq!(text("f_b"), ("[audio: gone.wav]".into(), None));
    assert_eq!(text("f_c"), ("Fallback words.".into(), None));
    assert_eq!(text("f_d").0, "Your case is {case_no:digits}, (brace).");
    assert!(shown.contains("the clip `gone.wav` is not played: no such file lies beside the document; the caption `[audio: …]` stands in"), "{shown}");
    assert!(shown.contains("its fallback text is read instead"), "{shown}");
}

#[test]
fn records_transfers_exits_and_submits() {
    let (menu, diags, shown) = vxml(&doc(&format!(
        r##"<form id="msg">
<record name="rec" maxtime="60s" finalsilence="2s"><prompt>Speak after the tone.</prompt>
  <noinput><prompt>Nothing heard.</prompt><disconnect/></noinput>
  <filled><submit next="https://example.org/save" namelist="rec"/></filled></record>
</form>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    let NodeKind::Record(r) = node(&menu, "msg") else {
        panic!()
    };
    assert!(!r.beep, "VoiceXML's beep defaults to false");
    assert_eq!(r.max_length, Duration::from_secs(60));
    assert_eq!(r.final_silence, Duration::from_secs(2));
    assert_eq!(r.store, "rec");
    assert!(r.terminator.is_none());
    let NodeKind::Hangup(h) = &menu.node(r.no_speech.as_ref().unwrap().node().unwrap()).kind else {
        panic!()
    };
    assert_eq!(h.prompt.as_ref().unwrap().text, "Nothing heard.");
    let NodeKind::External(e) = &menu.node(r.next.node().unwrap()).kind else {
        panic!()
    };
    assert_eq!(
        (e.app, e.name.as_str()),
        (ExternalApp::Flow, "https://example.org/save")
    );
    let NodeKind::Transfer(t) = node(&menu, "operator") else {
        panic!()
    };
    assert_eq!(t.queue, "+15550100");
    assert!(shown.contains("`<submit>` sends the call to the server"), "{shown}");
    assert!(!diags.iter().any(|d| d.severity() == Severity::Error), "{shown}");
}

#[test]
fn links_become_global_keys() {
    let (menu, _, shown) = vxml(&doc(&format!(
        r##"<link dtmf="0" next="#operator"/><link dtmf="*" next="#m"/>
<menu id="m"><prompt>Press 1.</prompt><choice dtmf="1" next="#operator">one</choice></menu>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    assert_eq!(
        menu.defaults
            .keys
            .operator
            .as_ref()
            .map(|k| k.key.to_string())
            .as_deref(),
        Some("0"),
        "{shown}"
    );
    assert_eq!(
        menu.defaults
            .keys
            .main_menu
            .as_ref()
            .map(|k| k.key.to_string())
            .as_deref(),
        Some("*")
    );
    assert_eq!(
        menu.node(menu.defaults.operator.as_ref().unwrap().node().unwrap()).id,
        "operator"
    );
    let _ = GlobalAction::Operator;
    let NodeKind::Menu(m) = node(&menu, "m") else { panic!() };
    assert_eq!(m.listen.key_match, KeyMatchPolicy::Early);
    assert!(m.listen.type_ahead);
}

#[test]
fn jumps_to_nothing_are_e006_at_the_jump() {
    let text = doc(&format!(
        r##"<menu id="m"><prompt>Press 1.</prompt><choice dtmf="1" next="#nowhere">one</choice><choice dtmf="2" next="#operator">two</choice></menu>
{OPERATOR}"##
    ));
    let (_, diags, shown) = vxml(&text);
    assert!(shown.contains("error[E006]: no node `#nowhere`"), "{shown}");
    let d = diags.iter().find(|d| d.code == Code::UnknownTarget).unwrap();
    assert_eq!(
        &text[d.primary.span.start as usize..d.primary.span.end as usize],
        "next=\"#nowhere\""
    );
}

#[test]
fn other_documents_are_read_or_stood_in_for() {
    let dir = tempfile::tempdir().unwrap();
    let (menu, _, shown) = import_in(
        dir.path(),
        &doc(&format!(
            r##"<menu id="m"><prompt>1 or 2.</prompt><choice dtmf="1" next="other.vxml#second">there</choice>
<choice dtmf="2" next="missing.vxml">gone</choice></menu>
{OPERATOR}"##
        )),
        &[(
            "other.vxml",
            "<vxml version=\"2.1\"><form id=\"first\"><block>First.<goto next=\"test.vxml#operator\"/></block></form><form id=\"second\"><block>Second.<goto next=\"test.vxml#m\"/></block></form></vxml>",
        )],
    );
    let menu = menu.unwrap();
    let NodeKind::Menu(m) = node(&menu, "m") else { panic!() };
    assert_eq!(menu.node(m.options[0].to.node().unwrap()).id, "other_second");
    let NodeKind::External(e) = &menu.node(m.options[1].to.node().unwrap()).kind else {
        panic!()
    };
    assert_eq!(e.name, "missing.vxml");
    assert!(shown.contains("the document `missing.vxml` was not found"), "{shown}");
    let NodeKind::Message(back) = node(&menu, "other_second") else {
        panic!()
    };
    assert_eq!(menu.node(back.next.node().unwrap()).id, "m");
}

#[test]
fn going_back_to_an_earlier_item_keeps_counters_in_voicexml() {
    let (_, _, shown) = vxml(&doc(&format!(
        r##"<form id="f"><field name="a" type="digits?length=2"><prompt>A.</prompt></field>
<field name="b" type="digits?length=2"><prompt>B.</prompt><filled><if cond="b == 99"><goto nextitem="a"/></if></filled></field>
<field name="c" type="digits?length=2"><prompt>C.</prompt><filled><goto nextitem="c"/></filled></field></form>
{OPERATOR}"##
    )));
    assert!(shown.contains("a jump back to an earlier item"), "{shown}");
    assert!(shown.contains("the item is asked again without `<clear>`"), "{shown}");
}

#[test]
fn throws_run_their_handler_and_blocks_that_loop_end() {
    let (menu, _, shown) = vxml(&doc(&format!(
        r##"<catch event="app.help"><prompt>Help is coming.</prompt><goto next="#operator"/></catch>
<form id="f"><block name="a"><throw event="app.help"/></block></form>
<form id="g"><block name="x"><goto nextitem="y"/></block><block name="y"><goto nextitem="x"/></block></form>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    assert_eq!(menu.node(menu.entry.node().unwrap()).id, {
        let NodeKind::Message(m) = &menu.node(menu.entry.node().unwrap()).kind else {
            panic!("{shown}")
        };
        assert_eq!(m.prompt.text, "Help is coming.");
        menu.node(menu.entry.node().unwrap()).id.clone()
    });
    assert!(shown.contains("blocks that only jump lead round"), "{shown}");
}

#[test]
fn bad_documents_are_e022_with_their_place() {
    let (menu, diags, shown) = vxml("<vxml version=\"2.1\">\n  <form>\n</vxml>");
    assert!(menu.is_none());
    assert_eq!(codes(&diags), ["E022"], "{shown}");
    assert!(shown.contains("test.vxml:3:"), "{shown}");
    let (menu, _, shown) = vxml("<?xml version=\"1.0\"?>\n<!DOCTYPE vxml [<!ENTITY a \"aaaa\">]>\n<vxml>&a;</vxml>");
    assert!(menu.is_none());
    assert!(shown.contains("DTD"), "{shown}");
    let (menu, diags, shown) = vxml("<vxml version=\"2.1\">\n  <property name=\"timeout\" value=\"5s\"/>\n</vxml>");
    assert!(menu.is_none());
    assert_eq!(codes(&diags), ["E022"], "{shown}");
    assert!(shown.contains("the document has no `<form>` or `<menu>`"), "{shown}");
    let (menu, _, shown) = vxml("<menus><!-- <vxml --></menus>");
    assert!(menu.is_none());
    assert!(shown.contains("not a VoiceXML document"), "{shown}");
    // The standard DOCTYPE is blanked and the document read.
    let (menu, _, shown) = vxml(&doc(OPERATOR).replace(
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE vxml PUBLIC \"-//W3C//DTD VOICEXML 2.1//EN\" \"vxml.dtd\">",
    ));
    assert!(menu.is_some(), "{shown}");
    let (_, _, shown) = vxml(&doc(&format!(
        r##"<form id="f"><field name="x" type="digits?length=two"><prompt>X.</prompt><property name="timeout" value="soon"/></field></form>{OPERATOR}"##
    )));
    assert!(shown.contains("`length=two` is not a whole number"), "{shown}");
    assert!(
        shown.contains("`timeout` = `soon` is not a time designation"),
        "{shown}"
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let depth = 5_000;
    let body = format!(
        "<form id=\"f\"><block>{}<goto next=\"#operator\"/>{}</block></form>{OPERATOR}",
        "<if cond=\"x == 1\">".repeat(depth),
        "</if>".repeat(depth)
    );
    let (_, _, shown) = vxml(&doc(&body));
    assert!(shown.contains("nested deeper than 64 elements"), "{shown}");
}

#[test]
fn timeouts_left_to_the_platform_are_one_finding() {
    let (menu, _, shown) = vxml(&format!(
        r##"<vxml version="2.1"><form id="f"><field name="x" type="digits?length=4"><prompt>X.</prompt></field></form>{OPERATOR}</vxml>"##
    ));
    let NodeKind::Collect(c) = node(menu.as_ref().unwrap(), "f") else {
        panic!()
    };
    assert_eq!(c.listen.timeout, super::DEFAULT_TIMEOUT);
    assert_eq!(c.listen.inter_digit_timeout, super::DEFAULT_INTER_DIGIT_TIMEOUT);
    assert_eq!(shown.matches("no `timeout` property").count(), 1, "{shown}");
    assert_eq!(shown.matches("no `interdigittimeout` property").count(), 1, "{shown}");
}

#[test]
fn time_designations() {
    assert_eq!(super::parse_time("2.5s"), Some(Duration::from_millis(2500)));
    assert_eq!(super::parse_time(" 500ms "), Some(Duration::from_millis(500)));
    assert_eq!(super::parse_time("5"), None);
    assert_eq!(super::parse_time("-1s"), None);
    assert_eq!(super::parse_time("1.2.3s"), None);
}

#[test]
fn a_run_of_ifs_adds_each_continuation_once() {
    let ifs: String = (0..30)
        .map(|i| format!("<if cond=\"n == {i}\"><prompt>Was {i}.</prompt></if>"))
        .collect();
    let (menu, _, shown) = vxml(&doc(&format!(
        r##"<form id="f"><field name="n" type="digits?length=2"><prompt>Two digits.</prompt><filled>{ifs}<goto next="#operator"/></filled></field></form>
<form id="empty"><filled><goto next="#empty"/></filled></form>
{OPERATOR}"##
    )));
    let menu = menu.unwrap();
    // A route and a message per `<if>`, not one per way through them (2^30).
    assert!(menu.nodes.len() < 100, "{} nodes\n{shown}", menu.nodes.len());
    let NodeKind::Collect(c) = node(&menu, "f") else {
        panic!()
    };
    let NodeKind::Route(r) = &menu.node(c.next.node().unwrap()).kind else {
        panic!()
    };
    let NodeKind::Message(m) = &menu.node(r.routes[0].to.node().unwrap()).kind else {
        panic!()
    };
    assert_eq!(m.prompt.text, "Was 0.");
    // Both ways go on to the second `<if>`.
    assert_eq!(m.next.node(), r.default.node());
}

#[test]
fn application_root_handlers_and_properties_apply() {
    let dir = tempfile::tempdir().unwrap();
    let root = r##"<vxml version="2.1"><property name="timeout" value="7s"/>
<nomatch>Root says no. <reprompt/></nomatch>
<nomatch count="2"><goto next="test.vxml#operator"/></nomatch></vxml>"##;
    let (menu, _, shown) = import_in(
        dir.path(),
        &format!(
            r##"<vxml version="2.1" application="root.vxml"><menu id="m"><prompt>Press 1.</prompt><choice dtmf="1" next="#operator">one</choice></menu>{OPERATOR}</vxml>"##
        ),
        &[("root.vxml", root)],
    );
    let menu = menu.unwrap();
    let NodeKind::Menu(m) = node(&menu, "m") else { panic!() };
    assert_eq!(m.listen.timeout, Duration::from_secs(7), "{shown}");
    assert_eq!(m.listen.no_match[0].text, "Root says no.");
    assert_eq!(m.listen.max_no_match, Retries::Limit(2));
    assert_eq!(
        menu.node(m.listen.fallback_no_match.as_ref().unwrap().node().unwrap())
            .id,
        "operator"
    );
    assert!(!shown.contains("application root document"), "{shown}");
}

#[test]
fn a_handler_jumping_on_leaves_its_item_unfilled() {
    let (menu, _, shown) = vxml(&doc(&format!(
        r##"<form id="f"><field name="a" type="digits?length=2"><prompt>A.</prompt>
  <noinput count="2"><goto nextitem="b"/></noinput></field>
<field name="b" type="digits?length=2"><prompt>B.</prompt></field></form>
{OPERATOR}"##
    )));
    let NodeKind::Collect(a) = node(menu.as_ref().unwrap(), "f_a") else {
        panic!()
    };
    assert_eq!(a.listen.max_no_input, Retries::Limit(2));
    assert!(
        shown.contains("or from a handler, whose item stays unfilled"),
        "{shown}"
    );
}

#[test]
fn handlers_of_events_ivrsim_never_raises_are_named() {
    let (_, _, shown) = vxml(&doc(&format!(
        r##"<catch event="noinput help"><prompt>Say or press something.</prompt><reprompt/></catch>
<catch event="app"><goto next="#operator"/></catch>
<catch event="connection.disconnect.hangup"><exit/></catch>
<form id="f"><block><throw event="app.lost"/></block></form>
{OPERATOR}"##
    )));
    assert!(
        shown.contains("this handler also catches `help`, which ivrsim never raises"),
        "{shown}"
    );
    assert!(
        shown.contains("a handler for `connection.disconnect.hangup`"),
        "{shown}"
    );
    assert!(!shown.contains("a handler for `app`"), "{shown}");
}
