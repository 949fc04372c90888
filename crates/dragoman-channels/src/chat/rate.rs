//! How fast one chat connection may send: a token bucket that allows a short burst (a visitor
//! pasting three lines) and then a steady rate. Time is passed in, so it is tested without a clock.

#[derive(Debug, Clone)]
pub struct RateLimit {
    /// What one message costs, in milliseconds of credit.
    interval_ms: i64,
    /// The most credit a quiet connection saves up: `burst` messages.
    max_credit_ms: i64,
    credit_ms: i64,
    updated_ms: i64,
}

impl RateLimit {
    /// `per_minute` messages a minute on average, up to `burst` at once; starts full.
    pub fn new(per_minute: u32, burst: u32, now_ms: i64) -> Self {
        let interval_ms = 60_000 / i64::from(per_minute.clamp(1, 60_000));
        let max_credit_ms = interval_ms * i64::from(burst.max(1));
        Self { interval_ms, max_credit_ms, credit_ms: max_credit_ms, updated_ms: now_ms }
    }

    /// Spends one message, or says after how many milliseconds the next one is allowed.
    pub fn take(&mut self, now_ms: i64) -> Result<(), u64> {
        let elapsed = now_ms.saturating_sub(self.updated_ms).max(0);
        self.credit_ms = self.credit_ms.saturating_add(elapsed).min(self.max_credit_ms);
        self.updated_ms = self.updated_ms.max(now_ms);
        if self.credit_ms >= self.interval_ms {
            self.credit_ms -= self.interval_ms;
            Ok(())
        } else {
            Err((self.interval_ms - self.credit_ms).unsigned_abs())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_steady_rate() {
        // 6 a minute = one every 10 s, up to 3 at once.
        let mut limit = RateLimit::new(6, 3, 0);
        assert!((0..3).all(|_| limit.take(0).is_ok()));
        assert_eq!(limit.take(0), Err(10_000));
        assert_eq!(limit.take(4_000), Err(6_000), "a refused attempt costs nothing");
        assert_eq!(limit.take(10_000), Ok(()));
        assert!(limit.take(10_000).is_err());
        // A long pause refills to the burst, not beyond.
        assert!((0..3).all(|_| limit.take(1_000_000).is_ok()));
        assert!(limit.take(1_000_000).is_err());
    }

    #[test]
    fn a_clock_going_backwards_gives_nothing_back() {
        let mut limit = RateLimit::new(60, 1, 10_000);
        assert_eq!(limit.take(10_000), Ok(()));
        assert!(limit.take(0).is_err());
        assert_eq!(limit.take(11_000), Ok(()));
    }
}
