//! Unit tests of the mod_ivr importer: each rule of the module documentation on a small menu.

use std::path::Path;
use std::time::Duration;

use super::*;
use crate::diag::{Code, Diagnostic};
use crate::menu::{Listen, Menu, MenuNode, NodeKind, Target};
use crate::source::Sources;

/// Imports `xml` as if read from `path`, with its findings rendered.
fn import_at(path: &Path, xml: &str) -> (Option<Menu>, Vec<Diagnostic>, String) {
    let mut sources = Sources::new();
    let out = crate::menu::load_menu_text(path, xml, &mut sources);
    let shown = crate::diag::render_plain(&sources, &out.diagnostics);
    (out.menu, out.diagnostics, shown)
}

/// Imports `xml` from a folder that does not exist (no phrase files, no clips).
fn import(xml: &str) -> (Menu, Vec<Diagnostic>, String) {
    let (menu, diags, shown) = import_at(Path::new("/nonexistent-ivrsim-test/ivr.conf.xml"), xml);
    (menu.unwrap_or_else(|| panic!("no menu:\n{shown}")), diags, shown)
}

fn conf(menus: &str) -> String {
    format!("<configuration name=\"ivr.conf\"><menus>\n{menus}\n</menus></configuration>\n")
}

fn menu_node<'m>(menu: &'m Menu, id: &str) -> &'m MenuNode {
    let n = menu.node(menu.find(id).unwrap_or_else(|| panic!("no node {id}")));
    match &n.kind {
        NodeKind::Menu(m) => m,
        other => panic!("{id} is {}", other.name()),
    }
}

fn listen<'m>(menu: &'m Menu, id: &str) -> &'m Listen {
    &menu_node(menu, id).listen
}

/// The id of the node `r` leads to.
fn to(menu: &Menu, r: &crate::menu::NodeRef) -> String {
    match r.target {
        Target::Node(id) => menu.node(id).id.clone(),
        other => format!("{other:?}({})", r.name),
    }
}

/// Where option `key` of menu `id` leads.
fn option(menu: &Menu, id: &str, key: &str) -> String {
    let m = menu_node(menu, id);
    let o = m
        .options
        .iter()
        .find(|o| o.key.as_str() == key && o.pattern.is_none())
        .unwrap_or_else(|| panic!("no key {key} in {id}"));
    to(menu, &o.to)
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn a_menu_without_timing_attributes_gets_switch_ivr_menu_defaults() {
    let xml = conf(
        r#"<menu name="m" greet-long="say:Press one or two."><entry action="menu-exit" digits="1"/><entry action="menu-exit" digits="2"/></menu>"#,
    );
    let (menu, diags, shown) = import(&xml);
    let l = listen(&menu, "m");
    assert_eq!(l.timeout, Duration::from_millis(DEFAULT_TIMEOUT_MS));
    assert_eq!(l.max_no_input, Retries::Limit(DEFAULT_MAX_TIMEOUTS));
    assert_eq!(l.max_no_match, Retries::Limit(DEFAULT_MAX_FAILURES));
    assert_eq!(l.counting, Counting::FreeSwitch);
    assert_eq!(l.key_match, KeyMatchPolicy::FullLength { digit_len: Some(1) });
    assert!(l.barge_in && l.type_ahead);
    assert!(l.no_input.is_empty() && l.no_match.is_empty());
    // Neither timeout: no inter-digit timer in FreeSWITCH; with one-key entries it does not
    // matter, so no finding.
    assert_eq!(l.inter_digit_timeout, Duration::from_secs(10));
    assert!(!shown.contains("inter-digit"), "{shown}");
    assert!(codes(&diags).iter().all(|c| *c == "W027"), "{shown}");
}

#[test]
fn the_inter_digit_timeout_is_half_the_timeout_as_written() {
    let xml = conf(
        r#"<menu name="a" greet-long="say:A." timeout="10000"><entry action="menu-exit" digits="1"/></menu>
<menu name="b" greet-long="say:B." timeout="9001" inter-digit-timeout="1500"><entry action="menu-exit" digits="1"/></menu>
<menu name="c" greet-long="say:C." digit-len="4"><entry action="menu-exit" digits="1"/></menu>"#,
    );
    let (menu, _, shown) = import(&xml);
    assert_eq!(listen(&menu, "a").inter_digit_timeout, Duration::from_millis(5000));
    assert_eq!(listen(&menu, "b").inter_digit_timeout, Duration::from_millis(1500));
    assert_eq!(listen(&menu, "b").timeout, Duration::from_millis(9001));
    // `c`: neither attribute and entries of 4 keys: the 10 s cap stands in, with a finding.
    assert_eq!(listen(&menu, "c").inter_digit_timeout, Duration::from_secs(10));
    assert!(
        shown.contains("no inter-digit timeout: FreeSWITCH times an entry of several keys only by its 10000 ms limit"),
        "{shown}"
    );
}

#[test]
fn max_timeouts_copies_max_failures_and_bad_numbers_read_as_atoi() {
    let xml = conf(
        r#"<menu name="a" greet-long="say:A." max-failures="5"><entry action="menu-exit" digits="1"/></menu>
<menu name="b" greet-long="say:B." max-failures="2" max-timeouts="0"><entry action="menu-exit" digits="1"/></menu>
<menu name="c" greet-long="say:C." timeout="8s" max-failures="5000"><entry action="menu-exit" digits="1"/></menu>"#,
    );
    let (menu, _, shown) = import(&xml);
    assert_eq!(listen(&menu, "a").max_no_input, Retries::Limit(5));
    assert_eq!(listen(&menu, "b").max_no_input, Retries::Limit(DEFAULT_MAX_TIMEOUTS));
    assert_eq!(listen(&menu, "b").max_no_match, Retries::Limit(2));
    // `8s` is 8 for atoi: 8 ms.
    assert_eq!(listen(&menu, "c").timeout, Duration::from_millis(8));
    assert!(shown.contains("`timeout=\"8s\"` is not a number; read as 8"), "{shown}");
    assert_eq!(listen(&menu, "c").max_no_match, Retries::Limit(MAX_RETRIES));
    assert!(shown.contains("imported as 1000, the largest retry limit"), "{shown}");
}

#[test]
fn digit_len_is_raised_by_literal_binds_but_not_by_regex_binds() {
    let xml = conf(
        r#"<menu name="m" greet-long="say:Dial." digit-len="2">
  <entry action="menu-exit" digits="123"/>
  <entry action="menu-exec-app" digits="/^(4[0-9]{3})$/" param="transfer $1 XML default"/>
  <entry action="menu-exec-app" digits="/^5[0-9]$/" param="transfer sales XML default"/>
</menu>"#,
    );
    let (menu, _, shown) = import(&xml);
    let m = menu_node(&menu, "m");
    assert_eq!(m.listen.key_match, KeyMatchPolicy::FullLength { digit_len: Some(3) });
    // The 4-key regex can never match entries of 3 keys: left out, as FreeSWITCH never takes it.
    assert!(shown.contains("`/^(4[0-9]{3})$/` needs at least 4 keys"), "{shown}");
    assert_eq!(m.options.len(), 2);
    let p = m.options[1].pattern.as_ref().expect("a pattern option");
    assert_eq!(p.as_str(), "/^5[0-9]$/");
    assert_eq!(m.options[1].store, None);
}

#[test]
fn a_regex_bind_with_dollar_one_stores_the_digits() {
    let xml = conf(
        r#"<menu name="m" greet-long="say:Dial." digit-len="4">
  <entry action="menu-exec-app" digits="/^(10[01][0-9])$/i" param="transfer $1 XML features"/>
</menu>"#,
    );
    let (menu, _, shown) = import(&xml);
    let m = menu_node(&menu, "m");
    assert_eq!(
        m.options[0].pattern.as_ref().map(KeyPattern::as_str),
        Some("/^(10[01][0-9])$/")
    );
    assert_eq!(m.options[0].store.as_deref(), Some(DIGITS_VARIABLE));
    assert_eq!(m.options[0].key.as_str(), "1000");
    let NodeKind::Transfer(t) = &menu.node(menu.find("transfer_extension").unwrap()).kind else {
        panic!("{shown}")
    };
    assert_eq!(t.queue, "extension");
    assert!(shown.contains("filled in when the call runs"), "{shown}");
}

const TREE: &str = r##"<menu name="main" greet-long="say:Main." greet-short="say:Short." invalid-sound="say:Invalid." exit-sound="say:Goodbye.">
  <entry action="menu-sub" digits="1" param="sub"/>
  <entry action="menu-exit" digits="*"/>
  <entry action="menu-back" digits="#"/>
  <entry action="menu-play-sound" digits="3" param="say:Open all night."/>
</menu>
<menu name="sub" greet-long="say:Sub." exit-sound="say:Never played.">
  <entry action="menu-back" digits="*"/>
  <entry action="menu-top" digits="9"/>
  <entry action="menu-sub" digits="8" param="sub"/>
</menu>"##;

#[test]
fn menu_actions_map_to_options() {
    let (menu, _, shown) = import(&conf(TREE));
    assert_eq!(menu.node(menu.entry.node().unwrap()).id, "main");
    assert_eq!(option(&menu, "main", "1"), "sub");
    assert_eq!(option(&menu, "main", "*"), "exit");
    assert_eq!(option(&menu, "main", "#"), "exit");
    assert_eq!(option(&menu, "sub", "*"), "main");
    assert_eq!(option(&menu, "sub", "9"), "main");
    assert_eq!(option(&menu, "sub", "8"), "sub");
    // menu-play-sound: a message that cannot be interrupted, back to the menu.
    let sound = option(&menu, "main", "3");
    let NodeKind::Message(msg) = &menu.node(menu.find(&sound).unwrap()).kind else {
        panic!("{sound}")
    };
    assert_eq!(msg.prompt.text, "Open all night.");
    assert!(!msg.barge_in);
    assert_eq!(to(&menu, &msg.next), "main");
    // The exit: the top menu's exit-sound, then the line hangs up.
    let NodeKind::Hangup(h) = &menu.node(menu.find("exit").unwrap()).kind else {
        panic!()
    };
    assert_eq!(h.prompt.as_ref().map(|p| p.text.as_str()), Some("Goodbye."));
    assert_eq!(h.reason, "menu-exit");
    for words in [
        "`menu-sub` of `sub` itself leads back to `sub`, entered afresh",
        "`menu-top` leads to the top menu `main`",
        "the exit-sound of a menu other than the top one is not imported",
        "returning from `sub` (its retry limits, `menu-back`) leads to `main`",
        "`#`, which ends an entry in FreeSWITCH",
        "returns to the dialplan",
    ] {
        assert!(shown.contains(words), "{words:?} in\n{shown}");
    }
}

#[test]
fn retry_limits_end_the_top_menu_and_return_a_sub_menu_to_its_parent() {
    let (menu, _, _) = import(&conf(TREE));
    // main: the invalid-sound, then the exit-sound, as one hang-up.
    let main = listen(&menu, "main");
    let fail = to(&menu, main.fallback_no_match.as_ref().unwrap());
    let NodeKind::Hangup(h) = &menu.node(menu.find(&fail).unwrap()).kind else {
        panic!("{fail}")
    };
    assert_eq!(h.prompt.as_ref().unwrap().text, "Invalid. Goodbye.");
    assert_eq!(h.reason, "max-failures");
    let timeout = to(&menu, main.fallback_no_input.as_ref().unwrap());
    assert_eq!(timeout, "exit_max_timeouts");
    // sub: back to main either way (it has no invalid-sound).
    let sub = listen(&menu, "sub");
    assert_eq!(to(&menu, sub.fallback_no_match.as_ref().unwrap()), "main");
    assert_eq!(to(&menu, sub.fallback_no_input.as_ref().unwrap()), "main");
    assert_eq!(
        menu_node(&menu, "main").listen.short_prompt.as_ref().unwrap().text,
        "Short."
    );
    assert_eq!(main.no_match[0].text, "Invalid.");
}

#[test]
fn exec_on_max_applications_are_the_fallbacks() {
    let xml = conf(
        r#"<menu name="main" greet-long="say:Main." invalid-sound="say:Invalid." exec-on-max-failures="transfer operator XML default" exec-on-max-timeouts="hangup NO_USER_RESPONSE">
  <entry action="menu-sub" digits="1" param="sub"/>
</menu>
<menu name="sub" greet-long="say:Sub." exec-on-max-timeouts="playback sounds/closed.wav" exec-on-max-failures="set failed=true">
  <entry action="menu-back" digits="*"/>
</menu>"#,
    );
    let (menu, _, shown) = import(&xml);
    let main = listen(&menu, "main");
    let fail = to(&menu, main.fallback_no_match.as_ref().unwrap());
    let NodeKind::Message(m) = &menu.node(menu.find(&fail).unwrap()).kind else {
        panic!("{fail}")
    };
    assert_eq!(m.prompt.text, "Invalid.");
    assert_eq!(to(&menu, &m.next), "transfer_operator");
    assert_eq!(
        to(&menu, main.fallback_no_input.as_ref().unwrap()),
        "hangup_no_user_response"
    );
    // sub: playback returns, then back to the parent; `set` is silent.
    let sub = listen(&menu, "sub");
    let play = to(&menu, sub.fallback_no_input.as_ref().unwrap());
    let NodeKind::Message(m) = &menu.node(menu.find(&play).unwrap()).kind else {
        panic!("{play}")
    };
    assert_eq!(m.prompt.text, "[audio: closed.wav]");
    assert_eq!(to(&menu, &m.next), "main");
    assert_eq!(to(&menu, sub.fallback_no_match.as_ref().unwrap()), "main");
    assert!(
        shown.contains("`set failed=true` runs `set`, which a caller does not hear"),
        "{shown}"
    );
    assert!(
        shown.contains("the recording `sounds/closed.wav` is not played"),
        "{shown}"
    );
}

#[test]
fn applications_become_transfers_externals_and_hangups() {
    let xml = conf(
        r#"<menu name="m" greet-long="say:Apps." transfer-sound="say:Connecting.">
  <entry action="menu-exec-app" digits="1" param="transfer 9000 XML default"/>
  <entry action="menu-exec-app" digits="2" param="bridge user/1100@${domain_name}"/>
  <entry action="menu-exec-app" digits="3" param="voicemail default ${domain_name} 1200"/>
  <entry action="menu-exec-app" digits="4" param="hangup"/>
  <entry action="menu-exec-app" digits="5" param="lua lookup.lua"/>
  <entry action="menu-exec-app" digits="6" param="callcenter support@default"/>
  <entry action="menu-exec-app" digits="7" param=""/>
  <entry action="menu-exec-app" digits="8" param="5000 XML default"/>
</menu>"#,
    );
    let (menu, _, shown) = import(&xml);
    let kind = |key: &str| menu.node(menu.find(&option(&menu, "m", key)).unwrap()).kind.clone();
    let NodeKind::Transfer(t) = kind("1") else { panic!() };
    assert_eq!(
        (t.queue.as_str(), t.prompt.as_ref().map(|p| p.text.as_str())),
        ("9000", Some("Connecting."))
    );
    let NodeKind::Transfer(t) = kind("2") else { panic!() };
    assert_eq!(t.queue, "1100");
    let Some(NoOperator::Goto { to: back }) = &t.when_no_operator else {
        panic!("{:?}", t.when_no_operator)
    };
    assert_eq!(to(&menu, back), "m");
    let NodeKind::External(x) = kind("3") else { panic!() };
    assert_eq!((x.app, x.name.as_str()), (ExternalApp::Voicemail, "1200"));
    let NodeKind::Hangup(h) = kind("4") else { panic!() };
    assert_eq!(h.reason, "hangup");
    let NodeKind::External(x) = kind("5") else { panic!() };
    assert_eq!((x.app, x.name.as_str()), (ExternalApp::Application, "lua lookup.lua"));
    let NodeKind::Transfer(t) = kind("6") else { panic!() };
    assert_eq!(t.queue, "support");
    assert_eq!(option(&menu, "m", "7"), "exit");
    assert_eq!(option(&menu, "m", "8"), "exit");
    assert!(
        shown.contains("`5000` is not an application (did you mean `transfer 5000 XML default`?)"),
        "{shown}"
    );
    assert!(shown.contains("runs the application `lua`"), "{shown}");
}

#[test]
fn entries_freeswitch_cannot_take_are_left_out_with_a_finding() {
    let xml = conf(
        r#"<menu name="m" greet-long="say:Entries." digit-len="1" colour="blue">
  <entry action="menu-say-phrase" digits="1" param="hours"/>
  <entry action="Menu-Exit" digits="2"/>
  <entry action="menu-exit"/>
  <entry action="menu-exit" digits="~^\d{4}$"/>
  <entry action="menu-exit" digits="/^[ab]$/"/>
  <entry action="menu-exit" digits="/^(1"/>
  <entry action="menu-exit" digits="5"/>
  <entry action="menu-top" digits="5"/>
  <entry action="menu-exit" digits="6" note="x"/>
</menu>"#,
    );
    let (menu, diags, shown) = import(&xml);
    let m = menu_node(&menu, "m");
    let keys: Vec<&str> = m.options.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["5", "6"]);
    // The `~` bind is literal in FreeSWITCH and raises inlen to its 8 characters.
    assert_eq!(m.listen.key_match, KeyMatchPolicy::FullLength { digit_len: Some(8) });
    for words in [
        "`colour` is not an attribute of a mod_ivr menu",
        "`menu-say-phrase` is not a mod_ivr action (it was removed from FreeSWITCH in 2008",
        "`Menu-Exit` is not a mod_ivr action (actions are compared case-sensitively)",
        "an entry without `digits` is left out",
        "a regular expression bind starts with `/`, e.g. `/^\\d{4}$/`",
        "`/^[ab]$/` matches no keys a caller can press",
        "the regular expression `/^(1` has no closing `/`",
        "a second entry on `5` is left out",
        "`note` is not an attribute of a mod_ivr entry",
    ] {
        assert!(shown.contains(words), "{words:?} in\n{shown}");
    }
    assert!(!codes(&diags).iter().any(|c| c.starts_with('E')), "{shown}");
}

#[test]
fn an_unknown_sub_menu_is_an_unknown_node_and_loops_are_reported() {
    let xml = conf(
        r#"<menu name="a" greet-long="say:A."><entry action="menu-sub" digits="1" param="b"/><entry action="menu-sub" digits="2" param="nowhere"/></menu>
<menu name="b" greet-long="say:B."><entry action="menu-sub" digits="1" param="c"/></menu>
<menu name="c" greet-long="say:C."><entry action="menu-sub" digits="1" param="b"/></menu>"#,
    );
    let (_, diags, shown) = import(&xml);
    assert!(shown.contains("error[E006]: no node `nowhere`"), "{shown}");
    assert!(codes(&diags).contains(&"E006"));
    assert_eq!(shown.matches("closes a loop of sub-menus").count(), 2, "{shown}");
    // `c` is run only by `b`, `b` by `a` and `c`: several parents.
    assert!(shown.contains("`b` is run by several menus (`a`, `c`)"), "{shown}");
}

#[test]
fn the_first_menu_is_the_entry_and_same_names_take_the_first() {
    let xml = conf(
        r#"<menu name="sub" greet-long="say:Sub."><entry action="menu-back" digits="*"/></menu>
<menu name="main" greet-long="say:Main."><entry action="menu-sub" digits="1" param="sub"/></menu>
<menu name="main" greet-long="say:Again."><entry action="menu-exit" digits="1"/></menu>
<menu greet-long="say:Nameless."><entry action="menu-exit" digits="1"/></menu>"#,
    );
    let (menu, _, shown) = import(&xml);
    assert_eq!(menu.node(menu.entry.node().unwrap()).id, "sub");
    assert!(menu.find("main_2").is_some() && menu.find("menu").is_some());
    for words in [
        "`sub`, the first menu, is taken as the one the dialplan starts",
        "a second menu named `main` is imported as `main_2`",
        "a `<menu>` without a `name` is imported as `menu`",
    ] {
        assert!(shown.contains(words), "{words:?} in\n{shown}");
    }
}

#[test]
fn sounds_become_captions() {
    let xml = conf(
        r#"<menu name="m" greet-long="phrase:welcome" greet-short="silence_stream://500" invalid-sound="tone_stream://%(200,0,500)" exit-sound="say:">
  <entry action="menu-play-sound" digits="1" param="local_stream://moh"/>
  <entry action="menu-exit" digits="2"/>
</menu>"#,
    );
    let (menu, _, shown) = import(&xml);
    let m = menu_node(&menu, "m");
    assert_eq!(m.prompt.text, "[phrase: welcome]");
    assert_eq!(m.listen.short_prompt.as_ref().unwrap().text, "[silence 500 ms]");
    assert_eq!(m.listen.no_match[0].text, "[tone]");
    for words in [
        "the phrase macro `welcome` is imported as the caption `[phrase: welcome]`: no phrase file was found",
        "`say:` in `m` is imported as spoken text, but neither this menu nor the top one sets `tts-engine`",
        "the stream `local_stream://moh` is imported as the caption",
    ] {
        assert!(shown.contains(words), "{words:?} in\n{shown}");
    }
}

#[test]
fn phrase_macros_clips_and_includes_are_read_from_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("menus")).unwrap();
    std::fs::create_dir_all(d.join("ivr")).unwrap();
    std::fs::write(d.join("ivr/beep.wav"), b"not read here").unwrap();
    std::fs::write(
        d.join("phrases.xml"),
        r#"<include><macro name="welcome"><input pattern="(.*)"><match>
<action function="speak-text" data="Welcome."/><action function="play-file" data="ivr/beep.wav"/>
</match></input></macro></include>"#,
    )
    .unwrap();
    std::fs::write(
        d.join("menus/sub.xml"),
        r#"<include><menu name="sub" greet-long="ivr/beep.wav"><entry action="menu-back" digits="*"/></menu></include>"#,
    )
    .unwrap();
    let xml = r#"<configuration name="ivr.conf"><menus>
<menu name="main" greet-long="phrase:welcome"><entry action="menu-sub" digits="1" param="sub"/></menu>
<X-PRE-PROCESS cmd="include" data="menus/*.xml"/>
<X-PRE-PROCESS cmd="include" data="missing.xml"/>
<X-PRE-PROCESS cmd="set" data="x=y"/>
</menus></configuration>"#;
    let path = d.join("ivr.conf.xml");
    std::fs::write(&path, xml).unwrap();
    let mut sources = Sources::new();
    let out = crate::menu::load_menu(&path, &mut sources).unwrap();
    let shown = crate::diag::render_plain(&sources, &out.diagnostics);
    let menu = out.menu.unwrap();
    assert_eq!(menu_node(&menu, "main").prompt.text, "Welcome. [audio: beep.wav]");
    assert!(
        shown.contains("the phrase macro `welcome` is imported as its words; its 1 recording(s)"),
        "{shown}"
    );
    let sub = menu_node(&menu, "sub");
    assert_eq!(sub.prompt.text, "[audio: beep.wav]");
    assert_eq!(sub.prompt.audio.as_ref().map(|c| c.name.as_str()), Some("ivr/beep.wav"));
    assert_eq!(option(&menu, "main", "1"), "sub");
    assert!(shown.contains("missing.xml` is not read"), "{shown}");
    assert!(shown.contains("`<X-PRE-PROCESS cmd=\"set\">` is not run"), "{shown}");
}

#[test]
fn unreadable_files_are_e022_with_their_place() {
    let (menu, diags, shown) = import_at(
        Path::new("x/ivr.xml"),
        "<menus>\n  <menu name=\"m\" greet-long=\"x\">\n</menus>",
    );
    assert!(menu.is_none());
    assert_eq!(codes(&diags), ["E022"]);
    assert!(shown.contains("not well-formed XML"), "{shown}");
    assert!(shown.contains("x/ivr.xml:3:"), "{shown}");
    let (menu, diags, shown) = import_at(Path::new("x/ivr.xml"), "<menus><notmenu/></menus>");
    assert!(menu.is_none());
    assert_eq!(codes(&diags), ["W027", "E022"], "{shown}");
    assert!(shown.contains("no mod_ivr `<menu>` here"), "{shown}");
}

#[test]
fn a_single_menu_root_and_an_include_root_are_read() {
    let (menu, _, _) =
        import(r#"<menu name="solo" greet-long="say:Solo."><entry action="menu-exit" digits="1"/></menu>"#);
    assert!(menu.find("solo").is_some());
    let (menu, _, _) = import(
        r#"<include><menu name="inc" greet-long="say:Inc."><entry action="menu-exit" digits="1"/></menu></include>"#,
    );
    assert!(menu.find("inc").is_some());
    assert_eq!(menu.name, "FreeSWITCH IVR inc");
}

#[test]
fn menus_that_never_hand_a_call_over_are_self_service() {
    let (menu, diags, shown) = import(&conf(
        r#"<menu name="m" greet-long="say:Hours." tts-engine="flite" tts-voice="slt"><entry action="menu-play-sound" digits="1" param="say:Open all night."/><entry action="menu-exit" digits="2"/></menu>"#,
    ));
    assert!(menu.self_service);
    assert!(!codes(&diags).iter().any(|c| c.starts_with('E')), "{shown}");
    let (menu, _, _) = import(&conf(
        r#"<menu name="m" greet-long="say:Hours."><entry action="menu-exec-app" digits="0" param="transfer operator"/></menu>"#,
    ));
    assert!(!menu.self_service);
}

#[test]
fn atoi_and_glob_follow_c() {
    assert_eq!(atoi(" 42abc"), (42, false));
    assert_eq!(atoi("-7"), (-7, true));
    assert_eq!(atoi(""), (0, false));
    assert_eq!(atoi("99999999999999999999999").0, i64::MAX);
    assert!(glob("*.xml", "demo_ivr.xml"));
    assert!(glob("demo_?.xml", "demo_1.xml"));
    assert!(!glob("*.xml", "demo.xml.bak"));
    assert!(!glob("a*b*c", "abx"));
}

#[test]
fn components_find_loops_without_recursion() {
    // A chain of 100 000 menus and one loop of three.
    let mut edges: Vec<Vec<usize>> = (0..100_000)
        .map(|i| if i + 1 < 100_000 { vec![i + 1] } else { vec![] })
        .collect();
    edges.push(vec![100_001]);
    edges.push(vec![100_002]);
    edges.push(vec![100_000]);
    let c = components(&edges);
    assert_ne!(c[0], c[1]);
    assert_eq!(c[100_000], c[100_001]);
    assert_eq!(c[100_001], c[100_002]);
    let _ = Code::ImportApproximated;
}
