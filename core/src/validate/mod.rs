//! Validation of what dockscape emits, modelled on the Kubernetes API server's Pod validation and on the
//! Compose specification. Runs in core so the browser validates too. Everything emitted must pass; a
//! failure is a bug in dockscape, reported as [`crate::ErrorKind::Validation`].

mod compose;
mod pod;
mod workload;

pub use compose::validate_compose;
pub use pod::validate_pod;
pub(crate) use workload::validate_workload;

use serde::Serialize;
use std::fmt;

/// One validation problem: where (a field path) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Field path (`spec.containers[1].volumeMounts[0].name`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

pub(crate) fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        path: path.into(),
        message: message.into(),
    }
}

/// A DNS-1123 label: at most 63 lowercase alphanumerics or `-`, starting and ending alphanumeric.
pub(crate) fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A DNS-1123 subdomain: at most 253 characters, dot-separated labels of lowercase alphanumerics and `-`.
pub(crate) fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// An environment variable name as Kubernetes has long accepted it: `[-._a-zA-Z][-._a-zA-Z0-9]*`.
pub(crate) fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || "-._".contains(c))
        && chars.all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
}

/// An IANA service name, as a port name: at most 15 lowercase alphanumerics or `-`, at least one letter,
/// no `--`, not starting or ending with `-`.
pub(crate) fn is_port_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 15
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && !s.contains("--")
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A Kubernetes quantity: a signed decimal number with an optional binary (`Ki`..`Ei`), decimal
/// (`n u m k M G T P E`) or exponent (`e3`) suffix.
pub fn is_quantity(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let num_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(num_end);
    let digits = num.chars().filter(char::is_ascii_digit).count();
    if digits == 0 || num.matches('.').count() > 1 {
        return false;
    }
    match suffix {
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T"
        | "P" | "E" => true,
        _ => {
            let Some(exp) = suffix.strip_prefix(['e', 'E']) else {
                return false;
            };
            let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            !exp.is_empty() && exp.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// The value of a quantity in milli-units, for comparing requests with limits; `None` if out of range.
pub(crate) fn quantity_millis(s: &str) -> Option<f64> {
    if !is_quantity(s) {
        return None;
    }
    let num_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(num_end);
    let n: f64 = num.parse().ok()?;
    if !n.is_finite() {
        return None;
    }
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e => 10f64.powi(e.get(1..)?.parse::<i32>().ok()?),
    };
    let v = n * factor * 1000.0;
    v.is_finite().then_some(v)
}

/// A quantity the API server accepts for requests and limits: well-formed, finite and not negative.
pub(crate) fn is_resource_quantity(s: &str) -> bool {
    quantity_millis(s).is_some_and(|v| v >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_dns1123_label("docker-cmds"));
        for bad in ["", "-a", "a-", "A", "a_b", &"a".repeat(64)] {
            assert!(!is_dns1123_label(bad), "{bad}");
        }
        assert!(is_dns1123_subdomain("a.b-c"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert!(
            is_env_name("DOCKER_HOST")
                && is_env_name("a.b-c")
                && !is_env_name("1A")
                && !is_env_name("A=B")
        );
        assert!(
            is_port_name("docker-tls")
                && !is_port_name("123")
                && !is_port_name("a--b")
                && !is_port_name("sixteen-chars-xx")
        );
    }

    #[test]
    fn quantities() {
        for ok in ["10m", "256Mi", "1", "0.5", "1e3", "+2", ".5", "1.5Gi"] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["", "m", "1.2.3", "10 m", "1MB", "1e", "abc", "1ki"] {
            assert!(!is_quantity(bad), "{bad}");
        }
        assert_eq!(quantity_millis("10m"), Some(10.0));
        assert_eq!(quantity_millis("1Ki"), Some(1_024_000.0));
    }
}
