//! The one workload emitter: a pod spec carried by a `Pod`, a `Job`, a `Deployment` or a `CronJob`.
//!
//! `generate --set kind=...` and `convert --to job|cronjob|deployment` both call [`workload`]. The
//! object is built from k8s-openapi types (so field names and types are right by construction), then
//! written through small views of the fields set here, as `pod.rs` does for the Pod (k8s-openapi's
//! own serialisers of these types would bring their timestamp code into the browser build); the
//! test below checks the text is what k8s-openapi itself writes.
//!
//! What the controller changes in the pod, as the API server requires:
//! - a Job's (and a CronJob's) pod template takes `restartPolicy: Never` when the pod had `Always`
//!   (a Job accepts only `Never` and `OnFailure`; `Never` keeps every failed pod and its logs);
//! - a Deployment's pod template takes `restartPolicy: Always` (the only value it accepts);
//! - the template carries the pod's labels and annotations, never its name or namespace, which
//!   belong to the controller.

use super::pod::{meta_value, spec_value};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{JobSettings, WorkloadKind};
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as k8s;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::{Map, Value};

/// `concurrencyPolicy` of a CronJob: a run is skipped while the previous one still runs, so two
/// runs never share names, volumes or a daemon's socket.
pub(crate) const CONCURRENCY_POLICY: &str = "Forbid";

/// `startingDeadlineSeconds` of a CronJob: a run that could not start within five minutes of its
/// time (controller down, cluster full) is skipped, not started hours late.
pub(crate) const STARTING_DEADLINE_SECONDS: i64 = 300;

/// The object as YAML.
pub(crate) fn workload(pod: &k8s::Pod, kind: &WorkloadKind) -> Result<String> {
    crate::emit::yaml(&value(pod, kind)?)
}

/// The object as the JSON tree the YAML writer takes.
pub(crate) fn value(pod: &k8s::Pod, kind: &WorkloadKind) -> Result<Value> {
    if let Some(p) = crate::validate::validate_workload(kind).first() {
        return Err(Error::new(
            ErrorKind::Validation,
            format!("generated {} is invalid: {p}", kind.kind()),
        ));
    }
    match kind {
        WorkloadKind::Pod => super::pod::pod_value(pod),
        WorkloadKind::Job(settings) => job_value(&to_job(pod, settings)),
        WorkloadKind::Deployment { replicas } => deployment_value(&to_deployment(pod, *replicas)?),
        WorkloadKind::CronJob {
            schedule,
            time_zone,
            job,
        } => cron_job_value(&to_cron_job(pod, schedule, time_zone.as_deref(), job)),
    }
}

/// The controller's own metadata: the pod's name, namespace and labels.
fn outer_meta(pod: &k8s::Pod) -> ObjectMeta {
    ObjectMeta {
        name: pod.metadata.name.clone(),
        namespace: pod.metadata.namespace.clone(),
        labels: pod.metadata.labels.clone(),
        ..Default::default()
    }
}

/// The pod template: the pod's labels and annotations, its spec with `restart_policy`.
fn template(
    pod: &k8s::Pod,
    restart_policy: impl FnOnce(Option<&str>) -> String,
) -> k8s::PodTemplateSpec {
    let mut spec = pod.spec.clone().unwrap_or_default();
    spec.restart_policy = Some(restart_policy(spec.restart_policy.as_deref()));
    let meta = ObjectMeta {
        labels: pod.metadata.labels.clone(),
        annotations: pod.metadata.annotations.clone(),
        ..Default::default()
    };
    k8s::PodTemplateSpec {
        metadata: (meta != ObjectMeta::default()).then_some(meta),
        spec: Some(spec),
    }
}

fn job_restart(p: Option<&str>) -> String {
    match p {
        Some("OnFailure") => "OnFailure".to_owned(),
        _ => "Never".to_owned(),
    }
}

fn job_spec(pod: &k8s::Pod, s: &JobSettings) -> batch::JobSpec {
    batch::JobSpec {
        active_deadline_seconds: s.active_deadline_seconds,
        backoff_limit: Some(s.backoff_limit),
        template: template(pod, job_restart),
        ttl_seconds_after_finished: s.ttl_seconds_after_finished,
        ..Default::default()
    }
}

/// The k8s-openapi Job carrying `pod`.
pub(crate) fn to_job(pod: &k8s::Pod, s: &JobSettings) -> batch::Job {
    batch::Job {
        metadata: outer_meta(pod),
        spec: Some(job_spec(pod, s)),
        status: None,
    }
}

/// The k8s-openapi Deployment carrying `pod`: its labels select its pods; a pod with a
/// PersistentVolumeClaim is replaced with `strategy: Recreate`, since a rolling update would start
/// the new pod while the old one still holds a `ReadWriteOnce` claim, and wait forever.
pub(crate) fn to_deployment(pod: &k8s::Pod, replicas: i32) -> Result<apps::Deployment> {
    let labels = pod
        .metadata
        .labels
        .clone()
        .filter(|l| !l.is_empty())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Validation,
                "cannot write a deployment: the pod has no labels for its selector",
            )
        })?;
    let template = template(pod, |_| "Always".to_owned());
    let claims = template
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .is_some_and(|v| v.iter().any(|v| v.persistent_volume_claim.is_some()));
    Ok(apps::Deployment {
        metadata: outer_meta(pod),
        spec: apps::DeploymentSpec {
            replicas: Some(replicas),
            selector: LabelSelector {
                match_labels: Some(labels),
                match_expressions: None,
            },
            strategy: claims.then(|| apps::DeploymentStrategy {
                type_: Some("Recreate".to_owned()),
                rolling_update: None,
            }),
            template,
            ..Default::default()
        },
        status: None,
    })
}

/// The k8s-openapi CronJob carrying `pod`.
pub(crate) fn to_cron_job(
    pod: &k8s::Pod,
    schedule: &str,
    time_zone: Option<&str>,
    s: &JobSettings,
) -> batch::CronJob {
    batch::CronJob {
        metadata: outer_meta(pod),
        spec: batch::CronJobSpec {
            concurrency_policy: Some(CONCURRENCY_POLICY.to_owned()),
            job_template: batch::JobTemplateSpec {
                metadata: None,
                spec: Some(job_spec(pod, s)),
            },
            schedule: schedule.to_owned(),
            starting_deadline_seconds: Some(STARTING_DEADLINE_SECONDS),
            time_zone: time_zone.map(str::to_owned),
            ..Default::default()
        },
        status: None,
    }
}

fn carried_only<T: PartialEq + Default>(rest: T, what: &str) -> Result<()> {
    if rest == T::default() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Validation,
            format!(
                "cannot write {what}: it sets a field the writer does not carry (emit::workload)"
            ),
        ))
    }
}

fn object(api_version: &str, kind: &str, meta: &ObjectMeta, spec: Option<Value>) -> Result<Value> {
    let mut out = Map::new();
    out.insert("apiVersion".into(), api_version.into());
    out.insert("kind".into(), kind.into());
    out.insert("metadata".into(), meta_value(meta)?);
    if let Some(spec) = spec {
        out.insert("spec".into(), spec);
    }
    Ok(Value::Object(out))
}

fn template_value(t: &k8s::PodTemplateSpec) -> Result<Value> {
    let mut out = Map::new();
    if let Some(m) = &t.metadata {
        out.insert("metadata".into(), meta_value(m)?);
    }
    if let Some(s) = &t.spec {
        out.insert("spec".into(), spec_value(s)?);
    }
    Ok(Value::Object(out))
}

fn job_spec_value(s: &batch::JobSpec) -> Result<Value> {
    carried_only(
        batch::JobSpec {
            active_deadline_seconds: None,
            backoff_limit: None,
            template: k8s::PodTemplateSpec::default(),
            ttl_seconds_after_finished: None,
            ..s.clone()
        },
        "a job",
    )?;
    let mut out = Map::new();
    if let Some(v) = s.active_deadline_seconds {
        out.insert("activeDeadlineSeconds".into(), v.into());
    }
    if let Some(v) = s.backoff_limit {
        out.insert("backoffLimit".into(), v.into());
    }
    out.insert("template".into(), template_value(&s.template)?);
    if let Some(v) = s.ttl_seconds_after_finished {
        out.insert("ttlSecondsAfterFinished".into(), v.into());
    }
    Ok(Value::Object(out))
}

/// A Job as k8s-openapi writes it.
pub(crate) fn job_value(j: &batch::Job) -> Result<Value> {
    let spec = j.spec.as_ref().map(job_spec_value).transpose()?;
    object("batch/v1", "Job", &j.metadata, spec)
}

/// A Deployment as k8s-openapi writes it.
pub(crate) fn deployment_value(d: &apps::Deployment) -> Result<Value> {
    let s = &d.spec;
    carried_only(
        apps::DeploymentSpec {
            replicas: None,
            selector: LabelSelector::default(),
            strategy: None,
            template: k8s::PodTemplateSpec::default(),
            ..s.clone()
        },
        "a deployment",
    )?;
    let mut out = Map::new();
    if let Some(r) = s.replicas {
        out.insert("replicas".into(), r.into());
    }
    // Written by hand, not by k8s-openapi's serialisers of these types (wasm size): only the
    // fields set here, which `carried_only` above and the test below hold to.
    let mut selector = Map::new();
    if let Some(m) = &s.selector.match_labels {
        let labels: Map<String, Value> = m
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        selector.insert("matchLabels".into(), Value::Object(labels));
    }
    if s.selector.match_expressions.is_some() {
        return Err(Error::new(
            ErrorKind::Validation,
            "cannot write a deployment: matchExpressions are not carried (emit::workload)",
        ));
    }
    out.insert("selector".into(), Value::Object(selector));
    if let Some(st) = &s.strategy {
        if st.rolling_update.is_some() {
            return Err(Error::new(
                ErrorKind::Validation,
                "cannot write a deployment: rollingUpdate is not carried (emit::workload)",
            ));
        }
        let mut m = Map::new();
        if let Some(t) = &st.type_ {
            m.insert("type".into(), Value::String(t.clone()));
        }
        out.insert("strategy".into(), Value::Object(m));
    }
    out.insert("template".into(), template_value(&s.template)?);
    let spec = Some(Value::Object(out));
    object("apps/v1", "Deployment", &d.metadata, spec)
}

/// A CronJob as k8s-openapi writes it.
pub(crate) fn cron_job_value(c: &batch::CronJob) -> Result<Value> {
    let s = &c.spec;
    carried_only(
        batch::CronJobSpec {
            concurrency_policy: None,
            job_template: batch::JobTemplateSpec::default(),
            schedule: String::new(),
            starting_deadline_seconds: None,
            time_zone: None,
            ..s.clone()
        },
        "a cronjob",
    )?;
    carried_only(
        batch::JobTemplateSpec {
            spec: None,
            ..s.job_template.clone()
        },
        "a cronjob's job template",
    )?;
    let mut out = Map::new();
    if let Some(p) = &s.concurrency_policy {
        out.insert("concurrencyPolicy".into(), p.as_str().into());
    }
    let mut jt = Map::new();
    if let Some(js) = &s.job_template.spec {
        jt.insert("spec".into(), job_spec_value(js)?);
    }
    out.insert("jobTemplate".into(), Value::Object(jt));
    out.insert("schedule".into(), s.schedule.as_str().into());
    if let Some(d) = s.starting_deadline_seconds {
        out.insert("startingDeadlineSeconds".into(), d.into());
    }
    if let Some(z) = &s.time_zone {
        out.insert("timeZone".into(), z.as_str().into());
    }
    let spec = Some(Value::Object(out));
    object("batch/v1", "CronJob", &c.metadata, spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Params, build_scenario, scenarios};

    fn kinds() -> Vec<WorkloadKind> {
        let job = JobSettings {
            backoff_limit: 1,
            ttl_seconds_after_finished: Some(3600),
            active_deadline_seconds: Some(600),
        };
        vec![
            WorkloadKind::Job(job.clone()),
            WorkloadKind::Job(JobSettings {
                backoff_limit: 0,
                ttl_seconds_after_finished: None,
                active_deadline_seconds: None,
            }),
            WorkloadKind::Deployment { replicas: 2 },
            WorkloadKind::CronJob {
                schedule: "0 3 * * *".into(),
                time_zone: Some("Etc/UTC".into()),
                job,
            },
        ]
    }

    /// Every scenario (and its PersistentVolumeClaim variant where it has one) in every kind: the
    /// views write exactly what k8s-openapi's own serialisers write.
    #[test]
    fn views_write_what_k8s_openapi_writes() {
        let mut compared = 0;
        for info in scenarios() {
            let mut variants = vec![Params::new()];
            if info.params.iter().any(|p| p.name == "storage") {
                let mut p = Params::new();
                p.set("storage", "pvc").expect("pvc is accepted");
                variants.push(p);
            }
            for params in variants {
                let s = build_scenario(info.id, &params).expect("defaults build");
                let pod = crate::emit::pod::checked(&s.pod).expect("pod checks");
                for kind in kinds() {
                    let ours =
                        crate::emit::yaml(&value(&pod, &kind).expect("view writes")).expect("yaml");
                    let theirs = match &kind {
                        WorkloadKind::Pod => unreachable!(),
                        WorkloadKind::Job(j) => crate::emit::yaml(&to_job(&pod, j)),
                        WorkloadKind::Deployment { replicas } => {
                            crate::emit::yaml(&to_deployment(&pod, *replicas).expect("labels"))
                        }
                        WorkloadKind::CronJob {
                            schedule,
                            time_zone,
                            job,
                        } => crate::emit::yaml(&to_cron_job(
                            &pod,
                            schedule,
                            time_zone.as_deref(),
                            job,
                        )),
                    }
                    .expect("k8s-openapi writes");
                    assert_eq!(ours, theirs, "{} as {}", info.id, kind.kind());
                    compared += 1;
                }
            }
        }
        assert!(compared >= 40, "only {compared} compared");
    }

    #[test]
    fn controllers_set_the_restart_policy_and_strategy_they_require() {
        let mut p = Params::new();
        p.set("storage", "pvc").expect("pvc");
        let s = build_scenario("dind", &p).expect("dind");
        let pod = crate::emit::pod::checked(&s.pod).expect("pod");
        let d = to_deployment(&pod, 1).expect("deployment");
        let spec = d.spec;
        assert_eq!(
            spec.template.spec.and_then(|s| s.restart_policy).as_deref(),
            Some("Always")
        );
        assert_eq!(
            spec.strategy.and_then(|s| s.type_).as_deref(),
            Some("Recreate")
        );
        assert_eq!(spec.selector.match_labels, pod.metadata.labels);
        let linux = build_scenario("linux", &Params::new()).expect("linux");
        let lpod = crate::emit::pod::checked(&linux.pod).expect("pod");
        assert_eq!(
            lpod.spec.as_ref().and_then(|s| s.restart_policy.as_deref()),
            Some("Always")
        );
        let job = to_job(
            &lpod,
            &JobSettings {
                backoff_limit: 0,
                ttl_seconds_after_finished: None,
                active_deadline_seconds: None,
            },
        );
        let t = job.spec.expect("spec").template;
        assert_eq!(
            t.spec.and_then(|s| s.restart_policy).as_deref(),
            Some("Never")
        );
        assert_eq!(t.metadata.and_then(|m| m.name), None);
    }

    #[test]
    fn invalid_settings_are_refused() {
        let s = build_scenario("dind", &Params::new()).expect("dind");
        let pod = crate::emit::pod::checked(&s.pod).expect("pod");
        for bad in [
            WorkloadKind::Job(JobSettings {
                backoff_limit: -1,
                ttl_seconds_after_finished: None,
                active_deadline_seconds: None,
            }),
            WorkloadKind::Deployment { replicas: -1 },
            WorkloadKind::CronJob {
                schedule: "61 * * * *".into(),
                time_zone: None,
                job: JobSettings {
                    backoff_limit: 0,
                    ttl_seconds_after_finished: None,
                    active_deadline_seconds: Some(0),
                },
            },
        ] {
            assert!(value(&pod, &bad).is_err(), "{bad:?}");
        }
    }
}
