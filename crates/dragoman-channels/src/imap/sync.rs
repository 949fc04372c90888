//! Reading what is new in a selected folder, and waiting for more.

use super::connect::ImapSession;
use super::{COMMAND_TIMEOUT, ImapError, ImapMailbox, MAX_ATTEMPTS, OVERSIZE_PREFIX_BYTES, SyncReport};
use crate::mail_sink::{DeliveryError, MailSink, ReceivedMail};
use async_imap::types::UnsolicitedResponse;
use dragoman_core::Timestamp;
use dragoman_store::{MailboxCursor, MailboxStore};
use futures_util::TryStreamExt;
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

/// Messages fetched in one command: few round trips, bounded memory.
const BATCH_MESSAGES: usize = 64;
const BATCH_BYTES: u64 = 16 * 1024 * 1024;

/// Failed deliveries of the message at the head of the mailbox, across reconnections.
#[derive(Default)]
pub(super) struct Attempts {
    message: Option<(u32, u32)>,
    count: u32,
}

impl Attempts {
    /// Counts a failure of (UIDVALIDITY, UID) and returns how many in a row it has had.
    fn failed(&mut self, validity: u32, uid: u32) -> u32 {
        if self.message == Some((validity, uid)) {
            self.count += 1;
        } else {
            self.message = Some((validity, uid));
            self.count = 1;
        }
        self.count
    }
}

async fn timed<T, E: Into<ImapError>>(
    what: &'static str,
    operation: impl Future<Output = Result<T, E>>,
) -> Result<T, ImapError> {
    match tokio::time::timeout(COMMAND_TIMEOUT, operation).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(ImapError::Timeout { what }),
    }
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

/// Selects the configured folder and returns its UIDVALIDITY.
pub(super) async fn select(mailbox: &ImapMailbox, session: &mut ImapSession) -> Result<u32, ImapError> {
    let folder = &mailbox.config.folder;
    let selected = timed("selecting the folder", session.select(folder)).await?;
    selected.uid_validity.ok_or_else(|| ImapError::NoUidValidity(folder.clone()))
}

/// Fetches every message after the stored cursor, in UID order, hands each to the sink and
/// advances the cursor over what is stored.
pub(super) async fn fetch_new(
    mailbox: &ImapMailbox,
    session: &mut ImapSession,
    validity: u32,
    store: &dyn MailboxStore,
    sink: &dyn MailSink,
    attempts: &mut Attempts,
) -> Result<SyncReport, ImapError> {
    let name = mailbox.name();
    let after = match store.mailbox_cursor(name).await? {
        Some(cursor) if cursor.uid_validity == validity => cursor.last_uid,
        Some(cursor) => {
            tracing::info!(
                mailbox = name,
                old = cursor.uid_validity,
                new = validity,
                "UIDVALIDITY changed: reading the mailbox again (messages already stored are recognised)"
            );
            0
        }
        None => 0,
    };
    let mut report = SyncReport::default();
    if after == u32::MAX {
        return Ok(report);
    }
    let limit = mailbox.config.max_message_bytes;
    let pending = timed("listing new messages", sizes(session, after)).await?;
    for batch in batches(&pending, limit) {
        let mut bodies = timed("fetching messages", fetch(session, &batch)).await?;
        // The cursor moves once per batch (and before giving up on one): a crash re-reads at
        // most a batch, which ingest recognises, and saves a write per message.
        let mut read_up_to = None;
        for &(uid, size) in batch.messages {
            let cursor = MailboxCursor { uid_validity: validity, last_uid: uid };
            // Missing from the answer: expunged since it was listed, nothing left to read.
            let Some(raw) = bodies.remove(&uid) else {
                read_up_to = Some(cursor);
                continue;
            };
            report.fetched += 1;
            let truncated_from = batch.head_only.then_some(u64::from(size));
            match sink.deliver(ReceivedMail { raw, truncated_from }).await {
                Ok(outcome) => {
                    read_up_to = Some(cursor);
                    if outcome.duplicate {
                        report.duplicates += 1;
                    } else {
                        report.stored += 1;
                    }
                    report.truncated += usize::from(batch.head_only);
                }
                Err(e) => {
                    let temporary = matches!(e, DeliveryError::Temporary(_));
                    if temporary && attempts.failed(validity, uid) < MAX_ATTEMPTS {
                        if let Some(done) = read_up_to {
                            store.advance_mailbox(name, done, now()).await?;
                        }
                        return Err(e.into());
                    }
                    tracing::warn!(mailbox = name, uid, error = %e, "IMAP message recorded as a failure and passed");
                    store.record_mailbox_failure(name, cursor, &e.to_string(), now()).await?;
                    read_up_to = None;
                    report.failed += 1;
                }
            }
        }
        if let Some(done) = read_up_to {
            store.advance_mailbox(name, done, now()).await?;
        }
    }
    Ok(report)
}

/// (UID, size) of every message with a UID after `after`, in UID order.
async fn sizes(session: &mut ImapSession, after: u32) -> Result<Vec<(u32, u32)>, async_imap::error::Error> {
    let mut found = Vec::new();
    {
        let mut responses = session.uid_fetch(format!("{}:*", after + 1), "(UID RFC822.SIZE)").await?;
        while let Some(fetch) = responses.try_next().await? {
            // `n:*` also names the last message when it is older than n.
            if let Some(uid) = fetch.uid.filter(|&uid| uid > after) {
                found.push((uid, fetch.size.unwrap_or(0)));
            }
        }
    }
    found.sort_unstable();
    found.dedup_by_key(|(uid, _)| *uid);
    Ok(found)
}

/// Messages fetched together; an oversized one alone, and only its first bytes.
#[derive(Debug, PartialEq)]
struct Batch<'a> {
    messages: &'a [(u32, u32)],
    head_only: bool,
}

fn batches(pending: &[(u32, u32)], limit: u32) -> Vec<Batch<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0u64;
    for (i, &(_, size)) in pending.iter().enumerate() {
        let full = i > start && (bytes + u64::from(size) > BATCH_BYTES || i - start >= BATCH_MESSAGES);
        if size > limit || full {
            if i > start {
                out.push(Batch { messages: &pending[start..i], head_only: false });
            }
            start = i;
            bytes = 0;
        }
        if size > limit {
            out.push(Batch { messages: &pending[i..=i], head_only: true });
            start = i + 1;
        } else {
            bytes += u64::from(size);
        }
    }
    if start < pending.len() {
        out.push(Batch { messages: &pending[start..], head_only: false });
    }
    out
}

async fn fetch(
    session: &mut ImapSession,
    batch: &Batch<'_>,
) -> Result<HashMap<u32, Vec<u8>>, async_imap::error::Error> {
    let uids: Vec<String> = batch.messages.iter().map(|(uid, _)| uid.to_string()).collect();
    // PEEK: reading must not mark the buyer's mail as seen for the people using the mailbox.
    let query = if batch.head_only {
        format!("(UID BODY.PEEK[]<0.{OVERSIZE_PREFIX_BYTES}>)")
    } else {
        "(UID BODY.PEEK[])".to_owned()
    };
    let mut bodies = HashMap::new();
    let mut responses = session.uid_fetch(uids.join(","), query).await?;
    while let Some(fetch) = responses.try_next().await? {
        if let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) {
            bodies.insert(uid, body.to_vec());
        }
    }
    Ok(bodies)
}

/// Waits until the server announces new mail (IDLE) or `poll_secs` have passed.
pub(super) async fn wait_for_mail(
    mailbox: &ImapMailbox,
    session: ImapSession,
    idle: bool,
) -> Result<ImapSession, ImapError> {
    let interval = Duration::from_secs(mailbox.config.poll_secs.max(1));
    if !idle {
        tokio::time::sleep(interval).await;
        return Ok(session);
    }
    let notices = session.unsolicited_responses.clone();
    let mut handle = session.idle();
    timed("starting IDLE", handle.init()).await?;
    // New mail announced while the last messages were fetched (or as IDLE began) may not be
    // read yet: look again at once rather than wait for the next announcement.
    let mut announced = false;
    while let Ok(notice) = notices.try_recv() {
        announced |= matches!(notice, UnsolicitedResponse::Exists(_));
    }
    if !announced {
        let (wait, _interrupt) = handle.wait_with_timeout(interval);
        wait.await?;
    }
    timed("ending IDLE", handle.done()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_messages_go_alone_and_batches_stay_bounded() {
        let mb = 1024 * 1024;
        let pending = [(1, 10), (2, 30 * mb), (3, 10), (4, 10 * mb), (5, 10 * mb), (6, 20)];
        let got = batches(&pending, 25 * mb);
        let expected = [
            Batch { messages: &pending[0..1], head_only: false },
            Batch { messages: &pending[1..2], head_only: true },
            Batch { messages: &pending[2..4], head_only: false },
            Batch { messages: &pending[4..6], head_only: false },
        ];
        assert_eq!(got, expected);

        let many: Vec<(u32, u32)> = (1..=130).map(|uid| (uid, 100)).collect();
        let sizes: Vec<usize> = batches(&many, 25 * mb).iter().map(|b| b.messages.len()).collect();
        assert_eq!(sizes, [64, 64, 2]);
        assert!(batches(&[], 25 * mb).is_empty());
    }

    #[test]
    fn attempts_count_per_message() {
        let mut attempts = Attempts::default();
        assert_eq!(attempts.failed(1, 7), 1);
        assert_eq!(attempts.failed(1, 7), 2);
        assert_eq!(attempts.failed(1, 8), 1);
        assert_eq!(attempts.failed(2, 8), 1, "a new UIDVALIDITY is a new message");
    }
}
