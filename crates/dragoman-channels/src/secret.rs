//! A credential read from configuration: printed as `***` by `Debug` and `Display`, so a
//! secret that reaches a log line or an error message does not leak.

use serde::Deserialize;

#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `inline` when configured in the file, else the environment variable `env_name`;
    /// `None` when neither is set (or the variable is empty).
    pub fn resolve(inline: Option<&Secret>, env_name: &str, env: impl Fn(&str) -> Option<String>) -> Option<Secret> {
        inline.cloned().or_else(|| env(env_name).filter(|v| !v.trim().is_empty()).map(|v| Secret(v.trim().to_owned())))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed_and_resolved_file_first() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "*** ***");
        let env = |name: &str| (name == "X").then(|| " from-env ".to_owned());
        assert_eq!(Secret::resolve(None, "X", env).unwrap().expose(), "from-env");
        assert_eq!(Secret::resolve(Some(&s), "X", env).unwrap().expose(), "hunter2");
        assert_eq!(Secret::resolve(None, "Y", env), None);
    }
}
