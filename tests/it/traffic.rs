//! Traffic files (docs/traffic-format.md), read through the library until `ivrsim simulate`
//! exists: the documented complete example loads clean against the bundled hotline.

use ivrsim::simulate::load::open_traffic_text;
use ivrsim::source::Sources;
use ivrsim::timing::PromptTimings;

use crate::docs::yaml_blocks;
use crate::support::root;

#[test]
fn the_complete_example_loads_clean_on_the_hotline() {
    let doc = std::fs::read_to_string(root().join("docs/traffic-format.md")).expect("docs/traffic-format.md");
    let (_, example) = yaml_blocks(&doc)
        .into_iter()
        .find(|(h, _)| h == "A complete example")
        .expect("docs/traffic-format.md has a complete example");
    let mut sources = Sources::new();
    // As if the example were a file in docs/: its `menu:` is relative to it.
    let opened = open_traffic_text(&root().join("docs/example.yaml"), example, &mut sources);
    let menu_path = opened.menu().expect("the example names a menu");
    assert_eq!(menu_path, root().join("menus/hotline.yaml"));
    let menu = ivrsim::menu::load_menu(&menu_path, &mut sources)
        .expect("read")
        .menu
        .expect("the hotline");
    let timings = PromptTimings::text_only();
    let (traffic, diags) = opened.read(&mut sources, Some((&menu, &timings)));
    let shown: Vec<String> = diags
        .iter()
        .map(|d| format!("{} {}", sources.place(d.primary.span), d.message))
        .collect();
    assert!(shown.is_empty(), "{shown:#?}");
    let traffic = traffic.expect("a model");
    assert_eq!(traffic.queues.len(), 9);
    assert_eq!(traffic.holidays.len(), 1);
    // The holiday has its own shifts for the front desk, Sunday's for the others.
    let desk = &traffic.groups[1].staff;
    assert_eq!(
        (desk[7][0], desk[7][18]),
        (1, 2),
        "1 all day and 1 on the holiday shift at 09:00"
    );
    assert_eq!(traffic.groups[0].staff[7], traffic.groups[0].staff[6]);
}
