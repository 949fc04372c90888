//! Response targets until configurable SLA policies exist: the one rule every channel
//! must meet, Amazon's 24 hours wall-clock (weekends included).

use crate::{Channel, Timestamp};

const HOUR_MS: i64 = 3_600_000;

/// When the first answer to a buyer message received at `received_at` is due.
pub fn default_response_due(channel: Channel, received_at: Timestamp) -> Timestamp {
    let hours = match channel {
        Channel::Chat => 1,
        Channel::Amazon | Channel::Ebay | Channel::Shopify | Channel::Email => 24,
    };
    received_at.plus_millis(hours * HOUR_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amazon_is_a_day_wall_clock() {
        let t = Timestamp(1_000);
        assert_eq!(default_response_due(Channel::Amazon, t).0, 1_000 + 24 * HOUR_MS);
        assert!(default_response_due(Channel::Chat, t) < default_response_due(Channel::Email, t));
    }
}
