//! [`SlaStore`]: saved clocks, the warning and breach sweep, and the conversation timeline.

use super::{assert_not_found, at, email, ingest};
use dragoman_core::calendar::BusinessCalendar;
use dragoman_core::sla::{SlaClock, SlaEvent, SlaHours, SlaPolicy};
use dragoman_core::*;
use dragoman_store::sla::{SLA_BREACH, SLA_POLICY, SLA_WARNING};
use dragoman_store::*;
use std::collections::HashSet;
use std::sync::Arc;

const HOUR: i64 = 3_600_000;

/// A wall-clock policy of `hours` to answer, warned at three quarters.
fn policy(name: &str, hours: u32) -> SlaPolicy {
    SlaPolicy {
        name: name.into(),
        when: Default::default(),
        hours: SlaHours::WallClock,
        first_response_minutes: Some(hours * 60),
        next_response_minutes: Some(hours * 60),
        resolution_minutes: None,
        warn_share: 0.75,
    }
}

fn clock_after(policy: &SlaPolicy, events: &[SlaEvent]) -> SlaClock {
    let mut clock = SlaClock::new(policy);
    for &event in events {
        clock.apply(event, &BusinessCalendar::always_open());
    }
    clock
}

/// A conversation with a buyer message at `at(0)` whose 8-hour clock is saved.
async fn conversation_due_in_8h(store: &Arc<dyn Store>, external_id: &str) -> ConversationId {
    let id = ingest(store, &email(external_id, "Wo bleibt mein Paket?"), at(0)).await.conversation_id;
    let clock = clock_after(&policy("day", 8), &[SlaEvent::BuyerMessage(at(0))]);
    store.save_sla(id, "day", &clock, at(1)).await.unwrap();
    id
}

fn kinds(events: &[ConversationEvent]) -> Vec<&str> {
    events.iter().map(|e| e.kind.as_str()).collect()
}

async fn saved_clock_sets_the_due_time_and_logs_policy_changes(store: Arc<dyn Store>) {
    let id = ingest(&store, &email("sla-1", "Hallo"), at(0)).await.conversation_id;
    assert_eq!(store.sla_state(id).await.unwrap(), None);
    assert_eq!(store.conversation_events(id).await.unwrap(), Vec::new());

    let day = policy("day", 8);
    let clock = clock_after(&day, &[SlaEvent::BuyerMessage(at(0))]);
    let state = store.save_sla(id, "day", &clock, at(5)).await.unwrap();
    assert_eq!((state.due_at, state.warn_at, state.first_breach_at), (Some(at(8 * HOUR)), Some(at(6 * HOUR)), None));
    assert_eq!(store.sla_state(id).await.unwrap(), Some(state.clone()), "the clock survives a round trip");
    assert_eq!(state.clock, clock);
    assert_eq!(store.get_conversation(id).await.unwrap().sla_due_at, Some(at(8 * HOUR)), "the inbox sorts by it");

    store.save_sla(id, "day", &clock, at(6)).await.unwrap();
    let urgent = clock_after(&policy("urgent", 1), &[SlaEvent::BuyerMessage(at(0))]);
    store.save_sla(id, "urgent", &urgent, at(7)).await.unwrap();
    let events = store.conversation_events(id).await.unwrap();
    assert_eq!(kinds(&events), [SLA_POLICY, SLA_POLICY], "saving under the same policy is not an event");
    assert_eq!(events[0].detail, serde_json::json!({ "policy": "day", "previous": null }));
    assert_eq!(events[1].detail, serde_json::json!({ "policy": "urgent", "previous": "day" }));
    assert_eq!((events[0].at, events[1].at, events[1].conversation_id), (at(5), at(7), id));

    let answered = clock_after(&day, &[SlaEvent::BuyerMessage(at(0)), SlaEvent::AgentReply(at(HOUR))]);
    let state = store.save_sla(id, "day", &answered, at(HOUR)).await.unwrap();
    assert_eq!((state.due_at, state.warn_at), (None, None));
    assert_eq!(store.get_conversation(id).await.unwrap().sla_due_at, None, "nothing owed");

    assert_not_found(store.save_sla(ConversationId(999_999), "day", &clock, at(1)).await);
    assert_not_found(store.conversation_events(ConversationId(999_999)).await);
}

async fn sweep_warns_and_breaches_once_per_deadline_and_escalates(store: Arc<dyn Store>) {
    let id = conversation_due_in_8h(&store, "sla-2").await;
    let before = store.get_conversation(id).await.unwrap();
    assert_eq!(store.record_sla_warnings(at(6 * HOUR - 1), 10).await.unwrap(), Vec::new());
    let warned = store.record_sla_warnings(at(6 * HOUR), 10).await.unwrap();
    let alert =
        SlaAlert { conversation_id: id, policy: "day".into(), due_at: at(8 * HOUR), warn_at: Some(at(6 * HOUR)) };
    assert_eq!(warned, std::slice::from_ref(&alert));
    assert_eq!(store.record_sla_warnings(at(7 * HOUR), 10).await.unwrap(), Vec::new(), "warned once");

    assert_eq!(store.record_sla_breaches(at(8 * HOUR - 1), 10).await.unwrap(), Vec::new());
    assert_eq!(store.record_sla_breaches(at(9 * HOUR), 10).await.unwrap(), [alert]);
    assert_eq!(store.record_sla_breaches(at(10 * HOUR), 10).await.unwrap(), Vec::new(), "breached once");
    let after = store.get_conversation(id).await.unwrap();
    assert!(after.escalated, "an SLA breach escalates");
    assert_eq!(after.priority, Priority::from_rank(before.priority.rank() + 1));
    let events = store.conversation_events(id).await.unwrap();
    assert_eq!(kinds(&events), [SLA_POLICY, SLA_WARNING, SLA_BREACH]);
    assert_eq!((events[1].at, events[2].at), (at(6 * HOUR), at(8 * HOUR)), "when it happened, not when swept");
    assert_eq!(events[2].detail["priority"], serde_json::json!(after.priority));
    assert_eq!(store.sla_state(id).await.unwrap().unwrap().first_breach_at, Some(at(8 * HOUR)));

    // A fresh deadline (the buyer wrote again after a reply) is watched anew; the first breach stays.
    let events =
        [SlaEvent::BuyerMessage(at(0)), SlaEvent::AgentReply(at(10 * HOUR)), SlaEvent::BuyerMessage(at(11 * HOUR))];
    store.save_sla(id, "day", &clock_after(&policy("day", 8), &events), at(11 * HOUR)).await.unwrap();
    assert_eq!(store.record_sla_breaches(at(30 * HOUR), 10).await.unwrap().len(), 1);
    assert_eq!(store.sla_state(id).await.unwrap().unwrap().first_breach_at, Some(at(8 * HOUR)));

    // A conversation whose due time was cleared (a reply queued) raises nothing, even if its
    // clock has not heard of the reply yet.
    let quiet = conversation_due_in_8h(&store, "sla-3").await;
    let cleared = ConversationPatch { sla_due_at: Some(None), ..Default::default() };
    store.update_conversation(quiet, &cleared, at(2)).await.unwrap();
    let warned = store.record_sla_warnings(at(40 * HOUR), 10).await.unwrap();
    let breached = store.record_sla_breaches(at(40 * HOUR), 10).await.unwrap();
    assert!(warned.iter().chain(&breached).all(|a| a.conversation_id != quiet), "{warned:?} {breached:?}");
    assert!(!store.get_conversation(quiet).await.unwrap().escalated);
}

async fn racing_sweeps_record_each_breach_once(store: Arc<dyn Store>) {
    let mut ids = HashSet::new();
    for n in 0..12 {
        ids.insert(conversation_due_in_8h(&store, &format!("sla-race-{n}")).await);
    }
    let sweeps = (0..6).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.record_sla_breaches(at(9 * HOUR), 5).await.unwrap() })
    });
    let mut recorded = Vec::new();
    for sweep in sweeps.collect::<Vec<_>>() {
        recorded.extend(sweep.await.unwrap().into_iter().map(|a| a.conversation_id));
    }
    // Each sweep takes at most 5, so what the racers missed a later sweep picks up.
    recorded.extend(store.record_sla_breaches(at(9 * HOUR), 100).await.unwrap().into_iter().map(|a| a.conversation_id));
    recorded.sort();
    let mut expected: Vec<_> = ids.iter().copied().collect();
    expected.sort();
    assert_eq!(recorded, expected, "every breach recorded, none twice");
    for id in ids {
        let breaches =
            store.conversation_events(id).await.unwrap().into_iter().filter(|e| e.kind == SLA_BREACH).count();
        assert_eq!(breaches, 1, "conversation {id}");
    }
}

conformance!(
    saved_clock_sets_the_due_time_and_logs_policy_changes,
    sweep_warns_and_breaches_once_per_deadline_and_escalates,
    racing_sweeps_record_each_breach_once,
);
