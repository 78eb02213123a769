//! The operator side of a handoff (issue in progress): the call queues call-takers answer
//! from. The console, its protocol and training shifts build on [`queue`].

pub mod persona;
pub mod queue;
pub mod score;
pub mod training;
