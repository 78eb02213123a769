//! The menu file as written: serde types in which every value keeps its source location.
//!
//! Almost everything is optional here on purpose: a missing field, a value out of range
//! or a field on the wrong kind of node is found by [`super::lower`], which can report
//! all of them at once. Only what serde itself must reject (YAML syntax, unknown fields,
//! wrong types) stops a file at its first problem.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_saphyr::Spanned;

/// A value with its place in the file.
pub type S<T> = Spanned<T>;

/// A YAML mapping read as its entries in file order, duplicates kept.
///
/// The loader reads files with serde-saphyr's `DuplicateKeyPolicy::PassThrough`, so that a
/// repeated node id reaches the lowering step, which reports it (E005) with both places,
/// the same way as a node id repeated across included files.
#[derive(Debug)]
pub struct Entries<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for Entries<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Entries<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V_<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for V_<K, V> {
            type Value = Entries<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = map.next_entry()? {
                    v.push(entry);
                }
                Ok(Entries(v))
            }
        }
        d.deserialize_map(V_(PhantomData))
    }
}

/// Top level of a menu file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMenu {
    pub name: Option<S<String>>,
    pub entry: Option<S<String>>,
    pub audio_dir: Option<S<String>>,
    pub languages: Option<S<Vec<S<String>>>>,
    pub defaults: Option<S<RawDefaults>>,
    pub schedules: Option<RawSchedules>,
    pub include: Option<Vec<S<String>>>,
    pub lint: Option<S<RawLint>>,
    pub dispositions: Option<S<Entries<S<String>, S<String>>>>,
    pub nodes: Option<S<RawNodes>>,
}

/// Top level of an included file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFragment {
    pub nodes: Option<S<RawNodes>>,
    pub schedules: Option<RawSchedules>,
    pub include: Option<Vec<S<String>>>,
}

/// `nodes:`, in file order.
pub type RawNodes = Entries<S<String>, S<RawNode>>;
/// `schedules:`, in file order.
pub type RawSchedules = Entries<S<String>, S<Vec<S<RawPeriod>>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPeriod {
    pub days: Option<S<String>>,
    pub from: Option<S<String>>,
    pub to: Option<S<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub timeout: Option<S<String>>,
    pub inter_digit_timeout: Option<S<String>>,
    pub max_no_input: Option<S<u32>>,
    pub max_no_match: Option<S<u32>>,
    pub fallback: Option<S<String>>,
    pub operator: Option<S<String>>,
    pub main_menu: Option<S<String>>,
    pub keys: Option<S<RawKeys>>,
    pub barge_in: Option<S<bool>>,
    pub type_ahead: Option<S<bool>>,
    pub no_input: Option<S<Vec<S<RawPrompt>>>>,
    pub no_match: Option<S<Vec<S<RawPrompt>>>>,
    pub goodbye: Option<S<RawPrompt>>,
    pub hold: Option<S<RawHold>>,
    pub when_no_operator: Option<S<RawNoOperator>>,
}

/// `hold:` of a transfer or of `defaults`: the announcements a waiting caller hears.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHold {
    pub every: Option<S<String>>,
    pub prompt: Option<S<RawPrompt>>,
}

/// `when_no_operator:` of a transfer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNoOperator {
    pub action: Option<S<String>>,
    pub max_wait: Option<S<String>>,
    pub prompt: Option<S<RawPrompt>>,
    pub to: Option<S<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawKeys {
    pub operator: Option<S<Option<String>>>,
    pub repeat: Option<S<Option<String>>>,
    pub back: Option<S<Option<String>>>,
    pub main_menu: Option<S<Option<String>>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawLint {
    pub max_options: Option<S<u32>>,
    pub max_operator_keys: Option<S<u32>>,
    pub max_prompt: Option<S<String>>,
    pub allow: Option<Vec<S<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrompt {
    pub text: Option<S<String>>,
    pub audio: Option<S<String>>,
    pub translations: Option<Entries<S<String>, S<RawPromptText>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPromptText {
    pub text: Option<S<String>>,
    pub audio: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    /// `Option<Option<…>>` so that `key:` with nothing after it (YAML null, often an
    /// unquoted `#`) is told apart from a missing `key`.
    pub key: Option<S<Option<String>>>,
    pub to: Option<S<String>>,
    pub say: Option<Vec<S<String>>>,
    pub label: Option<S<String>>,
    pub language: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDigits {
    pub min: Option<S<u32>>,
    pub max: Option<S<u32>>,
    pub terminator: Option<S<Option<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub when: Option<S<RawWhen>>,
    pub to: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    pub var: Option<S<String>>,
    pub equals: Option<S<String>>,
    pub matches: Option<S<String>>,
    #[serde(rename = "in")]
    pub one_of: Option<S<Vec<S<String>>>>,
    pub hours: Option<S<String>>,
    pub language: Option<S<String>>,
}

macro_rules! raw_node {
    ($($field:ident: $ty:ty,)*) => {
        /// One node as written: the union of every kind's fields. Each field is boxed: a node
        /// uses a handful of its two dozen fields, and a 100,000-node menu should not carry
        /// the empty ones at full size (this halves the memory a large menu loads in).
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct RawNode {
            $(pub $field: Option<Box<S<$ty>>>,)*
        }

        impl RawNode {
            /// The fields present in the file, with where they are, in declaration order.
            pub fn present(&self) -> Vec<(&'static str, &serde_saphyr::Location)> {
                let mut v = Vec::new();
                $(if let Some(f) = &self.$field { v.push((stringify!($field), &f.referenced)); })*
                v
            }
        }
    };
}

raw_node! {
    kind: String,
    description: String,
    prompt: RawPrompt,
    options: Vec<S<RawOption>>,
    no_input: Vec<S<RawPrompt>>,
    no_match: Vec<S<RawPrompt>>,
    timeout: String,
    inter_digit_timeout: String,
    max_no_input: u32,
    max_no_match: u32,
    fallback: String,
    barge_in: bool,
    type_ahead: bool,
    next: String,
    digits: RawDigits,
    pattern: String,
    store: String,
    routes: Vec<S<RawRoute>>,
    default: String,
    queue: String,
    priority: String,
    context: Vec<S<String>>,
    hold: RawHold,
    when_no_operator: RawNoOperator,
    reason: String,
}
