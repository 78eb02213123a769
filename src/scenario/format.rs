//! The scenario file as written (see `docs/scenario-format.md`): serde types in which every
//! value keeps its place, so a failing step is reported at `file:line:column`.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::menu::raw::Entries;

/// A value with its place in the file.
pub type S<T> = Spanned<T>;

/// A scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub menu: Option<S<String>>,
    pub scenarios: Option<S<Vec<S<RawScenario>>>>,
}

/// One scenario.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<S<String>>,
    pub start: Option<S<RawStart>>,
    pub steps: Option<S<Vec<S<RawStep>>>>,
}

/// How the call starts.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawStart {
    pub at: Option<S<String>>,
    pub language: Option<S<String>>,
    pub vars: Option<Entries<S<String>, S<String>>>,
    pub operator: Option<S<String>>,
}

/// One step: exactly one of the actions or `expect`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub press: Option<S<String>>,
    pub at: Option<S<String>>,
    pub gap: Option<S<String>>,
    pub say: Option<S<String>>,
    pub silence: Option<S<String>>,
    pub hangup: Option<S<Option<bool>>>,
    pub expect: Option<S<RawExpect>>,
}

/// What must hold after the steps before.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    pub node: Option<S<String>>,
    pub prompt: Option<S<String>>,
    pub var: Option<Entries<S<String>, S<String>>>,
    pub transfer: Option<S<RawTransfer>>,
    pub hangup: Option<S<Option<String>>>,
    pub elapsed: Option<S<RawBounds>>,
    pub keys: Option<S<RawCount>>,
}

/// `transfer:` expectations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTransfer {
    pub queue: Option<S<String>>,
    pub priority: Option<S<String>>,
    pub reason: Option<S<String>>,
}

/// `elapsed: { min, max }` as durations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBounds {
    pub min: Option<S<String>>,
    pub max: Option<S<String>>,
}

/// `keys: { min, max }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCount {
    pub min: Option<S<u32>>,
    pub max: Option<S<u32>>,
}
