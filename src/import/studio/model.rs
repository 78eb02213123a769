//! The flow as Studio writes it: widgets (`states`) with their `properties` and
//! `transitions`, read from the JSON with the JSON pointer of each part ([S-SCHEMA], \[SDK\]
//! `studio/flow/state.go`). A part that is not shaped as Studio writes it is a finding
//! (E022) and is left out.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{Cx, MAX_STATES};

/// One condition of a `match` transition.
pub(super) struct Cond<'v> {
    /// Its JSON pointer.
    pub(super) at: String,
    /// `type`, e.g. `equal_to`.
    pub(super) kind: &'v str,
    /// `value`, as text (a number written as JSON is its text).
    pub(super) value: String,
    /// `arguments[0]`: the value tested (the split's `input` when absent).
    pub(super) subject: Option<&'v str>,
    /// `friendly_name`.
    pub(super) friendly: Option<&'v str>,
}

/// One transition of a widget.
pub(super) struct Trans<'v> {
    /// Its JSON pointer.
    pub(super) at: String,
    /// `event`.
    pub(super) event: &'v str,
    /// `next`: the widget the flow goes on at; `None`: the flow ends.
    pub(super) next: Option<&'v str>,
    /// `conditions` (split `match` transitions).
    pub(super) conds: Vec<Cond<'v>>,
}

/// One widget (a state of the flow).
pub(super) struct State<'v> {
    /// Its JSON pointer.
    pub(super) at: String,
    /// `name`: its id.
    pub(super) name: &'v str,
    /// `type`, e.g. `say-play`.
    pub(super) kind: &'v str,
    /// `properties`.
    pub(super) props: Option<&'v Map<String, Value>>,
    /// `transitions`, in order.
    pub(super) trans: Vec<Trans<'v>>,
}

impl<'v> State<'v> {
    pub(super) fn prop(&self, key: &str) -> Option<&'v Value> {
        self.props.and_then(|p| p.get(key)).filter(|v| !v.is_null())
    }

    /// A text property, trimmed; `None` when absent, empty or not text.
    pub(super) fn text(&self, key: &str) -> Option<&'v str> {
        self.prop(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    pub(super) fn prop_at(&self, key: &str) -> String {
        format!("{}/properties/{key}", self.at)
    }

    /// The first transition of `event`.
    pub(super) fn on(&self, event: &str) -> Option<&Trans<'v>> {
        self.trans.iter().find(|t| t.event == event)
    }

    pub(super) fn next_of(&self, event: &str) -> Option<&'v str> {
        self.on(event).and_then(|t| t.next)
    }
}

/// The widgets of a flow, read from its JSON.
pub(super) struct Flow<'v> {
    /// The widgets, in file order.
    pub(super) states: Vec<State<'v>>,
    /// Widget index by name (the first of a name).
    pub(super) by_name: HashMap<&'v str, usize>,
    /// `initial_state`.
    pub(super) initial: Option<&'v str>,
    /// `description`.
    pub(super) description: Option<&'v str>,
    /// The pointer of the definition object (`""`, or `/definition` in a REST Flow resource).
    pub(super) base: String,
}

impl<'v> Flow<'v> {
    pub(super) fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
}

/// Text of a JSON scalar: a string as it is, a number or boolean as JSON writes it.
pub(super) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number written as a JSON number or as text (`5`, `"5"`, `" 5 "`).
pub(super) fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::rules::vars::number(s),
        _ => None,
    }
}

/// Reads the flow of `root` (E022 for each part that is not shaped as Studio writes it).
pub(super) fn read_flow<'v>(cx: &mut Cx<'_>, root: &'v Value) -> Option<Flow<'v>> {
    let file = cx.file;
    let Some(mut obj) = root.as_object() else {
        let at = cx.pointer(file, "");
        cx.unreadable(at, "a Studio flow is a JSON object with `states` and `initial_state`");
        return None;
    };
    let mut base = String::new();
    if !obj.contains_key("states")
        && let Some(def) = obj.get("definition").and_then(Value::as_object)
    {
        // A REST Flow resource: the definition is inside.
        obj = def;
        base = "/definition".into();
    }
    let Some(states) = obj.get("states").and_then(Value::as_array) else {
        let at = cx.pointer(file, &base);
        cx.unreadable(at, "the flow has no `states` array");
        return None;
    };
    if states.len() > MAX_STATES {
        let at = cx.pointer(file, &format!("{base}/states"));
        cx.unreadable(
            at,
            format!(
                "the flow has {} widgets; a Studio flow has at most {MAX_STATES}",
                states.len()
            ),
        );
        return None;
    }
    let mut flow = Flow {
        states: Vec::with_capacity(states.len()),
        by_name: HashMap::new(),
        initial: obj.get("initial_state").and_then(Value::as_str),
        description: obj
            .get("description")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|d| !d.is_empty()),
        base: base.clone(),
    };
    for (i, s) in states.iter().enumerate() {
        let at = format!("{base}/states/{i}");
        let Some(s) = s.as_object() else {
            let span = cx.pointer(file, &at);
            cx.unreadable(span, "a widget is a JSON object with `name`, `type` and `transitions`");
            continue;
        };
        let Some(name) = s.get("name").and_then(Value::as_str).filter(|n| !n.trim().is_empty()) else {
            let span = cx.pointer(file, &format!("{at}/name"));
            cx.unreadable(
                span,
                "this widget has no `name`: nothing can lead to it, so it is left out",
            );
            continue;
        };
        let kind = match s.get("type").and_then(Value::as_str) {
            Some(k) => k,
            None => {
                let span = cx.pointer(file, &format!("{at}/type"));
                cx.unreadable(span, format!("widget `{name}` has no `type`"));
                ""
            }
        };
        let props = match s.get("properties") {
            Some(Value::Object(p)) => Some(p),
            None | Some(Value::Null) => None,
            Some(_) => {
                let span = cx.pointer(file, &format!("{at}/properties"));
                cx.unreadable(span, format!("the `properties` of widget `{name}` are not an object"));
                None
            }
        };
        let mut trans = Vec::new();
        match s.get("transitions") {
            None | Some(Value::Null) => {}
            Some(Value::Array(ts)) => {
                for (j, t) in ts.iter().enumerate() {
                    let tat = format!("{at}/transitions/{j}");
                    if let Some(t) = read_transition(cx, t, tat) {
                        trans.push(t);
                    }
                }
            }
            Some(_) => {
                let span = cx.pointer(file, &format!("{at}/transitions"));
                cx.unreadable(span, format!("the `transitions` of widget `{name}` are not a list"));
            }
        }
        flow.by_name.entry(name).or_insert(flow.states.len());
        flow.states.push(State {
            at,
            name,
            kind,
            props,
            trans,
        });
    }
    Some(flow)
}

fn read_transition<'v>(cx: &mut Cx<'_>, t: &'v Value, at: String) -> Option<Trans<'v>> {
    let file = cx.file;
    let Some(t) = t.as_object() else {
        let span = cx.pointer(file, &at);
        cx.unreadable(span, "a transition is a JSON object with `event` and `next`");
        return None;
    };
    let Some(event) = t.get("event").and_then(Value::as_str) else {
        let span = cx.pointer(file, &format!("{at}/event"));
        cx.unreadable(span, "this transition has no `event`");
        return None;
    };
    let next = match t.get("next") {
        None | Some(Value::Null) => None,
        Some(Value::String(n)) if n.trim().is_empty() => None,
        Some(Value::String(n)) => Some(n.as_str()),
        Some(_) => {
            let span = cx.pointer(file, &format!("{at}/next"));
            cx.unreadable(span, "`next` is not a widget name; the flow is read as ending here");
            None
        }
    };
    let mut conds = Vec::new();
    if let Some(cs) = t.get("conditions") {
        let Some(cs) = cs.as_array() else {
            let span = cx.pointer(file, &format!("{at}/conditions"));
            cx.unreadable(span, "`conditions` is not a list");
            return Some(Trans { at, event, next, conds });
        };
        for (c, cond) in cs.iter().enumerate() {
            let cat = format!("{at}/conditions/{c}");
            let kind = cond.get("type").and_then(Value::as_str);
            let Some(kind) = kind else {
                let span = cx.pointer(file, &cat);
                cx.unreadable(span, "this condition has no `type`");
                continue;
            };
            conds.push(Cond {
                kind,
                value: cond.get("value").and_then(scalar).unwrap_or_default(),
                subject: cond
                    .get("arguments")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(Value::as_str),
                friendly: cond.get("friendly_name").and_then(Value::as_str),
                at: cat,
            });
        }
    }
    Some(Trans { at, event, next, conds })
}

impl Trans<'_> {
    /// Index of this transition in `st` (for continuation node ids).
    pub(super) fn event_index(&self, st: &State<'_>) -> usize {
        st.trans.iter().position(|t| t.at == self.at).unwrap_or(0)
    }
}
