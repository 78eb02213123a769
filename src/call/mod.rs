//! The front of a rehearsal call: what a trainee types ([`input`]), how the call looks
//! ([`render`]), the call's records ([`transcript`]), and the driver for input that is not
//! a terminal ([`pipe`]). The terminal REPL with real-time timers is in [`crate::repl`].

pub mod dispatch;
pub mod input;
pub mod pipe;
pub mod render;
pub mod save;
pub mod screen_pop;
pub mod session;
pub mod transcript;

pub use session::{Session, SessionOptions};
