//! `cargo bench -p dockscape --bench lint` (or `scripts/bench-lint`): lint throughput next to the
//! bare saphyr parse of the same input, and peak memory.
//!
//! The corpus is generated here, deterministically (a fixed-seed LCG): Kubernetes multi-document
//! streams of every workload kind (DooD, DinD, plain apps, CronJobs, Services, ConfigMaps), Compose
//! files and shell scripts, at least 10 MB in all. Each measurement is the best of several runs.
//! Memory is counted by a global allocator (`peak_alloc`): the peak of bytes allocated while
//! linting, over the bytes of input.

#![allow(clippy::disallowed_methods)] // a benchmark reads the clock; the library stays pure

use std::hint::black_box;
use std::time::{Duration, Instant};

use dockscape::{InputKind, LintInput, LintOptions, lint};
use peak_alloc::PeakAlloc;
use saphyr::{LoadableYamlNode, MarkedYaml};
use saphyr_parser::Parser;

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

const TARGET_BYTES: usize = 12 * 1024 * 1024;
const RUNS: usize = 9;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = (self.next() as usize) % items.len().max(1);
        items.get(i).copied().unwrap_or("")
    }
}

fn k8s_doc(r: &mut Lcg, i: usize) -> String {
    let ns = r.pick(&["ci", "shop", "default", "platform", "data"]);
    match r.next() % 8 {
        0 => format!(
            "apiVersion: v1
kind: Pod
metadata:
  name: dood-{i}
  namespace: {ns}
spec:
  containers:
    - name: docker-cmds
      image: docker:27-cli
      command: ['docker', 'run', '-p', '80:80', 'httpd:latest']
      resources:
        requests: {{cpu: 10m, memory: 256Mi}}
      volumeMounts:
        - mountPath: {mp}
          name: docker-sock
  volumes:
    - name: docker-sock
      hostPath:
        path: {hp}
",
            mp = r.pick(&["/var/run", "/var/run/docker.sock"]),
            hp = r.pick(&[
                "/var/run",
                "/var/run/docker.sock",
                "//run/docker.sock/",
                "/run"
            ]),
        ),
        1 => format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: dind-{i}
  namespace: {ns}
  labels: {{app: dind-{i}, tier: build}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: dind-{i}}}
  template:
    metadata:
      labels: {{app: dind-{i}}}
    spec:
      containers:
        - name: client
          image: docker:27-cli
          env:
            - name: DOCKER_HOST
              value: tcp://localhost:{port}
        - name: dind-daemon
          image: docker:27-dind
          securityContext:
            privileged: true
          env:
            - name: DOCKER_TLS_CERTDIR
              value: \"{certdir}\"
          volumeMounts:
            - name: docker-graph-storage
              mountPath: /var/lib/docker
      volumes:
        - name: docker-graph-storage
          emptyDir: {{}}
",
            port = r.pick(&["2375", "2376"]),
            certdir = r.pick(&["", "/certs"]),
        ),
        2 => format!(
            "apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-{i}
  namespace: {ns}
spec:
  schedule: \"0 3 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
          initContainers:
            - name: fetch
              image: alpine/git:2.45.2
              args: [clone, --depth=1, https://example.com/repo.git, /work]
              volumeMounts: [{{name: work, mountPath: /work}}]
          containers:
            - name: build
              image: gcr.io/kaniko-project/executor:v1.23.2
              args: [--context=/work, --destination=registry.example.com/app:{i}]
              volumeMounts:
                - {{name: work, mountPath: /work}}
                - {{name: etc, mountPath: /host/etc, readOnly: true}}
          volumes:
            - {{name: work, emptyDir: {{}}}}
            - {{name: etc, hostPath: {{path: /etc/ssl/certs}}}}
"
        ),
        3 => format!(
            "apiVersion: v1
kind: Service
metadata:
  name: web-{i}
  namespace: {ns}
spec:
  selector: {{app: web-{i}}}
  ports:
    - {{name: http, port: 80, targetPort: 8080}}
"
        ),
        4 => {
            let mut s = format!(
                "apiVersion: v1
kind: ConfigMap
metadata:
  name: config-{i}
  namespace: {ns}
data:
"
            );
            for k in 0..(r.next() % 12 + 4) {
                s.push_str(&format!(
                    "  key{k}: \"value number {k} for config {i} with some text\"\n"
                ));
            }
            s
        }
        _ => format!(
            "apiVersion: apps/v1
kind: {kind}
metadata:
  name: app-{i}
  namespace: {ns}
  annotations:
    team: payments
spec:
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {{type: RuntimeDefault}}
      containers:
        - name: app
          image: registry.example.com/app:{i}
          ports:
            - {{containerPort: 8080, name: http}}
          env:
            - {{name: LOG_LEVEL, value: info}}
            - {{name: PORT, value: \"8080\"}}
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {{name: db, key: password}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{drop: [ALL]}}
          resources:
            limits: {{cpu: 500m, memory: 512Mi}}
          volumeMounts:
            - {{name: tmp, mountPath: /tmp}}
        - name: sidecar
          image: envoyproxy/envoy:v1.31.0
          args: [-c, /etc/envoy/envoy.yaml]
      volumes:
        - {{name: tmp, emptyDir: {{}}}}
",
            kind = r.pick(&["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]),
        ),
    }
}

fn compose_file(r: &mut Lcg, i: usize) -> String {
    format!(
        "services:
  app:
    image: registry.example.com/app:{i}
    ports: [\"8080:8080\"]
    environment:
      - LOG_LEVEL=info
      - DOCKER_HOST=tcp://docker:{port}
  docker:
    image: docker:27-dind
    privileged: {privileged}
    environment:
      DOCKER_TLS_CERTDIR: \"\"
    volumes:
      - dind:/var/lib/docker
  agent:
    image: portainer/agent:2.21.0
    volumes:
      - ${{SOCK:-/var/run/docker.sock}}:/var/run/docker.sock
      - type: bind
        source: /var/lib/docker/volumes
        target: /var/lib/docker/volumes
volumes:
  dind: {{}}
",
        port = r.pick(&["2375", "2376"]),
        privileged = r.pick(&["true", "false"]),
    )
}

fn script(i: usize) -> String {
    format!(
        "#!/bin/sh
set -eu
docker run --rm \\
  -v /var/run/docker.sock:/var/run/docker.sock \\
  --name build-{i} docker:27-cli docker build -t app:{i} .
docker run -d --privileged -e DOCKER_TLS_CERTDIR= -p 2375:2375 docker:27-dind
echo done
"
    )
}

/// (file name, text, kind) — YAML files first, then scripts.
fn corpus() -> Vec<(String, String, Option<InputKind>)> {
    let mut r = Lcg(0x5eed_d0c5);
    let mut files = Vec::new();
    let mut total = 0usize;
    let mut i = 0usize;
    while total < TARGET_BYTES {
        let mut stream = String::new();
        for _ in 0..200 {
            if !stream.is_empty() {
                stream.push_str("---\n");
            }
            stream.push_str(&k8s_doc(&mut r, i));
            i += 1;
        }
        total += stream.len();
        files.push((format!("k8s/{}.yaml", files.len()), stream, None));
        for _ in 0..10 {
            let c = compose_file(&mut r, i);
            total += c.len();
            files.push((format!("compose/{i}.yaml"), c, None));
            i += 1;
        }
    }
    for n in 0..200 {
        let s = script(n);
        files.push((format!("scripts/{n}.sh"), s, None));
    }
    files
}

fn best1<F: FnMut() -> usize>(mut f: F) -> (Duration, usize) {
    let t = Instant::now();
    let out = black_box(f());
    (t.elapsed(), out)
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / (1024.0 * 1024.0) / d.as_secs_f64().max(1e-9)
}

/// `DOCKSCAPE_BENCH_MONOREPO=<dir>` (with `DOCKSCAPE_BENCH_FILES=<n>`, default 100,000): write a
/// synthetic monorepo of `n` small files (one Kubernetes object, Compose file or script each, in
/// folders of 1,000) for `scripts/bench-lint`'s CLI tables.
fn write_monorepo(dir: &std::path::Path, n: usize) -> std::io::Result<()> {
    let mut r = Lcg(0x00c0_ffee);
    for i in 0..n {
        let sub = dir.join(format!("team{}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub)?;
        }
        let (name, text) = match i % 10 {
            0 => (format!("compose-{i}.yaml"), compose_file(&mut r, i)),
            1 => (format!("build-{i}.sh"), script(i)),
            _ => (format!("deploy-{i}.yaml"), k8s_doc(&mut r, i)),
        };
        std::fs::write(sub.join(name), text)?;
    }
    Ok(())
}

/// `DOCKSCAPE_BENCH_DUMP=<file>` (with `DOCKSCAPE_BENCH_DUMP_MB=<m>`, default 1024): write a
/// synthetic cluster dump of about `m` MB as `kubectl get -A -o yaml` prints one: a single `List`
/// document, `items:` first and `kind: List` last.
fn write_dump(path: &std::path::Path, mb: usize) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all(b"apiVersion: v1\nitems:\n")?;
    let mut r = Lcg(0x0d0c_c0de);
    let mut written = 0usize;
    let mut i = 0usize;
    while written < mb * 1024 * 1024 {
        let doc = k8s_doc(&mut r, i);
        i += 1;
        let mut item = String::with_capacity(doc.len() + doc.len() / 8);
        for (n, l) in doc.lines().enumerate() {
            item.push_str(if n == 0 { "- " } else { "  " });
            item.push_str(l);
            item.push('\n');
        }
        written += item.len();
        out.write_all(item.as_bytes())?;
    }
    out.write_all(b"kind: List\nmetadata:\n  resourceVersion: \"\"\n")?;
    out.flush()
}

fn main() {
    if let Some(dir) = std::env::var_os("DOCKSCAPE_BENCH_MONOREPO") {
        let n = std::env::var("DOCKSCAPE_BENCH_FILES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000);
        if let Err(e) = write_monorepo(std::path::Path::new(&dir), n) {
            eprintln!("cannot write the monorepo: {e}");
            std::process::exit(2);
        }
        return;
    }
    // `DOCKSCAPE_BENCH_CORPUS=<dir>`: write the corpus of the table below as files
    if let Some(dir) = std::env::var_os("DOCKSCAPE_BENCH_CORPUS") {
        for (name, text, _) in corpus() {
            let path = std::path::Path::new(&dir).join(name);
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, text));
            if let Err(e) = written {
                eprintln!("cannot write {}: {e}", path.display());
                std::process::exit(2);
            }
        }
        return;
    }
    if let Some(path) = std::env::var_os("DOCKSCAPE_BENCH_DUMP") {
        let mb = std::env::var("DOCKSCAPE_BENCH_DUMP_MB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1024);
        if let Err(e) = write_dump(std::path::Path::new(&path), mb) {
            eprintln!("cannot write the dump: {e}");
            std::process::exit(2);
        }
        return;
    }
    let files = corpus();
    let yaml: Vec<&(String, String, Option<InputKind>)> =
        files.iter().filter(|f| !f.0.ends_with(".sh")).collect();
    let yaml_bytes: usize = yaml.iter().map(|f| f.1.len()).sum();
    let all_bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let yaml_inputs: Vec<LintInput<'_>> = yaml
        .iter()
        .map(|f| LintInput {
            file: &f.0,
            text: &f.1,
            kind: f.2,
        })
        .collect();
    let all_inputs: Vec<LintInput<'_>> = files
        .iter()
        .map(|f| LintInput {
            file: &f.0,
            text: &f.1,
            kind: f.2,
        })
        .collect();
    let options = LintOptions::default();
    // `DOCKSCAPE_BENCH_PROFILE=lint|events|tree`: one phase only, in a loop, for a profiler or
    // `perf stat -e instructions` (counts do not depend on the machine's load)
    if let Some(phase) = std::env::var_os("DOCKSCAPE_BENCH_PROFILE") {
        let iters: usize = std::env::var("DOCKSCAPE_BENCH_ITERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10);
        let n: usize = (0..iters)
            .map(|_| match phase.to_str() {
                Some("events") => yaml
                    .iter()
                    .map(|f| {
                        let mut p = Parser::new_from_str(&f.1);
                        let mut n = 0;
                        while let Some(Ok(_)) = p.next_event() {
                            n += 1;
                        }
                        n
                    })
                    .sum(),
                Some("tree") => yaml
                    .iter()
                    .map(|f| {
                        let mut p = Parser::new_from_str(&f.1);
                        MarkedYaml::load_from_parser(&mut p)
                            .map(|d| d.len())
                            .unwrap_or(0)
                    })
                    .sum(),
                Some("none") => 0,
                _ => lint(&yaml_inputs, &options).findings.len(),
            })
            .sum();
        println!("{n}");
        return;
    }

    // Interleaved rounds (events, tree, lint, mixed, events, ...) and the best time of each: the
    // machine is shared, so a load spike hits every measurement alike instead of one of them.
    let mut events_t = Duration::MAX;
    let mut tree_t = Duration::MAX;
    let mut lint_t = Duration::MAX;
    let mut mixed_t = Duration::MAX;
    let (mut events, mut docs, mut findings, mut mixed_findings) = (0, 0, 0, 0);
    for _ in 0..RUNS {
        let (t, n) = best1(|| {
            let mut n = 0;
            for f in &yaml {
                let mut p = Parser::new_from_str(&f.1);
                while let Some(Ok(_)) = p.next_event() {
                    n += 1;
                }
            }
            n
        });
        events_t = events_t.min(t);
        events = n;
        let (t, n) = best1(|| {
            let mut n = 0;
            for f in &yaml {
                let mut p = Parser::new_from_str(&f.1);
                n += MarkedYaml::load_from_parser(&mut p)
                    .map(|d| d.len())
                    .unwrap_or(0);
            }
            n
        });
        tree_t = tree_t.min(t);
        docs = n;
        let (t, n) = best1(|| lint(&yaml_inputs, &options).findings.len());
        lint_t = lint_t.min(t);
        findings = n;
        let (t, n) = best1(|| lint(&all_inputs, &options).findings.len());
        mixed_t = mixed_t.min(t);
        mixed_findings = n;
    }

    // memory: peak bytes allocated while linting (the corpus is already allocated)
    ALLOC.reset_peak_usage();
    let base = ALLOC.current_usage();
    let report = lint(&all_inputs, &options);
    let peak = ALLOC.peak_usage().saturating_sub(base);
    let report_bytes = ALLOC.current_usage().saturating_sub(base);
    let workloads = report.workloads.len();
    let input_errors = report.errors.len();
    drop(report);
    ALLOC.reset_peak_usage();
    let base = ALLOC.current_usage();
    let tree_docs: usize = yaml
        .iter()
        .map(|f| {
            let mut p = Parser::new_from_str(&f.1);
            MarkedYaml::load_from_parser(&mut p)
                .map(|d| d.len())
                .unwrap_or(0)
        })
        .sum();
    let tree_peak = ALLOC.peak_usage().saturating_sub(base);

    let mb = |b: usize| b as f64 / (1024.0 * 1024.0);
    println!("dockscape lint benchmark (best of {RUNS} interleaved rounds)");
    println!(
        "corpus: {:.1} MB in {} files ({:.1} MB YAML: {} documents; {} shell scripts), {} workloads",
        mb(all_bytes),
        files.len(),
        mb(yaml_bytes),
        docs,
        files.len() - yaml.len(),
        workloads
    );
    println!();
    println!(
        "| what                                   | time (ms) |    MB/s | vs events | vs tree |"
    );
    println!(
        "|----------------------------------------|----------:|--------:|----------:|--------:|"
    );
    let row = |name: &str, bytes: usize, t: Duration| {
        println!(
            "| {name:<38} | {:>9.1} | {:>7.1} | {:>8.0}% | {:>6.0}% |",
            t.as_secs_f64() * 1000.0,
            mbps(bytes, t),
            100.0 * mbps(bytes, t) / mbps(yaml_bytes, events_t),
            100.0 * mbps(bytes, t) / mbps(yaml_bytes, tree_t),
        )
    };
    row("saphyr-parser events (bare parse)", yaml_bytes, events_t);
    row("saphyr MarkedYaml tree (bare parse)", yaml_bytes, tree_t);
    row("dockscape lint, YAML files", yaml_bytes, lint_t);
    row("dockscape lint, mixed (YAML + scripts)", all_bytes, mixed_t);
    println!();
    println!(
        "memory: lint peak {:.1} MB = {:.2}x the {:.1} MB input (report kept: {:.1} MB); \
         saphyr MarkedYaml tree peak {:.1} MB = {:.2}x",
        mb(peak),
        peak as f64 / all_bytes as f64,
        mb(all_bytes),
        mb(report_bytes),
        mb(tree_peak),
        tree_peak as f64 / yaml_bytes as f64
    );
    println!(
        "checks: {events} events, {tree_docs} documents, {findings} findings (YAML), {mixed_findings} findings (mixed), {input_errors} input errors"
    );
}
