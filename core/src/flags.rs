//! The docker CLI's flags, defined once: every `docker run` / `docker create` flag (name, short
//! form, the kind of value it takes, what it means) and the global options that come before the
//! subcommand. The `docker run` reader (`read/run.rs`), the converter and the run emitter all use
//! this table, so a flag is never known to one of them and not to the others.
//!
//! Taken from the flag definitions of the docker CLI 28.2 (`docker run --help`, `docker create
//! --help`; hidden aliases `--net` and `--net-alias` too). The value kinds are pflag's: a boolean
//! flag takes `--flag` or `--flag=value` (never the next word); every other flag takes the next
//! word or `=value`, and a short flag takes the rest of its word (`-v/a:/b`).

/// What a flag takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value {
    /// A boolean: `--flag` is true, `--flag=false` (Go's `strconv.ParseBool`) sets it.
    Bool,
    /// One string.
    Text,
    /// A repeatable value (pflag's `list`): each use adds one.
    List,
    /// A repeatable `key=value` (pflag's `map`).
    Map,
    /// A whole number.
    Int,
    /// A size with an optional unit (`512m`, `1g`).
    Bytes,
    /// A decimal number (`--cpus 1.5`).
    Decimal,
    /// A Go duration (`30s`, `1m30s`).
    Duration,
}

/// One flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flag {
    /// The long name without `--`.
    pub long: &'static str,
    /// The one-letter form, when it has one.
    pub short: Option<char>,
    /// What it takes.
    pub value: Value,
    /// `docker run` only (not `docker create`).
    pub run_only: bool,
    /// What it does, in a few words.
    pub meaning: &'static str,
}

const fn f(long: &'static str, short: Option<char>, value: Value, meaning: &'static str) -> Flag {
    Flag {
        long,
        short,
        value,
        run_only: false,
        meaning,
    }
}

use Value::{Bool, Bytes, Decimal, Duration, Int, List, Map, Text};

/// Every flag of `docker run` and `docker create`, by long name.
pub(crate) const RUN_FLAGS: &[Flag] = &[
    f("add-host", None, List, "an /etc/hosts entry (host:ip)"),
    f("annotation", None, Map, "an OCI runtime annotation"),
    f("attach", Some('a'), List, "attach STDIN, STDOUT or STDERR"),
    f("blkio-weight", None, Int, "block IO weight (10 to 1000)"),
    f(
        "blkio-weight-device",
        None,
        List,
        "block IO weight of one device",
    ),
    f("cap-add", None, List, "add a Linux capability"),
    f("cap-drop", None, List, "drop a Linux capability"),
    f("cgroup-parent", None, Text, "the parent cgroup"),
    f("cgroupns", None, Text, "cgroup namespace: host or private"),
    f("cidfile", None, Text, "write the container id to a file"),
    f("cpu-count", None, Int, "CPU count (Windows)"),
    f("cpu-percent", None, Int, "CPU percent (Windows)"),
    f("cpu-period", None, Int, "CFS period"),
    f("cpu-quota", None, Int, "CFS quota"),
    f(
        "cpu-rt-period",
        None,
        Int,
        "real-time period (microseconds)",
    ),
    f(
        "cpu-rt-runtime",
        None,
        Int,
        "real-time runtime (microseconds)",
    ),
    f("cpu-shares", Some('c'), Int, "relative CPU weight"),
    f("cpus", None, Decimal, "number of CPUs"),
    f("cpuset-cpus", None, Text, "CPUs allowed (0-3, 0,1)"),
    f("cpuset-mems", None, Text, "memory nodes allowed"),
    Flag {
        long: "detach",
        short: Some('d'),
        value: Bool,
        run_only: true,
        meaning: "run in the background",
    },
    f("detach-keys", None, Text, "the key sequence that detaches"),
    f("device", None, List, "a host device in the container"),
    f(
        "device-cgroup-rule",
        None,
        List,
        "a rule of the devices cgroup",
    ),
    f(
        "device-read-bps",
        None,
        List,
        "read rate limit of a device (bytes/s)",
    ),
    f(
        "device-read-iops",
        None,
        List,
        "read rate limit of a device (IO/s)",
    ),
    f(
        "device-write-bps",
        None,
        List,
        "write rate limit of a device (bytes/s)",
    ),
    f(
        "device-write-iops",
        None,
        List,
        "write rate limit of a device (IO/s)",
    ),
    f(
        "disable-content-trust",
        None,
        Bool,
        "skip image verification",
    ),
    f("dns", None, List, "a DNS server"),
    f("dns-option", None, List, "a DNS option"),
    f("dns-search", None, List, "a DNS search domain"),
    f("domainname", None, Text, "the NIS domain name"),
    f("entrypoint", None, Text, "replace the image's ENTRYPOINT"),
    f(
        "env",
        Some('e'),
        List,
        "an environment variable (K=V, or K from the caller)",
    ),
    f("env-file", None, List, "a file of environment variables"),
    f("expose", None, List, "expose a port without publishing it"),
    f("gpus", None, Text, "GPUs to add ('all')"),
    f("group-add", None, List, "a supplementary group"),
    f("health-cmd", None, Text, "the health check command"),
    f(
        "health-interval",
        None,
        Duration,
        "time between health checks",
    ),
    f("health-retries", None, Int, "failures before unhealthy"),
    f(
        "health-start-interval",
        None,
        Duration,
        "time between checks while starting",
    ),
    f(
        "health-start-period",
        None,
        Duration,
        "grace period before retries count",
    ),
    f(
        "health-timeout",
        None,
        Duration,
        "how long one check may run",
    ),
    f("help", None, Bool, "print usage"),
    f("hostname", Some('h'), Text, "the container's host name"),
    f(
        "init",
        None,
        Bool,
        "run an init process that reaps and forwards signals",
    ),
    f("interactive", Some('i'), Bool, "keep STDIN open"),
    f(
        "io-maxbandwidth",
        None,
        Bytes,
        "IO bandwidth limit (Windows)",
    ),
    f("io-maxiops", None, Int, "IOps limit (Windows)"),
    f("ip", None, Text, "IPv4 address"),
    f("ip6", None, Text, "IPv6 address"),
    f(
        "ipc",
        None,
        Text,
        "IPC namespace (host, shareable, container:<id>)",
    ),
    f("isolation", None, Text, "isolation technology (Windows)"),
    f("kernel-memory", None, Bytes, "kernel memory limit"),
    f("label", Some('l'), List, "a label (K=V)"),
    f("label-file", None, List, "a file of labels"),
    f("link", None, List, "a legacy link to another container"),
    f("link-local-ip", None, List, "a link-local address"),
    f("log-driver", None, Text, "the logging driver"),
    f("log-opt", None, List, "a logging driver option"),
    f("mac-address", None, Text, "the MAC address"),
    f("memory", Some('m'), Bytes, "memory limit"),
    f("memory-reservation", None, Bytes, "memory soft limit"),
    f(
        "memory-swap",
        None,
        Bytes,
        "memory plus swap limit (-1 unlimited)",
    ),
    f("memory-swappiness", None, Int, "swappiness (0 to 100)"),
    f(
        "mount",
        None,
        List,
        "a mount (type=bind|volume|tmpfs|npipe|image,...)",
    ),
    f("name", None, Text, "the container's name"),
    f("net", None, Text, "alias of --network"),
    f("net-alias", None, List, "alias of --network-alias"),
    f(
        "network",
        None,
        Text,
        "the network (bridge, host, none, container:<id>, a name)",
    ),
    f("network-alias", None, List, "a network-scoped alias"),
    f(
        "no-healthcheck",
        None,
        Bool,
        "disable the image's HEALTHCHECK",
    ),
    f("oom-kill-disable", None, Bool, "disable the OOM killer"),
    f(
        "oom-score-adj",
        None,
        Int,
        "OOM score adjustment (-1000 to 1000)",
    ),
    f("pid", None, Text, "PID namespace (host, container:<id>)"),
    f("pids-limit", None, Int, "process limit (-1 unlimited)"),
    f("platform", None, Text, "the platform of the image"),
    f(
        "privileged",
        None,
        Bool,
        "every capability and device, no confinement",
    ),
    f(
        "publish",
        Some('p'),
        List,
        "publish a port ([ip:]host:container[/proto])",
    ),
    f("publish-all", Some('P'), Bool, "publish every exposed port"),
    f("pull", None, Text, "pull policy: always, missing, never"),
    f("quiet", Some('q'), Bool, "no pull output"),
    f("read-only", None, Bool, "a read-only root filesystem"),
    f("restart", None, Text, "restart policy"),
    f("rm", None, Bool, "remove the container when it exits"),
    f("runtime", None, Text, "the OCI runtime"),
    f(
        "security-opt",
        None,
        List,
        "a security option (seccomp, apparmor, label, ...)",
    ),
    f("shm-size", None, Bytes, "size of /dev/shm"),
    f("sig-proxy", None, Bool, "forward signals to the process"),
    f("stop-signal", None, Text, "the stop signal"),
    f("stop-timeout", None, Int, "seconds to wait before killing"),
    f("storage-opt", None, List, "a storage driver option"),
    f("sysctl", None, Map, "a namespaced kernel parameter"),
    f("tmpfs", None, List, "a tmpfs mount (path[:options])"),
    f("tty", Some('t'), Bool, "allocate a pseudo-TTY"),
    f("ulimit", None, List, "a ulimit (name=soft[:hard])"),
    f(
        "use-api-socket",
        None,
        Bool,
        "bind-mount the Docker API socket and credentials",
    ),
    f(
        "user",
        Some('u'),
        Text,
        "user and group (name|uid[:group|gid])",
    ),
    f("userns", None, Text, "user namespace (host)"),
    f("uts", None, Text, "UTS namespace (host)"),
    f(
        "volume",
        Some('v'),
        List,
        "a bind mount or volume (src:dst[:opts])",
    ),
    f("volume-driver", None, Text, "the volume driver"),
    f(
        "volumes-from",
        None,
        List,
        "the volumes of another container",
    ),
    f("workdir", Some('w'), Text, "the working directory"),
];

/// The docker CLI's global options (before the subcommand: `docker -H tcp://x run ...`).
pub(crate) const GLOBAL_FLAGS: &[Flag] = &[
    f("config", None, Text, "the client configuration folder"),
    f("context", Some('c'), Text, "the context to use"),
    f("debug", Some('D'), Bool, "debug mode"),
    f("host", Some('H'), List, "the daemon socket to connect to"),
    f("log-level", Some('l'), Text, "the log level"),
    f("tls", None, Bool, "use TLS"),
    f(
        "tlscacert",
        None,
        Text,
        "trust certificates signed by this CA",
    ),
    f("tlscert", None, Text, "the client certificate"),
    f("tlskey", None, Text, "the client key"),
    f("tlsverify", None, Bool, "use TLS and verify the remote"),
    f("version", Some('v'), Bool, "print the version"),
];

/// A flag of `table` by its long name (without `--`).
pub(crate) fn by_long(table: &'static [Flag], name: &str) -> Option<&'static Flag> {
    table.iter().find(|f| f.long == name)
}

/// A flag of `table` by its one-letter form.
pub(crate) fn by_short(table: &'static [Flag], c: char) -> Option<&'static Flag> {
    table.iter().find(|f| f.short == Some(c))
}

/// The flag a word names, in the form written (`--volume` of `--volume=/a:/b`, `-v` of
/// `-v/a:/b`), when it is a flag of `table`.
pub(crate) fn written(table: &'static [Flag], word: &str) -> Option<(&'static Flag, &'static str)> {
    if let Some(long) = word.strip_prefix("--") {
        let name = long.split('=').next().unwrap_or(long);
        let flag = by_long(table, name)?;
        return Some((flag, long_form(flag)));
    }
    let c = word.strip_prefix('-')?.chars().next()?;
    let flag = by_short(table, c)?;
    Some((flag, short_form(flag)?))
}

/// `--name` of a flag, as a static string.
pub(crate) fn long_form(flag: &'static Flag) -> &'static str {
    LONG_FORMS
        .iter()
        .find(|(n, _)| *n == flag.long)
        .map_or("docker run", |(_, form)| form)
}

/// `-x` of a flag with a short form.
pub(crate) fn short_form(flag: &'static Flag) -> Option<&'static str> {
    let c = flag.short?;
    SHORT_FORMS
        .iter()
        .find(|(s, _)| *s == c)
        .map(|(_, form)| *form)
}

/// One option of a command line as pflag reads it: the flag, the form written, and its value
/// (`None` for a boolean given without `=value`).
// The converter reads `docker run` lines through `options`; today only the tests call it.
#[allow(dead_code)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Opt<'w> {
    /// The flag.
    pub flag: &'static Flag,
    /// Its value as written (`=value`, the rest of a short word, or the next word).
    pub value: Option<&'w str>,
    /// The index in `words` of the word that names the flag (for positions).
    pub word: usize,
}

/// Read the options at the start of `words` (after `docker run`) as the docker CLI's pflag
/// parser does: long flags with `=value` or the next word, clusters of short booleans ending in at
/// most one short flag that takes the rest of the word or the next word, `--` ending the options.
/// Returns the options and the index of the first word after them (the image), or the word that
/// is not a flag of `table`.
#[allow(dead_code)]
pub(crate) fn options<'w>(
    table: &'static [Flag],
    words: &[&'w str],
) -> Result<(Vec<Opt<'w>>, usize), String> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&w) = words.get(i) {
        if w == "--" {
            return Ok((out, i + 1));
        }
        if !w.starts_with('-') || w == "-" {
            break;
        }
        let start = i;
        if let Some(long) = w.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let flag = by_long(table, name).ok_or_else(|| format!("unknown flag: --{name}"))?;
            let value = match (flag.value, inline) {
                (_, Some(v)) => Some(v),
                (Value::Bool, None) => None,
                (_, None) => {
                    i += 1;
                    Some(
                        *words
                            .get(i)
                            .ok_or_else(|| format!("flag needs an argument: --{name}"))?,
                    )
                }
            };
            out.push(Opt {
                flag,
                value,
                word: start,
            });
        } else {
            let body = w.get(1..).unwrap_or("");
            for (k, c) in body.char_indices() {
                let flag = by_short(table, c)
                    .ok_or_else(|| format!("unknown shorthand flag: '{c}' in {w}"))?;
                if flag.value == Value::Bool {
                    out.push(Opt {
                        flag,
                        value: None,
                        word: i,
                    });
                    continue;
                }
                let rest = body.get(k + c.len_utf8()..).unwrap_or("");
                let value = if rest.is_empty() {
                    i += 1;
                    *words
                        .get(i)
                        .ok_or_else(|| format!("flag needs an argument: '{c}' in -{c}"))?
                } else {
                    rest.strip_prefix('=').unwrap_or(rest)
                };
                out.push(Opt {
                    flag,
                    value: Some(value),
                    word: start,
                });
                break;
            }
        }
        i += 1;
    }
    Ok((out, i))
}

macro_rules! forms {
    ($($name:literal),* $(,)?) => {
        &[$(($name, concat!("--", $name))),*]
    };
}

/// `--long` spelled out once per flag name of both tables (field paths borrow these).
const LONG_FORMS: &[(&str, &str)] = forms![
    "add-host",
    "annotation",
    "attach",
    "blkio-weight",
    "blkio-weight-device",
    "cap-add",
    "cap-drop",
    "cgroup-parent",
    "cgroupns",
    "cidfile",
    "cpu-count",
    "cpu-percent",
    "cpu-period",
    "cpu-quota",
    "cpu-rt-period",
    "cpu-rt-runtime",
    "cpu-shares",
    "cpus",
    "cpuset-cpus",
    "cpuset-mems",
    "detach",
    "detach-keys",
    "device",
    "device-cgroup-rule",
    "device-read-bps",
    "device-read-iops",
    "device-write-bps",
    "device-write-iops",
    "disable-content-trust",
    "dns",
    "dns-option",
    "dns-search",
    "domainname",
    "entrypoint",
    "env",
    "env-file",
    "expose",
    "gpus",
    "group-add",
    "health-cmd",
    "health-interval",
    "health-retries",
    "health-start-interval",
    "health-start-period",
    "health-timeout",
    "help",
    "hostname",
    "init",
    "interactive",
    "io-maxbandwidth",
    "io-maxiops",
    "ip",
    "ip6",
    "ipc",
    "isolation",
    "kernel-memory",
    "label",
    "label-file",
    "link",
    "link-local-ip",
    "log-driver",
    "log-opt",
    "mac-address",
    "memory",
    "memory-reservation",
    "memory-swap",
    "memory-swappiness",
    "mount",
    "name",
    "net",
    "net-alias",
    "network",
    "network-alias",
    "no-healthcheck",
    "oom-kill-disable",
    "oom-score-adj",
    "pid",
    "pids-limit",
    "platform",
    "privileged",
    "publish",
    "publish-all",
    "pull",
    "quiet",
    "read-only",
    "restart",
    "rm",
    "runtime",
    "security-opt",
    "shm-size",
    "sig-proxy",
    "stop-signal",
    "stop-timeout",
    "storage-opt",
    "sysctl",
    "tmpfs",
    "tty",
    "ulimit",
    "use-api-socket",
    "user",
    "userns",
    "uts",
    "volume",
    "volume-driver",
    "volumes-from",
    "workdir",
    // global options
    "config",
    "context",
    "debug",
    "host",
    "log-level",
    "tls",
    "tlscacert",
    "tlscert",
    "tlskey",
    "tlsverify",
    "version",
];

/// `-x` spelled out once per short form of both tables.
const SHORT_FORMS: &[(char, &str)] = &[
    ('a', "-a"),
    ('c', "-c"),
    ('d', "-d"),
    ('e', "-e"),
    ('h', "-h"),
    ('i', "-i"),
    ('l', "-l"),
    ('m', "-m"),
    ('p', "-p"),
    ('P', "-P"),
    ('q', "-q"),
    ('t', "-t"),
    ('u', "-u"),
    ('v', "-v"),
    ('w', "-w"),
    ('D', "-D"),
    ('H', "-H"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_has_its_forms_and_no_name_repeats() {
        for table in [RUN_FLAGS, GLOBAL_FLAGS] {
            for (i, flag) in table.iter().enumerate() {
                assert_eq!(long_form(flag), format!("--{}", flag.long));
                if let Some(c) = flag.short {
                    assert_eq!(short_form(flag), Some(format!("-{c}").as_str()));
                }
                let same = table.iter().skip(i + 1);
                assert!(same.clone().all(|g| g.long != flag.long), "{}", flag.long);
                assert!(
                    flag.short.is_none() || same.clone().all(|g| g.short != flag.short),
                    "{}",
                    flag.long
                );
            }
        }
        assert_eq!(LONG_FORMS.len(), RUN_FLAGS.len() + GLOBAL_FLAGS.len());
        for (i, (name, _)) in LONG_FORMS.iter().enumerate() {
            assert!(
                LONG_FORMS.iter().skip(i + 1).all(|(n, _)| n != name),
                "{name}"
            );
        }
    }

    #[test]
    fn options_read_as_pflag_does() {
        let words = [
            "-it", "-v/a:/b", "--rm", "-e", "K=V", "--name=x", "alpine", "-c",
        ];
        let (opts, image) = options(RUN_FLAGS, &words).unwrap();
        let got: Vec<(&str, Option<&str>)> = opts.iter().map(|o| (o.flag.long, o.value)).collect();
        assert_eq!(
            got,
            [
                ("interactive", None),
                ("tty", None),
                ("volume", Some("/a:/b")),
                ("rm", None),
                ("env", Some("K=V")),
                ("name", Some("x")),
            ]
        );
        assert_eq!(words.get(image), Some(&"alpine"));
        assert!(options(RUN_FLAGS, &["--bogus", "alpine"]).is_err());
        assert!(options(RUN_FLAGS, &["--name"]).is_err());
    }

    /// The emitter writes only flags of the table: every `docker run` / `docker create` of every
    /// scenario's script reads back through [`options`] without an unknown flag.
    #[test]
    fn the_run_emitter_writes_only_flags_of_the_table() {
        let mut seen = 0;
        for info in crate::scenarios() {
            let scenario = crate::build_scenario(info.id, &crate::Params::new()).unwrap();
            let script = crate::generate(&scenario, crate::Format::Run, &crate::Options::default())
                .unwrap()
                .text;
            for cmd in crate::read::run::command_words(&script) {
                let words: Vec<&str> = cmd.iter().map(|w| w.as_str()).collect();
                let Some(at) = words.windows(2).position(|p| {
                    p.first() == Some(&"docker") && matches!(p.get(1), Some(&"run" | &"create"))
                }) else {
                    continue;
                };
                let rest = words.get(at + 2..).unwrap_or(&[]);
                if let Err(e) = options(RUN_FLAGS, rest) {
                    panic!("{}: {e} in {words:?}", info.id);
                }
                seen += 1;
            }
        }
        assert!(seen >= 8, "only {seen} docker run lines checked");
    }

    #[test]
    fn written_reads_every_spelling() {
        assert_eq!(
            written(RUN_FLAGS, "--volume=/a:/b").map(|w| w.1),
            Some("--volume")
        );
        assert_eq!(written(RUN_FLAGS, "-v/a:/b").map(|w| w.1), Some("-v"));
        assert_eq!(written(RUN_FLAGS, "-it").map(|w| w.1), Some("-i"));
        assert_eq!(written(RUN_FLAGS, "--no-such-flag"), None);
        assert_eq!(written(RUN_FLAGS, "image"), None);
    }
}
