//! ivrsim: a hotline IVR simulator.
//!
//! The data flows one way: a menu file is [loaded](menu::load_menu) into a [`menu::Menu`],
//! built into a [`graph::MenuGraph`], and [checked](check) for problems; the call engine
//! (later) runs calls over the same graph. See `docs/architecture.md`.

pub mod audio;
pub mod check;
pub mod cli;
pub mod diag;
pub mod graph;
pub mod menu;
pub mod source;
pub mod synth;
pub mod timing;
