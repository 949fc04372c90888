//! The SLA clock driven by enrichment, status changes and replies.

use crate::helpers::*;
use dragoman_core::sla::{SlaHours, SlaPolicies, SlaPolicy};
use dragoman_core::{ConversationId, Role, Timestamp};
use dragoman_server::sla::{SlaSettings, sweep};
use serde_json::json;

const HOUR: i64 = 3_600_000;

/// One wall-clock policy of two hours, so that due times do not depend on today's weekday.
fn two_hours() -> SlaSettings {
    let policy = SlaPolicy {
        name: "two-hours".into(),
        when: Default::default(),
        hours: SlaHours::WallClock,
        first_response_minutes: Some(120),
        next_response_minutes: Some(120),
        resolution_minutes: None,
        warn_share: 0.5,
    };
    SlaSettings { policies: SlaPolicies::try_from(vec![policy]).unwrap(), ..SlaSettings::default() }
}

#[tokio::test]
async fn enrichment_status_and_replies_move_the_clock() {
    let app = spawn_app_built(Default::default(), |state| state.with_sla(two_hours())).await;
    let (_, outcome) = app.post_json("/api/v1/inbound", &chat_message("sla-1", "Where is my order?")).await;
    let id = ConversationId(outcome["conversation_id"].as_i64().unwrap());
    let path = format!("/api/v1/conversations/{id}");
    app.wait_for(&path, |c| c["messages"][0]["enrichment"] == "done").await;

    let arrived = app.store.list_messages(id).await.unwrap()[0].created_at;
    let state = app.store.sla_state(id).await.unwrap().expect("enrichment saved a clock");
    assert_eq!(state.policy, "two-hours");
    assert_eq!((state.due_at, state.warn_at), (Some(arrived.plus_millis(2 * HOUR)), Some(arrived.plus_millis(HOUR))));
    assert_eq!(app.store.get_conversation(id).await.unwrap().sla_due_at, state.due_at, "refined from ingest's day");

    let (status, pending) = app.post_json(&format!("{path}/status"), &json!({"status": "pending"})).await;
    assert_eq!((status, &pending["sla_due_at"]), (200, &json!(null)), "{pending}");
    assert!(app.store.sla_state(id).await.unwrap().unwrap().clock.is_pending());

    let (status, reopened) = app.post_json(&format!("{path}/status"), &json!({"status": "open"})).await;
    assert_eq!(status, 200, "{reopened}");
    let resumed = app.store.get_conversation(id).await.unwrap().sla_due_at.expect("the clock resumed");
    assert!(resumed > state.due_at.unwrap() && resumed <= Timestamp(now().0 + 2 * HOUR), "{resumed}");

    let (status, reply) = app.post_json(&format!("{path}/replies"), &json!({"body": "It ships today."})).await;
    assert_eq!(status, 201, "{reply}");
    let answered = app.store.sla_state(id).await.unwrap().unwrap();
    assert_eq!((answered.due_at, answered.policy.as_str()), (None, "two-hours"));
    assert_eq!(app.store.get_conversation(id).await.unwrap().sla_due_at, None);
}

#[tokio::test]
async fn sweep_warns_then_breaches_once_and_escalates() {
    let app = spawn_app_built(Default::default(), |state| state.with_sla(two_hours())).await;
    let (_, outcome) = app.post_json("/api/v1/inbound", &chat_message("sla-2", "Hello, a question")).await;
    let id = ConversationId(outcome["conversation_id"].as_i64().unwrap());
    app.wait_for(&format!("/api/v1/conversations/{id}"), |c| c["messages"][0]["enrichment"] == "done").await;
    let due = app.store.sla_state(id).await.unwrap().unwrap().due_at.unwrap();
    let before = app.store.get_conversation(id).await.unwrap();

    assert_eq!(sweep(&app.state, due.plus_millis(-HOUR - 1)).await.unwrap(), (0, 0));
    assert_eq!(sweep(&app.state, due.plus_millis(-HOUR)).await.unwrap(), (1, 0), "warned at half time");
    assert_eq!(sweep(&app.state, due).await.unwrap(), (0, 1));
    assert_eq!(sweep(&app.state, due.plus_millis(HOUR)).await.unwrap(), (0, 0), "each recorded once");
    let after = app.store.get_conversation(id).await.unwrap();
    assert!(after.escalated);
    assert_eq!(after.priority.rank(), before.priority.rank() + 1, "raised one step");

    let (status, timeline) = app.get(&format!("/api/v1/conversations/{id}/timeline")).await;
    assert_eq!(status, 200, "{timeline}");
    let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["sla_policy", "sla_warning", "sla_breach"]);
    assert_eq!(timeline[2]["at"], json!(due), "{timeline}");
    assert_eq!(timeline[2]["detail"]["priority"], json!(after.priority));
    let (status, sla) = app.get(&format!("/api/v1/conversations/{id}/sla")).await;
    assert_eq!(status, 200, "{sla}");
    assert_eq!(
        (&sla["policy"], &sla["due_at"], &sla["breached_at"], &sla["paused"]),
        (&json!("two-hours"), &json!(due), &json!(due), &json!(false))
    );
    let (status, missing) = app.get("/api/v1/conversations/999999/timeline").await;
    assert_eq!((status, error_code(&missing)), (404, "not_found"), "{missing}");
}

#[tokio::test]
async fn effective_policies_are_listed_for_agents() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/v1/sla/policies").await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body["policies"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let defaults = SlaPolicies::default();
    let expected: Vec<&str> = defaults.policies().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, expected);
    assert_eq!(body["calendar"]["time_zone"], "UTC");
    assert_eq!(body["calendar"]["hours"]["mon"], json!(["09:00-18:00"]));

    let partner = app_token(&app.store, Role::Partner).await;
    let r = app.client.get(app.url("/api/v1/sla/policies")).bearer_auth(partner).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
}
