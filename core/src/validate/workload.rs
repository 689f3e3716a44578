//! The controller fields of a Job, Deployment or CronJob, checked as the API server checks them
//! (`pkg/apis/batch/validation`, `pkg/apis/apps/validation`); the pod template goes through
//! [`super::validate_pod`].

use super::{Problem, problem};
use crate::model::{JobSettings, WorkloadKind};

/// Problems of the controller fields of `kind`.
pub(crate) fn validate_workload(kind: &WorkloadKind) -> Vec<Problem> {
    let mut out = Vec::new();
    match kind {
        WorkloadKind::Pod => {}
        WorkloadKind::Job(j) => job(j, "spec", &mut out),
        WorkloadKind::Deployment { replicas } => {
            if *replicas < 0 {
                out.push(problem(
                    "spec.replicas",
                    "must be greater than or equal to 0",
                ));
            }
        }
        WorkloadKind::CronJob {
            schedule,
            time_zone,
            job: j,
        } => {
            if let Err(e) = check_schedule(schedule) {
                out.push(problem("spec.schedule", e));
            }
            if let Some(z) = time_zone
                && !is_time_zone(z)
            {
                out.push(problem(
                    "spec.timeZone",
                    format!("`{z}` is not a time zone name such as `Etc/UTC` or `Europe/Berlin`"),
                ));
            }
            job(j, "spec.jobTemplate.spec", &mut out);
        }
    }
    out
}

fn job(j: &JobSettings, path: &str, out: &mut Vec<Problem>) {
    if j.backoff_limit < 0 {
        out.push(problem(
            format!("{path}.backoffLimit"),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(t) = j.ttl_seconds_after_finished
        && t < 0
    {
        out.push(problem(
            format!("{path}.ttlSecondsAfterFinished"),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(d) = j.active_deadline_seconds
        && d <= 0
    {
        out.push(problem(
            format!("{path}.activeDeadlineSeconds"),
            "must be greater than 0",
        ));
    }
}

/// An IANA time zone name as the API server accepts it: `Area/Location` words of letters, digits,
/// `_`, `-` and `+` (the server then loads it from its tz database, which a pure check cannot).
fn is_time_zone(z: &str) -> bool {
    !z.is_empty()
        && !z.starts_with('/')
        && !z.ends_with('/')
        && !z.contains("//")
        && !z.contains("..")
        && z.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
}

/// A schedule as the CronJob controller's parser (`robfig/cron`, standard 5-field form) reads it:
/// minute, hour, day of month, month, day of week, or a descriptor (`@daily`, `@every 1h`). A
/// `TZ=`/`CRON_TZ=` prefix is refused, as the API server refuses it (`timeZone` is the field).
pub(crate) fn check_schedule(s: &str) -> Result<(), String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("required".to_owned());
    }
    if s.starts_with("TZ=") || s.starts_with("CRON_TZ=") {
        return Err("a time zone in the schedule is not allowed: set `timeZone`".to_owned());
    }
    if let Some(d) = s.strip_prefix('@') {
        let ok = match d.split_once(' ') {
            Some(("every", dur)) => is_duration(dur.trim()),
            Some(_) => false,
            None => matches!(
                d,
                "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly"
            ),
        };
        return if ok {
            Ok(())
        } else {
            Err(format!(
                "`{s}` is not a cron descriptor (`@hourly`, `@daily`, `@every 1h`, ...)"
            ))
        };
    }
    let fields: Vec<&str> = s.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "`{s}` has {} fields: expected 5 (minute hour day-of-month month day-of-week)",
            fields.len()
        ));
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let bounds: [(&str, u32, u32, &[&str], u32); 5] = [
        ("minute", 0, 59, &[], 0),
        ("hour", 0, 23, &[], 0),
        ("day of month", 1, 31, &[], 0),
        ("month", 1, 12, &MONTHS, 1),
        ("day of week", 0, 6, &DAYS, 0),
    ];
    for (i, (field, (name, lo, hi, names, base))) in fields.iter().zip(bounds).enumerate() {
        let question_ok = i == 2 || i == 4;
        for item in field.split(',') {
            if !cron_item(item, lo, hi, names, base, question_ok) {
                return Err(format!(
                    "`{item}` is not a valid {name} (expected {lo}-{hi}, `*`, ranges, lists or steps)"
                ));
            }
        }
    }
    Ok(())
}

fn cron_item(item: &str, lo: u32, hi: u32, names: &[&str], base: u32, question_ok: bool) -> bool {
    let (range, step) = match item.split_once('/') {
        Some((r, st)) => match st.parse::<u32>() {
            Ok(n) if n > 0 => (r, true),
            _ => return false,
        },
        None => (item, false),
    };
    let value = |t: &str| -> Option<u32> {
        if let Ok(n) = t.parse::<u32>() {
            return (lo..=hi).contains(&n).then_some(n);
        }
        let lower = t.to_ascii_lowercase();
        names
            .iter()
            .position(|n| *n == lower)
            .and_then(|p| u32::try_from(p).ok())
            .map(|p| p + base)
    };
    match range {
        "*" => true,
        "?" => question_ok && !step,
        r => match r.split_once('-') {
            Some((a, b)) => matches!((value(a), value(b)), (Some(a), Some(b)) if a <= b),
            None => value(r).is_some(),
        },
    }
}

/// A Go duration (`1h30m`, `90s`, `1.5h`) as `@every` takes it: positive, units `ns us µs ms s m h`.
fn is_duration(d: &str) -> bool {
    let mut rest = d;
    let mut any = false;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, tail) = rest.split_at(num_end);
        if num.is_empty() || num.matches('.').count() > 1 {
            return false;
        }
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_end);
        if !matches!(unit, "ns" | "us" | "µs" | "ms" | "s" | "m" | "h") {
            return false;
        }
        any |= num.chars().any(|c| c.is_ascii_digit() && c != '0');
        rest = next;
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        for ok in [
            "0 3 * * *",
            "*/15 * * * *",
            "0 9-17 * * mon-fri",
            "0 0 1,15 * ?",
            "30 2 * JAN,jul sun",
            "@daily",
            "@every 1h30m",
        ] {
            assert_eq!(check_schedule(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "* * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 7",
            "*/0 * * * *",
            "5-1 * * * *",
            "? * * * *",
            "@often",
            "@every",
            "@every 0s",
            "CRON_TZ=UTC 0 3 * * *",
            "a b c d e",
        ] {
            assert!(check_schedule(bad).is_err(), "{bad}");
        }
        assert!(is_time_zone("Etc/UTC") && is_time_zone("America/Argentina/Buenos_Aires"));
        assert!(!is_time_zone("") && !is_time_zone("../etc/passwd") && !is_time_zone("a b"));
    }
}
