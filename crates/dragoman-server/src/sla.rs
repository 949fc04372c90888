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

use dragoman_core::calendar::{BusinessCalendar, CalendarConfig, CalendarError, WeeklyHours, parse_ical_holidays};
use dragoman_core::sla::SlaPolicies;
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

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use dragoman_core::Timestamp;
    use dragoman_core::sla::SlaPolicies;

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
}
