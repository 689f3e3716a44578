//! `dockscape::convert` on `docker run` lines: what is carried, what is reported, what is refused.

use dockscape::{ConvertOptions, ConvertSource, ConvertTarget, convert};

fn conv(text: &str, target: ConvertTarget) -> dockscape::Conversion {
    convert(text, target, &ConvertOptions::default()).unwrap()
}

#[test]
fn detects_the_input_kind_and_picks_the_natural_target() {
    assert_eq!(
        ConvertSource::detect("docker run nginx"),
        ConvertSource::Run
    );
    assert_eq!(
        ConvertSource::detect("services:\n  a:\n    image: x\n"),
        ConvertSource::Compose
    );
    assert_eq!(
        ConvertSource::detect("apiVersion: v1\nkind: Pod\n"),
        ConvertSource::K8s
    );
    assert_eq!(
        ConvertTarget::default_for(ConvertSource::Run),
        ConvertTarget::Compose
    );
    assert_eq!(
        ConvertTarget::default_for(ConvertSource::Compose),
        ConvertTarget::Pod
    );
    assert_eq!(
        ConvertTarget::default_for(ConvertSource::K8s),
        ConvertTarget::Compose
    );
}

#[test]
fn compose_input_is_detected_and_read() {
    let c = convert(
        "services:\n  a:\n    image: x\n",
        ConvertTarget::Pod,
        &ConvertOptions::default(),
    )
    .unwrap();
    assert_eq!(c.outputs.len(), 1);
    assert!(c.outputs[0].text.contains("image: x"), "{:?}", c.outputs);
}

#[test]
fn each_line_is_its_own_service_and_pod() {
    let text = "docker run --name a nginx:1.27\ndocker run --name b redis:7\n";
    let c = conv(text, ConvertTarget::Compose);
    assert_eq!(c.outputs.len(), 1);
    let y = &c.outputs[0].text;
    assert!(y.contains("  a:\n") && y.contains("  b:\n"), "{y}");
    assert!(
        !y.contains("depends_on"),
        "independent lines must not depend on each other: {y}"
    );
    let p = conv(text, ConvertTarget::Pod);
    let names: Vec<&str> = p.outputs.iter().map(|o| o.file_name.as_str()).collect();
    assert_eq!(names, ["a.pod.yaml", "b.pod.yaml"]);
}

#[test]
fn socket_mount_becomes_hostpath_socket_and_is_linted() {
    let c = conv(
        "docker run -v /var/run/docker.sock:/var/run/docker.sock docker:27-cli",
        ConvertTarget::Pod,
    );
    let y = &c.outputs[0].text;
    assert!(
        y.contains("path: /var/run/docker.sock\n      type: Socket"),
        "{y}"
    );
    assert!(
        c.findings.iter().any(|f| f.code == "DS001"),
        "{:?}",
        c.findings
    );
}

#[test]
fn host_path_type_follows_the_path_shape() {
    let c = conv(
        "docker run -v /srv/app.conf:/etc/app.conf -v /srv/data:/data --mount type=bind,src=/srv/www,dst=/www busybox",
        ConvertTarget::Pod,
    );
    let y = &c.outputs[0].text;
    assert!(y.contains("path: /srv/app.conf\n      type: File"), "{y}");
    assert!(
        y.contains("path: /srv/data\n      type: DirectoryOrCreate"),
        "{y}"
    );
    assert!(y.contains("path: /srv/www\n      type: Directory\n"), "{y}");
}

#[test]
fn every_flag_not_carried_is_reported_with_its_position() {
    let c = conv(
        "docker run -d \\\n  --oom-kill-disable --label-file l busybox",
        ConvertTarget::Compose,
    );
    let d: Vec<(u32, u32, &str)> = c
        .dropped
        .iter()
        .map(|d| (d.line, d.column, d.key_or_flag.as_str()))
        .collect();
    assert_eq!(
        d,
        [
            (1, 12, "-d"),
            (2, 3, "--oom-kill-disable"),
            (2, 22, "--label-file")
        ]
    );
    assert!(c.dropped.iter().all(|d| !d.reason.is_empty()));
}

#[test]
fn shell_expansions_are_kept_verbatim_with_a_note() {
    let c = conv(
        "docker run -e TOKEN=$TOKEN busybox echo \"$(date)\"",
        ConvertTarget::Pod,
    );
    let y = &c.outputs[0].text;
    assert!(y.contains("value: $TOKEN"), "{y}");
    assert!(y.contains("$(date)"), "{y}");
    assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
}

#[test]
fn units_and_security_map_to_kubernetes_fields() {
    let c = conv(
        "docker run -m 1g --memory-reservation 512m --cpus 2 --cpu-shares 1024 --cap-drop all -u 10:20 --sysctl net.core.somaxconn=1024 busybox",
        ConvertTarget::Pod,
    );
    let y = &c.outputs[0].text;
    for want in [
        "memory: 1Gi",
        "memory: 512Mi",
        "cpu: \"2\"",
        "cpu: 1000m",
        "- ALL",
        "runAsUser: 10",
        "runAsGroup: 20",
        "name: net.core.somaxconn",
    ] {
        assert!(y.contains(want), "{want} missing in {y}");
    }
}

#[test]
fn bad_lines_are_errors_with_positions_and_the_rest_converts() {
    let c = conv(
        "docker run --nope x\ndocker run --name ok busybox\n",
        ConvertTarget::Compose,
    );
    assert_eq!(c.errors.len(), 1);
    let l = c.errors[0].location().unwrap();
    assert_eq!((l.line, l.column), (1, 12));
    assert!(c.outputs[0].text.contains("  ok:\n"));
}

#[test]
fn workloads_use_the_workload_emitter() {
    let text = "docker run --name nightly --restart always busybox true";
    for (t, kind) in [
        (ConvertTarget::Deployment, "kind: Deployment"),
        (ConvertTarget::Job, "kind: Job"),
        (ConvertTarget::CronJob, "kind: CronJob"),
    ] {
        let c = conv(text, t);
        assert!(c.outputs[0].text.contains(kind), "{}", c.outputs[0].text);
    }
}

#[test]
fn a_pod_the_api_server_would_refuse_is_an_error_and_the_rest_converts() {
    // docker accepts a variable name that starts with a digit; Kubernetes refuses it (shares
    // above the CPU limit, which Kubernetes refuses too, become a request at the limit:
    // convert_carry.rs)
    let c = conv(
        "docker run --name bad -e 1BAD=x busybox\ndocker run --name good busybox\n",
        ConvertTarget::Pod,
    );
    assert_eq!(c.outputs.len(), 1);
    assert_eq!(c.outputs[0].file_name, "good.pod.yaml");
    assert!(
        c.errors[0].message().contains("`bad` cannot be a Pod"),
        "{:?}",
        c.errors
    );
}

#[test]
fn an_unquoted_command_substitution_is_kept_verbatim_with_a_note_not_guessed() {
    // the shell reader (read/shell.rs) reads `$(...)` as sh does: one word, kept as written
    let c = conv("docker run busybox echo $(date)", ConvertTarget::Pod);
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    let pod = &c.outputs[0].text;
    assert!(pod.contains("- $(date)"), "{pod}");
    assert!(
        c.notes.iter().any(|n| format!("{n:?}").contains("$(date)")),
        "{:?}",
        c.notes
    );
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        "docker",
        "docker run",
        "docker run -",
        "docker run -v",
        "docker run -v ::: x",
        "docker run -p a:b:c:d x",
        "docker run --mount , x",
        "docker run -m 5q x",
        "docker run -u a:b x",
        "docker run --name ___ x",
        "\"unterminated",
    ] {
        let _ = convert(text, ConvertTarget::Pod, &ConvertOptions::default());
        let _ = convert(text, ConvertTarget::Compose, &ConvertOptions::default());
    }
}

#[test]
fn numeric_group_add_is_carried_in_every_format_and_a_group_name_is_reported() {
    let line = "docker run --group-add 2375 --group-add docker --group-add 999 busybox";
    let pod = conv(line, ConvertTarget::Pod);
    let y = &pod.outputs[0].text;
    assert!(
        y.contains("supplementalGroups:\n    - 2375\n    - 999"),
        "{y}"
    );
    let d: Vec<(u32, &str)> = pod
        .dropped
        .iter()
        .map(|d| (d.column, d.key_or_flag.as_str()))
        .collect();
    assert_eq!(d, [(29, "--group-add")], "{:?}", pod.dropped);
    let compose = conv(line, ConvertTarget::Compose);
    let y = &compose.outputs[0].text;
    assert!(y.contains("group_add:\n    - 2375\n    - 999"), "{y}");
    // back from Compose and from the Pod: the same two gids, as flags and as a Pod field
    let run = conv(y, ConvertTarget::Run);
    let sh = &run.outputs[0].text;
    assert!(sh.contains("--group-add 2375 --group-add 999"), "{sh}");
    let from_pod = conv(&pod.outputs[0].text, ConvertTarget::Compose);
    assert!(from_pod.dropped.is_empty(), "{:?}", from_pod.dropped);
    assert!(
        from_pod.outputs[0]
            .text
            .contains("group_add:\n    - 2375\n    - 999"),
        "{}",
        from_pod.outputs[0].text
    );
}

#[test]
fn labels_become_annotations_and_compose_labels_and_a_refused_key_is_reported() {
    let line = "docker run --label com.example.team=web --label 'bad key=x' --label flag busybox";
    let pod = conv(line, ConvertTarget::Pod);
    let y = &pod.outputs[0].text;
    assert!(
        y.contains("annotations:\n    com.example.team: web\n    flag: \"\""),
        "{y}"
    );
    let d: Vec<(u32, &str)> = pod
        .dropped
        .iter()
        .map(|d| (d.column, d.key_or_flag.as_str()))
        .collect();
    assert_eq!(d, [(41, "--label")], "{:?}", pod.dropped);
    let compose = conv(line, ConvertTarget::Compose);
    let y = &compose.outputs[0].text;
    assert!(
        y.contains("labels:\n      com.example.team: web\n      flag: \"\""),
        "{y}"
    );
    let run = conv(y, ConvertTarget::Run);
    let sh = &run.outputs[0].text;
    assert!(
        sh.contains("--label com.example.team=web --label flag="),
        "{sh}"
    );
    // the Pod's annotations come back as Compose labels
    let from_pod = conv(&pod.outputs[0].text, ConvertTarget::Compose);
    let y = &from_pod.outputs[0].text;
    assert!(y.contains("labels:\n      com.example.team: web"), "{y}");
    let bad = conv(
        "docker run --label Example.com/x=1 --label a/-b=1 --label a.b/c=1 busybox",
        ConvertTarget::Pod,
    );
    let cols: Vec<u32> = bad.dropped.iter().map(|d| d.column).collect();
    assert_eq!(cols, [12, 36], "{:?}", bad.dropped);
}
