//! Scenario parameters: what users set with `--set key=value`, a spec file, or the playground's form.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{EnvVar, Port, Protocol, Resources};
use crate::quote::split_words;
use crate::read::source::{Doc, Loader, NodeId};
use serde::Serialize;
use std::collections::BTreeMap;

/// The value of one parameter as given by the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A string, as from `--set key=value`.
    Text(String),
    /// A list, as from a spec file (`command: [docker, run, ...]`).
    List(Vec<String>),
    /// A map, as from a spec file (`env: {A: b}`) or repeated `--set env.A=b`.
    Map(Vec<(String, String)>),
}

/// Parameters for [`crate::build_scenario`]. Every parameter has a default, so an empty set is valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Params {
    values: BTreeMap<String, ParamValue>,
}

impl Params {
    /// No parameters: every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set `key` to `value` as the CLI's `--set key=value` does. `env.NAME=value` adds one variable.
    /// Names are checked against the scenario when it is built.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                "empty parameter name",
            ));
        }
        if let Some(var) = key.strip_prefix("env.") {
            if var.is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidParameter,
                    "empty variable name in `env.`",
                ));
            }
            let entry = self
                .values
                .entry("env".to_owned())
                .or_insert_with(|| ParamValue::Map(Vec::new()));
            match entry {
                ParamValue::Map(m) => {
                    m.retain(|(k, _)| k != var);
                    m.push((var.to_owned(), value.to_owned()));
                }
                other => {
                    let mut m = env_pairs(other)?;
                    m.retain(|(k, _)| k != var);
                    m.push((var.to_owned(), value.to_owned()));
                    *other = ParamValue::Map(m);
                }
            }
            return Ok(());
        }
        self.values
            .insert(key.to_owned(), ParamValue::Text(value.to_owned()));
        Ok(())
    }

    /// Parse and apply `key=value`.
    pub fn set_assignment(&mut self, assignment: &str) -> Result<()> {
        let (k, v) = assignment.split_once('=').ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidParameter,
                format!("expected `key=value`, got `{assignment}`"),
            )
        })?;
        self.set(k, v)
    }

    /// Set a parameter to a structured value (spec files).
    pub fn insert(&mut self, key: &str, value: ParamValue) {
        self.values.insert(key.to_owned(), value);
    }

    /// Read a spec file: a YAML mapping of parameters, with an optional `scenario:` key, which is returned.
    /// Read with the linter's YAML reader (positions, budgets), so errors say where.
    pub fn from_yaml(text: &str) -> Result<(Option<String>, Params)> {
        let mut loader = Loader::default();
        let mut read: Option<Result<(Option<String>, Params)>> = None;
        let mut failure: Option<Error> = None;
        loader.run(
            text,
            |doc, _| {
                if read.is_none() {
                    read = Some(read_spec(doc));
                }
            },
            |e| {
                if failure.is_none() {
                    let kind = if e.budget {
                        ErrorKind::Budget
                    } else {
                        ErrorKind::Parse
                    };
                    failure = Some(
                        Error::new(kind, format!("spec file: {}", e.message)).at(e.line, e.column),
                    );
                }
            },
        );
        match (failure, read) {
            (Some(e), _) => Err(e),
            (None, Some(r)) => r,
            (None, None) => Err(Error::new(
                ErrorKind::InvalidInput,
                "spec file: empty: expected a mapping of parameters",
            )),
        }
    }

    /// The names that were set.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&ParamValue> {
        self.values.get(key)
    }
}

fn read_spec(doc: &Doc<'_>) -> Result<(Option<String>, Params)> {
    let at = |id: NodeId| {
        let (l, c) = doc.pos(id);
        (l as usize, c as usize)
    };
    let Some(root) = doc.root().map(|r| doc.resolve(r)) else {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "spec file: empty: expected a mapping of parameters",
        ));
    };
    if !doc.is_map(root) {
        let (l, c) = at(root);
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "spec file: expected a mapping of parameters",
        )
        .at(l, c));
    }
    let scalar = |key: &str, id: NodeId| -> Result<String> {
        let id = doc.resolve(id);
        if doc.is_map(id) || doc.is_seq(id) {
            let (l, c) = at(id);
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("spec file: `{key}` holds a nested value where a string was expected"),
            )
            .at(l, c));
        }
        Ok(doc.str(id).unwrap_or_default().to_owned())
    };
    let mut params = Params::new();
    let mut scenario = None;
    let duplicate = |key: &str, id: NodeId, what: &str| {
        let (l, c) = at(id);
        Error::new(
            ErrorKind::InvalidInput,
            format!("spec file: duplicate key `{key}`{what}: each parameter may be given once"),
        )
        .at(l, c)
    };
    // The reader keeps the first of duplicate keys; a spec file with two values for one key is
    // ambiguous (YAML readers differ on which wins), so it is refused, key by key as written.
    let check_duplicates = |map: NodeId, within: &str| -> Result<()> {
        let mut keys: Vec<String> = Vec::new();
        for (k, _) in doc.raw_pairs(map) {
            let key = doc.str(doc.resolve(k)).unwrap_or_default().to_owned();
            if key == "<<" {
                continue;
            }
            if keys.contains(&key) {
                return Err(duplicate(&key, k, within));
            }
            keys.push(key);
        }
        Ok(())
    };
    check_duplicates(root, "")?;
    for (k, v) in doc.pairs(root) {
        let key = scalar("key", k)?;
        let v = doc.resolve(v);
        if key == "scenario" {
            scenario = Some(scalar(&key, v)?);
            continue;
        }
        let pv = if doc.is_seq(v) {
            ParamValue::List(
                doc.items(v)
                    .map(|i| scalar(&key, i))
                    .collect::<Result<_>>()?,
            )
        } else if doc.is_map(v) {
            check_duplicates(v, &format!(" in `{key}`"))?;
            ParamValue::Map(
                doc.pairs(v)
                    .into_iter()
                    .map(|(mk, mv)| Ok((scalar(&key, mk)?, scalar(&key, mv)?)))
                    .collect::<Result<_>>()?,
            )
        } else {
            ParamValue::Text(scalar(&key, v)?)
        };
        params.values.insert(key, pv);
    }
    Ok((scenario, params))
}

fn env_pairs(v: &ParamValue) -> Result<Vec<(String, String)>> {
    let lines: Vec<String> = match v {
        ParamValue::Map(m) => return Ok(m.clone()),
        ParamValue::List(l) => l.clone(),
        ParamValue::Text(t) => t.lines().map(str::to_owned).collect(),
    };
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidParameter,
                        format!("invalid value `{l}` for `env`: expected `NAME=value`"),
                    )
                })
        })
        .collect()
}

/// How a parameter's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParamKind {
    /// One string.
    Text,
    /// A command in sh syntax, or a list.
    Words,
    /// `NAME=value` lines, a map, or `env.NAME` keys.
    Env,
    /// Comma-separated ports `[published:]container[/udp]`.
    Ports,
    /// A Kubernetes quantity (`10m`, `256Mi`).
    Quantity,
    /// A whole number.
    Number,
}

/// One parameter a scenario takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamSpec {
    /// Name, as in `--set name=value`.
    pub name: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// The default, as text (empty: unset).
    pub default: String,
    /// The accepted values; empty when the value is free.
    pub accepted: Vec<&'static str>,
    /// How the value is read.
    pub kind: ParamKind,
}

impl ParamSpec {
    pub(crate) fn text(
        name: &'static str,
        summary: &'static str,
        default: impl Into<String>,
    ) -> Self {
        Self {
            name,
            summary,
            default: default.into(),
            accepted: Vec::new(),
            kind: ParamKind::Text,
        }
    }

    pub(crate) fn choice(
        name: &'static str,
        summary: &'static str,
        accepted: &[&'static str],
    ) -> Self {
        let default = accepted.first().copied().unwrap_or_default().to_owned();
        Self {
            name,
            summary,
            default,
            accepted: accepted.to_vec(),
            kind: ParamKind::Text,
        }
    }

    pub(crate) fn of_kind(mut self, kind: ParamKind) -> Self {
        self.kind = kind;
        self
    }
}

/// Parameters checked against a scenario's specs, with typed getters.
#[derive(Debug)]
pub(crate) struct Resolved<'a> {
    specs: &'a [ParamSpec],
    params: &'a Params,
}

impl<'a> Resolved<'a> {
    pub(crate) fn new(scenario: &str, specs: &'a [ParamSpec], params: &'a Params) -> Result<Self> {
        for key in params.keys() {
            let Some(spec) = specs.iter().find(|s| s.name == key) else {
                let names: Vec<String> = specs.iter().map(|s| format!("`{}`", s.name)).collect();
                return Err(Error::new(
                    ErrorKind::UnknownParameter,
                    format!(
                        "unknown parameter `{key}` for scenario `{scenario}`: accepted are {}",
                        names.join(", ")
                    ),
                ));
            };
            let r = Resolved { specs, params };
            r.check(spec)?;
        }
        Ok(Self { specs, params })
    }

    fn check(&self, spec: &ParamSpec) -> Result<()> {
        match spec.kind {
            ParamKind::Text | ParamKind::Quantity | ParamKind::Number => {
                let v = self.text_of(spec)?;
                if !spec.accepted.is_empty() && !spec.accepted.contains(&v.as_str()) {
                    let acc: Vec<String> = spec.accepted.iter().map(|a| format!("`{a}`")).collect();
                    return Err(invalid(
                        spec.name,
                        &v,
                        &format!("expected one of {}", acc.join(", ")),
                    ));
                }
                if spec.kind == ParamKind::Quantity
                    && !v.is_empty()
                    && !crate::validate::is_quantity(&v)
                {
                    return Err(invalid(
                        spec.name,
                        &v,
                        "expected a Kubernetes quantity such as `250m` or `256Mi`",
                    ));
                }
                if spec.kind == ParamKind::Quantity
                    && !v.is_empty()
                    && !crate::validate::is_resource_quantity(&v)
                {
                    return Err(invalid(
                        spec.name,
                        &v,
                        "expected a quantity of at least 0 (the API server refuses negative or out-of-range requests and limits)",
                    ));
                }
                if spec.kind == ParamKind::Number && !v.is_empty() && v.parse::<u32>().is_err() {
                    return Err(invalid(spec.name, &v, "expected a whole number"));
                }
                Ok(())
            }
            ParamKind::Words => self.words(spec.name).map(|_| ()),
            ParamKind::Env => self.env().map(|_| ()),
            ParamKind::Ports => self.ports().map(|_| ()),
        }
    }

    fn spec(&self, name: &str) -> Option<&ParamSpec> {
        self.specs.iter().find(|s| s.name == name)
    }

    fn text_of(&self, spec: &ParamSpec) -> Result<String> {
        match self.params.get(spec.name) {
            None => Ok(spec.default.clone()),
            Some(ParamValue::Text(t)) => Ok(t.trim().to_owned()),
            Some(_) => Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("invalid value for `{}`: expected a single value", spec.name),
            )),
        }
    }

    /// The text value of `name` (its default when unset; empty for a parameter the scenario lacks).
    pub(crate) fn get(&self, name: &str) -> String {
        self.spec(name)
            .and_then(|s| self.text_of(s).ok())
            .unwrap_or_default()
    }

    /// Whether the user set `name`.
    pub(crate) fn is_set(&self, name: &str) -> bool {
        self.params.get(name).is_some()
    }

    /// A number parameter; `None` when empty.
    pub(crate) fn number(&self, name: &str) -> Option<u32> {
        self.get(name).parse().ok()
    }

    /// A command parameter: sh words or a list.
    pub(crate) fn words(&self, name: &str) -> Result<Vec<String>> {
        match self.params.get(name) {
            Some(ParamValue::List(l)) => Ok(l.clone()),
            Some(ParamValue::Text(t)) => split_words(t).map_err(|e| invalid(name, t, e.message())),
            Some(ParamValue::Map(_)) => Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("invalid value for `{name}`: expected a command"),
            )),
            None => match self.spec(name) {
                Some(s) => split_words(&s.default),
                None => Ok(Vec::new()),
            },
        }
    }

    /// The `env` parameter.
    pub(crate) fn env(&self) -> Result<Vec<EnvVar>> {
        let pairs = match self.params.get("env") {
            Some(v) => env_pairs(v)?,
            None => Vec::new(),
        };
        let mut out: Vec<EnvVar> = Vec::new();
        for (k, v) in pairs {
            if !crate::validate::is_env_name(&k) {
                return Err(invalid(
                    "env",
                    &k,
                    "expected a variable name of letters, digits, `_`, `-` and `.`, not starting with a digit",
                ));
            }
            out.retain(|e| e.name != k);
            out.push(EnvVar::text(k, v));
        }
        Ok(out)
    }

    /// The `ports` parameter.
    pub(crate) fn ports(&self) -> Result<Vec<Port>> {
        let items: Vec<String> = match self.params.get("ports") {
            Some(ParamValue::List(l)) => l.clone(),
            Some(ParamValue::Text(t)) => t.split(',').map(str::to_owned).collect(),
            Some(ParamValue::Map(_)) => {
                return Err(Error::new(
                    ErrorKind::InvalidParameter,
                    "invalid value for `ports`: expected a list",
                ));
            }
            None => self
                .spec("ports")
                .map(|s| s.default.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
        };
        items
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(parse_port)
            .collect()
    }

    /// CPU and memory requests and limits.
    pub(crate) fn resources(&self) -> Resources {
        let opt = |n: &str| Some(self.get(n)).filter(|v| !v.is_empty());
        Resources {
            cpu_request: opt("cpu"),
            memory_request: opt("memory"),
            cpu_limit: opt("cpu_limit"),
            memory_limit: opt("memory_limit"),
        }
    }

    /// Every parameter with its effective value, for explanations and headers.
    pub(crate) fn effective(&self) -> Vec<(String, String)> {
        self.specs
            .iter()
            .map(|s| {
                let v = match self.params.get(s.name) {
                    None => s.default.clone(),
                    Some(ParamValue::Text(t)) => t.clone(),
                    Some(ParamValue::List(l)) => l.join(" "),
                    Some(ParamValue::Map(m)) => m
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(","),
                };
                (s.name.to_owned(), v)
            })
            .collect()
    }
}

fn invalid(name: &str, value: &str, expected: &str) -> Error {
    Error::new(
        ErrorKind::InvalidParameter,
        format!("invalid value `{value}` for `{name}`: {expected}"),
    )
}

fn parse_port(s: &str) -> Result<Port> {
    let bad = || {
        invalid(
            "ports",
            s,
            "expected `[published:]container[/tcp|/udp]` with ports 1-65535",
        )
    };
    let (nums, protocol) = match s.rsplit_once('/') {
        Some((n, "tcp")) => (n, Protocol::Tcp),
        Some((n, "udp")) => (n, Protocol::Udp),
        Some(_) => return Err(bad()),
        None => (s, Protocol::Tcp),
    };
    let num = |x: &str| x.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad);
    let (published, container) = match nums.split_once(':') {
        Some((p, c)) => (Some(num(p)?), num(c)?),
        None => (None, num(nums)?),
    };
    Ok(Port {
        container,
        published,
        protocol,
        name: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse() {
        let p = parse_port("8080:80/udp").unwrap();
        assert_eq!(
            (p.published, p.container, p.protocol),
            (Some(8080), 80, Protocol::Udp)
        );
        assert_eq!(parse_port("443").unwrap().published, None);
        for bad in ["0", "80:", "x", "70000", "80/sctp"] {
            assert!(parse_port(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn env_keys_merge() {
        let mut p = Params::new();
        p.set("env.A", "1").unwrap();
        p.set("env.B", "x=y").unwrap();
        p.set("env.A", "2").unwrap();
        assert_eq!(
            p.get("env"),
            Some(&ParamValue::Map(vec![
                ("B".into(), "x=y".into()),
                ("A".into(), "2".into())
            ]))
        );
    }

    #[test]
    fn spec_file_reads_lists_and_maps() {
        let (s, p) =
            Params::from_yaml("scenario: dind\ncommand: [docker, ps]\nenv: {A: 1}\nmtu: 1400\n")
                .unwrap();
        assert_eq!(s.as_deref(), Some("dind"));
        assert_eq!(
            p.get("command"),
            Some(&ParamValue::List(vec!["docker".into(), "ps".into()]))
        );
        assert_eq!(
            p.get("env"),
            Some(&ParamValue::Map(vec![("A".into(), "1".into())]))
        );
        assert_eq!(p.get("mtu"), Some(&ParamValue::Text("1400".into())));
        assert!(Params::from_yaml("- a\n").is_err());
    }

    #[test]
    fn spec_file_duplicate_keys_are_errors() {
        let e = Params::from_yaml("scenario: dind\nmtu: 1400\nmtu: 1300\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3, column 1: spec file: duplicate key `mtu`: each parameter may be given once"
        );
        let e = Params::from_yaml("env:\n  A: 1\n  A: 2\n").unwrap_err();
        assert!(e.to_string().contains("duplicate key `A` in `env`"), "{e}");
        let e = Params::from_yaml("scenario: dind\nscenario: dood\n").unwrap_err();
        assert!(e.to_string().contains("duplicate key `scenario`"), "{e}");
    }
}
