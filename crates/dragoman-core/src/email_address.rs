//! Email addresses, compared case-insensitively as mail systems do in practice.

use crate::ParseError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let s = s.trim().trim_start_matches('<').trim_end_matches('>');
        let valid = match s.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
            }
            None => false,
        };
        if valid {
            Ok(Self(s.to_lowercase()))
        } else {
            Err(ParseError::new("email address", format!("{s:?} is not of the form name@example.com")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or_default()
    }
}

crate::string_newtype!(EmailAddress);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_lowercases() {
        let e = EmailAddress::parse("<Lena@Marketplace.Amazon.DE>").unwrap();
        assert_eq!(e.as_str(), "lena@marketplace.amazon.de");
        assert_eq!(e.domain(), "marketplace.amazon.de");
        assert!(EmailAddress::parse("nobody").is_err());
        assert!(EmailAddress::parse("a b@c.de").is_err());
        assert!(EmailAddress::parse("a@localhost").is_err());
    }
}
