//! The people who answer: agents, admins, partners; and the teams they belong to.

use crate::channel::vocabulary;
use crate::{AgentId, LanguageTag, TeamId, Timestamp};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// What a login may do. `admin` manages the store, `agent` answers buyers, `partner`
    /// (an overseas warehouse, a local service provider) sees only what is escalated to it.
    Role, "role" {
        Admin => "admin",
        Agent => "agent",
        Partner => "partner",
    }
);

impl Role {
    /// Whether this role includes everything `needed` may do.
    pub fn satisfies(self, needed: Role) -> bool {
        match needed {
            Role::Admin => self == Role::Admin,
            Role::Agent => matches!(self, Role::Admin | Role::Agent),
            Role::Partner => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    pub id: AgentId,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// Languages the agent reads and writes, best first; the first is the working language.
    pub languages: Vec<LanguageTag>,
    /// IANA time zone, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    pub team_id: Option<TeamId>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    /// The language messages are translated into for this team.
    pub working_language: LanguageTag,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_nest() {
        assert!(Role::Admin.satisfies(Role::Agent));
        assert!(Role::Agent.satisfies(Role::Partner));
        assert!(!Role::Partner.satisfies(Role::Agent));
        assert!(!Role::Agent.satisfies(Role::Admin));
    }
}
