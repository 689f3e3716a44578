//! The Kubernetes plugin's Groovy form of a pod, without YAML:
//! `podTemplate(containers: [containerTemplate(name: 'docker', image: 'docker:dind', privileged: true,
//! envVars: [envVar(key: 'DOCKER_HOST', value: 'tcp://localhost:2375')])],
//! volumes: [hostPathVolume(hostPath: '/var/run/docker.sock', mountPath: '/var/run/docker.sock')])`.
//!
//! Named arguments are read from literals only (strings, `true`, lists and nested calls); anything
//! else (a variable, a method call on a string) is skipped. As the plugin does, every volume is
//! mounted into every container, and `envVars` of the pod reach every container.

use std::borrow::Cow;

use super::jenkins::{Literal, literal, skip_comment, word_at};
use super::{CONTAINER, mark_used};
use crate::read::compose::shell_words;
use crate::read::ir::{
    Container, Env, Field, HostPath, Loc, Mount, Source, Unit, Val, Via, Volume, VolumeSource,
    Workload, WorkloadKind,
};
use crate::read::paths;

/// A Groovy value, as far as a pod template needs.
#[derive(Debug)]
enum GVal {
    /// A string literal and where it opens.
    Str(Literal, u32, u32),
    /// An identifier or number (`true`, `false`, `42`, a variable).
    Word(String, u32, u32),
    List(Vec<GVal>),
    /// A call with named arguments.
    Call(String, Vec<(String, GVal)>),
}

type Chars<'c> = &'c [(char, u32, u32)];

fn at(chars: Chars<'_>, i: usize) -> Option<char> {
    chars.get(i).map(|&(c, _, _)| c)
}

fn skip_ws(chars: Chars<'_>, mut i: usize) -> usize {
    loop {
        if at(chars, i).is_some_and(char::is_whitespace) {
            i += 1;
        } else if let Some(end) = skip_comment(chars, i) {
            i = end.max(i + 1);
        } else {
            return i;
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.' || c == '$'
}

/// Parse one value at `i` (depth-limited): the value and the index after it.
fn value(chars: Chars<'_>, i: usize, depth: u32) -> (Option<GVal>, usize) {
    let i = skip_ws(chars, i);
    if depth > 32 {
        // deeper than any pod template: give up on the rest
        return (None, chars.len());
    }
    match at(chars, i) {
        Some(q @ ('\'' | '"')) => {
            let (lit, end) = literal(chars, i, q);
            let (_, l, c) = chars.get(i).copied().unwrap_or((' ', 0, 0));
            (Some(GVal::Str(lit, l, c)), end.max(i + 1))
        }
        Some('[') => {
            let mut items = Vec::new();
            let mut j = i + 1;
            loop {
                j = skip_ws(chars, j);
                match at(chars, j) {
                    None => return (Some(GVal::List(items)), j),
                    Some(']') => return (Some(GVal::List(items)), j + 1),
                    Some(',') => j += 1,
                    _ => {
                        let (v, end) = value(chars, j, depth + 1);
                        items.extend(v);
                        j = end.max(j + 1);
                    }
                }
            }
        }
        Some(c) if is_ident(c) => {
            let mut j = i;
            let mut word = String::new();
            while let Some(c) = at(chars, j).filter(|&c| is_ident(c)) {
                word.push(c);
                j += 1;
            }
            let k = skip_ws(chars, j);
            if at(chars, k) == Some('(') {
                let (args, end) = args(chars, k + 1, depth + 1);
                (Some(GVal::Call(word, args)), end)
            } else {
                let (_, l, c) = chars.get(i).copied().unwrap_or((' ', 0, 0));
                (Some(GVal::Word(word, l, c)), j)
            }
        }
        _ => (None, i + 1),
    }
}

/// Named arguments after `(` up to the matching `)`.
fn args(chars: Chars<'_>, mut i: usize, depth: u32) -> (Vec<(String, GVal)>, usize) {
    let mut out = Vec::new();
    loop {
        i = skip_ws(chars, i);
        match at(chars, i) {
            None => return (out, i),
            Some(')') => return (out, i + 1),
            Some(',') => i += 1,
            Some(c) if is_ident(c) => {
                let mut j = i;
                let mut key = String::new();
                while let Some(c) = at(chars, j).filter(|&c| is_ident(c)) {
                    key.push(c);
                    j += 1;
                }
                let k = skip_ws(chars, j);
                if at(chars, k) == Some(':') {
                    let (v, end) = value(chars, k + 1, depth);
                    if let Some(v) = v {
                        out.push((key, v));
                    }
                    i = end.max(k + 1);
                } else {
                    // a positional argument
                    let (_, end) = value(chars, i, depth);
                    i = end.max(i + 1);
                }
            }
            _ => {
                let (_, end) = value(chars, i, depth);
                i = end.max(i + 1);
            }
        }
    }
}

fn arg<'g>(args: &'g [(String, GVal)], key: &str) -> Option<&'g GVal> {
    args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn loc(l: u32, c: u32, field: &'static str) -> Loc<'static> {
    Loc {
        line: l,
        col: c,
        field: Field::Text(field),
    }
}

/// A string or word argument as a value at its position.
fn sval(args: &[(String, GVal)], key: &str, field: &'static str) -> Option<Val<'static>> {
    match arg(args, key)? {
        GVal::Str(lit, l, c) => Some(Val::new(lit.text.clone(), loc(*l, *c, field))),
        GVal::Word(w, l, c) => Some(Val::new(w.clone(), loc(*l, *c, field))),
        _ => None,
    }
}

fn calls<'g>(args: &'g [(String, GVal)], key: &str) -> Vec<(&'g str, &'g [(String, GVal)])> {
    match arg(args, key) {
        Some(GVal::List(items)) => items
            .iter()
            .filter_map(|i| match i {
                GVal::Call(name, a) => Some((name.as_str(), a.as_slice())),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn env_vars(args: &[(String, GVal)]) -> Vec<Env<'static>> {
    calls(args, "envVars")
        .into_iter()
        .filter(|(n, _)| matches!(*n, "envVar" | "containerEnvVar" | "podEnvVar"))
        .filter_map(|(_, a)| {
            Some(Env {
                name: sval(a, "key", "envVar(key)")?,
                value: sval(a, "value", "envVar(value)"),
            })
        })
        .collect()
}

/// The workloads of every `podTemplate(...)` call that lists `containers` or `volumes`.
pub(super) fn unit(chars: Chars<'_>) -> Unit<'static> {
    let mut unit = Unit {
        source: Source::Kubernetes,
        workloads: Vec::new(),
    };
    let mut i = 0usize;
    while i < chars.len() {
        if let Some(end) = skip_comment(chars, i) {
            i = end.max(i + 1);
            continue;
        }
        if let Some(q @ ('\'' | '"')) = at(chars, i) {
            let (_, end) = literal(chars, i, q);
            i = end.max(i + 1);
            continue;
        }
        if !word_at(chars, i, "podTemplate") {
            i += 1;
            continue;
        }
        let (l, c) = chars.get(i).map_or((0, 0), |&(_, l, c)| (l, c));
        let (v, end) = value(chars, i, 0);
        // on after the call (templates nested in its closure follow it)
        i = end.max(i + 1);
        let Some(GVal::Call(_, a)) = v else { continue };
        if arg(&a, "containers").is_none() && arg(&a, "volumes").is_none() {
            continue;
        }
        if let Some(w) = workload(&a, loc(l, c, "podTemplate")) {
            unit.workloads.push(w);
        }
    }
    unit
}

fn workload(a: &[(String, GVal)], at: Loc<'static>) -> Option<Workload<'static>> {
    let mut w = Workload::new(WorkloadKind::Pod, "podTemplate", at);
    w.name = sval(a, "name", "name")
        .or_else(|| sval(a, "label", "label"))
        .map_or(Cow::Owned(format!("line {}", at.line)), |v| v.text);
    w.namespace = sval(a, "namespace", "namespace").map(|v| v.text);
    w.host_network = sval(a, "hostNetwork", "podTemplate(hostNetwork)").filter(Val::is_true);
    let pod_env = env_vars(a);
    let mut mounts: Vec<(usize, Val<'static>, bool)> = Vec::new();
    for (kind, va) in calls(a, "volumes") {
        let target = sval(va, "mountPath", "volume(mountPath)");
        let Some(target) = target else { continue };
        let source = match kind {
            "hostPathVolume" => match sval(va, "hostPath", "hostPathVolume(hostPath)") {
                Some(path) => {
                    let class = paths::classify(path.as_str());
                    VolumeSource::Host { path, class }
                }
                None => VolumeSource::Other,
            },
            "emptyDirVolume" => VolumeSource::EmptyDir,
            "persistentVolumeClaim" => match sval(va, "claimName", "claimName") {
                Some(c) => VolumeSource::Claim(c),
                None => VolumeSource::Other,
            },
            _ => VolumeSource::Other,
        };
        let read_only = sval(va, "readOnly", "readOnly").is_some_and(|v| v.is_true());
        w.volumes.push(Volume {
            name: Cow::Owned(format!("volume-{}", w.volumes.len())),
            loc: target.loc,
            source,
            used: false,
        });
        mounts.push((w.volumes.len() - 1, target, read_only));
    }
    for (kind, ca) in calls(a, "containers") {
        if kind != "containerTemplate" {
            continue;
        }
        let name = sval(ca, "name", "containerTemplate(name)");
        let cloc = name.as_ref().map_or(at, |n| n.loc);
        let mut c = Container::new(
            CONTAINER,
            name.map_or(Cow::Borrowed("containerTemplate"), |n| n.text),
            cloc,
        );
        c.image = sval(ca, "image", "containerTemplate(image)");
        for (key, field) in [
            ("command", "containerTemplate(command)"),
            ("args", "containerTemplate(args)"),
        ] {
            if let Some(v) = sval(ca, key, field) {
                let words = shell_words(v.as_str())
                    .into_iter()
                    .map(|s| Val::new(s, v.loc))
                    .collect();
                if key == "command" {
                    c.command = words;
                } else {
                    c.args = words;
                }
            }
        }
        c.security.privileged =
            sval(ca, "privileged", "containerTemplate(privileged)").filter(Val::is_true);
        c.security.run_as_user = sval(ca, "runAsUser", "containerTemplate(runAsUser)");
        for e in &pod_env {
            c.env.push(Env {
                name: e.name.clone(),
                value: e.value.clone(),
            });
        }
        c.env.extend(env_vars(ca));
        for (vi, target, read_only) in &mounts {
            let host = w.volumes.get(*vi).and_then(|v| match &v.source {
                VolumeSource::Host { path, .. } => {
                    Some(HostPath::resolve(path.clone(), None, Via::Direct))
                }
                _ => None,
            });
            c.mounts.push(Mount {
                propagation: None,
                loc: target.loc,
                target: Some(target.clone()),
                volume: Some(*vi),
                volume_name: None,
                sub_path: None,
                read_only: *read_only,
                host,
            });
        }
        w.containers.push(c);
    }
    mark_used(&mut w);
    Some(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::context::positions;

    #[test]
    fn container_templates_and_volumes() {
        let src = "podTemplate(label: 'x', containers: [\n  containerTemplate(name: 'dind', image: 'docker:dind', privileged: true,\n    envVars: [envVar(key: 'DOCKER_TLS_CERTDIR', value: '')])\n], volumes: [hostPathVolume(hostPath: '/var/run/docker.sock', mountPath: '/var/run/docker.sock')]) {\n  node('x') { sh 'docker ps' }\n}\n";
        let chars = positions(src);
        let u = unit(&chars);
        assert_eq!(u.workloads.len(), 1);
        let w = &u.workloads[0];
        assert_eq!(w.name, "x");
        let c = &w.containers[0];
        assert_eq!(c.name, "dind");
        let p = c
            .security
            .privileged
            .as_ref()
            .map(|p| (p.loc.line, p.loc.col));
        assert_eq!(p, Some((2, 69)));
        assert_eq!(
            c.env_value("DOCKER_TLS_CERTDIR").map(|v| v.as_str()),
            Some("")
        );
        let h = c.mounts[0].host.as_ref().map(|h| h.effective.as_str());
        assert_eq!(h, Some("/var/run/docker.sock"));
    }

    #[test]
    fn garbage_does_not_hang() {
        for src in [
            "podTemplate(",
            "podTemplate(a: [b(c: [",
            "podTemplate(containers: [x(]]",
            "podTemplate(volumes: '",
        ] {
            let _ = unit(&positions(src));
        }
    }
}
