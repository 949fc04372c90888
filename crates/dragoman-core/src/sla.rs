//! Service-level targets: which policy applies to a conversation ([`SlaPolicies::match_policy`]) and
//! the clock that turns its events into due, warning and breach instants ([`SlaClock`]).
//!
//! Policies are a list where the first match wins, so that an operator reads them top to bottom the
//! way they are applied; the last one must match everything, so every conversation has a target.
//! Business-hours targets run on the team's [`BusinessCalendar`]; wall-clock targets (Amazon's
//! 24 hours) count every minute, weekends and holidays included.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;
use crate::{Channel, Conversation, Customer, Marketplace, Priority, Timestamp};

const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;

/// The rule ingest applies before routing knows the team's policies and calendar: Amazon's
/// 24 hours wall-clock for every channel, an hour for live chat.
pub fn default_response_due(channel: Channel, received_at: Timestamp) -> Timestamp {
    let hours = match channel {
        Channel::Chat => 1,
        Channel::Amazon | Channel::Ebay | Channel::Shopify | Channel::Email => 24,
    };
    received_at.plus_millis(hours * HOUR_MS)
}

/// Why a set of SLA policies was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SlaError {
    #[error("no SLA policies: add at least one policy without conditions")]
    Empty,
    #[error("the last SLA policy {0:?} has conditions; the last policy must match every conversation")]
    NoFallback(String),
    #[error("SLA policy {policy:?}: warn_share {share} must be between 0 and 1 (exclusive)")]
    BadWarnShare { policy: String, share: f64 },
    #[error("SLA policy {0:?}: a target of 0 minutes would be breached on arrival; leave it out for no target")]
    ZeroTarget(String),
}

/// Buyer regions with their own default response targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    NorthAmerica,
    Europe,
    SoutheastAsia,
}

impl Region {
    /// The region of an ISO 3166-1 alpha-2 country code (case-insensitive; `UK` is taken as `GB`,
    /// as marketplace domains write it). `None` for countries outside the three regions.
    pub fn of_country(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_uppercase();
        match code.as_str() {
            "US" | "CA" | "MX" => Some(Region::NorthAmerica),
            "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT"
            | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "GB" | "UK"
            | "CH" | "NO" | "IS" | "LI" => Some(Region::Europe),
            "SG" | "MY" | "TH" | "VN" | "ID" | "PH" | "BN" | "KH" | "LA" | "MM" | "TL" => Some(Region::SoutheastAsia),
            _ => None,
        }
    }
}

/// What policy matching looks at, gathered by the caller from the conversation and its customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationFacts {
    pub channel: Channel,
    pub marketplace: Option<Marketplace>,
    /// ISO 3166-1 alpha-2, when known from the order or the customer record.
    pub buyer_country: Option<String>,
    pub priority: Priority,
    pub escalated: bool,
    pub customer_tags: Vec<String>,
}

impl ConversationFacts {
    /// The facts of a stored conversation and, when known, its customer (country and tags).
    pub fn of(conversation: &Conversation, customer: Option<&Customer>) -> ConversationFacts {
        ConversationFacts {
            channel: conversation.channel,
            marketplace: conversation.marketplace.clone(),
            buyer_country: customer.and_then(|c| c.country.clone()),
            priority: conversation.priority,
            escalated: conversation.escalated,
            customer_tags: customer.map(|c| c.tags.clone()).unwrap_or_default(),
        }
    }

    /// The buyer's country, or failing that the marketplace's (`amazon.de` → Germany): most buyers
    /// shop on their own country's storefront.
    pub fn country(&self) -> Option<&str> {
        self.buyer_country.as_deref().or_else(|| self.marketplace.as_ref()?.country_tld())
    }

    pub fn region(&self) -> Option<Region> {
        self.country().and_then(Region::of_country)
    }
}

/// Conditions of a policy: every non-empty list must contain the conversation's value (tags: any
/// one of them); empty lists and a missing `escalated` match anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaConditions {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marketplaces: Vec<Marketplace>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// ISO 3166-1 alpha-2 codes, case-insensitive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priorities: Vec<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated: Option<bool>,
    /// Customer tags such as `vip`, case-insensitive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_tags: Vec<String>,
}

impl SlaConditions {
    pub fn matches(&self, facts: &ConversationFacts) -> bool {
        fn allows<T: PartialEq>(list: &[T], value: Option<&T>) -> bool {
            list.is_empty() || value.is_some_and(|v| list.contains(v))
        }
        let country = facts.country();
        allows(&self.channels, Some(&facts.channel))
            && allows(&self.marketplaces, facts.marketplace.as_ref())
            && allows(&self.regions, facts.region().as_ref())
            && (self.countries.is_empty()
                || country.is_some_and(|c| self.countries.iter().any(|x| x.eq_ignore_ascii_case(c))))
            && allows(&self.priorities, Some(&facts.priority))
            && self.escalated.is_none_or(|e| e == facts.escalated)
            && (self.customer_tags.is_empty()
                || facts.customer_tags.iter().any(|t| self.customer_tags.iter().any(|x| x.eq_ignore_ascii_case(t))))
    }
}

/// Which minutes count towards a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlaHours {
    /// The team's business calendar.
    BusinessHours,
    /// Every minute, weekends and holidays included.
    WallClock,
}

fn default_warn_share() -> f64 {
    0.75
}

/// One policy: when it applies and its targets in minutes (a missing target is not tracked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    pub name: String,
    #[serde(default)]
    pub when: SlaConditions,
    pub hours: SlaHours,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_response_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_minutes: Option<u32>,
    /// Share of a target after which agents are warned, e.g. 0.75 → after 3 h of a 4 h target.
    #[serde(default = "default_warn_share")]
    pub warn_share: f64,
}

impl SlaPolicy {
    /// A policy whose first and next responses share one target.
    fn response(name: &str, when: SlaConditions, hours: SlaHours, minutes: u32) -> SlaPolicy {
        SlaPolicy {
            name: name.to_string(),
            when,
            hours,
            first_response_minutes: Some(minutes),
            next_response_minutes: Some(minutes),
            resolution_minutes: None,
            warn_share: default_warn_share(),
        }
    }

    fn validate(&self) -> Result<(), SlaError> {
        if !(self.warn_share > 0.0 && self.warn_share < 1.0) {
            return Err(SlaError::BadWarnShare { policy: self.name.clone(), share: self.warn_share });
        }
        let targets = [self.first_response_minutes, self.next_response_minutes, self.resolution_minutes];
        if targets.contains(&Some(0)) {
            return Err(SlaError::ZeroTarget(self.name.clone()));
        }
        Ok(())
    }
}

/// An ordered, validated list of policies; the first whose conditions match applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<SlaPolicy>", into = "Vec<SlaPolicy>")]
pub struct SlaPolicies(Vec<SlaPolicy>);

impl TryFrom<Vec<SlaPolicy>> for SlaPolicies {
    type Error = SlaError;

    fn try_from(policies: Vec<SlaPolicy>) -> Result<Self, SlaError> {
        let last = policies.last().ok_or(SlaError::Empty)?;
        if last.when != SlaConditions::default() {
            return Err(SlaError::NoFallback(last.name.clone()));
        }
        policies.iter().try_for_each(SlaPolicy::validate)?;
        Ok(SlaPolicies(policies))
    }
}

impl From<SlaPolicies> for Vec<SlaPolicy> {
    fn from(policies: SlaPolicies) -> Vec<SlaPolicy> {
        policies.0
    }
}

impl Default for SlaPolicies {
    /// Escalations first (an hour, whatever the channel), then Amazon's contractual 24 hours
    /// wall-clock, then the regional first-response targets in business hours, then one working
    /// day for everyone else. Escalation counts business hours, so an escalated Amazon message
    /// that arrives as a team closes for a long weekend can be due after Amazon's 24 hours; teams
    /// that must never miss Amazon's limit put a copy of the Amazon policy first.
    fn default() -> SlaPolicies {
        let region = |r: Region| SlaConditions { regions: vec![r], ..SlaConditions::default() };
        SlaPolicies(vec![
            SlaPolicy::response(
                "escalated",
                SlaConditions { escalated: Some(true), ..SlaConditions::default() },
                SlaHours::BusinessHours,
                60,
            ),
            SlaPolicy::response(
                "amazon",
                SlaConditions { channels: vec![Channel::Amazon], ..SlaConditions::default() },
                SlaHours::WallClock,
                24 * 60,
            ),
            SlaPolicy::response("north-america", region(Region::NorthAmerica), SlaHours::BusinessHours, 2 * 60),
            SlaPolicy::response("europe", region(Region::Europe), SlaHours::BusinessHours, 4 * 60),
            SlaPolicy::response("southeast-asia", region(Region::SoutheastAsia), SlaHours::BusinessHours, 60),
            SlaPolicy::response("fallback", SlaConditions::default(), SlaHours::BusinessHours, 8 * 60),
        ])
    }
}

impl SlaPolicies {
    pub fn policies(&self) -> &[SlaPolicy] {
        &self.0
    }

    /// The first policy whose conditions match; validation guarantees the last one always does.
    pub fn match_policy(&self, facts: &ConversationFacts) -> &SlaPolicy {
        self.0.iter().find(|p| p.when.matches(facts)).unwrap_or_else(|| &self.0[self.0.len() - 1])
    }
}

/// What happened to a conversation, in time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", content = "at", rename_all = "kebab-case")]
pub enum SlaEvent {
    BuyerMessage(Timestamp),
    AgentReply(Timestamp),
    /// Waiting on the buyer: the clocks pause.
    SetPending(Timestamp),
    /// An agent takes the conversation off pending without a buyer message: the clocks resume.
    Reopened(Timestamp),
    /// Nothing to answer (a "thank you"): the clocks stop until the buyer writes again.
    NoResponseNeeded(Timestamp),
    Resolved(Timestamp),
}

impl SlaEvent {
    pub fn at(self) -> Timestamp {
        match self {
            SlaEvent::BuyerMessage(t)
            | SlaEvent::AgentReply(t)
            | SlaEvent::SetPending(t)
            | SlaEvent::Reopened(t)
            | SlaEvent::NoResponseNeeded(t)
            | SlaEvent::Resolved(t) => t,
        }
    }
}

/// The state of one target as the rest of the system sees it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// `None` while nothing is owed or the clock is paused.
    pub due_at: Option<Timestamp>,
    /// When the warning share of the target is reached; in the past once the warning is due.
    pub warn_at: Option<Timestamp>,
    /// The first breach, at the instant the target ran out; never overwritten.
    pub breached_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum TimerState {
    Stopped,
    /// `used_ms` of the target had elapsed before `since`.
    Running {
        target_ms: i64,
        used_ms: i64,
        since: Timestamp,
        due_at: Timestamp,
        warn_at: Timestamp,
    },
    Paused {
        target_ms: i64,
        used_ms: i64,
    },
}

/// One target's clock; the response and resolution targets each have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Timer {
    state: TimerState,
    breached_at: Option<Timestamp>,
}

impl Timer {
    const STOPPED: Timer = Timer { state: TimerState::Stopped, breached_at: None };

    fn observe(&mut self, now: Timestamp) {
        if let TimerState::Running { due_at, .. } = self.state
            && due_at <= now
            && self.breached_at.is_none()
        {
            self.breached_at = Some(due_at);
        }
    }

    fn run(&mut self, target_ms: i64, used_ms: i64, since: Timestamp, calendar: &BusinessCalendar, warn_share: f64) {
        let warn_after_ms = (target_ms as f64 * warn_share).round() as i64;
        self.state = TimerState::Running {
            target_ms,
            used_ms,
            since,
            due_at: calendar.add_business_time(since, target_ms - used_ms),
            warn_at: calendar.add_business_time(since, warn_after_ms - used_ms),
        };
    }

    fn pause(&mut self, at: Timestamp, calendar: &BusinessCalendar) {
        if let TimerState::Running { target_ms, used_ms, since, .. } = self.state {
            let used_ms = used_ms + calendar.business_time_between(since, at);
            self.state = TimerState::Paused { target_ms, used_ms };
        }
    }

    fn resume(&mut self, at: Timestamp, calendar: &BusinessCalendar, warn_share: f64) {
        if let TimerState::Paused { target_ms, used_ms } = self.state {
            self.run(target_ms, used_ms, at, calendar, warn_share);
        }
    }

    fn deadline(&self) -> Deadline {
        let (due_at, warn_at) = match self.state {
            TimerState::Running { due_at, warn_at, .. } => (Some(due_at), Some(warn_at)),
            TimerState::Stopped | TimerState::Paused { .. } => (None, None),
        };
        Deadline { due_at, warn_at, breached_at: self.breached_at }
    }
}

/// Wall-clock targets count on a calendar that never closes.
static WALL_CLOCK: LazyLock<BusinessCalendar> = LazyLock::new(BusinessCalendar::always_open);

/// The SLA state of one conversation under one policy, driven by [`SlaEvent`]s in time order.
///
/// - The response clock starts on a buyer message (first-response target until an agent has
///   replied once, next-response after); further buyer messages do not push it back, so writing
///   twice never buys the team time. An agent reply stops it.
/// - The resolution clock starts on the first buyer message and stops when resolved.
/// - Pending pauses both, keeping the time already used; a buyer message then restarts the
///   response clock with a fresh target, while reopening by an agent resumes where it paused.
/// - "No response needed" and "resolved" stop both until the buyer writes again.
/// - A breach is recorded once per target, at the instant the target ran out, when an event or
///   [`SlaClock::check`] at or after that instant observes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaClock {
    hours: SlaHours,
    warn_share: f64,
    first_response_ms: Option<i64>,
    next_response_ms: Option<i64>,
    resolution_ms: Option<i64>,
    answered: bool,
    pending: bool,
    response: Timer,
    resolution: Timer,
}

impl SlaClock {
    pub fn new(policy: &SlaPolicy) -> SlaClock {
        let ms = |minutes: Option<u32>| minutes.map(|m| i64::from(m) * MINUTE_MS);
        SlaClock {
            hours: policy.hours,
            warn_share: policy.warn_share,
            first_response_ms: ms(policy.first_response_minutes),
            next_response_ms: ms(policy.next_response_minutes),
            resolution_ms: ms(policy.resolution_minutes),
            answered: false,
            pending: false,
            response: Timer::STOPPED,
            resolution: Timer::STOPPED,
        }
    }

    /// Applies one event; `team_calendar` is used for business-hours policies.
    pub fn apply(&mut self, event: SlaEvent, team_calendar: &BusinessCalendar) {
        let at = event.at();
        self.check(at);
        let calendar = match self.hours {
            SlaHours::BusinessHours => team_calendar,
            SlaHours::WallClock => &WALL_CLOCK,
        };
        let share = self.warn_share;
        match event {
            SlaEvent::BuyerMessage(_) => {
                let response_idle = !matches!(self.response.state, TimerState::Running { .. });
                if self.pending || response_idle {
                    let target = if self.answered { self.next_response_ms } else { self.first_response_ms };
                    match target {
                        Some(target_ms) => self.response.run(target_ms, 0, at, calendar, share),
                        None => self.response.state = TimerState::Stopped,
                    }
                }
                match (self.resolution.state, self.resolution_ms) {
                    (TimerState::Paused { .. }, _) => self.resolution.resume(at, calendar, share),
                    (TimerState::Stopped, Some(target_ms)) => self.resolution.run(target_ms, 0, at, calendar, share),
                    _ => {}
                }
                self.pending = false;
            }
            SlaEvent::AgentReply(_) => {
                self.answered = true;
                self.response.state = TimerState::Stopped;
            }
            SlaEvent::SetPending(_) => {
                self.pending = true;
                self.response.pause(at, calendar);
                self.resolution.pause(at, calendar);
            }
            SlaEvent::Reopened(_) => {
                self.pending = false;
                self.response.resume(at, calendar, share);
                self.resolution.resume(at, calendar, share);
            }
            SlaEvent::NoResponseNeeded(_) | SlaEvent::Resolved(_) => {
                self.pending = false;
                self.response.state = TimerState::Stopped;
                self.resolution.state = TimerState::Stopped;
            }
        }
    }

    /// Records a breach that has happened by `now` (for a periodic sweep between events).
    pub fn check(&mut self, now: Timestamp) {
        self.response.observe(now);
        self.resolution.observe(now);
    }

    /// The first-response or next-response target currently owed.
    pub fn response(&self) -> Deadline {
        self.response.deadline()
    }

    pub fn resolution(&self) -> Deadline {
        self.resolution.deadline()
    }

    pub fn is_pending(&self) -> bool {
        self.pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarConfig, WeeklyHours};
    use proptest::prelude::*;

    fn facts(channel: Channel) -> ConversationFacts {
        ConversationFacts {
            channel,
            marketplace: None,
            buyer_country: None,
            priority: Priority::Normal,
            escalated: false,
            customer_tags: Vec::new(),
        }
    }

    fn berlin_office() -> BusinessCalendar {
        let config = CalendarConfig {
            time_zone: "Europe/Berlin".into(),
            hours: WeeklyHours::weekdays(&["09:00-18:00"]),
            holidays: Vec::new(),
        };
        BusinessCalendar::try_from(config).unwrap()
    }

    /// Berlin local time in winter (every date used here is in November or December).
    fn berlin(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(&format!("{}:00+01:00", s.replace(' ', "T"))).unwrap()
    }

    fn europe_clock() -> SlaClock {
        let policies = SlaPolicies::default();
        let policy =
            policies.match_policy(&ConversationFacts { buyer_country: Some("de".into()), ..facts(Channel::Email) });
        assert_eq!(policy.name, "europe");
        SlaClock::new(policy)
    }

    #[test]
    fn ingest_default_is_a_day_wall_clock() {
        let t = Timestamp(1_000);
        assert_eq!(default_response_due(Channel::Amazon, t).0, 1_000 + 24 * HOUR_MS);
        assert!(default_response_due(Channel::Chat, t) < default_response_due(Channel::Email, t));
    }

    #[test]
    fn default_policies_match_first_to_last() {
        let policies = SlaPolicies::default();
        let name = |f: ConversationFacts| policies.match_policy(&f).name.clone();
        let amazon_de = Some(Marketplace::parse("amazon.de").unwrap());
        let amazon = ConversationFacts { marketplace: amazon_de.clone(), ..facts(Channel::Amazon) };
        assert_eq!(name(amazon.clone()), "amazon");
        assert_eq!(policies.match_policy(&amazon).hours, SlaHours::WallClock);
        assert_eq!(name(ConversationFacts { escalated: true, ..amazon }), "escalated");
        assert_eq!(
            name(ConversationFacts { buyer_country: Some("us".into()), ..facts(Channel::Email) }),
            "north-america"
        );
        let ebay_uk = Some(Marketplace::parse("ebay.co.uk").unwrap());
        assert_eq!(name(ConversationFacts { marketplace: ebay_uk, ..facts(Channel::Ebay) }), "europe");
        assert_eq!(
            name(ConversationFacts { buyer_country: Some("SG".into()), ..facts(Channel::Chat) }),
            "southeast-asia"
        );
        assert_eq!(name(ConversationFacts { buyer_country: Some("br".into()), ..facts(Channel::Shopify) }), "fallback");
        assert_eq!(name(facts(Channel::Email)), "fallback");
    }

    #[test]
    fn facts_of_a_stored_conversation_take_country_and_tags_from_the_customer() {
        let conversation = Conversation {
            id: crate::ConversationId(1),
            channel: Channel::Email,
            marketplace: Some(Marketplace::parse("amazon.de").unwrap()),
            subject: None,
            status: crate::ConversationStatus::Open,
            customer_id: Some(crate::CustomerId(2)),
            order_id: None,
            order_number: None,
            buyer_language: None,
            assignee_id: None,
            team_id: None,
            priority: Priority::High,
            tier: crate::Tier::Agent,
            tags: Vec::new(),
            intent: None,
            escalated: true,
            sla_due_at: None,
            last_message_at: Timestamp(0),
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
            message_count: 1,
            preview: None,
        };
        let customer = Customer {
            id: crate::CustomerId(2),
            name: None,
            aliases: Vec::new(),
            country: Some("SG".into()),
            tags: vec!["vip".into()],
            notes: None,
            created_at: Timestamp(0),
        };
        let facts = ConversationFacts::of(&conversation, Some(&customer));
        assert_eq!(
            (facts.priority, facts.escalated, facts.customer_tags.as_slice()),
            (Priority::High, true, &["vip".to_string()][..])
        );
        assert_eq!(facts.region(), Some(Region::SoutheastAsia), "the buyer's country wins over the storefront's");
        assert_eq!(ConversationFacts::of(&conversation, None).region(), Some(Region::Europe));
    }

    #[test]
    fn policies_load_from_toml_and_need_a_fallback() {
        #[derive(Deserialize)]
        struct Config {
            policies: SlaPolicies,
        }
        let text = r#"
            [[policies]]
            name = "vip"
            when = { customer_tags = ["VIP"], channels = ["email", "chat"] }
            hours = "wall-clock"
            first_response_minutes = 30
            warn_share = 0.5
            [[policies]]
            name = "everyone"
            hours = "business-hours"
            first_response_minutes = 240
        "#;
        let config: Config = toml::from_str(text).unwrap();
        let vip = ConversationFacts { customer_tags: vec!["vip".into()], ..facts(Channel::Chat) };
        assert_eq!(config.policies.match_policy(&vip).name, "vip");
        assert_eq!(config.policies.match_policy(&facts(Channel::Chat)).name, "everyone");
        assert_eq!(config.policies.policies()[1].warn_share, 0.75);

        let without_fallback = text.replace("name = \"everyone\"", "name = \"everyone\"\nwhen = { escalated = false }");
        let err = toml::from_str::<Config>(&without_fallback).err().unwrap().to_string();
        assert!(err.contains("the last SLA policy \"everyone\" has conditions"), "{err}");
        let err = toml::from_str::<Config>(&text.replace("0.5", "1.5")).err().unwrap().to_string();
        assert!(err.contains("warn_share 1.5"), "{err}");
        let err = toml::from_str::<Config>(&text.replace("= 30", "= 0")).err().unwrap().to_string();
        assert!(err.contains("\"vip\": a target of 0 minutes"), "{err}");
        assert_eq!(SlaPolicies::try_from(Vec::new()), Err(SlaError::Empty));
    }

    #[test]
    fn friday_evening_message_is_due_monday_with_a_warning_before() {
        let cal = berlin_office();
        let mut clock = europe_clock();
        clock.apply(SlaEvent::BuyerMessage(berlin("2026-11-20 17:30")), &cal);
        let deadline = clock.response();
        assert_eq!(deadline.due_at, Some(berlin("2026-11-23 12:30")));
        assert_eq!(deadline.warn_at, Some(berlin("2026-11-23 11:30")));
        // A second message does not push the deadline back.
        clock.apply(SlaEvent::BuyerMessage(berlin("2026-11-23 09:10")), &cal);
        assert_eq!(clock.response(), deadline);
        clock.apply(SlaEvent::AgentReply(berlin("2026-11-23 12:00")), &cal);
        assert_eq!(clock.response(), Deadline::default());
    }

    #[test]
    fn amazon_counts_the_weekend() {
        let policies = SlaPolicies::default();
        let mut clock = SlaClock::new(policies.match_policy(&facts(Channel::Amazon)));
        clock.apply(SlaEvent::BuyerMessage(berlin("2026-11-21 10:00")), &berlin_office());
        assert_eq!(clock.response().due_at, Some(berlin("2026-11-22 10:00")));
    }

    #[test]
    fn breach_is_recorded_once_at_the_instant_the_target_ran_out() {
        let cal = berlin_office();
        let mut clock = europe_clock();
        clock.apply(SlaEvent::BuyerMessage(berlin("2026-11-23 09:00")), &cal);
        clock.check(berlin("2026-11-23 12:59"));
        assert_eq!(clock.response().breached_at, None);
        clock.check(berlin("2026-11-23 15:00"));
        assert_eq!(clock.response().breached_at, Some(berlin("2026-11-23 13:00")));
        clock.apply(SlaEvent::AgentReply(berlin("2026-11-23 16:00")), &cal);
        clock.apply(SlaEvent::BuyerMessage(berlin("2026-11-24 09:00")), &cal);
        clock.apply(SlaEvent::AgentReply(berlin("2026-11-24 17:00")), &cal);
        assert_eq!(clock.response().breached_at, Some(berlin("2026-11-23 13:00")));
    }

    #[test]
    fn pending_pauses_and_a_buyer_message_restarts() {
        let cal = berlin_office();
        let mut resumed = europe_clock();
        resumed.apply(SlaEvent::BuyerMessage(berlin("2026-11-23 09:00")), &cal);
        resumed.apply(SlaEvent::SetPending(berlin("2026-11-23 10:00")), &cal);
        assert!(resumed.is_pending());
        assert_eq!(resumed.response().due_at, None);
        let mut restarted = resumed.clone();

        resumed.apply(SlaEvent::Reopened(berlin("2026-11-24 09:00")), &cal);
        assert_eq!(resumed.response().due_at, Some(berlin("2026-11-24 12:00")), "three hours were left");
        assert_eq!(resumed.response().warn_at, Some(berlin("2026-11-24 11:00")));

        restarted.apply(SlaEvent::BuyerMessage(berlin("2026-11-24 09:00")), &cal);
        assert!(!restarted.is_pending());
        assert_eq!(restarted.response().due_at, Some(berlin("2026-11-24 13:00")), "a fresh four hours");
        assert_eq!(restarted.response().breached_at, None, "paused past the old due time without breaching");
    }

    #[test]
    fn no_response_needed_stops_until_the_buyer_writes_again() {
        let cal = berlin_office();
        let mut clock = europe_clock();
        clock.apply(SlaEvent::BuyerMessage(berlin("2026-11-23 09:00")), &cal);
        clock.apply(SlaEvent::NoResponseNeeded(berlin("2026-11-23 09:05")), &cal);
        clock.check(berlin("2026-11-30 09:00"));
        assert_eq!(clock.response(), Deadline::default());
        clock.apply(SlaEvent::BuyerMessage(berlin("2026-11-30 09:00")), &cal);
        assert_eq!(clock.response().due_at, Some(berlin("2026-11-30 13:00")));
    }

    #[test]
    fn resolution_runs_across_replies_and_pauses_while_pending() {
        let policy = SlaPolicy {
            resolution_minutes: Some(16 * 60),
            ..SlaPolicy::response("four hours", SlaConditions::default(), SlaHours::BusinessHours, 4 * 60)
        };
        let cal = berlin_office();
        let mut clock = SlaClock::new(&policy);
        clock.apply(SlaEvent::BuyerMessage(berlin("2026-11-23 09:00")), &cal);
        clock.apply(SlaEvent::AgentReply(berlin("2026-11-23 10:00")), &cal);
        clock.apply(SlaEvent::SetPending(berlin("2026-11-23 11:00")), &cal);
        assert_eq!(clock.resolution().due_at, None);
        clock.apply(SlaEvent::BuyerMessage(berlin("2026-11-25 09:00")), &cal);
        // Two hours used before pending, fourteen left from Wednesday 09:00.
        assert_eq!(clock.resolution().due_at, Some(berlin("2026-11-26 14:00")));
        clock.apply(SlaEvent::Resolved(berlin("2026-11-25 10:00")), &cal);
        assert_eq!(clock.resolution(), Deadline::default());
    }

    fn any_event() -> impl Strategy<Value = (u8, i64)> {
        (0u8..6, 0..30 * HOUR_MS)
    }

    proptest! {
        #[test]
        fn deadlines_stay_in_open_time_and_breaches_never_move(
            steps in prop::collection::vec(any_event(), 1..40), wall_clock in any::<bool>(),
        ) {
            let cal = berlin_office();
            let policy = SlaPolicy {
                hours: if wall_clock { SlaHours::WallClock } else { SlaHours::BusinessHours },
                resolution_minutes: Some(24 * 60),
                ..SlaPolicy::response("four hours", SlaConditions::default(), SlaHours::BusinessHours, 4 * 60)
            };
            let mut clock = SlaClock::new(&policy);
            let mut now = berlin("2026-12-18 08:00");
            let mut first_breach: [Option<Timestamp>; 2] = [None, None];
            for (kind, gap) in steps {
                now = now.plus_millis(gap);
                let event = match kind {
                    0 => SlaEvent::BuyerMessage(now),
                    1 => SlaEvent::AgentReply(now),
                    2 => SlaEvent::SetPending(now),
                    3 => SlaEvent::Reopened(now),
                    4 => SlaEvent::NoResponseNeeded(now),
                    _ => SlaEvent::Resolved(now),
                };
                clock.apply(event, &cal);
                for (i, deadline) in [clock.response(), clock.resolution()].into_iter().enumerate() {
                    // A target used up before a pause is due again the moment it resumes.
                    if let Some(due) = deadline.due_at.filter(|&due| due > now) {
                        prop_assert!(wall_clock || cal.is_open(due.plus_millis(-1)), "due {due} in closed time");
                        prop_assert!(deadline.warn_at.is_some_and(|w| w <= due));
                    }
                    if deadline.due_at.is_some_and(|due| due <= now) {
                        prop_assert!(deadline.breached_at.is_some(), "overdue without a breach");
                    }
                    if let Some(breach) = deadline.breached_at {
                        prop_assert!(breach <= now);
                        prop_assert!(first_breach[i].is_none_or(|b| b == breach), "breach moved");
                        first_breach[i] = Some(breach);
                    }
                }
            }
        }
    }
}
