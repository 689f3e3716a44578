//! A GitLab runner's `config.toml` → IR: where `.gitlab-ci.yml` cannot show it, the runner says
//! whether jobs run privileged and which host paths they get. One workload per `[[runners]]`
//! (kind `runner`), with one container, `job`, carrying `[runners.docker]` (`privileged`,
//! `volumes`, `network_mode`, `cap_add`, `security_opt`, `image`) and `[runners.kubernetes]`
//! (`privileged`, `allow_privilege_escalation`, `cap_add`, `image`,
//! `[[runners.kubernetes.volumes.host_path]]`).
//!
//! The TOML read here is the subset runner configurations use: tables, arrays of tables, bare or
//! quoted keys, basic and literal strings, booleans, numbers and (multi-line) arrays of those.

use std::borrow::Cow;

use super::{CONTAINER, mark_used};
use crate::read::compose::{apply_security_opt, short_mount};
use crate::read::ir::{
    Container, Field, HostPath, Loc, Mount, Source, Unit, Val, Via, Volume, VolumeSource, Workload,
    WorkloadKind,
};
use crate::read::paths;

/// A TOML value with the position where it starts.
#[derive(Debug, Clone)]
enum TVal {
    Str(String, u32, u32),
    Other(String, u32, u32),
    List(Vec<TVal>),
}

/// `key = value` in table `table` (dotted), and which array-of-tables entry it belongs to.
#[derive(Debug)]
struct Entry {
    table: String,
    /// Index of the `[[...]]` header this entry follows (per header path).
    item: usize,
    key: String,
    value: TVal,
}

/// Whether a text reads as a runner configuration.
pub(super) fn looks_like(text: &str) -> bool {
    text.lines().any(|l| l.trim() == "[[runners]]")
}

struct Cursor<'t> {
    chars: Vec<(char, u32, u32)>,
    i: usize,
    _text: &'t str,
}

impl Cursor<'_> {
    fn at(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).map(|&(c, _, _)| c)
    }

    fn pos(&self) -> (u32, u32) {
        self.chars.get(self.i).map_or((0, 0), |&(_, l, c)| (l, c))
    }

    /// Skip spaces, tabs and (when `lines`) newlines and comments.
    fn skip(&mut self, lines: bool) {
        while let Some(c) = self.at(0) {
            match c {
                ' ' | '\t' | '\r' => self.i += 1,
                '\n' if lines => self.i += 1,
                '#' if lines => {
                    while self.at(0).is_some_and(|c| c != '\n') {
                        self.i += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn skip_line(&mut self) {
        while self.at(0).is_some_and(|c| c != '\n') {
            self.i += 1;
        }
    }

    fn string(&mut self, q: char) -> String {
        let mut out = String::new();
        self.i += 1;
        while let Some(c) = self.at(0) {
            self.i += 1;
            if c == q || c == '\n' {
                break;
            }
            if c == '\\' && q == '"' {
                if let Some(e) = self.at(0) {
                    self.i += 1;
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                continue;
            }
            out.push(c);
        }
        out
    }

    fn value(&mut self, depth: u32) -> Option<TVal> {
        self.skip(false);
        let (l, c) = self.pos();
        match self.at(0)? {
            q @ ('"' | '\'') => Some(TVal::Str(self.string(q), l, c)),
            '[' if depth < 16 => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip(true);
                    match self.at(0) {
                        None => break,
                        Some(']') => {
                            self.i += 1;
                            break;
                        }
                        Some(',') => self.i += 1,
                        Some(_) => {
                            let before = self.i;
                            if let Some(v) = self.value(depth + 1) {
                                items.push(v);
                            }
                            if self.i == before {
                                self.i += 1;
                            }
                        }
                    }
                }
                Some(TVal::List(items))
            }
            _ => {
                let mut w = String::new();
                while let Some(ch) = self.at(0).filter(|c| !matches!(c, ',' | ']' | '\n' | '#')) {
                    w.push(ch);
                    self.i += 1;
                }
                Some(TVal::Other(w.trim().to_string(), l, c))
            }
        }
    }
}

/// A `[[...]]` header: its path, its index among headers of that path, its line and column.
type Header = (String, usize, u32, u32);

fn parse(text: &str) -> (Vec<Entry>, Vec<Header>) {
    let chars = crate::read::context::positions(text);
    let mut cur = Cursor {
        chars,
        i: 0,
        _text: text,
    };
    let mut entries = Vec::new();
    // headers: (path, item index, line, col)
    let mut headers: Vec<Header> = Vec::new();
    let mut table = String::new();
    let mut item = 0usize;
    while cur.i < cur.chars.len() {
        cur.skip(true);
        let Some(c) = cur.at(0) else { break };
        if c == '[' {
            let (l, col) = cur.pos();
            let array = cur.at(1) == Some('[');
            let mut name = String::new();
            cur.i += if array { 2 } else { 1 };
            while let Some(ch) = cur.at(0).filter(|&c| c != ']' && c != '\n') {
                if !matches!(ch, ' ' | '"' | '\'') {
                    name.push(ch);
                }
                cur.i += 1;
            }
            cur.skip_line();
            if array {
                item = headers.iter().filter(|(p, ..)| *p == name).count();
                headers.push((name.clone(), item, l, col));
            } else {
                // a sub-table belongs to the latest array entry of its parent
                item = 0;
            }
            table = name;
            continue;
        }
        // key
        let mut key = String::new();
        if c == '"' || c == '\'' {
            key = cur.string(c);
        } else {
            while let Some(ch) = cur.at(0).filter(|&c| c != '=' && c != '\n') {
                key.push(ch);
                cur.i += 1;
            }
        }
        cur.skip(false);
        if cur.at(0) != Some('=') {
            cur.skip_line();
            continue;
        }
        cur.i += 1;
        let before = cur.i;
        if let Some(value) = cur.value(0) {
            entries.push(Entry {
                table: table.clone(),
                item,
                key: key.trim().to_string(),
                value,
            });
        }
        if cur.i == before {
            cur.i += 1;
        }
        cur.skip_line();
    }
    (entries, headers)
}

fn val(v: &TVal, field: &'static str) -> Option<Val<'static>> {
    match v {
        TVal::Str(s, l, c) | TVal::Other(s, l, c) => Some(Val::new(
            s.clone(),
            Loc {
                line: *l,
                col: *c,
                field: Field::Text(field),
            },
        )),
        TVal::List(_) => None,
    }
}

fn list(v: &TVal, field: &'static str) -> Vec<Val<'static>> {
    match v {
        TVal::List(items) => items.iter().filter_map(|i| val(i, field)).collect(),
        other => val(other, field).into_iter().collect(),
    }
}

/// Normalise a runner configuration.
pub(super) fn unit(text: &str) -> Unit<'static> {
    let mut unit = Unit {
        source: Source::Compose,
        workloads: Vec::new(),
    };
    let (entries, headers) = parse(text);
    let runners: Vec<&Header> = headers.iter().filter(|(p, ..)| p == "runners").collect();
    for (n, &&(_, _, line, col)) in runners.iter().enumerate() {
        // the entries of runner `n`: those after its header and before the next runner's
        let start = (line, col);
        let end = runners.get(n + 1).map_or((u32::MAX, 0), |r| (r.2, r.3));
        let mine: Vec<&Entry> = entries
            .iter()
            .filter(|e| {
                let p = match &e.value {
                    TVal::Str(_, l, c) | TVal::Other(_, l, c) => (*l, *c),
                    TVal::List(items) => items.first().map_or((0, 0), |i| match i {
                        TVal::Str(_, l, c) | TVal::Other(_, l, c) => (*l, *c),
                        TVal::List(_) => (0, 0),
                    }),
                };
                (p >= start && p < end) || (matches!(&e.value, TVal::List(v) if v.is_empty()))
            })
            .collect();
        let get = |table: &str, key: &str| {
            mine.iter()
                .rev()
                .find(|e| e.table == table && e.key == key)
                .map(|e| &e.value)
        };
        let at = Loc {
            line,
            col,
            field: Field::Text("[[runners]]"),
        };
        let mut w = Workload::new(WorkloadKind::Pod, "runner", at);
        w.name = get("runners", "name")
            .and_then(|v| val(v, "name"))
            .map_or(Cow::Owned(format!("line {line}")), |v| v.text);
        let mut c = Container::new(CONTAINER, "job", at);
        for (table, field) in [
            ("runners.docker", "runners.docker.privileged"),
            ("runners.kubernetes", "runners.kubernetes.privileged"),
        ] {
            if let Some(p) = get(table, "privileged")
                .and_then(|v| val(v, field))
                .filter(Val::is_true)
            {
                c.security.privileged = Some(p);
            }
            if let Some(i) = get(table, "image").and_then(|v| val(v, "image")) {
                c.image.get_or_insert(i);
            }
            if let Some(v) = get(table, "cap_add") {
                c.security.cap_add.extend(list(v, "cap_add"));
            }
        }
        if let Some(v) = get("runners.kubernetes", "allow_privilege_escalation") {
            c.security.allow_privilege_escalation = val(v, "allow_privilege_escalation");
        }
        if let Some(v) = get("runners.docker", "security_opt") {
            for opt in list(v, "security_opt") {
                apply_security_opt(&mut c.security, &opt);
            }
        }
        if let Some(n) = get("runners.docker", "network_mode")
            .and_then(|v| val(v, "network_mode"))
            .filter(|v| v.eq_ci("host"))
        {
            w.host_network = Some(n);
        }
        if let Some(v) = get("runners.docker", "volumes") {
            for spec in list(v, "runners.docker.volumes") {
                c.mounts.push(short_mount(&spec));
            }
        }
        // [[runners.kubernetes.volumes.host_path]] entries of this runner
        let table = "runners.kubernetes.volumes.host_path";
        let mut items: Vec<usize> = mine
            .iter()
            .filter(|e| e.table == table)
            .map(|e| e.item)
            .collect();
        items.dedup();
        for it in items {
            let field = |key: &str| {
                mine.iter()
                    .find(|e| e.table == table && e.item == it && e.key == key)
                    .and_then(|e| val(&e.value, "runners.kubernetes.volumes.host_path"))
            };
            let (Some(path), Some(target)) = (field("host_path"), field("mount_path")) else {
                continue;
            };
            let class = paths::classify(path.as_str());
            let host = HostPath::resolve(path.clone(), None, Via::Direct);
            w.volumes.push(Volume {
                name: field("name").map_or(Cow::Borrowed(""), |n| n.text),
                loc: path.loc,
                source: VolumeSource::Host { path, class },
                used: false,
            });
            c.mounts.push(Mount {
                propagation: None,
                loc: target.loc,
                target: Some(target),
                volume: Some(w.volumes.len() - 1),
                volume_name: None,
                sub_path: None,
                read_only: field("read_only").is_some_and(|v| v.is_true()),
                host: Some(host),
            });
        }
        w.containers.push(c);
        mark_used(&mut w);
        unit.workloads.push(w);
    }
    unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_and_kubernetes_runners() {
        let text = "concurrent = 4\n\n[[runners]]\n  name = \"docker\"\n  executor = \"docker\"\n  [runners.docker]\n    privileged = true\n    volumes = [\n      \"/var/run/docker.sock:/var/run/docker.sock\", # socket binding\n      \"/cache\",\n    ]\n\n[[runners]]\n  name = 'k8s'\n  [runners.kubernetes]\n    privileged = false\n    [[runners.kubernetes.volumes.host_path]]\n      name = \"sock\"\n      mount_path = \"/var/run\"\n      host_path = \"/var/run\"\n";
        let u = unit(text);
        assert_eq!(u.workloads.len(), 2);
        let d = &u.workloads[0];
        assert_eq!(d.name, "docker");
        let c = &d.containers[0];
        let p = c
            .security
            .privileged
            .as_ref()
            .map(|p| (p.loc.line, p.loc.col));
        assert_eq!(p, Some((7, 18)));
        let h = c.mounts[0]
            .host
            .as_ref()
            .map(|h| (h.effective.as_str(), h.raw.loc.line, h.raw.loc.col));
        assert_eq!(h, Some(("/var/run/docker.sock", 9, 7)));
        assert!(c.mounts[1].host.is_none());
        let k = &u.workloads[1];
        assert_eq!(k.name, "k8s");
        assert!(k.containers[0].security.privileged.is_none());
        let h = k.containers[0].mounts[0]
            .host
            .as_ref()
            .map(|h| h.effective.as_str());
        assert_eq!(h, Some("/var/run"));
    }

    #[test]
    fn garbage_does_not_hang() {
        for t in [
            "[[runners]]\n a = [",
            "[[runners]]\n[runners.docker]\nvolumes = [\"/x\", [1, [",
            "= = =",
            "[[runners]]\n\"k",
        ] {
            let _ = unit(t);
        }
    }
}
