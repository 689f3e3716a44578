//! `dockscape lint -` on inputs too long to hold: linted as they are read, document by document
//! and `kind: List` item by item, each finding at its line of the whole stream; output written
//! as the parts finish; the same report as reading the input whole. Memory is measured by
//! `scripts/bench-lint` (the dump row), never here.
//!
//! The streams are generated on the fly through a pipe. The binary is a debug build, which
//! parses a few MB a second: the long stream is mostly comment lines (cheap to cut, still parsed)
//! with small Pods among them.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;

mod common;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dockscape"))
}

fn pod(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n"
    )
}

/// A Pod that mounts the Docker socket: DS001 at the `path:` line, 11 lines below its first.
fn dood(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: ci\n    image: docker:27-cli\n    volumeMounts: [{{name: s, mountPath: /var/run/docker.sock}}]\n  volumes:\n  - name: s\n    hostPath:\n      path: /var/run/docker.sock\n"
    )
}

/// Lines of JSONL output, parsed.
fn parse(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn of<'a>(lines: &'a [serde_json::Value], t: &str) -> Vec<&'a serde_json::Value> {
    lines.iter().filter(|v| v["type"] == t).collect()
}

#[test]
fn a_stream_over_the_old_budget_is_linted_as_it_is_read() {
    let mut child = bin()
        .args([
            "lint",
            "--isolated",
            "--threads",
            "1",
            "--format",
            "jsonl",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (seen_tx, seen_rx) = mpsc::channel::<()>();
    let filler = format!("# {}\n", "x".repeat(998));
    // the first DooD Pod at line 2; then 70 MB of documents, a DooD Pod near the end
    let writer = std::thread::spawn(move || {
        let mut line = 1usize;
        let doc = |out: &mut dyn Write, text: &str, line: &mut usize| {
            out.write_all(b"---\n").unwrap();
            out.write_all(text.as_bytes()).unwrap();
            *line += 1 + text.matches('\n').count();
        };
        doc(&mut stdin, &dood("first"), &mut line);
        let mut bytes = 0usize;
        let mut last = 0usize;
        let mut waited = false;
        let mut i = 0;
        // the two DooD Pods and the small ones
        let mut pods = 2;
        while bytes < 70_000_000 {
            let text = if i % 2 == 0 {
                pods += 1;
                pod(&format!("web-{i}"))
            } else {
                filler.repeat(40)
            };
            bytes += text.len() + 4;
            doc(&mut stdin, &text, &mut line);
            i += 1;
            if !waited && bytes > 12_000_000 {
                // past the 8 MiB read before deciding to stream: the first finding is out before
                // the input ends (else this waits for nothing and the test fails below)
                waited = seen_rx
                    .recv_timeout(std::time::Duration::from_secs(300))
                    .is_ok();
            }
            if bytes > 69_000_000 && last == 0 {
                last = line + 1;
                doc(&mut stdin, &dood("last"), &mut line);
            }
        }
        drop(stdin);
        (last, waited, pods)
    });
    let mut out = Vec::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut buf = String::new();
    let mut signalled = false;
    while reader.read_line(&mut buf).unwrap() > 0 {
        if !signalled && buf.contains("\"DS001\"") {
            signalled = seen_tx.send(()).is_ok();
        }
        out.extend_from_slice(buf.as_bytes());
        buf.clear();
    }
    let status = child.wait().unwrap();
    let (last, waited, pods) = writer.join().unwrap();
    assert!(waited, "no finding was written before the input ended");
    let lines = parse(&out);
    assert!(of(&lines, "error").is_empty(), "{:?}", of(&lines, "error"));
    let ds001: Vec<_> = of(&lines, "finding")
        .into_iter()
        .filter(|f| f["code"] == "DS001")
        .map(|f| {
            (
                f["workload"].clone(),
                f["line"].clone(),
                f["column"].clone(),
            )
        })
        .collect();
    assert_eq!(
        ds001,
        vec![
            ("Pod/first".into(), 14.into(), 13.into()),
            ("Pod/last".into(), (last + 12).into(), 13.into())
        ]
    );
    // every Pod was read
    assert_eq!(of(&lines, "workload").len(), pods);
    assert_eq!(status.code(), Some(1));
}

/// `kubectl get -A -o yaml`: one List, `items:` first, `kind: List` after them.
fn kubectl_list(items: usize, dood_at: usize) -> (String, usize) {
    let mut s = String::from("apiVersion: v1\nitems:\n");
    let mut dood_line = 0;
    for i in 0..items {
        let item = if i == dood_at {
            dood(&format!("ci-{i}"))
        } else {
            pod(&format!("web-{i}"))
        };
        if i == dood_at {
            dood_line = s.matches('\n').count() + 1;
        }
        for (n, l) in item.lines().enumerate() {
            s.push_str(if n == 0 { "- " } else { "  " });
            s.push_str(l);
            s.push('\n');
        }
    }
    s.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    (s, dood_line)
}

fn lint_stdin(input: &str, env: &[(&str, &str)], format: &str) -> (Option<i32>, Vec<u8>) {
    let mut child = bin()
        .args(["lint", "--isolated", "--format", format, "-"])
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let text = input.to_string();
    let w = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    w.join().unwrap().unwrap();
    (out.status.code(), out.stdout)
}

#[test]
fn a_list_is_linted_item_by_item_at_the_items_lines() {
    // above the 8 MiB read whole: streamed
    let (list, dood_line) = kubectl_list(80_000, 55_555);
    assert!(list.len() > 9 << 20);
    let (code, out) = lint_stdin(&list, &[], "jsonl");
    let lines = parse(&out);
    let ds001: Vec<_> = of(&lines, "finding")
        .into_iter()
        .filter(|f| f["code"] == "DS001")
        .collect();
    assert_eq!(ds001.len(), 1, "{ds001:?}");
    assert_eq!(ds001[0]["line"], dood_line + 12);
    assert_eq!(ds001[0]["column"], 15);
    assert_eq!(
        ds001[0]["path"],
        "items[55555].spec.volumes[0].hostPath.path"
    );
    assert_eq!(ds001[0]["workload"], "Pod/ci-55555");
    assert_eq!(of(&lines, "workload").len(), 80_000);
    assert!(of(&lines, "error").is_empty());
    assert_eq!(code, Some(1));
    // the same objects, one by one, as reading the List whole (above the budget: read whole)
    let (whole_code, whole) = lint_stdin(&list, &[("DOCKSCAPE_STREAM_ABOVE", "67108864")], "jsonl");
    assert_eq!(code, whole_code);
    let mut a: Vec<&str> = std::str::from_utf8(&out).unwrap().lines().collect();
    let mut b: Vec<&str> = std::str::from_utf8(&whole).unwrap().lines().collect();
    a.sort_unstable();
    b.sort_unstable();
    assert!(a == b, "the streamed List's report is not the whole List's");
}

#[test]
fn a_document_over_the_budget_is_one_error_and_the_next_ones_are_linted() {
    // a ConfigMap of 65 Mi characters between two Pods
    let mut s = format!("{}---\n", pod("before"));
    // the document starts at its `---`, where the library places the error too
    let big_line = s.matches('\n').count();
    s.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: |\n");
    let row = format!("    {}\n", "y".repeat(1019));
    for _ in 0..(65 * 1024) {
        s.push_str(&row);
    }
    s.push_str("---\n");
    let dood_line = s.matches('\n').count() + 1;
    s.push_str(&dood("after"));
    let (code, out) = lint_stdin(&s, &[], "jsonl");
    let lines = parse(&out);
    let errors = of(&lines, "error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["line"], big_line);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("per-document budget")
    );
    let ds001: Vec<_> = of(&lines, "finding")
        .into_iter()
        .filter(|f| f["code"] == "DS001")
        .collect();
    assert_eq!(ds001.len(), 1);
    assert_eq!(ds001[0]["line"], dood_line + 12);
    assert_eq!(of(&lines, "workload").len(), 2);
    assert_eq!(code, Some(2));
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/lint")
}

fn yaml_fixtures(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_fixtures(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(p);
        }
    }
}

#[test]
fn streamed_reports_are_the_whole_file_reports_on_the_fixtures() {
    let mut files = Vec::new();
    yaml_fixtures(&fixtures(), &mut files);
    assert!(files.len() > 150, "{} fixtures", files.len());
    let run = |f: &PathBuf, format: &str, stream: bool| {
        let mut c = bin();
        c.args(["lint", "--isolated", "--format", format]).arg(f);
        if stream {
            // every input streamed, however short
            c.env("DOCKSCAPE_STREAM_ABOVE", "0");
        }
        let o = c.output().unwrap();
        (o.status.code(), o.stdout, o.stderr)
    };
    // and kubectl-style Lists, which the fixtures write indented: cut item by item
    let tree = common::Tree::new("lint-stream-lists");
    for (name, body) in list_cases() {
        tree.file(name, body);
        files.push(tree.0.join(name));
    }
    for f in &files {
        for format in ["text", "json"] {
            let whole = run(f, format, false);
            let streamed = run(f, format, true);
            assert!(
                whole == streamed,
                "{} --format {format}: the streamed report differs\n{}\n---\n{}",
                f.display(),
                String::from_utf8_lossy(&whole.1),
                String::from_utf8_lossy(&streamed.1)
            );
        }
    }
}

/// Lists as kubectl prints them, with what streaming must keep: suppressions (comments on the
/// line above, between items, without a reason; annotations), a `docker run` named by its line,
/// nested Lists, a kind that is no List, `kind` before `items`, documents around the List, CRLF,
/// `...`, invalid UTF-8. (A syntax error in one item is where they differ, by design: streamed,
/// the other items are still linted.)
fn list_cases() -> Vec<(&'static str, Vec<u8>)> {
    let item = |name: &str, extra: &str| {
        format!(
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: {name}\n{extra}  spec:\n    containers:\n    - name: c\n      image: docker:27-cli\n      # dockscape: ignore DS006 the runner needs it\n      securityContext: {{privileged: true}}\n      command: [sh, -c, \"docker run --privileged -v /:/host alpine\"]\n    volumes:\n    - name: s\n      hostPath: {{path: /var/run/docker.sock}}\n"
        )
    };
    let annotated = "  annotations:\n    dockscape.io/ignore: \"DS001: reviewed\"\n";
    let list = |head: &str, items: &[String], tail: &str| {
        format!("{head}items:\n{}{tail}", items.concat())
    };
    let three = [
        item("a", ""),
        format!("# dockscape: ignore DS016\n{}", item("b", annotated)),
        item("c", ""),
    ];
    let trailer = "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
    let nested = format!(
        "- apiVersion: v1\n  kind: List\n  items:\n{}",
        item("inner", "")
            .lines()
            .map(|l| format!("  {l}\n"))
            .collect::<String>()
    );
    let mut bad_utf8 = list("apiVersion: v1\n", &three, trailer).into_bytes();
    let at = bad_utf8.len() / 2;
    bad_utf8.splice(at..at, [0xC3, 0x28]);
    vec![
        ("kubectl.yaml", list("apiVersion: v1\n", &three, trailer).into_bytes()),
        (
            "kind-first.yaml",
            list("apiVersion: v1\nkind: List\n", &three, "metadata: {}\n").into_bytes(),
        ),
        (
            "not-a-list.yaml",
            list("apiVersion: example.com/v1\n", &three, "kind: Runners\nmetadata: {name: r}\n")
                .into_bytes(),
        ),
        (
            "no-kind.yaml",
            list("apiVersion: v1\n", &three, "metadata: {}\n").into_bytes(),
        ),
        (
            "nested.yaml",
            list("apiVersion: v1\n", &[item("x", ""), nested], trailer).into_bytes(),
        ),
        (
            "around.yaml",
            format!(
                "# a stream\n---\n{}---\n{}...\n---\nkind: ConfigMap\napiVersion: v1\nmetadata: {{name: m}}\n",
                item("before", "").replacen("- ", "", 1).replace("\n  ", "\n"),
                list("apiVersion: v1\n", &three, trailer)
            )
            .into_bytes(),
        ),
        (
            "crlf.yaml",
            list("apiVersion: v1\n", &three, trailer)
                .replace('\n', "\r\n")
                .into_bytes(),
        ),
        ("bad-utf8.yaml", bad_utf8),
        (
            "reasonless.yaml",
            list(
                "apiVersion: v1\n",
                &[item("a", ""), format!("# dockscape: ignore DS001\n{}", item("b", ""))],
                trailer,
            )
            .into_bytes(),
        ),
    ]
}
