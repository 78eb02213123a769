//! Test helpers of the scenario module: a scenario file and its menu written to a temporary
//! folder and loaded as `ivrsim test` loads them (the menu's findings on the file included).

use crate::audio::ClipLibrary;
use crate::diag::Diagnostic;
use crate::menu::Menu;
use crate::menu::load::load_menu;
use crate::source::Sources;

use super::{ScenarioFile, load_scenarios};

/// A loaded scenario file, its menu and the menu's clips (text timing when it has none).
pub(super) struct Loaded {
    _dir: tempfile::TempDir,
    pub sources: Sources,
    pub file: Option<ScenarioFile>,
    pub diags: Vec<Diagnostic>,
    pub menu: Menu,
    pub clips: ClipLibrary,
}

/// Loads `scenarios` (the YAML after `scenarios:`) against the menu text `menu`, with the
/// load-time findings against the menu (`expect::menu_findings`) added to `diags`.
pub(super) fn load_with(menu: &str, scenarios: &str) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("menu.yaml"), menu).unwrap();
    let path = dir.path().join("s.yaml");
    std::fs::write(&path, format!("menu: menu.yaml\nscenarios:\n{scenarios}")).unwrap();
    let mut sources = Sources::new();
    let (file, mut diags) = load_scenarios(&path, &mut sources).unwrap();
    let menu = load_menu(&dir.path().join("menu.yaml"), &mut sources)
        .unwrap()
        .menu
        .unwrap();
    if let Some(f) = &file {
        diags.extend(super::expect::menu_findings(f, &menu));
    }
    let (clips, _) = ClipLibrary::load(&menu);
    Loaded {
        _dir: dir,
        sources,
        file,
        diags,
        menu,
        clips,
    }
}
