//! Importing freeswitch files (not built yet: every file is refused with a finding).

use super::Cx;
use crate::menu::LoadOutcome;

/// Imports the file of `cx`.
pub fn import(mut cx: Cx<'_>) -> LoadOutcome {
    let at = cx.sources.whole(cx.file);
    cx.unreadable(at, "importing this platform is not built yet");
    cx.nothing()
}
