//! Language tags as Dragoman stores them: lowercase ISO 639-1 (two letters), ISO 639-3 where
//! no two-letter code exists, or `und` when the language is not known.

use crate::ParseError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "de"))]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);

impl LanguageTag {
    pub const UNDETERMINED: &'static str = "und";

    /// Accepts `de`, `DE`, `pt-BR` (the region is dropped: Dragoman routes on the language),
    /// `zh-Hant` (→ `zh`), three-letter codes and `und`.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or_default();
        let ok = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
        if !ok {
            return Err(ParseError::new(
                "language",
                format!("{s:?} is not an ISO 639 code such as \"de\" or \"pt-BR\""),
            ));
        }
        Ok(Self(primary.to_ascii_lowercase()))
    }

    pub fn undetermined() -> Self {
        Self(Self::UNDETERMINED.to_owned())
    }

    pub fn is_undetermined(&self) -> bool {
        self.0 == Self::UNDETERMINED
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::string_newtype!(LanguageTag);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_rejects() {
        assert_eq!(LanguageTag::parse("pt-BR").unwrap().as_str(), "pt");
        assert_eq!(LanguageTag::parse("ZH_Hant").unwrap().as_str(), "zh");
        assert!(LanguageTag::parse("und").unwrap().is_undetermined());
        assert!(LanguageTag::parse("german").is_err());
        assert!(LanguageTag::parse("").is_err());
        assert!(LanguageTag::parse("d1").is_err());
    }
}
