//! Tests of the operator side of scenarios, with exact times.
