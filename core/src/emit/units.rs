//! Kubernetes quantities to Docker's CPU and memory units.

/// `10m` → `0.01`, `2` → `2`, `1.5` → `1.5`. `None` when not a CPU quantity.
pub(crate) fn cpus(q: &str) -> Option<String> {
    let millis: u64 = if let Some(m) = q.strip_suffix('m') {
        m.parse().ok()?
    } else {
        let (int, frac) = q.split_once('.').unwrap_or((q, ""));
        if frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let i: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let f: u64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<3}").parse().ok()?
        };
        i.checked_mul(1000)?.checked_add(f)?
    };
    let whole = millis / 1000;
    let rest = millis % 1000;
    Some(if rest == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{rest:03}").trim_end_matches('0'))
    })
}

/// A CPU request as Docker's relative `--cpu-shares` (`500m` → `512`: 1024 per CPU).
pub(crate) fn cpu_shares(q: &str) -> Option<u64> {
    let c = cpus(q)?;
    let (int, frac) = c.split_once('.').unwrap_or((&c, ""));
    let millis = int.parse::<u64>().ok()?.checked_mul(1000)?
        + if frac.is_empty() {
            0
        } else {
            format!("{frac:0<3}").parse::<u64>().ok()?
        };
    Some((millis * 1024 / 1000).max(2))
}

/// `256Mi` → `256m`, `1Gi` → `1g`, `500M` → `500000000b`. `None` when not a memory quantity Docker can
/// express.
pub(crate) fn memory(q: &str) -> Option<String> {
    const BINARY: [(&str, &str); 4] = [("Ki", "k"), ("Mi", "m"), ("Gi", "g"), ("Ti", "t")];
    for (suffix, docker) in BINARY {
        if let Some(n) = q.strip_suffix(suffix) {
            let n: u64 = n.parse().ok()?;
            return Some(format!("{n}{docker}"));
        }
    }
    const DECIMAL: [(&str, u64); 4] = [
        ("k", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
    ];
    for (suffix, factor) in DECIMAL {
        if let Some(n) = q.strip_suffix(suffix) {
            let n: u64 = n.parse().ok()?;
            return Some(format!("{}b", n.checked_mul(factor)?));
        }
    }
    q.parse::<u64>().ok().map(|n| format!("{n}b"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_units() {
        assert_eq!(cpus("10m").as_deref(), Some("0.01"));
        assert_eq!(cpus("500m").as_deref(), Some("0.5"));
        assert_eq!(cpus("2").as_deref(), Some("2"));
        assert_eq!(cpus("1.25").as_deref(), Some("1.25"));
        assert_eq!(cpus("x"), None);
    }

    #[test]
    fn memory_units() {
        assert_eq!(memory("256Mi").as_deref(), Some("256m"));
        assert_eq!(memory("1Gi").as_deref(), Some("1g"));
        assert_eq!(memory("500M").as_deref(), Some("500000000b"));
        assert_eq!(memory("1024").as_deref(), Some("1024b"));
        assert_eq!(memory("1e3"), None);
    }
}
