//! Staffing plans: the fewest call-takers per group and interval that meet a goal
//! (`--staff-for "sl=80/20,abandon<=5%"`), found by simulation, beside the Erlang estimate.

use serde::{Deserialize, Serialize};

/// A staffing plan found by `--staff-for`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Plan {
    /// The goal as given.
    pub goal: String,
    /// Per group.
    pub groups: Vec<GroupPlan>,
    /// Whether every interval met the goal in the final run.
    pub met: bool,
    /// Simulation rounds the search took.
    pub rounds: u32,
}

/// One group's plan.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GroupPlan {
    /// The group.
    pub group: String,
    /// Per interval of the day and day profile: `(profile, "HH:MM", simulated, erlang, given)`.
    pub rows: Vec<PlanRow>,
}

/// Call-takers for one interval of one day profile.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PlanRow {
    /// `mon` … `sun`, `holiday`.
    pub day: String,
    /// Interval start, `HH:MM`.
    pub from: String,
    /// Fewest call-takers that met the goal in simulation.
    pub simulated: u32,
    /// The Erlang C (no patience) or Erlang A estimate for the same interval.
    pub erlang: u32,
    /// In the traffic file.
    pub given: u32,
}

impl Plan {
    /// The plan as text.
    pub fn text(&self) -> String {
        let mut o = format!("Staffing for {} ({} rounds)\n", self.goal, self.rounds);
        for g in &self.groups {
            o.push_str(&format!("  {}\n", g.group));
        }
        o
    }
}
