//! Channels (how a message reached the store) and marketplaces (which storefront it concerns).

use crate::{LanguageTag, ParseError};
use serde::{Deserialize, Serialize};

/// Macro for the small closed vocabularies of the domain: one enum, its wire name, parsing
/// with an error that lists the accepted values.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name { $(#[serde(rename = $wire)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err($crate::ParseError::new(
                        $what,
                        format!("{s:?} is not one of {}", [$($wire),+].join(", ")),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// How a conversation reached the store; replies leave through the same channel.
    Channel, "channel" {
        Email => "email",
        Amazon => "amazon",
        Ebay => "ebay",
        Shopify => "shopify",
        Chat => "chat",
    }
);

/// A storefront such as `amazon.de`, `amazon.co.jp`, `ebay.it` or `shopify`: lowercase
/// letters, digits, dots and dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "amazon.de"))]
#[serde(try_from = "String", into = "String")]
pub struct Marketplace(String);

impl Marketplace {
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let s = s.trim().to_ascii_lowercase();
        let ok = !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if ok {
            Ok(Self(s))
        } else {
            Err(ParseError::new("marketplace", format!("{s:?} should look like \"amazon.de\" or \"shopify\"")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language buyers of this storefront mostly write in, where one dominates: a prior
    /// for language detection on short messages, never a replacement for it.
    pub fn language_prior(&self) -> Option<LanguageTag> {
        let site = self.0.split_once('.')?.1;
        let language = match site {
            "de" | "at" => "de",
            "co.jp" | "jp" => "ja",
            "fr" => "fr",
            "it" => "it",
            "es" | "com.mx" | "mx" => "es",
            "com.br" | "br" => "pt",
            "com" | "co.uk" | "uk" | "ie" | "ca" | "com.au" | "au" | "in" | "sg" | "co.za" => "en",
            "nl" => "nl",
            "pl" => "pl",
            "se" => "sv",
            "com.tr" | "tr" => "tr",
            "sa" | "eg" => "ar",
            "cn" => "zh",
            _ => return None,
        };
        LanguageTag::parse(language).ok()
    }

    /// The country-code top-level domain of a marketplace such as `amazon.co.jp` (→ `jp`),
    /// which hints at the buyer's country and language.
    pub fn country_tld(&self) -> Option<&str> {
        let last = self.0.rsplit('.').next()?;
        (last.len() == 2 && self.0.contains('.')).then_some(last)
    }
}

crate::string_newtype!(Marketplace);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_parses_its_wire_names_only() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>().unwrap(), *c);
        }
        let err = "fax".parse::<Channel>().unwrap_err();
        assert!(err.to_string().contains("email, amazon"), "{err}");
    }

    #[test]
    fn marketplace_country() {
        assert_eq!(Marketplace::parse("Amazon.co.JP").unwrap().country_tld(), Some("jp"));
        assert_eq!(Marketplace::parse("amazon.com").unwrap().country_tld(), None);
        assert_eq!(Marketplace::parse("shopify").unwrap().country_tld(), None);
        assert!(Marketplace::parse("amazon de").is_err());
    }
}
