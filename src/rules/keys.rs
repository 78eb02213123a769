//! Which keys act at a node, and what an entry of keys means there: rules 3 (menu keys of
//! several digits), 4 (the terminator of a collect), 6 (global keys) and 8 (a message with
//! barge-in) of `docs/call-semantics.md`.
//!
//! The keys of a node ([`node_keys`]):
//! - a **menu**: its options, then the global keys no option hides (an option on the same key
//!   wins);
//! - a **message** that allows barge-in: every global key (a key that no global key can start
//!   skips the message and is typed ahead to what follows);
//! - a **collect**: its terminator, then the global keys made of `*` and `#` alone that do not
//!   start with the terminator (the terminator ends the entry at once, so a global key that
//!   starts with it could never be completed); digits are data there ([`collect_key`]);
//! - anything else: none.
//!
//! An entry is matched against these keys by [`match_keys`] (rule 3): it acts at once when it
//! is one key and cannot grow into another; it waits the inter-digit timeout
//! ([`inter_digit_timeout`]) while a longer key could still match, and then takes the exact
//! match ([`KeyMatch::at_timeout`]); as soon as no key can match it is a no-match.
//!
//! Two additions of menu format v2, both in [`match_entry`]:
//! - **pattern options** (`pattern: "_7XXX"`, [`crate::menu::KeyPattern`]) match after the
//!   literal keys: a literal key (option or global) equal to the entry wins over any pattern,
//!   and among patterns the first in the file wins. Asterisk orders an exact extension before
//!   any pattern ("the most specific match wins", Asterisk wiki, Pattern Matching); an importer
//!   of Asterisk writes the patterns in Asterisk's order. A pattern that could still take a
//!   longer entry makes the entry wait, as a longer key does (`_9.` always waits the
//!   inter-digit timeout, as Asterisk waits `TIMEOUT(digit)`);
//! - the **match policy** of a menu (`key_match`, [`KeyMatchPolicy`]): under `full_length`
//!   (FreeSWITCH `digit-len`, `src/switch_ivr_menu.c`: the menu collects up to
//!   `max(digit-len, longest bind)` digits, the inter-digit timeout ending a shorter entry,
//!   then compares) an entry shorter than [`full_length`] is never matched at once: an exact
//!   key waits the inter-digit timeout ([`KeyMatch::ExactButLonger`]) and anything else waits
//!   for more keys ([`KeyMatch::Partial`], a no-match at the timeout); at that length the entry
//!   is matched at once, exact or no-match.
//!
//! An entry stops at [`MAX_ENTRY`] keys: there it is matched as it is.

use std::time::Duration;

use crate::menu::pattern::MAX_ENTRY;
use crate::menu::{DataKeys, GlobalAction, GlobalKey, KeyMatchPolicy, Menu, MenuNode, NodeId, NodeKind};

/// What a complete key does at a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyAction {
    /// The menu option at this position of `options`.
    Option(usize),
    /// A global key's action.
    Global(GlobalAction),
    /// The collect's terminator: the entry ends.
    Terminator,
}

/// What an entry of keys so far means among the keys of a node (rule 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyMatch {
    /// Exactly one key, and no longer key starts with the entry: it acts now.
    Now(KeyAction),
    /// A key matches, but a longer one could still: wait the inter-digit timeout, then this acts.
    ExactButLonger(KeyAction),
    /// No key matches yet, but a longer one could: wait for more keys.
    Partial,
    /// No key can match any more.
    None,
}

impl KeyMatch {
    /// What acts when the entry ends at the inter-digit timeout: the exact match, if any
    /// (`None`: a no-match).
    pub fn at_timeout(self) -> Option<KeyAction> {
        match self {
            KeyMatch::Now(a) | KeyMatch::ExactButLonger(a) => Some(a),
            KeyMatch::Partial | KeyMatch::None => None,
        }
    }
}

/// The global keys that act at node `id` (rule 6; see the module doc), in the order of
/// [`crate::menu::GlobalKeys::iter`].
pub fn active_global_keys(menu: &Menu, id: NodeId) -> Vec<(GlobalAction, &GlobalKey)> {
    let keys = menu.defaults.keys.iter();
    match &menu.node(id).kind {
        NodeKind::Menu(m) => keys
            .filter(|(_, g)| !m.options.iter().any(|o| o.pattern.is_none() && o.key == g.key))
            .collect(),
        NodeKind::Message(m) if m.barge_in => keys.collect(),
        NodeKind::Collect(c) => keys
            .filter(|(_, g)| {
                !g.key.as_str().chars().any(|k| c.data_keys.contains(k))
                    && !c
                        .terminator
                        .as_ref()
                        .is_some_and(|t| g.key.as_str().starts_with(t.as_str()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Every key that acts at node `id`, with what it does (see the module doc): a menu's
/// options, a collect's terminator, then the active global keys.
pub fn node_keys(menu: &Menu, id: NodeId) -> Vec<(&str, KeyAction)> {
    let mut keys: Vec<(&str, KeyAction)> = match &menu.node(id).kind {
        NodeKind::Menu(m) => m
            .options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.pattern.is_none())
            .map(|(i, o)| (o.key.as_str(), KeyAction::Option(i)))
            .collect(),
        NodeKind::Collect(c) => c
            .terminator
            .iter()
            .map(|t| (t.as_str(), KeyAction::Terminator))
            .collect(),
        _ => Vec::new(),
    };
    keys.extend(
        active_global_keys(menu, id)
            .into_iter()
            .map(|(a, g)| (g.key.as_str(), KeyAction::Global(a))),
    );
    keys
}

/// Matches `entry` against `keys` (rule 3). The first of equal keys wins (a menu's options
/// come before the global keys in [`node_keys`]).
pub fn match_keys<'k>(entry: &str, keys: impl IntoIterator<Item = (&'k str, KeyAction)>) -> KeyMatch {
    let (exact, longer) = literal_match(entry, keys);
    combine(exact, longer)
}

/// The first key equal to `entry`, and whether a longer key starts with it.
fn literal_match<'k>(entry: &str, keys: impl IntoIterator<Item = (&'k str, KeyAction)>) -> (Option<KeyAction>, bool) {
    let mut exact = None;
    let mut longer = false;
    for (k, action) in keys {
        if k == entry {
            exact = exact.or(Some(action));
        } else if k.len() > entry.len() && k.starts_with(entry) {
            longer = true;
        }
    }
    (exact, longer)
}

fn combine(exact: Option<KeyAction>, longer: bool) -> KeyMatch {
    match (exact, longer) {
        (Some(a), false) => KeyMatch::Now(a),
        (Some(a), true) => KeyMatch::ExactButLonger(a),
        (None, true) => KeyMatch::Partial,
        (None, false) => KeyMatch::None,
    }
}

/// Matches `entry` (the keys entered at node `id` since its prompt or its last failure; at a
/// collect, only the keys after the digits, see [`collect_parts`]) against the node's keys.
/// At a menu, pattern options and the match policy count too (see the module doc).
pub fn match_entry(menu: &Menu, id: NodeId, entry: &str) -> KeyMatch {
    let keys = node_keys(menu, id);
    let NodeKind::Menu(m) = &menu.node(id).kind else {
        return match_keys(entry, keys);
    };
    let longest = keys.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let (mut exact, mut longer) = literal_match(entry, keys);
    for (i, o) in m.options.iter().enumerate() {
        let Some(p) = &o.pattern else { continue };
        if exact.is_none() && p.matches(entry) {
            exact = Some(KeyAction::Option(i));
        }
        // An eager pattern (Asterisk `!`) that matches does not wait for a longer entry.
        let acts_now = p.is_eager() && exact == Some(KeyAction::Option(i));
        longer = longer || (!acts_now && p.can_grow(entry));
    }
    if entry.len() >= MAX_ENTRY {
        longer = false;
    }
    if let KeyMatchPolicy::FullLength { digit_len } = m.listen.key_match {
        let len = (digit_len.unwrap_or(0) as usize).max(longest).clamp(1, MAX_ENTRY);
        if entry.len() < len {
            return match exact {
                Some(a) => KeyMatch::ExactButLonger(a),
                None => KeyMatch::Partial,
            };
        }
        longer = false;
    }
    combine(exact, longer)
}

/// Whether option `index` of menu `id` can be taken by keys: an option with a key always can
/// (two options on one key are an error), a pattern option when the key it is shown and pressed
/// with ([`crate::menu::MenuOption::key`]: the first entry it matches that no other key takes)
/// is taken by it; else every entry it matches goes elsewhere (W018) and the graph draws no
/// edge for it.
pub fn option_takes(menu: &Menu, id: NodeId, index: usize) -> bool {
    let NodeKind::Menu(m) = &menu.node(id).kind else {
        return false;
    };
    let Some(o) = m.options.get(index) else { return false };
    o.pattern.is_none() || match_entry(menu, id, o.key.as_str()).at_timeout() == Some(KeyAction::Option(index))
}

/// The keys an entry takes at a `full_length` menu before it is matched at once: `digit_len`,
/// or the longest key acting there if longer (FreeSWITCH: `max(digit-len, longest bind)`,
/// `switch_ivr_menu_bind_action`); `None` at an `early` menu.
pub fn full_length(menu: &Menu, id: NodeId) -> Option<usize> {
    let NodeKind::Menu(MenuNode { listen, .. }) = &menu.node(id).kind else {
        return None;
    };
    let KeyMatchPolicy::FullLength { digit_len } = listen.key_match else {
        return None;
    };
    let longest = node_keys(menu, id).iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    Some((digit_len.unwrap_or(0) as usize).max(longest).clamp(1, MAX_ENTRY))
}

/// How long the engine waits after `key`, pressed alone at node `id` (at a collect: before any
/// digit), before it acts (rule 3): the node's [`inter_digit_timeout`] when the key is
/// [`KeyMatch::ExactButLonger`] among the node's keys (a longer option or global key starts
/// with it), else zero. The graph's way costs add it to the key's time.
pub fn key_wait(menu: &Menu, id: NodeId, key: &str) -> Duration {
    match match_entry(menu, id, key) {
        KeyMatch::ExactButLonger(_) => inter_digit_timeout(menu, id),
        _ => Duration::ZERO,
    }
}

/// A key that acts at a node, with what it does (an item of [`node_keys`]).
pub type NodeKey<'m> = (&'m str, KeyAction);

/// The pairs of keys at node `id` where the first is the start of the second (both from
/// [`node_keys`], options, terminator and active global keys alike): pressing the first waits
/// the inter-digit timeout before it acts (rule 3). In the order of [`node_keys`]. None at a
/// `full_length` menu: there every entry shorter than [`full_length`] waits the inter-digit
/// timeout by the menu's choice, so no pair is a surprise (W012 stays silent).
pub fn prefix_pairs(menu: &Menu, id: NodeId) -> Vec<(NodeKey<'_>, NodeKey<'_>)> {
    if full_length(menu, id).is_some() {
        return Vec::new();
    }
    let keys = node_keys(menu, id);
    let mut out = Vec::new();
    for &(short, a) in &keys {
        // The first of equal keys is the one that acts (an option before a global key).
        if keys.iter().find(|(k, _)| *k == short).is_some_and(|(_, b)| *b != a) {
            continue;
        }
        for &(long, b) in &keys {
            if long.len() > short.len() && long.starts_with(short) {
                out.push(((short, a), (long, b)));
            }
        }
    }
    out
}

/// A collect's entry split into its value (the data keys first entered: digits, and `*`/`#`
/// where `digits.keys` says so) and the keys after them that may still become the terminator
/// or a global key.
pub fn collect_parts(entry: &str, data: DataKeys) -> (&str, &str) {
    let at = entry.find(|c: char| !data.contains(c)).unwrap_or(entry.len());
    entry.split_at(at)
}

/// What a key pressed at a collect does, `entry` being the keys entered before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectKey {
    /// A digit of the value.
    Data,
    /// A key that is not data: how the keys after the value match the collect's keys (a digit
    /// after them makes them a no-match).
    Control(KeyMatch),
}

/// What `key` does at collect `id` after `entry` (rules 4 and 6): data keys (digits, and
/// `*`/`#` where `digits.keys` says so) are data until a key that is not is pressed; from then
/// on the keys after the value are matched against the terminator and the active global keys.
/// A data key is always data: it is never the terminator (E016) nor starts a global key here.
pub fn collect_key(menu: &Menu, id: NodeId, entry: &str, key: char) -> CollectKey {
    let data = match &menu.node(id).kind {
        NodeKind::Collect(c) => c.data_keys,
        _ => DataKeys::default(),
    };
    let (_, control) = collect_parts(entry, data);
    if control.is_empty() && data.contains(key) {
        return CollectKey::Data;
    }
    let mut keys = String::with_capacity(control.len() + 1);
    keys.push_str(control);
    keys.push(key);
    CollectKey::Control(match_entry(menu, id, &keys))
}

/// The inter-digit timeout at node `id`: the node's own (menus and collects), else
/// `defaults.inter_digit_timeout` (a message waiting for the rest of a global key).
pub fn inter_digit_timeout(menu: &Menu, id: NodeId) -> Duration {
    menu.node(id)
        .kind
        .listen()
        .map_or(menu.defaults.inter_digit_timeout, |l| l.inter_digit_timeout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::testing::menu;

    #[test]
    fn multi_digit_keys() {
        let a = |i| KeyAction::Option(i);
        let keys = [("1", a(0)), ("12", a(1)), ("2", a(2)), ("0", a(3))];
        assert_eq!(match_keys("2", keys), KeyMatch::Now(a(2)));
        assert_eq!(match_keys("1", keys), KeyMatch::ExactButLonger(a(0)));
        assert_eq!(match_keys("12", keys), KeyMatch::Now(a(1)));
        assert_eq!(match_keys("13", keys), KeyMatch::None);
        assert_eq!(match_keys("9", keys), KeyMatch::None);
        assert_eq!(match_keys("3", [("31", a(0)), ("32", a(1))]), KeyMatch::Partial);
        assert_eq!(KeyMatch::Partial.at_timeout(), None);
    }

    #[test]
    fn keys_of_each_kind_of_node() {
        let m = menu(
            r##"
name: T
entry: main
defaults: { fallback: op, keys: { operator: "00", back: "**", repeat: "#", main_menu: "1" } }
nodes:
  main: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: msg }, { key: "0", to: c }] }
  msg: { kind: message, prompt: { text: "a" }, next: c }
  quiet: { kind: message, prompt: { text: "a" }, next: c, barge_in: false }
  c: { kind: collect, prompt: { text: "a" }, digits: { max: 4, terminator: "#" }, store: n, next: op }
  op: { kind: transfer, queue: q }
"##,
        );
        let id = |s| m.find(s).unwrap();
        let g = KeyAction::Global;
        // The option on "1" hides the global main-menu key; "0" waits for "00".
        assert_eq!(
            node_keys(&m, id("main")),
            vec![
                ("1", KeyAction::Option(0)),
                ("0", KeyAction::Option(1)),
                ("00", g(GlobalAction::Operator)),
                ("#", g(GlobalAction::Repeat)),
                ("**", g(GlobalAction::Back)),
            ]
        );
        assert_eq!(
            match_entry(&m, id("main"), "0"),
            KeyMatch::ExactButLonger(KeyAction::Option(1))
        );
        assert_eq!(match_entry(&m, id("msg"), "0"), KeyMatch::Partial);
        assert_eq!(
            match_entry(&m, id("msg"), "00"),
            KeyMatch::Now(g(GlobalAction::Operator))
        );
        assert_eq!(
            match_entry(&m, id("msg"), "1"),
            KeyMatch::Now(g(GlobalAction::MainMenu))
        );
        assert!(node_keys(&m, id("quiet")).is_empty());
        // In the collect: the terminator wins over `repeat` on "#"; "**" is `back`.
        assert_eq!(
            node_keys(&m, id("c")),
            vec![("#", KeyAction::Terminator), ("**", g(GlobalAction::Back))]
        );
        assert_eq!(collect_key(&m, id("c"), "12", '3'), CollectKey::Data);
        assert_eq!(
            collect_key(&m, id("c"), "12", '*'),
            CollectKey::Control(KeyMatch::Partial)
        );
        assert_eq!(
            collect_key(&m, id("c"), "12*", '*'),
            CollectKey::Control(KeyMatch::Now(g(GlobalAction::Back)))
        );
        assert_eq!(
            collect_key(&m, id("c"), "12*", '3'),
            CollectKey::Control(KeyMatch::None)
        );
        assert_eq!(
            collect_key(&m, id("c"), "12", '#'),
            CollectKey::Control(KeyMatch::Now(KeyAction::Terminator))
        );
        assert_eq!(collect_parts("12*", DataKeys::default()), ("12", "*"));
        assert_eq!(
            collect_parts(
                "12*#",
                DataKeys {
                    star: true,
                    hash: false
                }
            ),
            ("12*", "#")
        );
    }
}
