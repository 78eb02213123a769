//! The integration tests: one binary (faster to link than one per file), one module per area.

mod desk;
mod support;

mod audio;
mod call_pipe;
mod check_cli;
mod check_codes;
mod check_hours;
mod docs;
mod edges;
mod generate;
mod graph;
mod graph_traffic;
mod import_asterisk;
mod import_cli;
mod import_connect;
mod import_freeswitch;
mod import_studio;
mod import_vxml;
mod indent;
mod kinds;
mod layers;
mod menu_write;
mod operator;
mod operator_robustness;
mod outputs;
mod repl_pty;
mod robustness;
mod scale;
mod scenario_steps;
mod scenarios;
mod schema;
mod shift;
mod terminal_text;
mod traffic;
mod training;
