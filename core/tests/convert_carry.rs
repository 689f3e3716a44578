//! `dockscape convert` carries the settings a Pod has no field for into Compose and `docker run`
//! (`init`, `ulimits`, `stop_signal`, `devices`), the ones it has into their Kubernetes form
//! (`dnsConfig`, `/dev/shm`, `hostIP`), and reports for a Pod what it cannot write, with why.

use dockscape::{ConvertOptions, ConvertTarget, convert};
use serde_json::{Value, json};

fn conv(text: &str, target: ConvertTarget) -> dockscape::Conversion {
    let c = convert(text, target, &ConvertOptions::default()).unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    c
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// `(column, flag)` of every dropped flag, and the reasons.
fn dropped(c: &dockscape::Conversion) -> Vec<(u32, String)> {
    c.dropped
        .iter()
        .map(|d| (d.column, d.key_or_flag.clone()))
        .collect()
}

const LINE: &str = "docker run --init --dns 10.0.0.53 --dns-search corp.example --dns-option ndots:2 \
--shm-size 256m --ulimit nofile=1024:2048 --ulimit nproc=512 --stop-signal SIGINT \
--device /dev/ttyUSB0 --device /dev/fuse:/dev/fuse:rw -p 127.0.0.1:8080-8081:80-81/udp \
-p 9000-9001:9000-9001 --expose 7000-7001 --tmpfs /run:size=16m --mount type=tmpfs,dst=/scratch,tmpfs-size=64m \
--security-opt seccomp=unconfined busybox";

#[test]
fn compose_carries_what_a_docker_run_line_sets() {
    let c = conv(LINE, ConvertTarget::Compose);
    assert!(c.dropped.is_empty(), "{:?}", c.dropped);
    let v = yaml(&c.outputs[0].text);
    let s = &v["services"]["busybox"];
    let want = json!({
        "image": "busybox",
        "security_opt": ["seccomp=unconfined"],
        "ports": ["9000:9000", "9001:9001", "127.0.0.1:8080:80/udp", "127.0.0.1:8081:81/udp"],
        "expose": ["7000", "7001"],
        "volumes": [{"type": "tmpfs", "target": "/scratch", "tmpfs": {"size": "64m"}}],
        "tmpfs": ["/run:size=16m"],
        "init": true,
        "dns": ["10.0.0.53"],
        "dns_search": ["corp.example"],
        "dns_opt": ["ndots:2"],
        "devices": ["/dev/ttyUSB0", "/dev/fuse:/dev/fuse:rw"],
        "ulimits": {"nofile": {"soft": 1024, "hard": 2048}, "nproc": 512},
        "stop_signal": "SIGINT",
        "shm_size": "256m",
        "restart": "no",
    });
    assert_eq!(s, &want, "{}", c.outputs[0].text);
}

#[test]
fn a_pod_gets_dns_config_shm_and_host_ip_and_the_rest_is_reported_with_why() {
    let c = conv(LINE, ConvertTarget::Pod);
    let pod = c.outputs[0].text.split("\n---\n").next().unwrap();
    let v = yaml(pod);
    let spec = &v["spec"];
    assert_eq!(spec["dnsPolicy"], "None");
    assert_eq!(
        spec["dnsConfig"],
        json!({"nameservers": ["10.0.0.53"], "options": [{"name": "ndots", "value": "2"}], "searches": ["corp.example"]})
    );
    let k = &spec["containers"][0];
    assert_eq!(
        k["securityContext"],
        json!({"seccompProfile": {"type": "Unconfined"}}),
        "seccomp=unconfined alone must not switch AppArmor off"
    );
    let ports = k["ports"].as_array().unwrap();
    assert_eq!(ports.len(), 6, "{ports:?}");
    assert!(ports.contains(&json!({"containerPort": 80, "hostIP": "127.0.0.1", "hostPort": 8080, "protocol": "UDP"})), "{ports:?}");
    assert!(ports.contains(&json!({"containerPort": 81, "hostIP": "127.0.0.1", "hostPort": 8081, "protocol": "UDP"})), "{ports:?}");
    assert!(
        ports.contains(&json!({"containerPort": 9001, "protocol": "TCP"})),
        "{ports:?}"
    );
    let mounts = k["volumeMounts"].as_array().unwrap();
    let volumes = spec["volumes"].as_array().unwrap();
    let size_at = |path: &str| {
        let m = mounts.iter().find(|m| m["mountPath"] == path).unwrap();
        let vol = volumes.iter().find(|v| v["name"] == m["name"]).unwrap();
        assert_eq!(vol["emptyDir"]["medium"], "Memory", "{vol}");
        vol["emptyDir"]["sizeLimit"].clone()
    };
    assert_eq!(size_at("/dev/shm"), "256Mi");
    assert_eq!(size_at("/run"), "16Mi");
    assert_eq!(size_at("/scratch"), "64Mi");
    // the published ports without an address go to the Service, the bound ones do not
    let svc = yaml(c.outputs[0].text.split("\n---\n").nth(1).unwrap());
    let targets: Vec<&Value> = svc["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["targetPort"])
        .collect();
    assert_eq!(targets, [&json!(9000), &json!(9001)]);
    let d = dropped(&c);
    assert_eq!(
        d.iter().map(|(_, f)| f.as_str()).collect::<Vec<_>>(),
        [
            "--init",
            "--ulimit",
            "--ulimit",
            "--stop-signal",
            "--device",
            "--device"
        ],
        "{:?}",
        c.dropped
    );
    let why = |flag: &str| {
        c.dropped
            .iter()
            .find(|x| x.key_or_flag == flag)
            .unwrap()
            .reason
            .clone()
    };
    assert!(why("--init").contains("shareProcessNamespace` is not the same"));
    assert!(why("--stop-signal").contains("1.33"));
    assert!(why("--device").contains("privileged"));
    assert!(why("--ulimit").contains("no field in a Pod"));
    // kubernetes-validate would refuse a Pod without these: the Pod also passes its own checks
    assert!(c.errors.is_empty());
}

#[test]
fn run_carries_them_back_and_compose_input_gives_the_same_line() {
    let compose = conv(LINE, ConvertTarget::Compose);
    let sh = conv(&compose.outputs[0].text, ConvertTarget::Run);
    let script = &sh.outputs[0].text;
    for flag in [
        "--security-opt seccomp=unconfined",
        "-p 127.0.0.1:8080:80/udp",
        "-p 127.0.0.1:8081:81/udp",
        "-p 9000:9000",
        "--expose 7001",
        "--mount type=tmpfs,destination=/scratch,tmpfs-size=64m",
        "--tmpfs /run:size=16m",
        "--init",
        "--dns 10.0.0.53",
        "--dns-search corp.example",
        "--dns-option ndots:2",
        "--device /dev/ttyUSB0",
        "--device /dev/fuse:/dev/fuse:rw",
        "--ulimit nofile=1024:2048",
        "--ulimit nproc=512",
        "--stop-signal SIGINT",
        "--shm-size 256m",
    ] {
        assert!(script.contains(flag), "{flag} missing in\n{script}");
    }
    assert!(!script.contains("apparmor"), "{script}");
    assert!(sh.dropped.is_empty(), "{:?}", sh.dropped);
    // a Compose file read directly reports for a Pod what a Pod lacks, at its line
    let pod = conv(&compose.outputs[0].text, ConvertTarget::Pod);
    let keys: Vec<String> = pod.dropped.iter().map(|d| d.key_or_flag.clone()).collect();
    assert_eq!(
        keys,
        [
            "init",
            "devices",
            "devices",
            "ulimits.nofile",
            "ulimits.nproc",
            "stop_signal"
        ],
        "{:?}",
        pod.dropped
    );
    assert!(pod.dropped.iter().all(|d| d.line > 1));
}

#[test]
fn ranges_and_addresses_that_need_a_decision_are_reported() {
    for (flag, why) in [
        ("-p 127.0.0.1::80", "random host port"),
        ("-p 8080-8090:80", "Docker picks one"),
        ("-p 1-2000:1-2000", "more than 1024"),
        ("-p 80/sctp", "protocol"),
        ("--device vendor.com/gpu=all", "CDI"),
        ("--ulimit nofile=many", "NAME=SOFT"),
    ] {
        let c = conv(
            &format!("docker run {flag} busybox"),
            ConvertTarget::Compose,
        );
        assert_eq!(c.dropped.len(), 1, "{flag}: {:?}", c.dropped);
        assert!(c.dropped[0].reason.contains(why), "{flag}: {:?}", c.dropped);
    }
    let c = conv(
        "docker run -p [::1]:8080:80 busybox",
        ConvertTarget::Compose,
    );
    assert!(
        c.outputs[0].text.contains("[::1]:8080:80"),
        "{}",
        c.outputs[0].text
    );
}

const K8S: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  dnsPolicy: None
  dnsConfig:
    nameservers: [10.0.0.53]
    searches: [corp.example]
    options:
      - name: ndots
        value: "2"
      - name: edns0
  containers:
    - name: app
      image: nginx:1.27
      ports:
        - containerPort: 80
          hostPort: 8080
          hostIP: 127.0.0.1
      env:
        - name: POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        - name: PASSWORD
          valueFrom:
            secretKeyRef:
              name: db
              key: password
      readinessProbe:
        httpGet:
          path: /healthz
          port: 80
      livenessProbe:
        tcpSocket:
          port: 80
      volumeMounts:
        - name: shm
          mountPath: /dev/shm
        - name: cache
          mountPath: /var/cache/nginx
  volumes:
    - name: shm
      emptyDir:
        medium: Memory
        sizeLimit: 1Gi
    - name: cache
      emptyDir:
        medium: Memory
"#;

#[test]
fn kubernetes_dns_shm_tmpfs_and_host_ip_come_back_and_probes_and_value_from_are_reported() {
    let c = conv(K8S, ConvertTarget::Compose);
    let v = yaml(&c.outputs[0].text);
    let s = &v["services"]["app"];
    assert_eq!(s["dns"], json!(["10.0.0.53"]));
    assert_eq!(s["dns_search"], json!(["corp.example"]));
    assert_eq!(s["dns_opt"], json!(["ndots:2", "edns0"]));
    assert_eq!(s["shm_size"], "1g");
    assert_eq!(s["tmpfs"], json!(["/var/cache/nginx"]));
    assert_eq!(s["ports"], json!(["127.0.0.1:8080:80"]));
    assert!(s.get("volumes").is_none(), "{s}");
    assert!(v.get("volumes").is_none(), "{v}");
    let reasons: Vec<&str> = c.dropped.iter().map(|d| d.reason.as_str()).collect();
    assert_eq!(reasons.len(), 4, "{:?}", c.dropped);
    assert!(
        reasons[0].contains("(fieldRef `status.podIP`)") && reasons[0].contains("never invented")
    );
    assert!(reasons[1].contains("(secretKeyRef `db` key `password`)"));
    assert!(
        reasons[2].starts_with("an HTTP probe (`httpGet`)")
            && reasons[2].contains("a tool in the image")
    );
    assert!(reasons[3].starts_with("a TCP probe (`tcpSocket`)"));
    let lines: Vec<u32> = c.dropped.iter().map(|d| d.line).collect();
    assert_eq!(lines, [22, 26, 32, 36], "{:?}", c.dropped);
    // and back into a Pod: the same DNS settings, /dev/shm and tmpfs memory volumes
    let pod = conv(&c.outputs[0].text, ConvertTarget::Pod);
    let p = yaml(&pod.outputs[0].text);
    assert_eq!(p["spec"]["dnsPolicy"], "None");
    assert_eq!(
        p["spec"]["dnsConfig"]["options"][1],
        json!({"name": "edns0"})
    );
    let vols = p["spec"]["volumes"].as_array().unwrap();
    assert!(
        vols.iter()
            .any(|v| v["emptyDir"] == json!({"medium": "Memory", "sizeLimit": "1Gi"})),
        "{vols:?}"
    );
    assert_eq!(vols.len(), 2, "{vols:?}");
}

#[test]
fn a_fourth_name_server_is_kept_in_compose_and_reported_for_a_pod() {
    let line = "docker run --dns 1.1.1.1 --dns 8.8.8.8 --dns 9.9.9.9 --dns 10.0.0.53 busybox";
    let c = conv(line, ConvertTarget::Pod);
    let v = yaml(&c.outputs[0].text);
    assert_eq!(
        v["spec"]["dnsConfig"]["nameservers"],
        json!(["1.1.1.1", "8.8.8.8", "9.9.9.9"])
    );
    assert_eq!(dropped(&c), [(54, "--dns".to_owned())], "{:?}", c.dropped);
    let compose = conv(line, ConvertTarget::Compose);
    assert!(compose.dropped.is_empty());
    assert!(compose.outputs[0].text.contains("- 10.0.0.53"));
}

#[test]
fn dns_searches_alone_keep_the_cluster_policy() {
    let c = conv(
        "docker run --dns-search corp.example busybox",
        ConvertTarget::Pod,
    );
    let v = yaml(&c.outputs[0].text);
    assert!(v["spec"].get("dnsPolicy").is_none(), "{v}");
    assert_eq!(
        v["spec"]["dnsConfig"],
        json!({"searches": ["corp.example"]})
    );
}

const TWO: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostname: box
  securityContext:
    sysctls:
      - {name: net.ipv4.ip_unprivileged_port_start, value: "0"}
  initContainers:
    - name: migrate
      image: app:1
  containers:
    - name: app
      image: app:1
      ports:
        - containerPort: 8080
          hostPort: 8080
    - name: proxy
      image: nginx:1.27
      ports:
        - containerPort: 80
          hostPort: 80
        - containerPort: 9113
"#;

#[test]
fn a_multi_container_pod_shares_the_first_containers_network_namespace_in_compose() {
    let c = conv(TWO, ConvertTarget::Compose);
    let v = yaml(&c.outputs[0].text);
    let s = &v["services"];
    assert!(s["migrate"].get("network_mode").is_none(), "{v}");
    assert!(s["app"].get("network_mode").is_none(), "{v}");
    assert_eq!(s["proxy"]["network_mode"], "service:app", "{v}");
    // Docker refuses a joiner's own ports, hostname and network sysctls: the first one has them
    for key in ["ports", "expose", "hostname", "sysctls"] {
        assert!(s["proxy"].get(key).is_none(), "{key}: {v}");
    }
    assert_eq!(s["app"]["ports"], json!(["8080:8080", "80:80"]));
    assert_eq!(s["app"]["expose"], json!(["9113"]));
    assert_eq!(s["app"]["hostname"], "box");
    assert!(
        c.notes
            .iter()
            .any(|n| n.message.contains("network_mode: service:x"))
    );
    // and back: one Pod again, the init container first
    let pod = conv(&c.outputs[0].text, ConvertTarget::Pod);
    assert_eq!(pod.outputs.len(), 1, "{:?}", pod.outputs);
    let p = yaml(pod.outputs[0].text.split("\n---\n").next().unwrap());
    let names: Vec<&Value> = p["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(names, [&json!("app"), &json!("proxy")]);
    assert_eq!(p["spec"]["initContainers"][0]["name"], "migrate");
}

#[test]
fn cpu_shares_above_the_limit_are_a_request_at_the_limit_in_a_pod_with_a_note() {
    let line = "docker run --name busy --cpus 0.5 --cpu-shares 1024 busybox";
    let c = conv(line, ConvertTarget::Pod);
    let v = yaml(&c.outputs[0].text);
    assert_eq!(
        v["spec"]["containers"][0]["resources"],
        json!({"limits": {"cpu": "0.5"}, "requests": {"cpu": "0.5"}})
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.message.contains("is more than its limit of 0.5 CPUs")),
        "{:?}",
        c.notes
    );
    // Compose keeps both as Docker has them
    let compose = conv(line, ConvertTarget::Compose);
    assert!(
        compose.outputs[0].text.contains("cpu_shares: 1024"),
        "{}",
        compose.outputs[0].text
    );
}

#[test]
fn a_named_volume_keeps_its_engine_name_outside_kubernetes() {
    let line = "docker run -d --name jenkins -v jenkins_home:/var/jenkins_home jenkins/jenkins:lts";
    let compose = conv(line, ConvertTarget::Compose);
    let v = yaml(&compose.outputs[0].text);
    assert_eq!(
        v["services"]["jenkins"]["volumes"],
        json!(["jenkins_home:/var/jenkins_home"])
    );
    assert!(v["volumes"].get("jenkins_home").is_some(), "{v}");
    // the Pod's volume name is a DNS label
    let pod = conv(line, ConvertTarget::Pod);
    assert!(
        pod.outputs[0].text.contains("name: jenkins-home"),
        "{}",
        pod.outputs[0].text
    );
    let run = conv(&compose.outputs[0].text, ConvertTarget::Run);
    assert!(
        run.outputs[0]
            .text
            .contains("-v jenkins-jenkins_home:/var/jenkins_home"),
        "{}",
        run.outputs[0].text
    );
}

#[test]
fn a_stop_signal_and_hooks_from_kubernetes() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      lifecycle:\n        stopSignal: SIGQUIT\n        preStop:\n          exec:\n            command: [nginx, -s, quit]\n";
    let c = conv(pod, ConvertTarget::Compose);
    let v = yaml(&c.outputs[0].text);
    assert_eq!(v["services"]["app"]["stop_signal"], "SIGQUIT");
    assert_eq!(
        dropped(&c),
        [(9, "spec.containers[0].lifecycle.preStop".to_owned())],
        "{:?}",
        c.dropped
    );
}

const DOCKER_ONLY: &str = "docker run --name data -v /cache -v /srv/x:/x busybox\n\
docker run --name app --volumes-from data:ro --volumes-from other --userns host --cgroupns host \
--pids-limit 200 --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 busybox";

#[test]
fn userns_cgroupns_pids_logging_and_volumes_from_go_to_compose_and_back_and_are_reported_for_a_pod()
{
    let c = conv(DOCKER_ONLY, ConvertTarget::Compose);
    assert!(c.dropped.is_empty(), "{:?}", c.dropped);
    let compose = &c.outputs[0].text;
    let v = yaml(compose);
    // an anonymous volume stays one (a named volume would outlive the container and be shared)
    assert_eq!(
        v["services"]["data"]["volumes"],
        json!(["/cache", "/srv/x:/x"])
    );
    assert!(v.get("volumes").is_none(), "{compose}");
    let s = &v["services"]["app"];
    assert_eq!(s["userns_mode"], "host");
    assert_eq!(s["cgroup"], "host");
    assert_eq!(s["pids_limit"], 200);
    assert_eq!(
        s["logging"],
        json!({"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}})
    );
    // the service of the line named `data`; `other` is no line's: the container of that name
    assert_eq!(s["volumes_from"], json!(["data:ro", "container:other"]));
    let back = conv(compose, ConvertTarget::Run);
    assert!(back.dropped.is_empty(), "{:?}", back.dropped);
    let script = &back.outputs[0].text;
    for flag in [
        "--userns host",
        "--cgroupns host",
        "--pids-limit 200",
        "--log-driver json-file",
        "--log-opt max-size=10m",
        "--log-opt max-file=3",
        "--volumes-from data:ro",
        "--volumes-from other",
        "-v /cache ",
    ] {
        assert!(script.contains(flag), "{flag}:\n{script}");
    }
    assert!(!script.contains("volume create"), "{script}");
    let pod = conv(DOCKER_ONLY, ConvertTarget::Pod);
    let flags: Vec<String> = dropped(&pod).into_iter().map(|(_, f)| f).collect();
    for flag in [
        "--volumes-from",
        "--userns",
        "--cgroupns",
        "--pids-limit",
        "--log-driver",
        "--log-opt",
    ] {
        assert!(flags.iter().any(|f| f == flag), "{flag}: {flags:?}");
    }
    assert!(
        pod.dropped
            .iter()
            .all(|d| d.line == 2 && !d.reason.is_empty())
    );
    // from Compose a Pod reports each key at its line
    let from_compose = conv(compose, ConvertTarget::Pod);
    let keys: Vec<&str> = from_compose
        .dropped
        .iter()
        .map(|d| d.key_or_flag.as_str())
        .collect();
    for key in [
        "userns_mode",
        "cgroup",
        "pids_limit",
        "logging",
        "volumes_from",
    ] {
        assert!(keys.contains(&key), "{key}: {keys:?}");
    }
}
