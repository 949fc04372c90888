//! Who answers a conversation: routing decisions as pure functions of the conversation, the agents'
//! shifts and loads, and the current instant.
//!
//! [`route`] handles a new or reopened conversation, [`reoffer_at_shift_end`] the unanswered work an
//! agent leaves behind when their shift ends. Both only decide; the caller stores the assignment and
//! updates the load and `last_assigned_at` it passes in next time, which is what makes equal agents
//! take turns.
//!
//! Ranking, in order: the agent must be allowed the conversation's tier (partner-tier work goes only
//! to partners, and partners get nothing else), belong to its team (agent tiers only: a partner
//! serves the whole store), read the buyer's language (natively or via translation), be on shift and
//! under capacity. Among those, speakers of the buyer's language come before translation readers,
//! then the least loaded, then the least recently assigned (round-robin among equals), then the
//! lowest id so that the decision is deterministic.

use std::fmt;

use crate::{AgentId, BusinessCalendar, Conversation, LanguageTag, Role, TeamId, Tier, Timestamp};

/// What routing needs to know about one agent at the moment of the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentAvailability {
    pub agent_id: AgentId,
    pub role: Role,
    /// Languages the agent reads and writes.
    pub languages: Vec<LanguageTag>,
    /// Whether the agent may take conversations in other languages, reading them through machine
    /// translation.
    pub reads_via_translation: bool,
    pub team_id: Option<TeamId>,
    /// The agent's working hours in their own time zone (e.g. the Asia-Pacific shift).
    pub shift: BusinessCalendar,
    /// How many open conversations the agent holds at most; 0 takes nothing automatically.
    pub capacity: u32,
    /// Open conversations the agent holds now.
    pub open_load: u32,
    pub last_assigned_at: Option<Timestamp>,
}

impl AgentAvailability {
    fn has_room(&self) -> bool {
        self.open_load < self.capacity
    }
}

/// The current assignee of a conversation and whether a person chose them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentAssignment {
    pub agent_id: AgentId,
    /// Set by a person rather than by routing: respected as long as the rules allow.
    pub manual: bool,
}

/// The facts of a conversation that routing looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRequest {
    /// `None` or `und` when not detected yet: then every agent reads it equally well.
    pub buyer_language: Option<LanguageTag>,
    pub tier: Tier,
    pub assignment: Option<CurrentAssignment>,
    pub team_id: Option<TeamId>,
}

impl RoutingRequest {
    /// The request for a stored conversation; the store knows whether its assignee was set by hand.
    pub fn of(conversation: &Conversation, assignment_is_manual: bool) -> RoutingRequest {
        RoutingRequest {
            buyer_language: conversation.buyer_language.clone(),
            tier: conversation.tier,
            assignment: conversation
                .assignee_id
                .map(|agent_id| CurrentAssignment { agent_id, manual: assignment_is_manual }),
            team_id: conversation.team_id,
        }
    }

    /// The buyer's language when it is known.
    fn language(&self) -> Option<&LanguageTag> {
        self.buyer_language.as_ref().filter(|l| !l.is_undetermined())
    }
}

/// How an agent reads the buyer's language. Variants are ordered best first, which is what ranks
/// speakers before translation readers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum LanguageFit {
    Speaks(LanguageTag),
    ViaTranslation(LanguageTag),
    BuyerLanguageUnknown,
}

/// Why an agent was chosen, for the conversation's history and the agent's curiosity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignReason {
    pub language: LanguageFit,
    pub load: u32,
    pub capacity: u32,
    /// Available agents with the same language fit and load, the chosen one included; more than
    /// one means the least recently assigned of them won.
    pub equals: usize,
}

impl fmt::Display for AssignReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.language {
            LanguageFit::Speaks(language) => write!(f, "speaks {language}")?,
            LanguageFit::ViaTranslation(language) => write!(f, "reads {language} via translation")?,
            LanguageFit::BuyerLanguageUnknown => f.write_str("buyer language unknown")?,
        }
        write!(f, ", on shift, load {}/{}", self.load, self.capacity)?;
        if self.equals > 1 {
            write!(f, ", round-robin among {}", self.equals)?;
        }
        Ok(())
    }
}

/// Why nobody was assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitReason {
    /// No agent has the tier's role, the team and the language: waiting will not help until the
    /// roster changes.
    NoEligibleAgent { tier: Tier, language: Option<LanguageTag> },
    /// Eligible agents exist but are off shift or full.
    NoneAvailable { off_shift: usize, at_capacity: usize },
}

impl fmt::Display for WaitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitReason::NoEligibleAgent { tier, language } => {
                write!(f, "no agent may take {tier}-tier conversations")?;
                if let Some(language) = language {
                    write!(f, " in {language}")?;
                }
                f.write_str(" (check roles, teams, languages and translation)")
            }
            WaitReason::NoneAvailable { off_shift, at_capacity } => {
                write!(f, "{off_shift} eligible agent(s) off shift, {at_capacity} on shift at capacity")
            }
        }
    }
}

/// What to do with a conversation's assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingDecision {
    /// Leave the current assignee: a manual choice, or an automatic one whose agent is on shift.
    Keep {
        agent: AgentId,
        manual: bool,
    },
    Assign {
        agent: AgentId,
        reason: AssignReason,
    },
    /// Change nothing now. `until` is the earliest shift start of an eligible agent with room, the
    /// moment to try again; `None` when only freed capacity or a roster change can help.
    Wait {
        until: Option<Timestamp>,
        reason: WaitReason,
    },
}

/// The decision for a new or reopened conversation. A manual assignment is kept whatever the shift
/// (a person chose it); it gives way only when its agent is gone or may not take the tier.
pub fn route(request: &RoutingRequest, agents: &[AgentAvailability], now: Timestamp) -> RoutingDecision {
    decide(request, agents, now, |_| true)
}

/// The decision for an unanswered conversation when its assignee's shift ended at `shift_ended_at`
/// (also for unassigned work, which is offered again). An automatic assignment moves to someone on
/// shift at once; a manual one stays for `grace_ms` after the shift end, so call again at
/// `shift_ended_at + grace_ms` if it was kept. When nobody is available the assignment stays.
pub fn reoffer_at_shift_end(
    request: &RoutingRequest,
    agents: &[AgentAvailability],
    shift_ended_at: Timestamp,
    grace_ms: i64,
    now: Timestamp,
) -> RoutingDecision {
    let within_grace = now < shift_ended_at.plus_millis(grace_ms);
    decide(request, agents, now, |assignee| within_grace || assignee.shift.is_open(now))
}

/// `manual_holds` says whether a manual assignee (known and allowed the tier) keeps the conversation.
fn decide(
    request: &RoutingRequest,
    agents: &[AgentAvailability],
    now: Timestamp,
    manual_holds: impl Fn(&AgentAvailability) -> bool,
) -> RoutingDecision {
    if let Some(current) = request.assignment
        && let Some(assignee) = agents.iter().find(|a| a.agent_id == current.agent_id)
    {
        let keep = if current.manual {
            serves_tier(assignee.role, request.tier) && manual_holds(assignee)
        } else {
            eligible(assignee, request) && assignee.shift.is_open(now)
        };
        if keep {
            return RoutingDecision::Keep { agent: assignee.agent_id, manual: current.manual };
        }
    }
    choose(request, agents, now)
}

fn choose(request: &RoutingRequest, agents: &[AgentAvailability], now: Timestamp) -> RoutingDecision {
    let eligible: Vec<&AgentAvailability> = agents.iter().filter(|a| eligible(a, request)).collect();
    if eligible.is_empty() {
        let reason = WaitReason::NoEligibleAgent { tier: request.tier, language: request.language().cloned() };
        return RoutingDecision::Wait { until: None, reason };
    }
    let (on_shift, off_shift): (Vec<&AgentAvailability>, Vec<&AgentAvailability>) =
        eligible.into_iter().partition(|a| a.shift.is_open(now));
    let available: Vec<&AgentAvailability> = on_shift.iter().copied().filter(|a| a.has_room()).collect();
    let standing = |a: &AgentAvailability| (language_fit(a, request), a.open_load);
    let best = available.iter().min_by_key(|a| (standing(a), a.last_assigned_at, a.agent_id));
    match best {
        Some(best) => {
            let equals = available.iter().filter(|a| standing(a) == standing(best)).count();
            let (language, load) = standing(best);
            RoutingDecision::Assign {
                agent: best.agent_id,
                reason: AssignReason { language, load, capacity: best.capacity, equals },
            }
        }
        None => {
            let until = off_shift
                .iter()
                .filter(|a| a.has_room())
                .map(|a| a.shift.next_open(now))
                // The calendar's answer for a shift that never opens again.
                .filter(|&t| t != Timestamp(i64::MAX))
                .min();
            let reason = WaitReason::NoneAvailable { off_shift: off_shift.len(), at_capacity: on_shift.len() };
            RoutingDecision::Wait { until, reason }
        }
    }
}

/// Partner-tier work goes only to partners, and partners get nothing else: a partner sees only
/// what was escalated to it.
fn serves_tier(role: Role, tier: Tier) -> bool {
    match tier {
        Tier::Partner => role == Role::Partner,
        Tier::Auto | Tier::Agent => role.satisfies(Role::Agent),
    }
}

fn eligible(agent: &AgentAvailability, request: &RoutingRequest) -> bool {
    let in_team = request.tier == Tier::Partner || request.team_id.is_none() || agent.team_id == request.team_id;
    let reads = match request.language() {
        Some(language) => agent.reads_via_translation || agent.languages.contains(language),
        None => true,
    };
    serves_tier(agent.role, request.tier) && in_team && reads
}

fn language_fit(agent: &AgentAvailability, request: &RoutingRequest) -> LanguageFit {
    match request.language() {
        Some(language) if agent.languages.contains(language) => LanguageFit::Speaks(language.clone()),
        Some(language) => LanguageFit::ViaTranslation(language.clone()),
        None => LanguageFit::BuyerLanguageUnknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarConfig, WeeklyHours};
    use crate::{Channel, ConversationId, ConversationStatus, Priority};
    use proptest::prelude::*;

    const HOUR: i64 = 3_600_000;

    fn lang(code: &str) -> LanguageTag {
        LanguageTag::parse(code).unwrap()
    }

    fn at(rfc3339: &str) -> Timestamp {
        Timestamp::parse_rfc3339(rfc3339).unwrap()
    }

    fn shift(zone: &str, periods: &[&str]) -> BusinessCalendar {
        let config =
            CalendarConfig { time_zone: zone.into(), hours: WeeklyHours::weekdays(periods), holidays: Vec::new() };
        BusinessCalendar::try_from(config).unwrap()
    }

    fn americas() -> BusinessCalendar {
        shift("America/New_York", &["09:00-17:00"])
    }

    fn europe() -> BusinessCalendar {
        shift("Europe/Berlin", &["09:00-17:00"])
    }

    fn asia_pacific() -> BusinessCalendar {
        shift("Asia/Singapore", &["09:00-17:00"])
    }

    /// Wednesday 2026-11-18 10:00 UTC: 11:00 in Berlin (Europe on shift), 05:00 in New York and
    /// 18:00 in Singapore (both off).
    fn europe_morning() -> Timestamp {
        at("2026-11-18T10:00:00Z")
    }

    fn agent(id: i64, languages: &[&str], shift: BusinessCalendar) -> AgentAvailability {
        AgentAvailability {
            agent_id: AgentId(id),
            role: Role::Agent,
            languages: languages.iter().map(|l| lang(l)).collect(),
            reads_via_translation: false,
            team_id: None,
            shift,
            capacity: 5,
            open_load: 0,
            last_assigned_at: None,
        }
    }

    fn request(language: Option<&str>) -> RoutingRequest {
        RoutingRequest { buyer_language: language.map(lang), tier: Tier::Agent, assignment: None, team_id: None }
    }

    fn assigned(decision: RoutingDecision) -> (AgentId, AssignReason) {
        match decision {
            RoutingDecision::Assign { agent, reason } => (agent, reason),
            other => panic!("expected an assignment, got {other:?}"),
        }
    }

    #[test]
    fn goes_to_the_speaker_whose_shift_is_on() {
        let agents =
            [agent(1, &["de"], americas()), agent(2, &["en", "de"], europe()), agent(3, &["de"], asia_pacific())];
        let (chosen, reason) = assigned(route(&request(Some("de")), &agents, europe_morning()));
        assert_eq!(chosen, AgentId(2));
        assert_eq!(reason.to_string(), "speaks de, on shift, load 0/5");
    }

    #[test]
    fn a_night_shift_past_midnight_is_on_shift() {
        let agents = [agent(1, &["en"], europe()), agent(2, &["en"], shift("Europe/Berlin", &["22:00-06:00"]))];
        // Thursday 01:00 in Berlin: Wednesday's night shift is still running.
        assert_eq!(assigned(route(&request(Some("en")), &agents, at("2026-11-19T00:00:00Z"))).0, AgentId(2));
    }

    #[test]
    fn speakers_come_before_translation_readers_even_when_busier() {
        let reader = AgentAvailability { reads_via_translation: true, ..agent(1, &["en"], europe()) };
        let speaker = AgentAvailability { open_load: 4, ..agent(2, &["fr"], europe()) };
        let (chosen, reason) = assigned(route(&request(Some("fr")), &[reader, speaker], europe_morning()));
        assert_eq!(chosen, AgentId(2));
        assert_eq!(reason.language, LanguageFit::Speaks(lang("fr")));
    }

    #[test]
    fn a_translation_reader_takes_it_when_no_speaker_is_on_shift() {
        let reader = AgentAvailability { reads_via_translation: true, ..agent(1, &["en"], europe()) };
        let speaker = agent(2, &["ja"], asia_pacific());
        let (chosen, reason) = assigned(route(&request(Some("ja")), &[reader, speaker], europe_morning()));
        assert_eq!(chosen, AgentId(1));
        assert_eq!(reason.to_string(), "reads ja via translation, on shift, load 0/5");
    }

    #[test]
    fn an_agent_who_neither_speaks_nor_uses_translation_is_never_chosen() {
        let decision = route(&request(Some("ja")), &[agent(1, &["en"], europe())], europe_morning());
        let RoutingDecision::Wait { until: None, reason } = decision else { panic!("{decision:?}") };
        assert_eq!(reason, WaitReason::NoEligibleAgent { tier: Tier::Agent, language: Some(lang("ja")) });
        assert!(reason.to_string().contains("in ja"), "{reason}");
    }

    #[test]
    fn an_unknown_buyer_language_is_read_by_everyone() {
        let agents = [agent(1, &["en"], europe()), AgentAvailability { open_load: 1, ..agent(2, &["de"], europe()) }];
        for language in [None, Some("und")] {
            let (chosen, reason) = assigned(route(&request(language), &agents, europe_morning()));
            assert_eq!(chosen, AgentId(1));
            assert_eq!(reason.language, LanguageFit::BuyerLanguageUnknown);
        }
    }

    #[test]
    fn the_least_loaded_speaker_wins() {
        let agents = [
            AgentAvailability { open_load: 3, ..agent(1, &["de"], europe()) },
            AgentAvailability { open_load: 1, ..agent(2, &["de"], europe()) },
            AgentAvailability { open_load: 2, ..agent(3, &["de"], europe()) },
        ];
        let (chosen, reason) = assigned(route(&request(Some("de")), &agents, europe_morning()));
        assert_eq!((chosen, reason.load, reason.equals), (AgentId(2), 1, 1));
    }

    #[test]
    fn equals_take_turns_by_least_recent_assignment() {
        let earlier = at("2026-11-18T09:00:00Z");
        let agents = [
            AgentAvailability { last_assigned_at: Some(earlier.plus_millis(HOUR)), ..agent(1, &["de"], europe()) },
            AgentAvailability { last_assigned_at: Some(earlier), ..agent(2, &["de"], europe()) },
            AgentAvailability { last_assigned_at: Some(earlier.plus_millis(2 * HOUR)), ..agent(3, &["de"], europe()) },
        ];
        let (chosen, reason) = assigned(route(&request(Some("de")), &agents, europe_morning()));
        assert_eq!(chosen, AgentId(2));
        assert_eq!(reason.to_string(), "speaks de, on shift, load 0/5, round-robin among 3");
        let newcomer = agent(4, &["de"], europe());
        let agents = [agents[1].clone(), newcomer];
        assert_eq!(assigned(route(&request(Some("de")), &agents, europe_morning())).0, AgentId(4));
    }

    #[test]
    fn full_agents_and_zero_capacity_take_nothing() {
        let full = AgentAvailability { open_load: 5, ..agent(1, &["de"], europe()) };
        let observer = AgentAvailability { capacity: 0, ..agent(2, &["de"], europe()) };
        let decision = route(&request(Some("de")), &[full.clone(), observer], europe_morning());
        let reason = WaitReason::NoneAvailable { off_shift: 0, at_capacity: 2 };
        assert_eq!(decision, RoutingDecision::Wait { until: None, reason });
        let reader = AgentAvailability { reads_via_translation: true, ..agent(3, &["en"], europe()) };
        assert_eq!(assigned(route(&request(Some("de")), &[full, reader], europe_morning())).0, AgentId(3));
    }

    #[test]
    fn off_shift_work_waits_for_the_next_shift_with_room() {
        let saturday = at("2026-11-21T12:00:00Z");
        let full_asia = AgentAvailability { open_load: 5, ..agent(1, &["en"], asia_pacific()) };
        let agents = [full_asia, agent(2, &["en"], americas()), agent(3, &["en"], europe())];
        let decision = route(&request(Some("en")), &agents, saturday);
        // Singapore opens first (Monday 01:00 UTC) but is full; Berlin opens at 08:00 UTC.
        let reason = WaitReason::NoneAvailable { off_shift: 3, at_capacity: 0 };
        assert_eq!(decision, RoutingDecision::Wait { until: Some(at("2026-11-23T08:00:00Z")), reason: reason.clone() });
        assert_eq!(reason.to_string(), "3 eligible agent(s) off shift, 0 on shift at capacity");
    }

    #[test]
    fn partner_tier_work_goes_only_to_partners_and_partners_get_nothing_else() {
        let partner = AgentAvailability { role: Role::Partner, ..agent(1, &["de"], europe()) };
        let admin = AgentAvailability { role: Role::Admin, open_load: 3, ..agent(2, &["de"], europe()) };
        let partner_tier = RoutingRequest { tier: Tier::Partner, ..request(Some("de")) };
        let agents = [partner.clone(), admin];
        assert_eq!(assigned(route(&partner_tier, &agents, europe_morning())).0, AgentId(1));
        for tier in [Tier::Auto, Tier::Agent] {
            let request = RoutingRequest { tier, ..request(Some("de")) };
            assert_eq!(assigned(route(&request, &agents, europe_morning())).0, AgentId(2));
        }
        let only_partner = route(&request(Some("de")), &[partner], europe_morning());
        assert!(matches!(only_partner, RoutingDecision::Wait { reason: WaitReason::NoEligibleAgent { .. }, .. }));
    }

    #[test]
    fn a_team_limits_agents_but_not_partners() {
        let other_team = AgentAvailability { team_id: Some(TeamId(2)), ..agent(1, &["de"], europe()) };
        let own_team = AgentAvailability { team_id: Some(TeamId(1)), open_load: 2, ..agent(2, &["de"], europe()) };
        let partner = AgentAvailability { role: Role::Partner, ..other_team.clone() };
        let team_request = RoutingRequest { team_id: Some(TeamId(1)), ..request(Some("de")) };
        let agents = [other_team, own_team, partner];
        assert_eq!(assigned(route(&team_request, &agents, europe_morning())).0, AgentId(2));
        let partner_tier = RoutingRequest { tier: Tier::Partner, ..team_request };
        assert_eq!(assigned(route(&partner_tier, &agents[2..], europe_morning())).0, AgentId(1));
    }

    #[test]
    fn a_manual_assignment_is_kept_off_shift_and_at_capacity() {
        let chosen = AgentAvailability { open_load: 9, ..agent(1, &["en"], asia_pacific()) };
        let agents = [chosen, agent(2, &["de"], europe())];
        let manual = RoutingRequest {
            assignment: Some(CurrentAssignment { agent_id: AgentId(1), manual: true }),
            ..request(Some("de"))
        };
        assert_eq!(
            route(&manual, &agents, europe_morning()),
            RoutingDecision::Keep { agent: AgentId(1), manual: true }
        );
    }

    #[test]
    fn a_manual_assignment_gives_way_to_tier_rules_and_departures() {
        let agents =
            [agent(1, &["de"], europe()), AgentAvailability { role: Role::Partner, ..agent(2, &["de"], europe()) }];
        let escalated = RoutingRequest {
            tier: Tier::Partner,
            assignment: Some(CurrentAssignment { agent_id: AgentId(1), manual: true }),
            ..request(Some("de"))
        };
        assert_eq!(assigned(route(&escalated, &agents, europe_morning())).0, AgentId(2));
        let departed = RoutingRequest {
            assignment: Some(CurrentAssignment { agent_id: AgentId(9), manual: true }),
            ..request(Some("de"))
        };
        assert_eq!(assigned(route(&departed, &agents, europe_morning())).0, AgentId(1));
    }

    #[test]
    fn an_automatic_assignment_is_kept_only_while_its_agent_is_on_shift() {
        let agents = [agent(1, &["de"], europe()), AgentAvailability { open_load: 4, ..agent(2, &["de"], europe()) }];
        let automatic = |id| RoutingRequest {
            assignment: Some(CurrentAssignment { agent_id: AgentId(id), manual: false }),
            ..request(Some("de"))
        };
        let kept = route(&automatic(2), &agents, europe_morning());
        assert_eq!(kept, RoutingDecision::Keep { agent: AgentId(2), manual: false });
        let agents = [agent(1, &["de"], europe()), agent(2, &["de"], asia_pacific())];
        assert_eq!(assigned(route(&automatic(2), &agents, europe_morning())).0, AgentId(1));
    }

    #[test]
    fn reoffer_moves_automatic_work_at_once_and_manual_work_after_the_grace() {
        // Singapore's shift ended at 09:00 UTC; Berlin is on shift.
        let ended = at("2026-11-18T09:00:00Z");
        let agents = [agent(1, &["de"], asia_pacific()), agent(2, &["de"], europe())];
        let assignment = |manual| RoutingRequest {
            assignment: Some(CurrentAssignment { agent_id: AgentId(1), manual }),
            ..request(Some("de"))
        };
        let grace = 2 * HOUR;
        let shortly_after = ended.plus_millis(HOUR);
        assert_eq!(
            assigned(reoffer_at_shift_end(&assignment(false), &agents, ended, grace, shortly_after)).0,
            AgentId(2)
        );
        let kept = reoffer_at_shift_end(&assignment(true), &agents, ended, grace, shortly_after);
        assert_eq!(kept, RoutingDecision::Keep { agent: AgentId(1), manual: true });
        let grace_over = ended.plus_millis(grace);
        assert_eq!(assigned(reoffer_at_shift_end(&assignment(true), &agents, ended, grace, grace_over)).0, AgentId(2));
    }

    #[test]
    fn reoffer_offers_unassigned_work_and_waits_when_nobody_is_on() {
        let ended = at("2026-11-18T16:00:00Z");
        let agents = [agent(1, &["de"], europe()), agent(2, &["de"], americas())];
        let (chosen, _) = assigned(reoffer_at_shift_end(&request(Some("de")), &agents, ended, HOUR, ended));
        assert_eq!(chosen, AgentId(2));
        let night = at("2026-11-19T02:00:00Z");
        let automatic = RoutingRequest {
            assignment: Some(CurrentAssignment { agent_id: AgentId(2), manual: false }),
            ..request(Some("de"))
        };
        let decision = reoffer_at_shift_end(&automatic, &agents, at("2026-11-18T22:00:00Z"), HOUR, night);
        let reason = WaitReason::NoneAvailable { off_shift: 2, at_capacity: 0 };
        assert_eq!(decision, RoutingDecision::Wait { until: Some(at("2026-11-19T08:00:00Z")), reason });
    }

    #[test]
    fn a_request_reads_the_stored_conversation() {
        let now = europe_morning();
        let conversation = Conversation {
            id: ConversationId(7),
            channel: Channel::Email,
            marketplace: None,
            subject: None,
            status: ConversationStatus::Open,
            customer_id: None,
            order_id: None,
            order_number: None,
            buyer_language: Some(lang("fr")),
            assignee_id: Some(AgentId(3)),
            team_id: Some(TeamId(1)),
            priority: Priority::Normal,
            tier: Tier::Partner,
            tags: Vec::new(),
            intent: None,
            escalated: true,
            sla_due_at: None,
            last_message_at: now,
            created_at: now,
            updated_at: now,
            message_count: 1,
            preview: None,
        };
        let expected = RoutingRequest {
            buyer_language: Some(lang("fr")),
            tier: Tier::Partner,
            assignment: Some(CurrentAssignment { agent_id: AgentId(3), manual: true }),
            team_id: Some(TeamId(1)),
        };
        assert_eq!(RoutingRequest::of(&conversation, true), expected);
    }

    const LANGUAGES: &[&str] = &["de", "fr", "en", "ja"];

    fn any_shift() -> impl Strategy<Value = BusinessCalendar> {
        prop_oneof![
            Just(americas()),
            Just(europe()),
            Just(asia_pacific()),
            Just(shift("Europe/Berlin", &["22:00-06:00"])),
            Just(BusinessCalendar::always_open()),
        ]
    }

    fn any_agent(id: i64) -> impl Strategy<Value = AgentAvailability> {
        let role = prop::sample::select(vec![Role::Agent, Role::Admin, Role::Partner]);
        let languages = prop::sample::subsequence(LANGUAGES, 0..=2);
        let team = prop::option::of(1i64..3);
        let last = prop::option::of(0i64..5);
        (role, languages, any::<bool>(), team, any_shift(), 0u32..4, 0u32..5, last).prop_map(
            move |(role, languages, reads_via_translation, team, shift, capacity, open_load, last)| AgentAvailability {
                agent_id: AgentId(id),
                role,
                languages: languages.into_iter().map(lang).collect(),
                reads_via_translation,
                team_id: team.map(TeamId),
                shift,
                capacity,
                open_load,
                last_assigned_at: last.map(|hours| at("2026-11-01T00:00:00Z").plus_millis(hours * HOUR)),
            },
        )
    }

    fn any_agents() -> impl Strategy<Value = Vec<AgentAvailability>> {
        (0usize..7).prop_flat_map(|n| (0..n as i64).map(any_agent).collect::<Vec<_>>())
    }

    fn any_request() -> impl Strategy<Value = RoutingRequest> {
        let language = prop::option::of(prop::sample::select(LANGUAGES));
        let tier = prop::sample::select(Tier::ALL);
        let assignment = prop::option::of((0i64..8, any::<bool>()))
            .prop_map(|a| a.map(|(id, manual)| CurrentAssignment { agent_id: AgentId(id), manual }));
        (language, tier, assignment, prop::option::of(1i64..3)).prop_map(|(language, tier, assignment, team)| {
            RoutingRequest { buyer_language: language.map(lang), tier, assignment, team_id: team.map(TeamId) }
        })
    }

    /// A week of instants in November 2026, so every shift is both on and off somewhere in it.
    fn any_instant() -> impl Strategy<Value = Timestamp> {
        (0..7 * 24 * HOUR).prop_map(|offset| at("2026-11-16T00:00:00Z").plus_millis(offset))
    }

    /// The decision's assignee, `None` when it keeps or waits.
    fn newly_assigned<'a>(
        decision: &RoutingDecision,
        agents: &'a [AgentAvailability],
    ) -> Option<&'a AgentAvailability> {
        match decision {
            RoutingDecision::Assign { agent, .. } => agents.iter().find(|a| a.agent_id == *agent),
            RoutingDecision::Keep { .. } | RoutingDecision::Wait { .. } => None,
        }
    }

    fn speaks(agent: &AgentAvailability, request: &RoutingRequest) -> bool {
        request.buyer_language.as_ref().is_some_and(|l| agent.languages.contains(l))
    }

    proptest! {
        #[test]
        fn the_chosen_agent_is_on_shift_under_capacity_and_allowed_the_conversation(
            agents in any_agents(), request in any_request(), now in any_instant(),
            ended_hours_ago in 0i64..12, grace_hours in 0i64..6,
        ) {
            let ended = now.plus_millis(-ended_hours_ago * HOUR);
            for decision in [
                route(&request, &agents, now),
                reoffer_at_shift_end(&request, &agents, ended, grace_hours * HOUR, now),
            ] {
                if let Some(chosen) = newly_assigned(&decision, &agents) {
                    prop_assert!(chosen.shift.is_open(now), "{decision:?}");
                    prop_assert!(chosen.open_load < chosen.capacity);
                    prop_assert_eq!(chosen.role == Role::Partner, request.tier == Tier::Partner);
                    prop_assert!(eligible(chosen, &request));
                }
            }
        }

        #[test]
        fn a_speaker_is_never_passed_over_for_a_non_speaker(
            agents in any_agents(), language in prop::sample::select(LANGUAGES), now in any_instant(),
        ) {
            // One tier and no teams, so that speakers and readers meet often.
            let agents: Vec<AgentAvailability> =
                agents.into_iter().map(|a| AgentAvailability { role: Role::Agent, team_id: None, ..a }).collect();
            let request = request(Some(language));
            let decision = route(&request, &agents, now);
            if let Some(chosen) = newly_assigned(&decision, &agents) {
                let speaker_available = agents.iter().any(|a| {
                    eligible(a, &request) && a.shift.is_open(now) && a.open_load < a.capacity && speaks(a, &request)
                });
                prop_assert!(!speaker_available || speaks(chosen, &request), "{decision:?}");
            }
        }

        #[test]
        fn a_manual_assignment_is_never_changed_while_its_agent_is_on_shift(
            agents in any_agents(), request in any_request(), now in any_instant(),
            ended_hours_ago in 0i64..12, grace_hours in 0i64..6,
        ) {
            let Some(CurrentAssignment { agent_id, manual: true }) = request.assignment else { return Ok(()) };
            let Some(assignee) = agents.iter().find(|a| a.agent_id == agent_id) else { return Ok(()) };
            let kept = RoutingDecision::Keep { agent: agent_id, manual: true };
            if serves_tier(assignee.role, request.tier) {
                prop_assert_eq!(route(&request, &agents, now), kept.clone());
                if assignee.shift.is_open(now) {
                    let ended = now.plus_millis(-ended_hours_ago * HOUR);
                    prop_assert_eq!(reoffer_at_shift_end(&request, &agents, ended, grace_hours * HOUR, now), kept);
                }
            }
        }

        #[test]
        fn equal_agents_share_the_work_in_turns(agents in 1usize..7, conversations in 0usize..40, answered_at_once: bool) {
            let start = europe_morning();
            let mut roster: Vec<AgentAvailability> =
                (0..agents as i64).map(|id| AgentAvailability { capacity: 100, ..agent(id, &["de"], europe()) }).collect();
            let mut counts = vec![0usize; agents];
            for n in 0..conversations {
                let now = start.plus_millis(n as i64 * 60_000);
                let (chosen, _) = assigned(route(&request(Some("de")), &roster, now));
                let index = roster.iter().position(|a| a.agent_id == chosen).unwrap();
                counts[index] += 1;
                roster[index].last_assigned_at = Some(now);
                if !answered_at_once {
                    roster[index].open_load += 1;
                }
            }
            let spread = counts.iter().max().unwrap() - counts.iter().min().unwrap();
            prop_assert!(spread <= 1, "{counts:?}");
        }
    }
}
