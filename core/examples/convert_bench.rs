//! Times `dockscape::convert` on generated inputs (a 200- and 1,000-line `docker run` corpus, a
//! 200-service Compose file, 200 Kubernetes Deployments) and prints a table with the process's
//! peak resident memory (`VmHWM`, Linux).
//!
//! Each row is the median of 5 runs after one untimed warm-up run: the first conversion in a
//! process pays one-time costs (the allocator growing its heap, lazily built tables), which made
//! an earlier single-shot table look faster than linear (200 lines measured after 1,000 had warmed
//! the process).
//!
//! `cargo run --release -p dockscape --example convert_bench`

#![allow(clippy::disallowed_methods)] // an example reads /proc; the library stays pure

use std::time::{Duration, Instant};

use dockscape::{ConvertOptions, ConvertSource, ConvertTarget, convert};

fn run_corpus(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "docker run -d --name svc{i} --restart always -p {}:80 -e N={i} -v /srv/d{i}:/data:ro \\\n  -m 256m --cpus 0.5 --cap-drop ALL -u 1000:1000 --hostname h{i} nginx:1.27 nginx -g 'daemon off;'\n",
                10000 + i
            )
        })
        .collect()
}

fn compose_file(n: usize) -> String {
    let mut out = String::from("services:\n");
    for i in 0..n {
        out.push_str(&format!(
            "  svc{i}:\n    image: nginx:1.27\n    restart: always\n    ports: [\"{}:80\"]\n    environment: {{N: \"{i}\"}}\n    volumes: [\"/srv/d{i}:/data:ro\"]\n    cap_drop: [ALL]\n    user: \"1000:1000\"\n    hostname: h{i}\n    deploy: {{resources: {{limits: {{cpus: \"0.5\", memory: 256M}}}}}}\n",
            10000 + i
        ));
    }
    out
}

fn k8s_file(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: svc{i}}}\nspec:\n  selector: {{matchLabels: {{app: svc{i}}}}}\n  template:\n    metadata: {{labels: {{app: svc{i}}}}}\n    spec:\n      containers:\n      - name: svc{i}\n        image: nginx:1.27\n        ports: [{{containerPort: 80, hostPort: {}}}]\n        resources: {{limits: {{cpu: 500m, memory: 256Mi}}}}\n---\n",
                10000 + i
            )
        })
        .collect()
}

fn peak_kib() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn main() {
    println!("| input | target | outputs | dropped | median of 5 | peak RSS so far |");
    println!("|---|---|---|---|---|---|");
    let rows: Vec<(String, String, ConvertTarget)> = vec![
        (
            "200 docker run lines".into(),
            run_corpus(200),
            ConvertTarget::Compose,
        ),
        (
            "1000 docker run lines".into(),
            run_corpus(1000),
            ConvertTarget::Compose,
        ),
        (
            "200 docker run lines".into(),
            run_corpus(200),
            ConvertTarget::Pod,
        ),
        (
            "1000 docker run lines".into(),
            run_corpus(1000),
            ConvertTarget::Pod,
        ),
        (
            "200 Compose services".into(),
            compose_file(200),
            ConvertTarget::Pod,
        ),
        (
            "1000 Compose services".into(),
            compose_file(1000),
            ConvertTarget::Pod,
        ),
        (
            "200 Compose services".into(),
            compose_file(200),
            ConvertTarget::Run,
        ),
        (
            "200 Deployments".into(),
            k8s_file(200),
            ConvertTarget::Compose,
        ),
    ];
    // one untimed run: the first conversion in a process pays one-time costs
    let _ = convert(
        &run_corpus(50),
        ConvertTarget::Compose,
        &ConvertOptions::default(),
    );
    for (what, text, target) in rows {
        let source = ConvertSource::detect(&text);
        let options = ConvertOptions {
            from: Some(source),
            ..ConvertOptions::default()
        };
        let mut times: Vec<Duration> = Vec::new();
        let mut last = None;
        for _ in 0..5 {
            let t = Instant::now();
            let c = convert(&text, target, &options).expect("convert");
            times.push(t.elapsed());
            last = Some(c);
        }
        times.sort();
        let c = last.expect("five runs");
        println!(
            "| {what} ({} KiB) | {target:?} | {} | {} | {:.1} ms | {} |",
            text.len() / 1024,
            c.outputs.len(),
            c.dropped.len(),
            times[2].as_secs_f64() * 1000.0,
            peak_kib()
        );
    }
}
