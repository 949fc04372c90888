//! Service-level settings: the `[sla]` table.
//!
//! ```toml
//! [sla]
//! holidays_file = "holidays.ics"   # optional: all-day events of an iCalendar export
//! [sla.calendar]                   # default: Monday to Friday 09:00-18:00 UTC
//! time_zone = "Europe/Berlin"
//! holidays = ["2026-12-24"]
//! [sla.calendar.hours]
//! mon = ["09:00-18:00"]
//! [[sla.policies]]                 # default: dragoman_core::sla::SlaPolicies::default()
//! name = "everyone"
//! hours = "business-hours"
//! first_response_minutes = 240
//! ```
//!
//! One business calendar serves every team for now; business-hours policies count on it,
//! wall-clock policies ignore it.
//!
//! [`advance`] feeds a conversation's events to its stored clock: enrichment a buyer message,
//! the reply and status routes replies and status changes.

use crate::state::AppState;
use dragoman_core::calendar::{BusinessCalendar, CalendarConfig, CalendarError, WeeklyHours, parse_ical_holidays};
use dragoman_core::sla::{ConversationFacts, SlaClock, SlaEvent, SlaPolicies};
use dragoman_core::{Conversation, ConversationStatus, Timestamp};
use dragoman_store::{SlaState, StoreError};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaSettings {
    /// Checked top to bottom; the first match applies and the last must match everything.
    pub policies: SlaPolicies,
    /// The business hours business-hours targets count.
    pub calendar: BusinessCalendar,
    /// An iCalendar file (a public-holiday export) whose all-day events close the calendar,
    /// read once at start; a relative path is taken from the working directory.
    pub holidays_file: Option<PathBuf>,
}

impl Default for SlaSettings {
    fn default() -> Self {
        let office = CalendarConfig {
            time_zone: "UTC".into(),
            hours: WeeklyHours::weekdays(&["09:00-18:00"]),
            holidays: Vec::new(),
        };
        Self {
            policies: SlaPolicies::default(),
            calendar: BusinessCalendar::try_from(office).expect("the default calendar is valid"),
            holidays_file: None,
        }
    }
}

/// Why the holiday file could not be used; both name the file, the second also the line.
#[derive(Debug, thiserror::Error)]
pub enum HolidayFileError {
    #[error("cannot read SLA holidays file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("SLA holidays file {path}: {source}")]
    Parse { path: String, source: CalendarError },
}

impl SlaSettings {
    /// Closes the calendar on the holidays of `holidays_file`, when one is set.
    pub fn load_holidays(&mut self) -> Result<(), HolidayFileError> {
        let Some(path) = self.holidays_file.as_deref() else { return Ok(()) };
        let shown = || path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| HolidayFileError::Read { path: shown(), source })?;
        let dates = parse_ical_holidays(&text).map_err(|source| HolidayFileError::Parse { path: shown(), source })?;
        self.calendar = self.calendar.clone().with_holidays(dates);
        Ok(())
    }
}

/// The clock `event` continues and the policy it runs under. A buyer message chooses the policy
/// afresh from the conversation's facts (an escalation or a new tag may have changed it) and,
/// when it changed, starts a new clock under it; other events continue the saved clock.
pub fn next_clock(
    settings: &SlaSettings,
    saved: Option<SlaState>,
    facts: &ConversationFacts,
    event: SlaEvent,
) -> (String, SlaClock) {
    let matched = settings.policies.match_policy(facts);
    let (policy, mut clock) = match saved {
        Some(saved) if saved.policy == matched.name || !matches!(event, SlaEvent::BuyerMessage(_)) => {
            (saved.policy, saved.clock)
        }
        _ => (matched.name.clone(), SlaClock::new(matched)),
    };
    clock.apply(event, &settings.calendar);
    (policy, clock)
}

/// The clock event of a status change, if it is one: a snoozed conversation's buyer still
/// waits, so snoozing leaves the clock running.
pub fn status_event(status: ConversationStatus, at: Timestamp) -> Option<SlaEvent> {
    match status {
        ConversationStatus::Open => Some(SlaEvent::Reopened(at)),
        ConversationStatus::Pending => Some(SlaEvent::SetPending(at)),
        ConversationStatus::Snoozed => None,
        ConversationStatus::Resolved | ConversationStatus::Closed => Some(SlaEvent::Resolved(at)),
    }
}

/// Applies `event` to the conversation's clock and saves it (which sets the due time the inbox
/// sorts by).
pub async fn advance(state: &AppState, conversation: &Conversation, event: SlaEvent) -> Result<SlaState, StoreError> {
    let store = &state.store;
    let customer = match conversation.customer_id {
        Some(id) => Some(store.get_customer(id).await?),
        None => None,
    };
    let facts = ConversationFacts::of(conversation, customer.as_ref());
    let saved = store.sla_state(conversation.id).await?;
    let (policy, clock) = next_clock(&state.sla, saved, &facts, event);
    store.save_sla(conversation.id, &policy, &clock, state.now()).await
}

/// [`advance`] after an agent's action already succeeded: the action stands, a failure to move
/// the clock is logged (the sweep and the next event set it right).
pub async fn advance_after(state: &AppState, conversation: &Conversation, event: SlaEvent) {
    if let Err(e) = advance(state, conversation, event).await {
        tracing::warn!(conversation = %conversation.id, error = %e, "could not move the SLA clock");
    }
}

/// How often the sweep looks for passed warning and due times: alerts are seconds late at most.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// What a batch of the sweep may claim at once; a full batch is followed by another at once.
const SWEEP_BATCH: u32 = 100;

/// Records the warnings and breaches due by `now` (each once, whichever process gets there
/// first; a breach escalates its conversation) and returns how many of each it recorded.
pub async fn sweep(state: &AppState, now: Timestamp) -> Result<(usize, usize), StoreError> {
    let (mut warnings, mut breaches) = (0, 0);
    loop {
        let warned = state.store.record_sla_warnings(now, SWEEP_BATCH).await?;
        let breached = state.store.record_sla_breaches(now, SWEEP_BATCH).await?;
        for alert in &warned {
            tracing::info!(conversation = %alert.conversation_id, policy = alert.policy, due_at = %alert.due_at, "SLA warning");
        }
        for alert in &breached {
            tracing::warn!(conversation = %alert.conversation_id, policy = alert.policy, due_at = %alert.due_at, "SLA breached; escalated");
        }
        warnings += warned.len();
        breaches += breached.len();
        let batch = u32::try_from(warned.len().max(breached.len())).unwrap_or(u32::MAX);
        if batch < SWEEP_BATCH {
            return Ok((warnings, breaches));
        }
    }
}

/// Runs [`sweep`] every few seconds for as long as the server runs.
pub async fn keep_sweeping(state: AppState) {
    loop {
        if let Err(e) = sweep(&state, state.now()).await {
            tracing::warn!(error = %e, "SLA sweep failed; trying again shortly");
        }
        tokio::time::sleep(SWEEP_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use dragoman_core::{Channel, ConversationId, Priority};

    fn utc(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn defaults_are_the_built_in_policies_and_a_utc_office_week() {
        let sla = Config::default().sla;
        assert_eq!(sla.policies, SlaPolicies::default());
        assert!(sla.calendar.is_open(utc("2026-11-23T09:00:00Z")), "Monday morning");
        assert!(!sla.calendar.is_open(utc("2026-11-23T18:00:00Z")), "Monday evening");
        assert!(!sla.calendar.is_open(utc("2026-11-22T12:00:00Z")), "Sunday");
    }

    #[test]
    fn policies_calendar_and_holiday_file_load_together() {
        let dir = tempfile::tempdir().unwrap();
        let ics = dir.path().join("holidays.ics");
        std::fs::write(
            &ics,
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\nSUMMARY:Heiligabend\r\nEND:VEVENT\r\n\
             END:VCALENDAR\r\n",
        )
        .unwrap();
        let path = dir.path().join("dragoman.toml");
        let toml = format!(
            "[sla]\nholidays_file = {ics:?}\n[sla.calendar]\ntime_zone = \"Europe/Berlin\"\n\
             [sla.calendar.hours]\nthu = [\"08:00-16:00\"]\n\
             [[sla.policies]]\nname = \"everyone\"\nhours = \"business-hours\"\nfirst_response_minutes = 60\n"
        );
        std::fs::write(&path, toml).unwrap();
        let sla = Config::load(Some(&path), []).unwrap().sla;
        assert_eq!(sla.policies.policies().len(), 1);
        assert!(sla.calendar.is_open(utc("2026-11-26T07:30:00Z")), "Thursday 08:30 in Berlin");
        assert!(!sla.calendar.is_open(utc("2026-12-24T08:00:00Z")), "Christmas Eve comes from the file");

        std::fs::write(&ics, "BEGIN:VEVENT\r\nDTSTART:20261224T100000Z\r\nEND:VEVENT\r\n").unwrap();
        let err = Config::load(Some(&path), []).unwrap_err().to_string();
        assert!(err.contains("holidays.ics") && err.contains("line"), "{err}");
        std::fs::remove_file(&ics).unwrap();
        let err = Config::load(Some(&path), []).unwrap_err().to_string();
        assert!(err.contains("cannot read SLA holidays file") && err.contains("holidays.ics"), "{err}");
    }

    fn facts(escalated: bool) -> ConversationFacts {
        ConversationFacts {
            channel: Channel::Amazon,
            marketplace: None,
            buyer_country: None,
            priority: Priority::Normal,
            escalated,
            customer_tags: Vec::new(),
        }
    }

    fn saved(policy: &str, clock: SlaClock) -> SlaState {
        let deadline = dragoman_store::sla::nearest_deadline(&clock);
        SlaState {
            conversation_id: ConversationId(1),
            policy: policy.into(),
            clock,
            due_at: deadline.due_at,
            warn_at: deadline.warn_at,
            first_breach_at: None,
            updated_at: Timestamp(0),
        }
    }

    #[test]
    fn a_buyer_message_rechooses_the_policy_other_events_continue_the_clock() {
        let settings = SlaSettings::default();
        let monday = utc("2026-11-23T10:00:00Z");
        let (policy, clock) = next_clock(&settings, None, &facts(false), SlaEvent::BuyerMessage(monday));
        assert_eq!((policy.as_str(), clock.response().due_at), ("amazon", Some(monday.plus_millis(24 * 3_600_000))));

        // Escalated since: the next buyer message runs under the escalation policy's hour.
        let later = monday.plus_millis(60_000);
        let state = saved(&policy, clock.clone());
        let (policy, escalated) =
            next_clock(&settings, Some(state.clone()), &facts(true), SlaEvent::BuyerMessage(later));
        assert_eq!((policy.as_str(), escalated.response().due_at), ("escalated", Some(later.plus_millis(3_600_000))));

        // A reply continues the saved clock whatever the facts say now.
        let (policy, replied) = next_clock(&settings, Some(state), &facts(true), SlaEvent::AgentReply(later));
        assert_eq!((policy.as_str(), replied.response().due_at), ("amazon", None));
    }

    #[test]
    fn status_changes_map_to_clock_events() {
        let t = Timestamp(5);
        assert_eq!(status_event(ConversationStatus::Pending, t), Some(SlaEvent::SetPending(t)));
        assert_eq!(status_event(ConversationStatus::Open, t), Some(SlaEvent::Reopened(t)));
        assert_eq!(status_event(ConversationStatus::Closed, t), Some(SlaEvent::Resolved(t)));
        assert_eq!(status_event(ConversationStatus::Snoozed, t), None, "the buyer still waits");
    }
}
