//! ivrsim: a hotline IVR simulator.
//!
//! The data flows one way: a menu file is [loaded](menu::load_menu) into a [`menu::Menu`],
//! built into a [`graph::MenuGraph`], and [checked](check) for problems; the call engine
//! (later) runs calls over the same graph. See `docs/architecture.md`.
//!
//! # Example: check a menu from code
//!
//! ```
//! use ivrsim::audio::ClipLibrary;
//! use ivrsim::check::{check_menu, Analysis, Overrides, Thresholds};
//! use ivrsim::menu::load_menu;
//! use ivrsim::source::Sources;
//!
//! let mut sources = Sources::new();
//! let outcome = load_menu("menus/hotline.yaml".as_ref(), &mut sources)?;
//! let menu = outcome.menu.expect("the hotline parses");
//! let (clips, clip_findings) = ClipLibrary::load(&menu);
//! let analysis = Analysis::of(&menu, &clips);
//! let findings = check_menu(&menu, &clips, &analysis, &Thresholds::resolve(&menu, &Overrides::default()));
//! assert!(outcome.diagnostics.is_empty() && clip_findings.is_empty() && findings.is_empty());
//!
//! // Every node of the hotline reaches an operator; from the entry it takes one key.
//! let entry = menu.entry.node().unwrap();
//! assert_eq!(analysis.by_keys.cost[entry.index()].unwrap().keys, 1);
//! # Ok::<(), ivrsim::menu::load::ReadError>(())
//! ```

#![forbid(unsafe_code)]

pub mod atomic;
pub mod audio;
pub mod call;
pub mod check;
pub mod cli;
pub mod diag;
pub mod engine;
pub mod error;
pub mod graph;
pub mod import;
pub mod map;
pub mod menu;
pub mod operator;
pub mod repl;
pub mod rules;
pub mod scenario;
pub mod signals;
pub mod simulate;
pub mod source;
pub mod synth;
pub mod terminal;
pub mod timing;

pub use error::{Error, Outcome};
