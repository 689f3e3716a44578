//! `convert` of Compose and Kubernetes input, the flags the model now carries, and `--to run`.

use dockscape::{ComposeEnv, ConvertOptions, ConvertSource, ConvertTarget, Shell, convert};

fn conv(text: &str, target: ConvertTarget, options: &ConvertOptions) -> dockscape::Conversion {
    let c = convert(text, target, options).unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    c
}

fn opts() -> ConvertOptions {
    ConvertOptions::default()
}

const COMPOSE: &str = "\
services:
  migrate:
    image: app:${TAG:-1.0}
    command: [migrate, --up]
  web:
    image: nginx:1.27
    ports: [\"8080:80\"]
    cap_add: [NET_ADMIN]
    extra_hosts: [\"db.local:10.0.0.5\"]
    hostname: web1
    working_dir: /srv
    read_only: true
    healthcheck:
      test: curl -f http://localhost/
      interval: 10s
      timeout: 2s
      retries: 5
      start_period: 4s
    depends_on:
      migrate:
        condition: service_completed_successfully
    logging: {driver: json-file}
  sidecar:
    image: busybox
    network_mode: service:web
    command: sleep 3600
";

#[test]
fn compose_services_become_pods_with_init_containers_probes_aliases_and_a_service() {
    let c = conv(COMPOSE, ConvertTarget::Pod, &opts());
    assert_eq!(
        c.outputs.len(),
        1,
        "sidecar joins web, migrate is its init container"
    );
    let y = &c.outputs[0].text;
    for want in [
        "initContainers:\n  - args:\n    - migrate\n    - --up\n    image: app:1.0\n    name: migrate",
        "hostAliases:\n  - hostnames:\n    - db.local\n    ip: 10.0.0.5",
        "hostname: web1",
        "capabilities:\n        add:\n        - NET_ADMIN",
        "readOnlyRootFilesystem: true",
        "workingDir: /srv",
        "- /bin/sh\n        - -c\n        - curl -f http://localhost/\n      failureThreshold: 5\n      initialDelaySeconds: 4\n      periodSeconds: 10\n      timeoutSeconds: 2",
        "name: sidecar",
        "kind: Service",
        "port: 8080",
        "targetPort: 80",
    ] {
        assert!(y.contains(want), "missing {want:?} in\n{y}");
    }
    // the key without a counterpart is reported at its line and column
    let d: Vec<(u32, u32, &str)> = c
        .dropped
        .iter()
        .map(|d| (d.line, d.column, d.key_or_flag.as_str()))
        .collect();
    assert_eq!(d, [(22, 5, "logging")]);
    // the unset variable is read at its default, with a note at its position
    assert!(
        c.notes
            .iter()
            .any(|n| n.line == 3 && n.message.contains("`TAG`")),
        "{:?}",
        c.notes
    );
}

#[test]
fn compose_variables_come_from_the_env_given() {
    let mut env = ComposeEnv::new();
    env.set("TAG", "2.5");
    let o = ConvertOptions { env, ..opts() };
    let c = conv(COMPOSE, ConvertTarget::Pod, &o);
    assert!(c.outputs[0].text.contains("image: app:2.5"));
    assert!(!c.notes.iter().any(|n| n.message.contains("`TAG`")));
}

#[test]
fn pod_option_groups_services_into_one_pod() {
    let text = "services:\n  a:\n    image: x\n  b:\n    image: y\n  c:\n    image: z\n";
    let c = conv(text, ConvertTarget::Pod, &opts());
    assert_eq!(c.outputs.len(), 3);
    let o = ConvertOptions {
        pods: vec![("ab".into(), vec!["a".into(), "b".into()])],
        ..opts()
    };
    let c = conv(text, ConvertTarget::Pod, &o);
    let names: Vec<&str> = c.outputs.iter().map(|o| o.file_name.as_str()).collect();
    assert_eq!(names, ["ab.pod.yaml", "c.pod.yaml"]);
    assert!(c.outputs[0].text.contains("name: a\n") && c.outputs[0].text.contains("name: b\n"));
    // a service that is not there is an error, the rest still converts
    let o = ConvertOptions {
        pods: vec![("ab".into(), vec!["a".into(), "nope".into()])],
        ..opts()
    };
    let c = convert(text, ConvertTarget::Pod, &o).unwrap();
    assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
    assert_eq!(c.outputs.len(), 3);
}

#[test]
fn a_service_without_image_is_an_error_with_its_position_and_the_rest_converts() {
    let text = "services:\n  a:\n    build: .\n  b:\n    image: y\n";
    let c = convert(text, ConvertTarget::Pod, &opts()).unwrap();
    assert_eq!(c.outputs.len(), 1);
    let e = &c.errors[0];
    assert!(e.message().contains("`a` has no `image`"), "{e:?}");
    let l = e.location().unwrap();
    assert_eq!((l.line, l.column), (3, 5));
}

const K8S: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      hostAliases:
      - ip: 10.0.0.5
        hostnames: [db.local]
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        readinessProbe:
          exec:
            command: [/bin/sh, -c, curl -f localhost]
          periodSeconds: 5
        securityContext:
          capabilities:
            drop: [ALL]
            add: [NET_BIND_SERVICE]
        lifecycle:
          preStop:
            exec:
              command: [sleep, '5']
        volumeMounts:
        - name: sock
          mountPath: /var/run/docker.sock
      volumes:
      - name: sock
        hostPath:
          path: /var/run/docker.sock
          type: Socket
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 8080
    targetPort: 80
";

#[test]
fn kubernetes_workloads_become_compose_services_published_by_their_service() {
    let c = conv(K8S, ConvertTarget::default_for(ConvertSource::K8s), &opts());
    let y = &c.outputs[0].text;
    for want in [
        "  web:\n    image: nginx:1.27",
        "cap_add:\n    - NET_BIND_SERVICE\n    cap_drop:\n    - ALL",
        "extra_hosts:\n    - db.local=10.0.0.5",
        "ports:\n    - \"8080:80\"",
        "- CMD-SHELL\n      - curl -f localhost\n      interval: 5s",
        "- /var/run/docker.sock:/var/run/docker.sock",
        "restart: always",
    ] {
        assert!(y.contains(want), "missing {want:?} in\n{y}");
    }
    let d: Vec<(u32, u32, &str)> = c
        .dropped
        .iter()
        .map(|d| (d.line, d.column, d.key_or_flag.as_str()))
        .collect();
    assert_eq!(
        d,
        [
            (6, 3, "spec.replicas"),
            (30, 11, "spec.template.spec.containers[0].lifecycle.preStop")
        ]
    );
    // the socket mount is linted in the output
    assert!(
        c.findings.iter().any(|f| f.code == "DS001"),
        "{:?}",
        c.findings
    );
}

#[test]
fn an_object_without_containers_is_an_error_and_the_rest_converts() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: empty}\nspec:\n  containers: []\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec:\n  containers:\n  - {name: a, image: busybox}\n";
    let c = convert(text, ConvertTarget::Compose, &opts()).unwrap();
    assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
    assert!(c.errors[0].message().contains("has no containers"));
    assert!(c.outputs[0].text.contains("  a:\n    image: busybox"));
}

#[test]
fn run_flags_the_model_now_carries_are_mapped_not_dropped() {
    let line = "docker run --add-host db:10.0.0.5 --cap-add NET_ADMIN --health-cmd 'pg_isready' \
        --health-interval 1m30s --health-retries 4 --hostname h1 -w /app --read-only -it \
        --network host --pid host --ipc host --stop-timeout 20 postgres:16";
    let c = conv(line, ConvertTarget::Pod, &opts());
    assert!(c.dropped.is_empty(), "{:?}", c.dropped);
    let y = &c.outputs[0].text;
    for want in [
        "hostAliases:\n  - hostnames:\n    - db\n    ip: 10.0.0.5",
        "add:\n        - NET_ADMIN",
        "- pg_isready\n      failureThreshold: 4\n      periodSeconds: 90\n      timeoutSeconds: 30",
        "hostname: h1",
        "workingDir: /app",
        "readOnlyRootFilesystem: true",
        "stdin: true",
        "tty: true",
        "hostNetwork: true",
        "hostPID: true",
        "hostIPC: true",
        "terminationGracePeriodSeconds: 20",
    ] {
        assert!(y.contains(want), "missing {want:?} in\n{y}");
    }
    // and back into a docker run line with the same flags
    let r = conv(line, ConvertTarget::Run, &opts());
    let s = &r.outputs[0].text;
    for want in [
        "--add-host db:10.0.0.5",
        "--cap-add NET_ADMIN",
        "--health-cmd pg_isready",
        "--health-interval 90s",
        "--health-retries 4",
        "--hostname h1",
        "--workdir /app",
        "--read-only",
        "--tty",
        "--interactive",
        "--network host",
        "--pid host",
        "--ipc host",
        "--stop-timeout 20",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
}

#[test]
fn health_settings_without_a_command_are_reported() {
    let c = conv(
        "docker run --health-retries 3 busybox",
        ConvertTarget::Pod,
        &opts(),
    );
    assert_eq!(c.dropped.len(), 1, "{:?}", c.dropped);
    assert!(c.dropped[0].reason.contains("--health-cmd"));
}

#[test]
fn to_run_writes_each_shell() {
    let line = "docker run -d --name web -e 'MSG=it'\"'\"'s $HOME' -p 8080:80 nginx:1.27";
    for (shell, want) in [
        (Shell::Sh, r"-e 'MSG=it'\''s $HOME'"),
        (Shell::Powershell, "docker run -d --name web"),
        (Shell::Cmd, "@echo off"),
        (Shell::Gitbash, "MSYS_NO_PATHCONV=1"),
    ] {
        let o = ConvertOptions {
            shell: Some(shell),
            ..opts()
        };
        let c = conv(line, ConvertTarget::Run, &o);
        assert_eq!(c.outputs[0].file_name, format!("run.{}", shell.extension()));
        assert!(
            c.outputs[0].text.contains(want),
            "{shell:?}: {}",
            c.outputs[0].text
        );
        assert!(c.outputs[0].text.contains("-p 8080:80"));
    }
}

#[test]
fn a_chain_of_network_namespaces_is_one_pod_whatever_the_order() {
    let text = "services:\n  a:\n    image: x\n    network_mode: service:b\n  b:\n    image: y\n    network_mode: service:c\n  c:\n    image: z\n";
    let c = conv(text, ConvertTarget::Pod, &opts());
    assert_eq!(c.outputs.len(), 1, "{:?}", c.outputs);
    let y = &c.outputs[0].text;
    for n in ["name: a\n", "name: b\n", "name: c\n"] {
        assert!(y.contains(n), "{n} missing in {y}");
    }
}

#[test]
fn kubectl_last_applied_annotation_is_dropped_not_made_a_label() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{\"kind\":\"Pod\"}'\n    team: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n";
    let c = conv(
        pod,
        ConvertTarget::Compose,
        &ConvertOptions {
            from: Some(ConvertSource::K8s),
            ..opts()
        },
    );
    let compose = &c.outputs[0].text;
    assert!(compose.contains("team: web"), "{compose}");
    assert!(!compose.contains("last-applied"), "{compose}");
    let d = c
        .dropped
        .iter()
        .find(|d| d.key_or_flag.contains("last-applied-configuration"))
        .unwrap_or_else(|| panic!("{:?}", c.dropped));
    assert_eq!((d.line, d.column), (6, 55));
}
