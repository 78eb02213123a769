//! `ivrsim schema menu|scenario|training|traffic`: the JSON Schema (draft-07) of a file format, for
//! editors (yaml-language-server: completion, hover help, errors as you type).
//!
//! The schemas are generated with schemars from the same types that load the files (the
//! `Raw*` types of `menu::raw`, `scenario::format`, `operator::training` and
//! `simulate::format`), so they cannot
//! drift from the loader; copies are committed under `docs/schema/` (a test keeps them
//! current).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use schemars::Schema;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;

use crate::error::{Error, Outcome};

/// A file format with a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A menu (`menus/*.yaml`, docs/menu-format.md).
    Menu,
    /// A scenario file (`scenarios/*.yaml`, docs/scenario-format.md).
    Scenario,
    /// A training call (`scenarios/training/*.yaml`, docs/training-format.md).
    Training,
    /// A traffic file (`scenarios/traffic/*.yaml`, docs/traffic-format.md).
    Traffic,
}

/// Arguments of `ivrsim schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The format whose schema to print.
    #[arg(value_enum)]
    pub format: Format,
    /// Write the schema to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The JSON Schema (draft-07) of `format`.
pub fn schema(format: Format) -> Schema {
    let mut settings = SchemaSettings::draft07();
    settings
        .transforms
        .push(Box::new(RecursiveTransform(unwrap_description)));
    let generator = settings.into_generator();
    match format {
        Format::Menu => generator.into_root_schema_for::<crate::menu::raw::RawMenu>(),
        Format::Scenario => generator.into_root_schema_for::<crate::scenario::format::RawFile>(),
        Format::Training => {
            let mut root = generator.into_root_schema_for::<crate::operator::training::RawTraining>();
            without_operator_side(&mut root);
            root
        }
        Format::Traffic => {
            // An intent's steps are caller actions only: no expectations, no operator side.
            let mut root = generator.into_root_schema_for::<crate::simulate::format::RawTraffic>();
            without_expect(&mut root);
            root
        }
    }
}

/// Takes the operator side out of the training schema: a training call's `start` and
/// `steps` are a scenario's, but its call-taker is the trainee at the console, so the loader
/// refuses `start.operator` and `operator` steps (`scenario::script`), and an editor should
/// not offer them.
fn without_operator_side(root: &mut Schema) {
    let Some(defs) = root.get_mut("definitions").and_then(serde_json::Value::as_object_mut) else {
        return;
    };
    for name in ["RawStart", "RawStep"] {
        let Some(def) = defs.get_mut(name).and_then(serde_json::Value::as_object_mut) else {
            continue;
        };
        if let Some(props) = def.get_mut("properties").and_then(serde_json::Value::as_object_mut) {
            props.remove("operator");
            props.remove("waiting");
        }
        // The step's "exactly one action" alternatives: drop the one that is `operator`.
        if let Some(one_of) = def.get_mut("oneOf").and_then(serde_json::Value::as_array_mut) {
            one_of.retain(|alt| alt.pointer("/required/0").and_then(serde_json::Value::as_str) != Some("operator"));
        }
    }
    // The operator side's own definitions are now used by nothing: drop every definition
    // that no `$ref` reaches from the top.
    let mut reached = std::collections::BTreeSet::new();
    let mut todo: Vec<serde_json::Value> = vec![{
        let mut top = root.as_value().clone();
        if let Some(o) = top.as_object_mut() {
            o.remove("definitions");
        }
        top
    }];
    while let Some(v) = todo.pop() {
        let mut stack = vec![&v];
        let mut found = Vec::new();
        while let Some(x) = stack.pop() {
            match x {
                serde_json::Value::Object(o) => {
                    if let Some(name) = o
                        .get("$ref")
                        .and_then(serde_json::Value::as_str)
                        .and_then(|r| r.strip_prefix("#/definitions/"))
                    {
                        found.push(name.to_owned());
                    }
                    stack.extend(o.values());
                }
                serde_json::Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
        for name in found {
            if reached.insert(name.clone())
                && let Some(def) = root.get("definitions").and_then(|d| d.get(&name))
            {
                todo.push(def.clone());
            }
        }
    }
    if let Some(defs) = root.get_mut("definitions").and_then(serde_json::Value::as_object_mut) {
        defs.retain(|name, _| reached.contains(name));
    }
}

/// Takes `expect` out of the steps of the traffic schema: an intent's steps are what a
/// caller does, and the loader refuses `expect` steps (`scenario::script::lower_actions`).
/// The step's description (a scenario's, which names `expect`) says so too.
fn without_expect(root: &mut Schema) {
    if let Some(step) = root
        .get_mut("definitions")
        .and_then(|d| d.get_mut("RawStep"))
        .and_then(serde_json::Value::as_object_mut)
    {
        step.insert(
            "description".into(),
            "One step of the caller: exactly one of the actions `press`, `say`, `silence`, `hangup`.".into(),
        );
        if let Some(props) = step.get_mut("properties").and_then(serde_json::Value::as_object_mut) {
            props.remove("expect");
        }
        if let Some(one_of) = step.get_mut("oneOf").and_then(serde_json::Value::as_array_mut) {
            one_of.retain(|alt| alt.pointer("/required/0").and_then(serde_json::Value::as_str) != Some("expect"));
        }
    }
    // Then the operator side, and every definition that nothing uses any more.
    without_operator_side(root);
}

/// Joins the lines of a description that doc comments wrapped (a blank line stays a paragraph
/// break), so editors show it as the sentence it is.
fn unwrap_description(s: &mut Schema) {
    if let Some(serde_json::Value::String(d)) = s.get_mut("description") {
        *d = d
            .split("\n\n")
            .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n\n");
    }
}

/// Prints (or writes) the schema as pretty JSON with a trailing newline.
///
/// # Errors
/// The schema cannot be encoded, or the output cannot be written.
pub fn run(args: &SchemaArgs) -> Result<Outcome, Error> {
    let mut json = serde_json::to_string_pretty(&schema(args.format)).map_err(Error::Schema)?;
    json.push('\n');
    super::write_output(args.output.as_deref(), json.as_bytes())?;
    Ok(Outcome::Success)
}
