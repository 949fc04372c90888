//! Business calendars: when a team is at work, in its own time zone, so that SLA targets such as
//! "4 hours in business hours" can be turned into instants.
//!
//! Opening hours are written in local wall-clock time because that is how teams think about them
//! ("09:00–18:00 in Berlin"); the arithmetic runs on real instants ([`Timestamp`]), so a DST
//! weekend or a year boundary cannot add or lose an hour of business time. A period's local
//! boundaries are mapped to instants with two rules:
//! - a boundary that does not exist (inside a spring-forward gap) moves to the end of the gap;
//! - a boundary that exists twice (inside a fall-back repeat) is read so that the period is as long
//!   as possible: the earlier reading for a start, the later one for an end.
//!
//! A holiday closes every period that *starts* on that date; a night shift that began the evening
//! before runs to its end, because the people on it are already at work.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

const MINUTES_PER_DAY: u16 = 24 * 60;
const MINUTES_PER_WEEK: u32 = 7 * MINUTES_PER_DAY as u32;
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Why a calendar definition was refused; each message names the offending value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("unknown time zone {0:?}: use an IANA name such as \"Europe/Berlin\" or \"America/New_York\"")]
    UnknownTimeZone(String),
    #[error("bad opening period {period:?} on {day}: {reason}")]
    BadPeriod { day: &'static str, period: String, reason: String },
    #[error("opening period {first} overlaps {second}")]
    OverlappingPeriods { first: String, second: String },
    #[error("the calendar has no opening period on any weekday, so nothing could ever be due")]
    NeverOpen,
    #[error("holiday {0:?} is not a date written as YYYY-MM-DD")]
    BadHoliday(String),
    #[error("iCalendar line {line}: {reason}")]
    BadIcal { line: usize, reason: String },
}

/// One opening period of a weekday in local minutes since midnight. `end` may exceed a day
/// (up to 48 h) for a period that runs past midnight into the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Period {
    start: u16,
    end: u16,
}

impl Period {
    /// Parses `"09:00-18:00"`; an end at or before the start (`"22:00-02:00"`) runs past midnight,
    /// and `"24:00"` is accepted as an end so that `"00:00-24:00"` is the whole day.
    fn parse(s: &str) -> Result<Period, String> {
        let (start, end) = s.split_once('-').ok_or("write it as HH:MM-HH:MM, for example 09:00-18:00")?;
        let start = parse_clock(start.trim())?;
        let end = parse_clock(end.trim())?;
        if start == MINUTES_PER_DAY {
            return Err("a period cannot start at 24:00; start it at 00:00".into());
        }
        if start == end {
            return Err("start and end are equal; write 00:00-24:00 for the whole day".into());
        }
        let end = if end < start { end + MINUTES_PER_DAY } else { end };
        Ok(Period { start, end })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = if self.end > MINUTES_PER_DAY { self.end - MINUTES_PER_DAY } else { self.end };
        write!(f, "{:02}:{:02}-{:02}:{:02}", self.start / 60, self.start % 60, end / 60, end % 60)
    }
}

fn parse_clock(s: &str) -> Result<u16, String> {
    let bad = || format!("{s:?} is not a time of day written as HH:MM");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if h > 24 || m > 59 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Opening periods per weekday as written in configuration, e.g. `mon = ["09:00-12:00", "13:00-18:00"]`.
/// A missing day is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    #[serde(default)]
    pub mon: Vec<String>,
    #[serde(default)]
    pub tue: Vec<String>,
    #[serde(default)]
    pub wed: Vec<String>,
    #[serde(default)]
    pub thu: Vec<String>,
    #[serde(default)]
    pub fri: Vec<String>,
    #[serde(default)]
    pub sat: Vec<String>,
    #[serde(default)]
    pub sun: Vec<String>,
}

impl WeeklyHours {
    /// The same periods on Monday to Friday, closed at weekends.
    pub fn weekdays(periods: &[&str]) -> WeeklyHours {
        let day = || periods.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        WeeklyHours { mon: day(), tue: day(), wed: day(), thu: day(), fri: day(), ..WeeklyHours::default() }
    }

    fn days(&self) -> [&Vec<String>; 7] {
        [&self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun]
    }
}

/// The TOML form of a [`BusinessCalendar`]:
///
/// ```toml
/// time_zone = "Europe/Berlin"
/// holidays = ["2026-12-25", "2026-12-26"]
/// [hours]
/// mon = ["09:00-18:00"]
/// fri = ["09:00-12:00", "13:00-17:00"]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    pub time_zone: String,
    #[serde(default)]
    pub hours: WeeklyHours,
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// A validated business calendar. Build it from a [`CalendarConfig`] (`try_from`, or serde) or use
/// [`BusinessCalendar::always_open`] for wall-clock targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CalendarConfig", into = "CalendarConfig")]
pub struct BusinessCalendar {
    time_zone: Tz,
    /// Indexed by days from Monday; sorted by start.
    week: [Vec<Period>; 7],
    holidays: BTreeSet<NaiveDate>,
}

impl TryFrom<CalendarConfig> for BusinessCalendar {
    type Error = CalendarError;

    fn try_from(config: CalendarConfig) -> Result<Self, CalendarError> {
        let time_zone: Tz =
            config.time_zone.parse().map_err(|_| CalendarError::UnknownTimeZone(config.time_zone.clone()))?;
        let mut week: [Vec<Period>; 7] = Default::default();
        for (index, written) in config.hours.days().into_iter().enumerate() {
            for period in written {
                let parsed = Period::parse(period).map_err(|reason| CalendarError::BadPeriod {
                    day: WEEKDAYS[index],
                    period: period.clone(),
                    reason,
                })?;
                week[index].push(parsed);
            }
            week[index].sort_by_key(|p| p.start);
        }
        check_no_overlap(&week)?;
        if week.iter().all(Vec::is_empty) {
            return Err(CalendarError::NeverOpen);
        }
        let holidays = config
            .holidays
            .iter()
            .map(|h| NaiveDate::parse_from_str(h.trim(), "%Y-%m-%d").map_err(|_| CalendarError::BadHoliday(h.clone())))
            .collect::<Result<_, _>>()?;
        Ok(BusinessCalendar { time_zone, week, holidays })
    }
}

impl From<BusinessCalendar> for CalendarConfig {
    fn from(calendar: BusinessCalendar) -> CalendarConfig {
        let day = |i: usize| calendar.week[i].iter().map(Period::to_string).collect::<Vec<_>>();
        CalendarConfig {
            time_zone: calendar.time_zone.name().to_string(),
            hours: WeeklyHours {
                mon: day(0),
                tue: day(1),
                wed: day(2),
                thu: day(3),
                fri: day(4),
                sat: day(5),
                sun: day(6),
            },
            holidays: calendar.holidays.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect(),
        }
    }
}

/// Periods are compared on a cyclic week so that Sunday's night shift is checked against Monday morning.
fn check_no_overlap(week: &[Vec<Period>; 7]) -> Result<(), CalendarError> {
    type Span = (u32, u32, usize, Period);
    let mut spans: Vec<Span> = week
        .iter()
        .enumerate()
        .flat_map(|(day, periods)| {
            let offset = day as u32 * u32::from(MINUTES_PER_DAY);
            periods.iter().map(move |p| (offset + u32::from(p.start), offset + u32::from(p.end), day, *p))
        })
        .collect();
    spans.sort_by_key(|s| s.0);
    let label = |(_, _, day, period): &Span| format!("{} {period}", WEEKDAYS[*day]);
    let overlap = |a: &Span, b: &Span| CalendarError::OverlappingPeriods { first: label(a), second: label(b) };
    for pair in spans.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(overlap(&pair[0], &pair[1]));
        }
    }
    if let (Some(first), Some(last)) = (spans.first(), spans.last())
        && spans.len() > 1
        && last.1 > first.0 + MINUTES_PER_WEEK
    {
        return Err(overlap(last, first));
    }
    Ok(())
}

/// Which reading of an ambiguous local time to take (see the module documentation).
#[derive(Clone, Copy)]
enum Boundary {
    Start,
    End,
}

impl BusinessCalendar {
    /// Open every minute of every day, holidays included: wall-clock targets such as Amazon's 24 hours.
    pub fn always_open() -> BusinessCalendar {
        let whole_day = || vec![Period { start: 0, end: MINUTES_PER_DAY }];
        BusinessCalendar { time_zone: Tz::UTC, week: std::array::from_fn(|_| whole_day()), holidays: BTreeSet::new() }
    }

    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// Adds closing days, e.g. from [`parse_ical_holidays`].
    pub fn with_holidays(mut self, dates: impl IntoIterator<Item = NaiveDate>) -> BusinessCalendar {
        self.holidays.extend(dates);
        self
    }

    /// The instant at which `duration_ms` of open time has elapsed since `start`. Time before the
    /// next opening does not count, so a message received at night is due relative to the morning.
    /// A zero or negative duration is due at `start` itself.
    pub fn add_business_time(&self, start: Timestamp, duration_ms: i64) -> Timestamp {
        let mut left = duration_ms;
        if left <= 0 {
            return start;
        }
        for (open, close) in self.open_intervals_from(start) {
            let open = open.max(start.0);
            if close - open >= left {
                return Timestamp(open + left);
            }
            left -= close - open;
        }
        // Only reached past the end of chrono's calendar: never due.
        Timestamp(i64::MAX)
    }

    /// Open time in milliseconds between `from` and `to`; zero if `to` is not after `from`.
    pub fn business_time_between(&self, from: Timestamp, to: Timestamp) -> i64 {
        self.open_intervals_from(from)
            .take_while(|&(open, _)| open < to.0)
            .map(|(open, close)| close.min(to.0) - open.max(from.0))
            .filter(|&ms| ms > 0)
            .sum()
    }

    pub fn is_open(&self, t: Timestamp) -> bool {
        self.open_intervals_from(t).next().is_some_and(|(open, _)| open <= t.0)
    }

    /// `t` itself if the calendar is open then, otherwise the next opening.
    pub fn next_open(&self, t: Timestamp) -> Timestamp {
        self.open_intervals_from(t).next().map_or(Timestamp(i64::MAX), |(open, _)| Timestamp(open.max(t.0)))
    }

    /// Open intervals `[open, close)` in epoch milliseconds, in order, from the one containing `t`
    /// (or the next one) onwards. Adjacent periods (a night shift ending at midnight and the next
    /// day's from midnight) are yielded separately; callers only sum or search them.
    fn open_intervals_from(&self, t: Timestamp) -> impl Iterator<Item = (i64, i64)> + '_ {
        // The day before, because one of its periods may still be running past midnight. An
        // instant beyond chrono's calendar has no days, hence no open time.
        let first_day = DateTime::from_timestamp_millis(t.0).map(|utc| {
            let local_day = utc.with_timezone(&self.time_zone).date_naive();
            local_day.pred_opt().unwrap_or(local_day)
        });
        // DST readings can make a period reach into the next one; clamping to the previous close
        // keeps the intervals disjoint so that no open time is counted twice.
        let mut previous_close = i64::MIN;
        first_day
            .into_iter()
            .flat_map(|day| day.iter_days())
            .filter(|day| !self.holidays.contains(day))
            .flat_map(move |day| {
                let periods = &self.week[day.weekday().num_days_from_monday() as usize];
                periods.iter().map(move |p| {
                    (self.instant(day, p.start, Boundary::Start), self.instant(day, p.end, Boundary::End))
                })
            })
            .filter_map(move |(open, close)| {
                let open = open.max(previous_close);
                (close > open).then(|| {
                    previous_close = close;
                    (open, close)
                })
            })
            .skip_while(move |&(_, close)| close <= t.0)
    }

    /// The instant of `minutes` after local midnight of `day` (possibly on a following day).
    fn instant(&self, day: NaiveDate, minutes: u16, boundary: Boundary) -> i64 {
        let local: NaiveDateTime = day.and_time(chrono::NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
        let readings = self.time_zone.from_local_datetime(&local);
        let reading = match boundary {
            Boundary::Start => readings.earliest(),
            Boundary::End => readings.latest(),
        };
        match reading {
            Some(dt) => dt.timestamp_millis(),
            // Inside a spring-forward gap: the first local minute that exists is the gap's end.
            // Gaps are at most a few hours; a day bounds the search.
            None => (1..=i64::from(MINUTES_PER_DAY))
                .find_map(|m| self.time_zone.from_local_datetime(&(local + Duration::minutes(m))).earliest())
                .map_or(local.and_utc().timestamp_millis(), |dt| dt.timestamp_millis()),
        }
    }
}

/// Holiday dates from an iCalendar file such as a public-holiday export: every all-day `VEVENT`
/// (`DTSTART;VALUE=DATE:20261225`, optionally with an exclusive `DTEND`) contributes its days.
/// Timed and recurring events are refused rather than skipped, so that no holiday is silently lost.
pub fn parse_ical_holidays(text: &str) -> Result<Vec<NaiveDate>, CalendarError> {
    let mut holidays = Vec::new();
    // (line of BEGIN:VEVENT, DTSTART, DTEND) of the event being read.
    let mut event: Option<(usize, Option<NaiveDate>, Option<NaiveDate>)> = None;
    for (line_no, line) in unfold_ical(text) {
        let bad = |reason: &str| CalendarError::BadIcal { line: line_no, reason: reason.to_string() };
        let Some((name_and_params, value)) = line.split_once(':') else { continue };
        let name = name_and_params.split(';').next().unwrap_or_default().to_ascii_uppercase();
        let value = value.trim();
        match (name.as_str(), event.as_mut()) {
            ("BEGIN", None) if value.eq_ignore_ascii_case("VEVENT") => event = Some((line_no, None, None)),
            ("END", Some((begin, start, end))) if value.eq_ignore_ascii_case("VEVENT") => {
                let start = start.ok_or_else(|| CalendarError::BadIcal {
                    line: *begin,
                    reason: "event has no DTSTART".to_string(),
                })?;
                let end = end.unwrap_or(start + Duration::days(1));
                if end <= start {
                    return Err(bad("DTEND is not after DTSTART"));
                }
                holidays.extend(start.iter_days().take_while(|d| *d < end));
                event = None;
            }
            ("DTSTART", Some((_, start, _))) => *start = Some(parse_ical_date(value).map_err(|r| bad(&r))?),
            ("DTEND", Some((_, _, end))) => *end = Some(parse_ical_date(value).map_err(|r| bad(&r))?),
            ("RRULE" | "RDATE", Some(_)) => {
                return Err(bad("recurring events are not supported: list each year's holiday as its own event"));
            }
            _ => {}
        }
    }
    if let Some((begin, _, _)) = event {
        return Err(CalendarError::BadIcal { line: begin, reason: "event is not closed by END:VEVENT".into() });
    }
    Ok(holidays)
}

fn parse_ical_date(value: &str) -> Result<NaiveDate, String> {
    if value.len() != 8 {
        return Err(format!("{value:?} is not an all-day date (DTSTART;VALUE=DATE:YYYYMMDD)"));
    }
    NaiveDate::parse_from_str(value, "%Y%m%d").map_err(|_| format!("{value:?} is not a date written as YYYYMMDD"))
}

/// iCalendar folds long lines by starting the continuation with a space or tab (RFC 5545 §3.1).
/// Yields each logical line with the 1-based number of its first physical line.
fn unfold_ical(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(continuation), Some((_, line))) => line.push_str(continuation),
            _ => lines.push((index + 1, raw.to_string())),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOUR: i64 = 3_600_000;

    fn calendar(zone: &str, hours: WeeklyHours, holidays: &[&str]) -> BusinessCalendar {
        let holidays = holidays.iter().map(|h| h.to_string()).collect();
        BusinessCalendar::try_from(CalendarConfig { time_zone: zone.into(), hours, holidays }).unwrap()
    }

    fn berlin_office() -> BusinessCalendar {
        calendar("Europe/Berlin", WeeklyHours::weekdays(&["09:00-18:00"]), &[])
    }

    /// A local wall-clock time that exists exactly once in `zone`.
    fn local(zone: &str, s: &str) -> Timestamp {
        let tz: Tz = zone.parse().unwrap();
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        Timestamp(tz.from_local_datetime(&naive).single().unwrap().timestamp_millis())
    }

    fn berlin(s: &str) -> Timestamp {
        local("Europe/Berlin", s)
    }

    #[test]
    fn friday_evening_is_due_on_monday() {
        let cal = berlin_office();
        let due = cal.add_business_time(berlin("2026-11-20 17:30"), 4 * HOUR);
        assert_eq!(due, berlin("2026-11-23 12:30"));
        assert_eq!(due.to_rfc3339(), "2026-11-23T11:30:00.000Z");
    }

    #[test]
    fn dst_weekends_neither_add_nor_lose_business_time() {
        let cal = berlin_office();
        for (friday, monday) in [("2026-03-27", "2026-03-30"), ("2026-10-23", "2026-10-26")] {
            let start = berlin(&format!("{friday} 17:30"));
            let due = cal.add_business_time(start, 4 * HOUR);
            assert_eq!(due, berlin(&format!("{monday} 12:30")), "weekend after {friday}");
            assert_eq!(cal.business_time_between(start, due), 4 * HOUR);
        }
        // Spring forward: 17:30 CET Friday to 12:30 CEST Monday is an hour less on the wall clock.
        let spring = berlin("2026-03-30 12:30").0 - berlin("2026-03-27 17:30").0;
        let autumn = berlin("2026-10-26 12:30").0 - berlin("2026-10-23 17:30").0;
        assert_eq!(autumn - spring, 2 * HOUR);
    }

    #[test]
    fn night_shift_past_midnight_counts_real_hours_across_dst() {
        let nights = WeeklyHours { sat: vec!["22:00-06:00".into()], ..WeeklyHours::weekdays(&["22:00-06:00"]) };
        let cal = calendar("America/New_York", nights, &[]);
        let ny = |s| local("America/New_York", s);
        // 2026-03-08: 02:00 → 03:00, the Saturday night shift is 7 real hours.
        assert_eq!(cal.business_time_between(ny("2026-03-07 21:00"), ny("2026-03-08 07:00")), 7 * HOUR);
        // 2026-11-01: 02:00 → 01:00, the shift lasts 9 real hours.
        assert_eq!(cal.business_time_between(ny("2026-10-31 21:00"), ny("2026-11-01 07:00")), 9 * HOUR);
        // Tuesday 05:00 with two hours owed: one now, one when the next shift starts.
        assert_eq!(cal.add_business_time(ny("2026-11-17 05:00"), 2 * HOUR), ny("2026-11-17 23:00"));
        assert!(cal.is_open(ny("2026-11-18 00:30")));
        assert!(!cal.is_open(ny("2026-11-18 06:00")));
    }

    #[test]
    fn a_period_starting_in_the_spring_gap_opens_when_the_gap_ends() {
        let cal = calendar("Europe/Berlin", WeeklyHours { sun: vec!["02:30-03:30".into()], ..Default::default() }, &[]);
        let sunday = (berlin("2026-03-29 00:00"), berlin("2026-03-29 12:00"));
        assert_eq!(cal.business_time_between(sunday.0, sunday.1), HOUR / 2);
        assert_eq!(cal.next_open(sunday.0), berlin("2026-03-29 03:00"));
    }

    #[test]
    fn a_period_within_the_repeated_hour_covers_both_readings() {
        let cal =
            calendar("America/New_York", WeeklyHours { sun: vec!["01:30-01:45".into()], ..Default::default() }, &[]);
        let ny = |s| local("America/New_York", s);
        // 01:30 EDT to 01:45 EST on 2026-11-01: every instant whose clock reads 01:30-01:45.
        assert_eq!(cal.business_time_between(ny("2026-11-01 00:00"), ny("2026-11-01 12:00")), HOUR + HOUR / 4);
    }

    #[test]
    fn periods_meeting_in_the_repeated_hour_count_it_once() {
        let hours =
            WeeklyHours { sat: vec!["20:00-01:30".into()], sun: vec!["01:30-05:00".into()], ..Default::default() };
        let cal = calendar("America/New_York", hours, &[]);
        let ny = |s| local("America/New_York", s);
        // Saturday's end reads 01:30 EST, Sunday's start 01:30 EDT: the hour between is open once.
        let night = (ny("2026-10-31 19:00"), ny("2026-11-01 06:00"));
        assert_eq!(cal.business_time_between(night.0, night.1), 10 * HOUR);
    }

    #[test]
    fn instants_beyond_the_calendar_are_never_open() {
        let cal = berlin_office();
        assert!(!cal.is_open(Timestamp(i64::MAX - 1)));
        assert_eq!(cal.add_business_time(Timestamp(i64::MAX - 1), HOUR), Timestamp(i64::MAX));
    }

    #[test]
    fn holidays_close_the_day_and_the_year_boundary() {
        let ical = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Christmas\r\nDTSTART;VALUE=DATE:20261224\r\n\
                    DTEND;VALUE=DATE:20261227\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:New\r\n  Year\r\n\
                    DTSTART;VALUE=DATE:20270101\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let cal = berlin_office().with_holidays(parse_ical_holidays(ical).unwrap());
        // Wednesday 23 December 17:00: one hour that day, then Christmas, the weekend, the 28th…
        assert_eq!(cal.add_business_time(berlin("2026-12-23 17:00"), 2 * HOUR), berlin("2026-12-28 10:00"));
        // Thursday 31 December 17:00: New Year's Day (Friday) and the weekend are closed.
        assert_eq!(cal.add_business_time(berlin("2026-12-31 17:00"), 4 * HOUR), berlin("2027-01-04 12:00"));
        assert!(!cal.is_open(berlin("2026-12-24 10:00")));
        assert_eq!(cal.next_open(berlin("2026-12-24 10:00")), berlin("2026-12-28 09:00"));
    }

    #[test]
    fn a_holiday_does_not_cut_short_a_night_shift_begun_the_evening_before() {
        let cal = calendar("Europe/Berlin", WeeklyHours::weekdays(&["22:00-06:00"]), &["2026-12-25"]);
        assert!(cal.is_open(berlin("2026-12-25 05:00")), "Thursday's shift runs into Christmas morning");
        assert!(!cal.is_open(berlin("2026-12-25 23:00")), "no shift starts on Christmas");
    }

    #[test]
    fn always_open_is_wall_clock() {
        let cal = BusinessCalendar::always_open();
        let saturday = berlin("2026-11-21 10:00");
        assert_eq!(cal.add_business_time(saturday, 24 * HOUR), saturday.plus_millis(24 * HOUR));
        assert!(cal.is_open(saturday));
    }

    #[test]
    fn loads_from_toml_and_round_trips() {
        let text = r#"
            time_zone = "Asia/Singapore"
            holidays = ["2026-08-10"]
            [hours]
            mon = ["13:00-18:00", "09:00-12:00"]
            sat = ["10:00-14:00"]
        "#;
        let cal: BusinessCalendar = toml::from_str(text).unwrap();
        assert_eq!(cal.time_zone(), Tz::Asia__Singapore);
        let config = CalendarConfig::from(cal.clone());
        assert_eq!(config.hours.mon, ["09:00-12:00", "13:00-18:00"]);
        let json = serde_json::to_string(&cal).unwrap();
        assert_eq!(serde_json::from_str::<BusinessCalendar>(&json).unwrap(), cal);
    }

    #[test]
    fn refuses_bad_definitions_with_the_offending_value() {
        let build = |zone: &str, hours: WeeklyHours, holidays: &[&str]| {
            let holidays = holidays.iter().map(|h| h.to_string()).collect();
            BusinessCalendar::try_from(CalendarConfig { time_zone: zone.into(), hours, holidays }).unwrap_err()
        };
        let office = || WeeklyHours::weekdays(&["09:00-18:00"]);
        assert_eq!(build("Europe/Berlln", office(), &[]), CalendarError::UnknownTimeZone("Europe/Berlln".into()));
        let err = build("UTC", WeeklyHours::weekdays(&["9-18"]), &[]);
        assert!(err.to_string().contains("\"9-18\" on mon"), "{err}");
        assert!(matches!(build("UTC", WeeklyHours::weekdays(&["09:00-24:30"]), &[]), CalendarError::BadPeriod { .. }));
        assert!(matches!(build("UTC", WeeklyHours::weekdays(&["10:00-10:00"]), &[]), CalendarError::BadPeriod { .. }));
        let err = build("UTC", WeeklyHours::weekdays(&["09:00-12:00", "11:00-18:00"]), &[]);
        assert_eq!(err.to_string(), "opening period mon 09:00-12:00 overlaps mon 11:00-18:00");
        let sunday_night = WeeklyHours { sun: vec!["22:00-09:30".into()], ..office() };
        assert_eq!(
            build("UTC", sunday_night, &[]).to_string(),
            "opening period sun 22:00-09:30 overlaps mon 09:00-18:00"
        );
        assert_eq!(build("UTC", WeeklyHours::default(), &[]), CalendarError::NeverOpen);
        assert_eq!(build("UTC", office(), &["25.12.2026"]), CalendarError::BadHoliday("25.12.2026".into()));
        let err = toml::from_str::<BusinessCalendar>("time_zone = \"UTC\"\n[hours]\nmonday = [\"09:00-18:00\"]\n");
        assert!(err.unwrap_err().to_string().contains("monday"));
    }

    #[test]
    fn ical_refuses_what_it_would_otherwise_lose() {
        let event = |body: &str| format!("BEGIN:VCALENDAR\nBEGIN:VEVENT\n{body}\nEND:VEVENT\nEND:VCALENDAR\n");
        let err = |body: &str| parse_ical_holidays(&event(body)).unwrap_err().to_string();
        assert!(err("DTSTART;VALUE=DATE:20260101\nRRULE:FREQ=YEARLY").contains("line 4: recurring"));
        assert!(err("DTSTART:20260101T090000Z").contains("all-day"));
        assert!(err("SUMMARY:nothing").contains("line 2: event has no DTSTART"));
        assert!(err("DTSTART;VALUE=DATE:20260105\nDTEND;VALUE=DATE:20260105").contains("not after"));
        let unclosed = parse_ical_holidays("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\n").unwrap_err();
        assert!(unclosed.to_string().contains("END:VEVENT"));
        let plain = parse_ical_holidays(&event("DTSTART:20260501")).unwrap();
        assert_eq!(plain, [NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()]);
    }

    /// Day templates chosen to exercise split days, whole days, night shifts and the DST hours.
    const TEMPLATES: &[&[&str]] = &[
        &[],
        &["09:00-18:00"],
        &["09:00-12:00", "13:00-17:30"],
        &["00:00-24:00"],
        &["20:00-04:00"],
        &["01:30-03:30"],
        &["02:00-02:30", "23:00-23:59"],
    ];
    const ZONES: &[&str] = &["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Singapore", "UTC"];

    fn any_calendar() -> impl Strategy<Value = (BusinessCalendar, bool)> {
        let holiday = (2025i32..2029, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}"));
        (prop::sample::select(ZONES), prop::array::uniform7(0..TEMPLATES.len()), prop::collection::vec(holiday, 0..30))
            .prop_filter_map("overlapping periods", |(zone, days, holidays)| {
                let day = |i: usize| TEMPLATES[days[i]].iter().map(|p| p.to_string()).collect();
                let hours = WeeklyHours {
                    mon: day(0),
                    tue: day(1),
                    wed: day(2),
                    thu: day(3),
                    fri: day(4),
                    sat: day(5),
                    sun: day(6),
                };
                let has_night_shift = days.iter().any(|&d| TEMPLATES[d].contains(&"20:00-04:00"));
                let config = CalendarConfig { time_zone: zone.to_string(), hours, holidays };
                BusinessCalendar::try_from(config).ok().map(|cal| (cal, has_night_shift))
            })
    }

    /// Instants spread over four years, and more of them close to DST changes and New Year.
    fn any_instant() -> impl Strategy<Value = Timestamp> {
        let uniform = (1_735_689_600_000i64..1_861_920_000_000).prop_map(Timestamp);
        let near = prop::sample::select(vec![
            "2026-03-08T07:00:00Z",
            "2026-03-29T01:00:00Z",
            "2026-04-04T15:00:00Z",
            "2026-10-03T15:30:00Z",
            "2026-10-25T01:00:00Z",
            "2026-11-01T06:00:00Z",
            "2026-12-31T23:00:00Z",
        ]);
        let close = (near, -3 * 24 * HOUR..3 * 24 * HOUR)
            .prop_map(|(at, offset)| Timestamp::parse_rfc3339(at).unwrap().plus_millis(offset));
        prop_oneof![uniform, close]
    }

    fn local_date(cal: &BusinessCalendar, t: Timestamp) -> NaiveDate {
        t.to_datetime().with_timezone(&cal.time_zone()).date_naive()
    }

    proptest! {
        #[test]
        fn due_time_ends_open_time_and_measures_back(
            (cal, night_shift) in any_calendar(), start in any_instant(), duration in 1..300 * HOUR,
        ) {
            let due = cal.add_business_time(start, duration);
            prop_assert!(due > start);
            prop_assert!(cal.is_open(due.plus_millis(-1)), "due {due} ends a closed stretch");
            prop_assert!(due > cal.next_open(start));
            prop_assert_eq!(cal.business_time_between(start, due), duration);
            if !night_shift {
                prop_assert!(!cal.holidays.contains(&local_date(&cal, due.plus_millis(-1))), "due on a holiday");
            }
        }

        #[test]
        fn more_time_is_never_due_earlier(
            (cal, _) in any_calendar(), start in any_instant(), a in 0..200 * HOUR, b in 0..200 * HOUR,
        ) {
            let (short, long) = (a.min(b), a.max(b));
            prop_assert!(cal.add_business_time(start, short) <= cal.add_business_time(start, long));
        }

        #[test]
        fn open_time_adds_up_over_consecutive_spans(
            (cal, _) in any_calendar(), a in any_instant(), b in any_instant(), c in any_instant(),
        ) {
            let mut t = [a, b, c];
            t.sort();
            let whole = cal.business_time_between(t[0], t[2]);
            prop_assert_eq!(cal.business_time_between(t[0], t[1]) + cal.business_time_between(t[1], t[2]), whole);
            prop_assert!(whole <= t[2].0 - t[0].0);
            prop_assert_eq!(cal.business_time_between(t[2], t[0]), 0);
        }

        #[test]
        fn next_open_is_the_instant_itself_exactly_when_open((cal, _) in any_calendar(), t in any_instant()) {
            let next = cal.next_open(t);
            prop_assert_eq!(next == t, cal.is_open(t));
            prop_assert!(cal.is_open(next));
            prop_assert_eq!(cal.business_time_between(t, next), 0);
        }

        #[test]
        fn wall_clock_ignores_weekends_and_holidays(start in any_instant(), duration in 0..400 * HOUR) {
            let cal = BusinessCalendar::always_open();
            let due = cal.add_business_time(start, duration);
            prop_assert_eq!(due, start.plus_millis(duration));
            prop_assert_eq!(cal.business_time_between(start, due), duration);
        }

        #[test]
        fn config_round_trips((cal, _) in any_calendar()) {
            let again = BusinessCalendar::try_from(CalendarConfig::from(cal.clone()));
            prop_assert_eq!(again, Ok(cal));
        }
    }
}
