//! Compose checks after the Compose specification: service names, references to volumes and services,
//! port and volume syntax.

use super::{Problem, is_env_name, problem};
use serde_json::Value;

/// Every problem in a Compose file given as a JSON value; empty when valid.
pub fn validate_compose(file: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(top) = file.as_object() else {
        return vec![problem("", "a compose file is a mapping")];
    };
    let Some(services) = top.get("services").and_then(Value::as_object) else {
        return vec![problem("services", "required: a mapping of services")];
    };
    let volumes = top.get("volumes").and_then(Value::as_object);
    for (name, svc) in services {
        let path = format!("services.{name}");
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid_name {
            out.push(problem(&path, format!("`{name}` is not a valid service name: letters, digits, `_`, `.` and `-`, starting with a letter or digit")));
        }
        let Some(svc) = svc.as_object() else {
            out.push(problem(&path, "a service is a mapping"));
            continue;
        };
        if !svc.contains_key("image") && !svc.contains_key("build") {
            out.push(problem(&path, "needs `image` or `build`"));
        }
        if let Some(env) = svc.get("environment").and_then(Value::as_object) {
            for k in env.keys() {
                if !is_env_name(k) {
                    out.push(problem(
                        format!("{path}.environment"),
                        format!("`{k}` is not a valid variable name"),
                    ));
                }
            }
        }
        for (i, p) in svc
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let pp = format!("{path}.ports[{i}]");
            match p.as_str() {
                Some(s) if port_ok(s) => {}
                Some(s) => out.push(problem(
                    pp,
                    format!("`{s}` is not `[ip:][host:]container[/protocol]` with ports 1-65535"),
                )),
                None if p.is_object() => {
                    if p.get("target")
                        .and_then(Value::as_u64)
                        .is_none_or(|t| t == 0 || t > 65535)
                    {
                        out.push(problem(
                            format!("{pp}.target"),
                            "required: a port between 1 and 65535",
                        ));
                    }
                }
                None => out.push(problem(pp, "a port is a string or a mapping")),
            }
        }
        for (i, v) in svc
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let vp = format!("{path}.volumes[{i}]");
            match v {
                Value::String(s) => check_short_volume(s, &vp, volumes, &mut out),
                Value::Object(m) => {
                    let ty = m.get("type").and_then(Value::as_str).unwrap_or("");
                    if !["bind", "volume", "tmpfs", "npipe", "cluster", "image"].contains(&ty) {
                        out.push(problem(
                            format!("{vp}.type"),
                            format!("unsupported value `{ty}`"),
                        ));
                    }
                    match m.get("target").and_then(Value::as_str) {
                        Some(t) if t.starts_with('/') => {}
                        _ => out.push(problem(
                            format!("{vp}.target"),
                            "required: an absolute path in the container",
                        )),
                    }
                    if ty == "volume"
                        && let Some(src) = m.get("source").and_then(Value::as_str)
                        && !volumes.is_some_and(|vs| vs.contains_key(src))
                    {
                        out.push(problem(
                            format!("{vp}.source"),
                            format!("volume `{src}` is not declared in the top-level `volumes`"),
                        ));
                    }
                }
                _ => out.push(problem(vp, "a volume is a string or a mapping")),
            }
        }
        let deps: Vec<&String> = match svc.get("depends_on") {
            Some(Value::Object(m)) => m.keys().collect(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|d| match d {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for d in deps {
            if d == name {
                out.push(problem(
                    format!("{path}.depends_on"),
                    "a service cannot depend on itself",
                ));
            } else if !services.contains_key(d) {
                out.push(problem(
                    format!("{path}.depends_on"),
                    format!("service `{d}` is not defined"),
                ));
            }
        }
    }
    out
}

fn port_ok(s: &str) -> bool {
    let (rest, proto) = match s.rsplit_once('/') {
        Some((r, p)) => (r, Some(p)),
        None => (s, None),
    };
    if proto.is_some_and(|p| !["tcp", "udp", "sctp"].contains(&p)) {
        return false;
    }
    let parts: Vec<&str> = rest.rsplitn(3, ':').collect();
    let range_ok = |r: &str| {
        let (a, b) = r.split_once('-').unwrap_or((r, r));
        matches!((a.parse::<u32>(), b.parse::<u32>()), (Ok(x), Ok(y)) if (1..=65535).contains(&x) && (1..=65535).contains(&y) && x <= y)
    };
    match parts.as_slice() {
        [c] => range_ok(c),
        [c, h] => range_ok(c) && (h.is_empty() || range_ok(h)),
        [c, h, _ip] => range_ok(c) && (h.is_empty() || range_ok(h)),
        _ => false,
    }
}

fn check_short_volume(
    s: &str,
    path: &str,
    volumes: Option<&serde_json::Map<String, Value>>,
    out: &mut Vec<Problem>,
) {
    let parts: Vec<&str> = s.split(':').collect();
    let (src, dst, mode) = match parts.as_slice() {
        [d] => (None, *d, None),
        [a, b] => (Some(*a), *b, None),
        [a, b, m] => (Some(*a), *b, Some(*m)),
        _ => {
            out.push(problem(
                path,
                format!("`{s}` is not `[source:]target[:mode]`"),
            ));
            return;
        }
    };
    if !dst.starts_with('/') {
        out.push(problem(
            path,
            format!("target `{dst}` is not an absolute path"),
        ));
    }
    if let Some(m) = mode {
        let ok = m.split(',').all(|o| {
            [
                "ro",
                "rw",
                "z",
                "Z",
                "cached",
                "delegated",
                "consistent",
                "nocopy",
            ]
            .contains(&o)
        });
        if !ok {
            out.push(problem(path, format!("unsupported mode `{m}`")));
        }
    }
    if let Some(src) = src {
        let is_path = src.starts_with(['/', '.', '~']) || src.contains('/');
        if !is_path && !volumes.is_some_and(|v| v.contains_key(src)) {
            out.push(problem(
                path,
                format!("volume `{src}` is not declared in the top-level `volumes`"),
            ));
        }
    }
}
