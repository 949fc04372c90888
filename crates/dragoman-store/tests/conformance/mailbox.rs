//! [`MailboxStore`]: IMAP cursors and the messages the poller gave up on.

use super::at;
use dragoman_store::*;
use std::sync::Arc;

async fn cursor_moves_forward_and_restarts_on_new_uidvalidity(store: Arc<dyn Store>) {
    assert_eq!(store.mailbox_cursor("support").await.unwrap(), None);
    let first = MailboxCursor { uid_validity: 1_700_000_000, last_uid: 12 };
    store.advance_mailbox("support", first, at(0)).await.unwrap();
    assert_eq!(store.mailbox_cursor("support").await.unwrap(), Some(first));

    // A late writer under the same UIDVALIDITY cannot move the cursor back.
    store.advance_mailbox("support", MailboxCursor { last_uid: 7, ..first }, at(1)).await.unwrap();
    assert_eq!(store.mailbox_cursor("support").await.unwrap(), Some(first));
    let later = MailboxCursor { last_uid: u32::MAX, ..first };
    store.advance_mailbox("support", later, at(2)).await.unwrap();
    assert_eq!(store.mailbox_cursor("support").await.unwrap(), Some(later), "UIDs use all 32 bits");

    // Renumbered mailbox: the new UIDVALIDITY replaces the cursor, even with a lower UID.
    let renumbered = MailboxCursor { uid_validity: 1_800_000_000, last_uid: 0 };
    store.advance_mailbox("support", renumbered, at(3)).await.unwrap();
    assert_eq!(store.mailbox_cursor("support").await.unwrap(), Some(renumbered));

    // Mailboxes are independent.
    assert_eq!(store.mailbox_cursor("sales").await.unwrap(), None);
}

async fn failures_are_recorded_and_passed(store: Arc<dyn Store>) {
    let cursor = MailboxCursor { uid_validity: 9, last_uid: 3 };
    store.advance_mailbox("support", cursor, at(0)).await.unwrap();
    store
        .record_mailbox_failure("support", MailboxCursor { last_uid: 4, ..cursor }, "database refused it", at(1))
        .await
        .unwrap();
    store
        .record_mailbox_failure("support", MailboxCursor { last_uid: 6, ..cursor }, "still refused", at(2))
        .await
        .unwrap();
    assert_eq!(store.mailbox_cursor("support").await.unwrap(), Some(MailboxCursor { uid_validity: 9, last_uid: 6 }));

    let failures = store.list_mailbox_failures("support").await.unwrap();
    let seen: Vec<_> = failures.iter().map(|f| (f.uid, f.error.as_str(), f.created_at)).collect();
    assert_eq!(seen, [(6, "still refused", at(2)), (4, "database refused it", at(1))], "newest first");
    assert!(failures.iter().all(|f| f.mailbox == "support" && f.uid_validity == 9));
    assert!(store.list_mailbox_failures("sales").await.unwrap().is_empty());
}

conformance!(cursor_moves_forward_and_restarts_on_new_uidvalidity, failures_are_recorded_and_passed);
