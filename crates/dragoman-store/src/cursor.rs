//! Keyset-pagination cursors: the sort key and id of the last row of a page, tagged with the
//! list they belong to, so a cursor from one list (or sort order) is refused by another.
//! Opaque to clients (base64), so the encoding can change without breaking an API contract.

use crate::{Result, StoreError};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub(crate) fn encode<const N: usize>(list: &str, keys: [i64; N]) -> String {
    let mut text = list.to_owned();
    for key in keys {
        text.push(':');
        text.push_str(&key.to_string());
    }
    URL_SAFE_NO_PAD.encode(text)
}

pub(crate) fn decode<const N: usize>(list: &str, cursor: &str) -> Result<[i64; N]> {
    let bad = || StoreError::Invalid("cursor is not one this server issued".into());
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.split(':');
    if parts.next() != Some(list) {
        return Err(bad());
    }
    let mut keys = [0; N];
    for key in &mut keys {
        *key = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    }
    match parts.next() {
        None => Ok(keys),
        Some(_) => Err(bad()),
    }
}

/// Splits `limit + 1` fetched rows into a page's rows and the cursor of the next page: the
/// extra row only says that there is more.
pub(crate) fn split_page<R>(
    mut rows: Vec<R>,
    limit: usize,
    cursor_of: impl Fn(&R) -> String,
) -> (Vec<R>, Option<String>) {
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(cursor_of)
    } else {
        None
    };
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_strangers() {
        let c = encode("sla", [i64::MAX, 42]);
        assert_eq!(decode::<2>("sla", &c).unwrap(), [i64::MAX, 42]);
        assert!(decode::<2>("act", &c).is_err(), "a cursor of another sort order");
        assert!(decode::<1>("sla", &c).is_err(), "too many keys");
        assert!(decode::<3>("sla", &c).is_err(), "too few keys");
        assert!(decode::<2>("sla", "not base64!").is_err());
        assert!(decode::<2>("sla", &URL_SAFE_NO_PAD.encode("sla:1:x")).is_err());
    }
}
