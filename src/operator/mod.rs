//! The operator side of a handoff: call-takers answer handed-off calls from queues.
//!
//! - [`queue`]: call queues (priority, then arrival order), pure.
//! - [`protocol`]: the newline-delimited JSON both sides speak (`docs/operator-protocol.md`).
//! - [`console`]: the call-taker console as a state machine: callers' messages and the
//!   call-taker's commands in, messages, screen lines and log records out.
//! - [`server`]: the console's TCP server (tokio), which feeds the console.
//! - [`client`]: a caller's connection to a console.

pub mod client;
pub mod console;
pub mod protocol;
pub mod queue;
pub mod server;
pub mod wire;
