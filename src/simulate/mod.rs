//! Traffic simulation (`ivrsim simulate`, docs/simulation.md): a day, a week or a year of
//! callers walking a menu on the call engine, then waiting in its queues for call-takers, in
//! virtual time.
//!
//! - [`model`]: the traffic model (arrivals, callers, queues, call-takers), read from a
//!   traffic file by [`load`] (docs/traffic-format.md);
//! - [`dist`]: the time distributions (handle time, wrap-up, patience);
//! - [`walk`]: a caller's way through the menu on [`crate::engine::Call`], driven like a
//!   scenario's caller, each distinct way computed once and reused;
//! - [`erlang`]: exact queueing formulas (Erlang B, C, A) the results are checked against and
//!   the staffing search starts from;
//! - [`svg`]: the SVG report a hotline manager reads.

pub mod dist;
pub mod erlang;
pub mod events;
pub(crate) mod format;
pub mod hours;
pub mod load;
pub mod model;
pub mod report;
pub mod run;
pub mod staffing;
pub mod stats;
pub mod svg;
pub mod walk;

#[cfg(test)]
mod tests_erlang;
#[cfg(test)]
mod tests_priority;
