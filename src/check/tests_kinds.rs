//! `check` on the `kinds` constructs: handoffs by design (external, record, callback) and
//! self-service menus (docs/checks.md, "Handoffs by design and self-service menus").

use crate::audio::ClipLibrary;
use crate::diag::Code;
use crate::menu::testing::menu;

fn codes(yaml: &str) -> Vec<(Code, String)> {
    let m = menu(yaml);
    let clips = ClipLibrary::default();
    let a = super::Analysis::of(&m, &clips);
    let t = super::Thresholds::resolve(&m, &super::Overrides::default());
    super::check_menu(&m, &clips, &a, &t)
        .into_iter()
        .map(|d| (d.code, d.message))
        .collect()
}

const HEAD: &str = "name: T\nentry: main\ndefaults: { no_input: [{ text: a }], no_match: [{ text: a }] }\n";

// A voicemail (an external step that does not come back), a recording and a callback are
// endings by design: no E014 from the nodes that reach them, nor from the thank-you after a
// recording; an external step that comes back is not one (its branches are checked).
#[test]
fn handoffs_by_design_are_not_no_operator() {
    let yaml = format!(
        "{HEAD}nodes:
  main:
    kind: menu
    prompt: {{ text: a }}
    fallback: vm
    options:
      - {{ key: '1', to: vm }}
      - {{ key: '2', to: rec }}
      - {{ key: '3', to: pay }}
  vm: {{ kind: external, app: voicemail, target: box }}
  rec: {{ kind: record, next: thanks }}
  thanks: {{ kind: message, prompt: {{ text: thanks }}, next: bye }}
  pay: {{ kind: external, app: application, target: pay, on: {{ success: bye, error: main }} }}
  bye: {{ kind: hangup }}
  op: {{ kind: transfer, queue: q }}
"
    );
    let found = codes(&yaml);
    assert!(!found.iter().any(|(c, _)| *c == Code::NoOperator), "{found:?}");
    // With no transfer at all, a menu of handoffs by design must say it is self-service:
    // one E014 says so (a transfer deleted by mistake is not taken for a design).
    let no_person = yaml.replace("  op: { kind: transfer, queue: q }\n", "");
    let found = codes(&no_person);
    assert_eq!(
        found.iter().filter(|(c, _)| *c == Code::NoOperator).count(),
        1,
        "{found:?}"
    );
    let declared = no_person.replace("entry: main\n", "entry: main\nself_service: true\n");
    let found = codes(&declared);
    assert!(!found.iter().any(|(c, _)| *c == Code::NoOperator), "{found:?}");
    // Without the voicemail, the recording and the loop back, `pay`'s success ends at a
    // hang-up: E014 there.
    let yaml = format!(
        "{HEAD}nodes:
  main: {{ kind: menu, prompt: {{ text: a }}, fallback: op, options: [{{ key: '1', to: pay }}] }}
  pay: {{ kind: external, app: application, target: pay, on: {{ success: bye, error: bye }} }}
  bye: {{ kind: hangup }}
  op: {{ kind: transfer, queue: q }}
"
    );
    let found = codes(&yaml);
    assert!(
        found.contains(&(Code::NoOperator, "no operator can be reached from `pay`".into())),
        "{found:?}"
    );
}

// `self_service: true`: no E014 (nor W005/W008), but a loop no caller can leave is still W002.
#[test]
fn a_self_service_menu_is_still_checked_for_traps() {
    let yaml = format!(
        "{HEAD}self_service: true
nodes:
  main: {{ kind: menu, prompt: {{ text: a }}, fallback: bye, options: [{{ key: '1', to: a }}, {{ key: '2', to: bye }}] }}
  a: {{ kind: message, prompt: {{ text: a }}, next: b }}
  b: {{ kind: message, prompt: {{ text: b }}, next: a }}
  bye: {{ kind: hangup }}
"
    );
    let found: Vec<Code> = codes(&yaml).into_iter().map(|(c, _)| c).collect();
    assert!(!found.contains(&Code::NoOperator), "{found:?}");
    assert!(found.contains(&Code::InescapableLoop), "{found:?}");
    // The same menu without `self_service` has E014.
    let found: Vec<Code> = codes(&yaml.replace("self_service: true\n", ""))
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert!(found.contains(&Code::NoOperator), "{found:?}");
}

#[test]
fn design_findings_are_e014_only() {
    assert!(super::is_design_finding(Code::NoOperator));
    assert!(!super::is_design_finding(Code::UnknownTarget));
    assert!(!super::is_design_finding(Code::CallbackNotCollect));
}
