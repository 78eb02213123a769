//! The operator side of a handoff: call-takers answer handed-off calls from queues, live or
//! in scored training shifts.
//!
//! - [`queue`]: call queues (priority, then arrival order), pure.
//! - [`protocol`]: the newline-delimited JSON both sides speak (`docs/operator-protocol.md`).
//! - [`console`]: the call-taker console as a state machine: callers' messages and the
//!   call-taker's commands in, messages, screen lines and log records out.
//! - [`training`], [`persona`], [`score`]: training calls (`docs/training-format.md`), the
//!   scripted caller who answers the call-taker, and the scorecard of a call and a shift.
//! - [`server`]: the console's TCP server (tokio), which feeds the console.
//! - [`client`]: a caller's connection to a console; [`wire`]: one connection, either side.

pub mod client;
pub mod console;
pub mod persona;
pub mod protocol;
pub mod queue;
pub mod score;
pub mod server;
pub mod training;
pub mod wire;
pub mod words;
