//! Times `dockscape::convert` on a generated 1,000-line `docker run` corpus (to Compose and to
//! Pods) and prints a table with the process's peak resident memory (`VmHWM`, Linux).
//!
//! `cargo run --release -p dockscape --example convert_bench`

#![allow(clippy::disallowed_methods)] // an example reads /proc; the library stays pure

use std::time::Instant;

use dockscape::{ConvertOptions, ConvertTarget, convert};

fn corpus(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "docker run -d --name svc{i} --restart always -p {}:80 -e N={i} -v /srv/d{i}:/data:ro \\\n  -m 256m --cpus 0.5 --cap-drop ALL -u 1000:1000 --hostname h{i} nginx:1.27 nginx -g 'daemon off;'\n",
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
    println!("| input | target | outputs | dropped | time | peak RSS so far |");
    println!("|---|---|---|---|---|---|");
    for (lines, target) in [
        (1000, ConvertTarget::Compose),
        (1000, ConvertTarget::Pod),
        (200, ConvertTarget::Compose),
    ] {
        let text = corpus(lines);
        let t = Instant::now();
        let c = convert(&text, target, &ConvertOptions::default()).expect("convert");
        let dt = t.elapsed();
        println!(
            "| {lines} docker run lines ({} KiB) | {target:?} | {} | {} | {:.1} ms | {} |",
            text.len() / 1024,
            c.outputs.len(),
            c.dropped.len(),
            dt.as_secs_f64() * 1000.0,
            peak_kib()
        );
    }
}
