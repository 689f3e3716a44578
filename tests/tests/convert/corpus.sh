# docker run lines for `dockscape convert` tests, as READMEs and people write them (databases, CI
# runners, Docker-outside-of-Docker tools, web servers, monitoring, self-hosted apps, one-shot tools):
# each converted output must pass the real tools (tests/tests/convert_real_tools.rs).
docker run -d --name web --restart always -p 8080:80 -p 53:53/udp --expose 9000 nginx:1.27
docker run --rm -e A=1 -e "B=two words" -w /src alpine:3.20 sh -c 'echo "$A"'
docker run -d --name dood -v /var/run/docker.sock:/var/run/docker.sock:ro docker:27-cli docker ps
docker run --name data -v data:/data -v /srv/conf/app.conf:/etc/app.conf:ro -v /cache busybox:1.36 true
docker run --name m --mount type=bind,source=/srv/www,target=/www,readonly --mount type=tmpfs,target=/tmp,tmpfs-size=64m --tmpfs /run:size=16m busybox:1.36 true
docker run --name limited --cpus 1.5 --cpu-shares 512 -m 512m --memory-reservation 256m busybox:1.36 true
docker run --name sec --cap-drop ALL -u 1000:1000 --security-opt no-new-privileges --sysctl net.ipv4.ip_unprivileged_port_start=0 busybox:1.36 true
docker run --name alias --entrypoint /bin/sh --restart on-failure:3 busybox:1.36 -c true
docker container create --name created --privileged docker:27-dind
docker --host unix:///tmp/x.sock run --name globals busybox:1.36 true
docker run -d --name pg --add-host db.local:10.0.0.5 --add-host cache:10.0.0.6 --cap-add NET_ADMIN --health-cmd 'pg_isready -U postgres' --health-interval 1m30s --health-retries 4 --health-timeout 5s --health-start-period 10s postgres:16
docker run -d --name shell -it -w /work --hostname box --read-only --stop-timeout 20 busybox:1.36 sh
docker run -d --name hostns --network host --pid host --ipc host busybox:1.36 sleep 1000
docker run --name groups --group-add 2375 --group-add 999 --label com.example.team=web --label "com.example.note=two words" busybox:1.36 id
docker run -d --name tools --init --dns 10.0.0.53 --dns-search corp.example --dns-option ndots:2 --shm-size 256m --ulimit nofile=1024:2048 --ulimit nproc=512 --stop-signal SIGINT --device /dev/fuse --device /dev/net/tun:/dev/net/tun:rw --security-opt seccomp=unconfined busybox:1.36 sleep 1000
docker run -d --name ranges -p 127.0.0.1:8080-8081:80-81/udp -p 9000-9001:9000-9001 --expose 7000-7001 --tmpfs /run:size=16m --tmpfs /var/cache --mount type=tmpfs,dst=/scratch,tmpfs-size=64m,tmpfs-mode=1770 --security-opt apparmor=unconfined nginx:1.27
# Databases and caches, as their READMEs start them.
docker run -d --name postgres --restart unless-stopped -e POSTGRES_PASSWORD=example -e POSTGRES_DB=app -p 5432:5432 -v pgdata:/var/lib/postgresql/data postgres:16
docker run -d --name postgres-tuned --shm-size 256m -e POSTGRES_PASSWORD=example -v /srv/postgres/data:/var/lib/postgresql/data postgres:16-alpine -c shared_buffers=256MB -c max_connections=200
docker run -d --name postgres-local -p 127.0.0.1:5433:5432 -e POSTGRES_HOST_AUTH_METHOD=trust --health-cmd 'pg_isready -U postgres' --health-interval 10s --health-retries 5 postgres:15
docker run -d --name mysql --restart always -e MYSQL_ROOT_PASSWORD=secret -e MYSQL_DATABASE=wordpress -p 3306:3306 -v mysql-data:/var/lib/mysql mysql:8.4
docker run -d --name mysql-utf8 -e MYSQL_ALLOW_EMPTY_PASSWORD=yes -v /srv/mysql/conf.d:/etc/mysql/conf.d:ro mysql:8.0 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
docker run -d --name mariadb -e MARIADB_ROOT_PASSWORD=secret -e MARIADB_AUTO_UPGRADE=1 -v mariadb:/var/lib/mysql --ulimit nofile=65535:65535 mariadb:11
docker run -d --name mongo -p 27017:27017 -e MONGO_INITDB_ROOT_USERNAME=root -e MONGO_INITDB_ROOT_PASSWORD=example -v mongo-data:/data/db mongo:7
docker run -d --name mongo-rs --hostname mongo1 -p 127.0.0.1:27018:27017 mongo:7 --replSet rs0 --bind_ip_all
docker run -d --name redis -p 6379:6379 --restart always redis:7-alpine
docker run -d --name redis-persist -v /srv/redis:/data --sysctl net.core.somaxconn=1024 redis:7 redis-server --appendonly yes --requirepass secret
docker run -d --name redis-stack -p 6380:6379 -p 8001:8001 redis/redis-stack:latest
docker run -d --name valkey --memory 256m --cpus 0.5 valkey/valkey:8
docker run -d --name memcached -p 11211:11211 memcached:1.6 memcached -m 64
docker run -d --name elasticsearch -p 9200:9200 -p 9300:9300 -e discovery.type=single-node -e ES_JAVA_OPTS=-Xms512m --ulimit memlock=-1:-1 --ulimit nofile=65536:65536 -m 2g docker.elastic.co/elasticsearch/elasticsearch:8.15.0
docker run -d --name opensearch -p 9201:9200 -e discovery.type=single-node -e DISABLE_SECURITY_PLUGIN=true --ulimit nofile=65536:65536 opensearchproject/opensearch:2
docker run -d --name kibana -p 5601:5601 -e ELASTICSEARCH_HOSTS=http://elasticsearch:9200 docker.elastic.co/kibana/kibana:8.15.0
docker run -d --name cassandra -p 9042:9042 -e CASSANDRA_CLUSTER_NAME=dev -v cassandra:/var/lib/cassandra cassandra:5
docker run -d --name influxdb -p 8086:8086 -v influxdb2:/var/lib/influxdb2 -e DOCKER_INFLUXDB_INIT_MODE=setup -e DOCKER_INFLUXDB_INIT_USERNAME=admin -e DOCKER_INFLUXDB_INIT_PASSWORD=changeme123 -e DOCKER_INFLUXDB_INIT_ORG=org -e DOCKER_INFLUXDB_INIT_BUCKET=metrics influxdb:2
docker run -d --name clickhouse -p 8123:8123 -p 9000:9000 --ulimit nofile=262144:262144 -v clickhouse:/var/lib/clickhouse clickhouse/clickhouse-server:24
docker run -d --name couchdb -p 5984:5984 -e COUCHDB_USER=admin -e COUCHDB_PASSWORD=password couchdb:3
docker run -d --name neo4j -p 7474:7474 -p 7687:7687 -e NEO4J_AUTH=neo4j/password -v /srv/neo4j/data:/data neo4j:5
docker run -d --name cockroach -p 26257:26257 -p 8080:8080 cockroachdb/cockroach:v24.1.0 start-single-node --insecure
docker run -d --name etcd -p 2379:2379 -e ALLOW_NONE_AUTHENTICATION=yes bitnami/etcd:3.5
docker run -d --name zookeeper -p 2181:2181 --restart always zookeeper:3.9
docker run -d --name kafka -p 9092:9092 -e KAFKA_NODE_ID=1 -e KAFKA_PROCESS_ROLES=broker,controller -e KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093 -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@localhost:9093 apache/kafka:3.8.0
docker run -d --name rabbitmq --hostname rabbit -p 5672:5672 -p 15672:15672 -e RABBITMQ_DEFAULT_USER=user -e RABBITMQ_DEFAULT_PASS=password rabbitmq:3-management
docker run -d --name nats -p 4222:4222 -p 8222:8222 nats:2.10 -js
docker run -d --name minio -p 9000-9001:9000-9001 -e MINIO_ROOT_USER=admin -e MINIO_ROOT_PASSWORD=changeme123 -v /srv/minio:/data quay.io/minio/minio server /data --console-address :9001
docker run -d --name mssql -e ACCEPT_EULA=Y -e 'MSSQL_SA_PASSWORD=YourStrong!Passw0rd' -p 1433:1433 mcr.microsoft.com/mssql/server:2022-latest
docker run -d --name oracle-free -p 1521:1521 -e ORACLE_PASSWORD=secret --shm-size 1g gvenzl/oracle-free:23-slim
docker run -d --name timescale -p 5434:5432 -e POSTGRES_PASSWORD=password timescale/timescaledb:latest-pg16
docker run -d --name pgbouncer -p 6432:6432 -e DATABASE_URL=postgres://app:secret@postgres:5432/app edoburu/pgbouncer:latest
docker run -d --name adminer -p 8081:8080 --link postgres:db adminer:4
docker run -d --name pgadmin -p 5050:80 -e PGADMIN_DEFAULT_EMAIL=admin@example.com -e PGADMIN_DEFAULT_PASSWORD=admin dpage/pgadmin4:8
docker run -d --name phpmyadmin -p 8082:80 -e PMA_HOST=mysql -e PMA_ARBITRARY=1 phpmyadmin:5
docker run -d --name redisinsight -p 5540:5540 -v redisinsight:/data redis/redisinsight:latest
docker run -d --name mongo-express -p 8083:8081 -e ME_CONFIG_MONGODB_URL=mongodb://root:example@mongo:27017/ mongo-express:1
# CI runners and agents: most of them drive the host's Docker daemon through its socket.
docker run -d --name gitlab-runner --restart always -v /srv/gitlab-runner/config:/etc/gitlab-runner -v /var/run/docker.sock:/var/run/docker.sock gitlab/gitlab-runner:latest
docker run --rm --name gitlab-runner-register -v /srv/gitlab-runner/config:/etc/gitlab-runner gitlab/gitlab-runner:latest register --non-interactive --url https://gitlab.example.com --token glrt-xxxx --executor docker --docker-image alpine:3.20
docker run -d --name jenkins -p 8084:8080 -p 50000:50000 -v jenkins_home:/var/jenkins_home --restart on-failure jenkins/jenkins:lts-jdk17
docker run -d --name jenkins-dood -p 8085:8080 -v jenkins_home2:/var/jenkins_home -v /var/run/docker.sock:/var/run/docker.sock -v /usr/bin/docker:/usr/bin/docker:ro --group-add 999 jenkins/jenkins:lts
docker run -d --name jenkins-agent --init -e JENKINS_URL=http://jenkins:8080 -e JENKINS_SECRET=abc -e JENKINS_AGENT_NAME=agent1 -e JENKINS_WEB_SOCKET=true jenkins/inbound-agent:latest
docker run -d --name jenkins-ssh-agent -p 2222:22 -e 'JENKINS_AGENT_SSH_PUBKEY=ssh-ed25519 AAAAC3Nza user@host' jenkins/ssh-agent:latest
docker run -d --name drone-runner -v /var/run/docker.sock:/var/run/docker.sock -e DRONE_RPC_PROTO=https -e DRONE_RPC_HOST=drone.example.com -e DRONE_RPC_SECRET=super-duper-secret -e DRONE_RUNNER_CAPACITY=2 -e DRONE_RUNNER_NAME=runner1 -p 3000:3000 --restart always drone/drone-runner-docker:1
docker run -d --name drone -v /srv/drone:/data -e DRONE_GITEA_SERVER=https://gitea.example.com -e DRONE_RPC_SECRET=super-duper-secret -e DRONE_SERVER_HOST=drone.example.com -e DRONE_SERVER_PROTO=https -p 8086:80 -p 443:443 --restart always drone/drone:2
docker run -d --name woodpecker-agent -v /var/run/docker.sock:/var/run/docker.sock -e WOODPECKER_SERVER=woodpecker:9000 -e WOODPECKER_AGENT_SECRET=secret -e WOODPECKER_MAX_WORKFLOWS=4 woodpeckerci/woodpecker-agent:v2
docker run -d --name woodpecker-server -p 8087:8000 -v woodpecker-data:/var/lib/woodpecker -e WOODPECKER_OPEN=true -e WOODPECKER_HOST=http://localhost:8000 woodpeckerci/woodpecker-server:v2
docker run -d --name buildkite-agent -e BUILDKITE_AGENT_TOKEN=xxx -v /var/run/docker.sock:/var/run/docker.sock -v /srv/buildkite/builds:/buildkite/builds buildkite/agent:3
docker run -d --name gha-runner -e REPO_URL=https://github.com/example/repo -e RUNNER_NAME=docker-runner -e RUNNER_TOKEN=xxx -e RUNNER_WORKDIR=/tmp/runner/work -v /var/run/docker.sock:/var/run/docker.sock -v /tmp/runner:/tmp/runner myoung34/github-runner:latest
docker run -d --name teamcity-agent -e SERVER_URL=http://teamcity:8111 -v /srv/teamcity/agent/conf:/data/teamcity_agent/conf -v /var/run/docker.sock:/var/run/docker.sock jetbrains/teamcity-agent:2024.07
docker run -d --name teamcity-server -p 8111:8111 -v /srv/teamcity/datadir:/data/teamcity_server/datadir -v /srv/teamcity/logs:/opt/teamcity/logs jetbrains/teamcity-server:2024.07
docker run -d --name concourse-worker --privileged -e CONCOURSE_TSA_HOST=web:2222 -e CONCOURSE_RUNTIME=containerd -v /srv/concourse/keys:/concourse-keys:ro concourse/concourse:7 worker
docker run -d --name act-runner -e GITEA_INSTANCE_URL=https://gitea.example.com -e GITEA_RUNNER_REGISTRATION_TOKEN=xxx -e GITEA_RUNNER_NAME=runner -v /var/run/docker.sock:/var/run/docker.sock -v act-runner-data:/data gitea/act_runner:latest
docker run -d --name dind --privileged -e DOCKER_TLS_CERTDIR=/certs -v dind-certs-ca:/certs/ca -v dind-certs-client:/certs/client -p 2376:2376 docker:27-dind
docker run -d --name dind-plain --privileged -e DOCKER_TLS_CERTDIR= docker:27-dind --host tcp://0.0.0.0:2375 --tls=false
docker run --rm --name docker-cli -v /var/run/docker.sock:/var/run/docker.sock docker:27-cli docker ps
docker run -d --name buildkitd --privileged -p 127.0.0.1:1234:1234 moby/buildkit:v0.16.0 --addr tcp://0.0.0.0:1234
docker run -d --name buildkitd-rootless --security-opt seccomp=unconfined --security-opt apparmor=unconfined -e BUILDKITD_FLAGS=--oci-worker-no-process-sandbox moby/buildkit:rootless --addr tcp://0.0.0.0:1235
docker run --rm --name kaniko -v /srv/src:/workspace -v /srv/kaniko/config.json:/kaniko/.docker/config.json:ro gcr.io/kaniko-project/executor:latest --dockerfile=/workspace/Dockerfile --context=dir:///workspace --destination=registry.example.com/app:1
docker run --rm --name hadolint -i hadolint/hadolint:latest
docker run --rm --name shellcheck -v /srv/src:/mnt koalaman/shellcheck:stable /mnt/build.sh
docker run --rm --name trivy -v /var/run/docker.sock:/var/run/docker.sock -v trivy-cache:/root/.cache aquasec/trivy:0.55.0 image alpine:3.20
docker run --rm --name grype -v /var/run/docker.sock:/var/run/docker.sock anchore/grype:latest alpine:3.20
docker run --rm --name dive -v /var/run/docker.sock:/var/run/docker.sock wagoodman/dive:latest alpine:3.20 --ci
docker run --rm --name sonar-scanner -e SONAR_HOST_URL=http://sonarqube:9000 -e SONAR_TOKEN=squ_xxx -v /srv/src:/usr/src sonarsource/sonar-scanner-cli:latest
docker run -d --name sonarqube -p 9002:9000 -e SONAR_ES_BOOTSTRAP_CHECKS_DISABLE=true -v sonarqube_data:/opt/sonarqube/data sonarqube:community
docker run --rm --name renovate -e RENOVATE_TOKEN=ghp_xxx -e LOG_LEVEL=debug renovate/renovate:38 example/repo
docker run --rm --name semgrep -v /srv/src:/src semgrep/semgrep semgrep scan --config auto
docker run --rm --name gitleaks -v /srv/src:/path zricethezav/gitleaks:latest detect --source=/path -v
docker run --rm --name terraform -v /srv/infra:/workspace -w /workspace hashicorp/terraform:1.9 plan
docker run --rm --name ansible -v /srv/ansible:/ansible -w /ansible cytopia/ansible:latest ansible-playbook site.yml
docker run --rm --name kubectl -v /srv/kube/config:/.kube/config:ro bitnami/kubectl:1.31 get pods -A
docker run --rm --name helm -v /srv/charts:/apps -w /apps alpine/helm:3.15 lint .
# Docker-outside-of-Docker tools: dashboards, updaters, proxies, exporters, log shippers.
docker run -d --name portainer -p 8000:8000 -p 9443:9443 --restart always -v /var/run/docker.sock:/var/run/docker.sock -v portainer_data:/data portainer/portainer-ce:2.21.0
docker run -d --name portainer-agent -p 9004:9001 --restart always -v /var/run/docker.sock:/var/run/docker.sock -v /var/lib/docker/volumes:/var/lib/docker/volumes portainer/agent:2.21.0
docker run -d --name watchtower --restart unless-stopped -v /var/run/docker.sock:/var/run/docker.sock containrrr/watchtower --cleanup --interval 3600
docker run -d --name watchtower-once -e WATCHTOWER_NOTIFICATIONS=shoutrrr -e WATCHTOWER_NOTIFICATION_URL=discord://token@id -v /var/run/docker.sock:/var/run/docker.sock containrrr/watchtower --run-once nginx redis
docker run -d --name traefik -p 80:80 -p 443:443 -p 8088:8080 -v /var/run/docker.sock:/var/run/docker.sock:ro -v /srv/traefik/acme:/acme --restart always traefik:v3.1 --api.insecure=true --providers.docker=true --entrypoints.web.address=:80
docker run -d --name traefik-labels -p 8089:80 -v /var/run/docker.sock:/var/run/docker.sock:ro --label traefik.enable=true --label 'traefik.http.routers.dash.rule=Host(`traefik.localhost`)' traefik:v3.1 --providers.docker
docker run -d --name cadvisor -p 8090:8080 --privileged --device /dev/kmsg -v /:/rootfs:ro -v /var/run:/var/run:ro -v /sys:/sys:ro -v /var/lib/docker:/var/lib/docker:ro -v /dev/disk:/dev/disk:ro gcr.io/cadvisor/cadvisor:v0.49.1
docker run -d --name node-exporter --net host --pid host -v /:/host:ro,rslave quay.io/prometheus/node-exporter:latest --path.rootfs=/host
docker run -d --name node-exporter-ports -p 9100:9100 -v /proc:/host/proc:ro -v /sys:/host/sys:ro prom/node-exporter:v1.8.2 --path.procfs=/host/proc --path.sysfs=/host/sys
docker run -d --name dozzle -p 8091:8080 -v /var/run/docker.sock:/var/run/docker.sock:ro amir20/dozzle:latest
docker run -d --name socket-proxy --privileged -p 127.0.0.1:2375:2375 -e CONTAINERS=1 -e IMAGES=1 -e POST=0 -v /var/run/docker.sock:/var/run/docker.sock:ro tecnativa/docker-socket-proxy:latest
docker run -d --name socket-proxy-ro --read-only --tmpfs /run --cap-drop ALL -e CONTAINERS=1 -v /var/run/docker.sock:/var/run/docker.sock:ro -p 127.0.0.1:2376:2375 tecnativa/docker-socket-proxy:0.2
docker run -d --name registrator -v /var/run/docker.sock:/tmp/docker.sock --net host gliderlabs/registrator:latest consul://localhost:8500
docker run -d --name diun -e TZ=Europe/Paris -e LOG_LEVEL=info -e DIUN_WATCH_SCHEDULE='0 */6 * * *' -e DIUN_PROVIDERS_DOCKER=true -v /srv/diun:/data -v /var/run/docker.sock:/var/run/docker.sock crazymax/diun:latest
docker run -d --name autoheal --restart always -e AUTOHEAL_CONTAINER_LABEL=all -v /var/run/docker.sock:/var/run/docker.sock willfarrell/autoheal
docker run -d --name logspout -v /var/run/docker.sock:/var/run/docker.sock gliderlabs/logspout syslog+tls://logs.example.com:55555
docker run -d --name promtail -v /var/lib/docker/containers:/var/lib/docker/containers:ro -v /var/run/docker.sock:/var/run/docker.sock -v /srv/promtail/config.yml:/etc/promtail/config.yml grafana/promtail:3.1.0 -config.file=/etc/promtail/config.yml
docker run -d --name vector -v /var/run/docker.sock:/var/run/docker.sock:ro -v /srv/vector/vector.yaml:/etc/vector/vector.yaml:ro timberio/vector:0.40.0-alpine
docker run -d --name fluent-bit -p 24224:24224 -p 24224:24224/udp -v /srv/fluent-bit/fluent-bit.conf:/fluent-bit/etc/fluent-bit.conf fluent/fluent-bit:3.1
docker run -d --name datadog-agent --cgroupns host --pid host -e DD_API_KEY=xxx -e DD_SITE=datadoghq.eu -v /var/run/docker.sock:/var/run/docker.sock:ro -v /proc/:/host/proc/:ro -v /sys/fs/cgroup/:/host/sys/fs/cgroup:ro gcr.io/datadoghq/agent:7
docker run -d --name netdata -p 19999:19999 -v netdataconfig:/etc/netdata -v /etc/passwd:/host/etc/passwd:ro -v /proc:/host/proc:ro -v /sys:/host/sys:ro -v /var/run/docker.sock:/var/run/docker.sock:ro --cap-add SYS_PTRACE --cap-add SYS_ADMIN --security-opt apparmor=unconfined netdata/netdata:stable
docker run -d --name ctop --rm -v /var/run/docker.sock:/var/run/docker.sock quay.io/vektorlab/ctop:latest
docker run -d --name lazydocker -v /var/run/docker.sock:/var/run/docker.sock -v /srv/lazydocker:/.config/jesseduffield/lazydocker lazyteam/lazydocker
docker run -d --name yacht -p 8092:8000 -v /var/run/docker.sock:/var/run/docker.sock -v yacht:/config selfhostedpro/yacht
docker run -d --name docker-gc -v /var/run/docker.sock:/var/run/docker.sock -e GRACE_PERIOD_SECONDS=86400 spotify/docker-gc
docker run -d --name ouroboros -v /var/run/docker.sock:/var/run/docker.sock -e INTERVAL=300 -e CLEANUP=true pyouroboros/ouroboros
docker run -d --name nginx-proxy -p 8093:80 -v /var/run/docker.sock:/tmp/docker.sock:ro nginxproxy/nginx-proxy:1.6
docker run -d --name acme-companion --volumes-from nginx-proxy -v /var/run/docker.sock:/var/run/docker.sock:ro -v acme:/etc/acme.sh -e DEFAULT_EMAIL=mail@example.com nginxproxy/acme-companion
docker run -d --name caddy-docker-proxy -p 8094:80 -p 8443:443 -v /var/run/docker.sock:/var/run/docker.sock -v caddy_data:/data --restart unless-stopped lucaslorentz/caddy-docker-proxy:ci-alpine
docker run -d --name testcontainers-ryuk -v /var/run/docker.sock:/var/run/docker.sock -e RYUK_CONNECTION_TIMEOUT=60s testcontainers/ryuk:0.9.0
docker run -d --name docker-exporter -p 9417:9417 -v /var/run/docker.sock:/var/run/docker.sock:ro prometheusnet/docker_exporter
docker run -d --name docker-events --init -v /var/run/docker.sock:/var/run/docker.sock:ro docker:27-cli docker events --format json
# Web servers and proxies.
docker run -d --name nginx -p 8095:80 -v /srv/www:/usr/share/nginx/html:ro nginx:1.27
docker run -d --name nginx-conf -p 8096:80 -v /srv/nginx/nginx.conf:/etc/nginx/nginx.conf:ro -v /srv/nginx/conf.d:/etc/nginx/conf.d:ro --read-only --tmpfs /var/cache/nginx --tmpfs /var/run nginx:1.27-alpine
docker run -d --name nginx-unpriv -p 8097:8080 -u 101:101 --cap-drop ALL nginxinc/nginx-unprivileged:1.27
docker run -d --name httpd -p 8098:80 -v /srv/www:/usr/local/apache2/htdocs/ httpd:2.4
docker run -d --name caddy -p 8099:80 -p 8444:443 -p 8444:443/udp -v /srv/caddy/Caddyfile:/etc/caddy/Caddyfile -v caddy_data2:/data --cap-add NET_ADMIN caddy:2
docker run -d --name haproxy -p 8100:80 -v /srv/haproxy:/usr/local/etc/haproxy:ro --sysctl net.ipv4.ip_unprivileged_port_start=0 haproxy:3.0
docker run -d --name envoy -p 10000:10000 -p 9901:9901 -v /srv/envoy/envoy.yaml:/etc/envoy/envoy.yaml envoyproxy/envoy:v1.31-latest
docker run -d --name varnish -p 8101:80 --tmpfs /var/lib/varnish/varnishd:exec -e VARNISH_SIZE=256M varnish:7.5
docker run -d --name squid -p 3128:3128 -v /srv/squid/squid.conf:/etc/squid/squid.conf ubuntu/squid:latest
docker run -d --name cloudflared --restart unless-stopped cloudflare/cloudflared:latest tunnel --no-autoupdate run --token eyJhIjoi
docker run -d --name wireguard --cap-add NET_ADMIN --cap-add SYS_MODULE -e PUID=1000 -e PGID=1000 -e SERVERURL=vpn.example.com -p 51820:51820/udp -v /srv/wireguard:/config -v /lib/modules:/lib/modules --sysctl net.ipv4.conf.all.src_valid_mark=1 --restart unless-stopped lscr.io/linuxserver/wireguard:latest
docker run -d --name openvpn --cap-add NET_ADMIN --device /dev/net/tun -p 1194:1194/udp -v /srv/openvpn:/etc/openvpn kylemanna/openvpn
docker run -d --name tailscale --hostname docker-ts --cap-add NET_ADMIN --cap-add SYS_MODULE --device /dev/net/tun:/dev/net/tun -e TS_AUTHKEY=tskey-xxx -e TS_STATE_DIR=/var/lib/tailscale -v tailscale:/var/lib/tailscale tailscale/tailscale:latest
docker run -d --name pihole -p 53:53/tcp -p 53:53/udp -p 8102:80 -e TZ=Europe/London -e WEBPASSWORD=secret -v /srv/pihole/etc-pihole:/etc/pihole -v /srv/pihole/etc-dnsmasq.d:/etc/dnsmasq.d --dns 127.0.0.1 --dns 1.1.1.1 --restart unless-stopped --hostname pi.hole pihole/pihole:latest
docker run -d --name adguard -p 3053:53/udp -p 3000:3000 -v /srv/adguard/work:/opt/adguardhome/work -v /srv/adguard/conf:/opt/adguardhome/conf adguard/adguardhome
docker run -d --name coredns -p 1053:53/udp -v /srv/coredns:/etc/coredns coredns/coredns:1.11.3 -conf /etc/coredns/Corefile
# Monitoring and tracing.
docker run -d --name prometheus -p 9090:9090 -v /srv/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro -v prometheus-data:/prometheus prom/prometheus:v2.54.0 --config.file=/etc/prometheus/prometheus.yml --storage.tsdb.retention.time=15d
docker run -d --name alertmanager -p 9093:9093 -v /srv/alertmanager:/etc/alertmanager prom/alertmanager:v0.27.0
docker run -d --name pushgateway -p 9091:9091 prom/pushgateway:v1.9.0
docker run -d --name blackbox -p 9115:9115 -v /srv/blackbox/config.yml:/config/blackbox.yml prom/blackbox-exporter:v0.25.0 --config.file=/config/blackbox.yml
docker run -d --name grafana -p 3001:3000 -e GF_SECURITY_ADMIN_PASSWORD=admin -e GF_INSTALL_PLUGINS=grafana-clock-panel -v grafana-storage:/var/lib/grafana --user 472 grafana/grafana-oss:11.2.0
docker run -d --name loki -p 3100:3100 -v /srv/loki/config.yaml:/etc/loki/local-config.yaml grafana/loki:3.1.0 -config.file=/etc/loki/local-config.yaml
docker run -d --name tempo -p 3200:3200 -p 4317:4317 -v /srv/tempo/tempo.yaml:/etc/tempo.yaml grafana/tempo:2.5.0 -config.file=/etc/tempo.yaml
docker run -d --name jaeger -p 16686:16686 -p 4318:4318 -p 6831:6831/udp -e COLLECTOR_OTLP_ENABLED=true jaegertracing/all-in-one:1.60
docker run -d --name zipkin -p 9411:9411 openzipkin/zipkin:3
docker run -d --name otel-collector -p 4319:4317 -p 4320:4318 -v /srv/otel/config.yaml:/etc/otelcol-contrib/config.yaml otel/opentelemetry-collector-contrib:0.108.0
docker run -d --name uptime-kuma -p 3002:3001 -v uptime-kuma:/app/data --restart always louislam/uptime-kuma:1
docker run -d --name statsd -p 8125:8125/udp -p 8126:8126 statsd/statsd
docker run -d --name graphite -p 8103:80 -p 2003-2004:2003-2004 -p 2023-2024:2023-2024 graphiteapp/graphite-statsd
docker run -d --name telegraf -v /srv/telegraf/telegraf.conf:/etc/telegraf/telegraf.conf:ro -v /var/run/docker.sock:/var/run/docker.sock --group-add 999 telegraf:1.31
docker run -d --name sentry-relay -p 3003:3000 getsentry/relay:latest run
# Applications people self-host.
docker run -d --name nextcloud -p 8104:80 -v nextcloud:/var/www/html -e MYSQL_HOST=mysql -e MYSQL_DATABASE=nextcloud -e MYSQL_USER=nextcloud -e MYSQL_PASSWORD=secret nextcloud:29-apache
docker run -d --name wordpress -p 8105:80 -e WORDPRESS_DB_HOST=mysql:3306 -e WORDPRESS_DB_USER=wp -e WORDPRESS_DB_PASSWORD=secret -e WORDPRESS_DB_NAME=wordpress -v wordpress:/var/www/html wordpress:6.6-apache
docker run -d --name ghost -p 2368:2368 -e url=http://localhost:2368 -e NODE_ENV=development -v ghost-content:/var/lib/ghost/content ghost:5-alpine
docker run -d --name gitea -p 3004:3000 -p 2223:22 -e USER_UID=1000 -e USER_GID=1000 -v /srv/gitea:/data -v /etc/timezone:/etc/timezone:ro -v /etc/localtime:/etc/localtime:ro gitea/gitea:1.22
docker run -d --name gitlab --hostname gitlab.example.com -p 8443:443 -p 8106:80 -p 2224:22 -v /srv/gitlab/config:/etc/gitlab -v /srv/gitlab/logs:/var/log/gitlab -v /srv/gitlab/data:/var/opt/gitlab --shm-size 256m gitlab/gitlab-ce:17.3.0-ce.0
docker run -d --name keycloak -p 8107:8080 -e KC_BOOTSTRAP_ADMIN_USERNAME=admin -e KC_BOOTSTRAP_ADMIN_PASSWORD=admin quay.io/keycloak/keycloak:25.0 start-dev
docker run -d --name vault --cap-add IPC_LOCK -p 8200:8200 -e VAULT_DEV_ROOT_TOKEN_ID=myroot -e VAULT_DEV_LISTEN_ADDRESS=0.0.0.0:8200 hashicorp/vault:1.17
docker run -d --name consul -p 8500:8500 -p 8600:8600/udp hashicorp/consul:1.19 agent -server -ui -node=server-1 -bootstrap-expect=1 -client=0.0.0.0
docker run -d --name registry -p 5000:5000 --restart always -v /srv/registry:/var/lib/registry registry:2
docker run -d --name registry-auth -p 5001:5000 -v /srv/registry/auth:/auth -e REGISTRY_AUTH=htpasswd -e REGISTRY_AUTH_HTPASSWD_REALM=Registry -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd registry:2
docker run -d --name harbor-like-cache -p 5002:5000 -e REGISTRY_PROXY_REMOTEURL=https://registry-1.docker.io registry:2
docker run -d --name home-assistant --privileged --restart unless-stopped -e TZ=Europe/Amsterdam -v /srv/homeassistant:/config -v /run/dbus:/run/dbus:ro --network host ghcr.io/home-assistant/home-assistant:stable
docker run -d --name zigbee2mqtt --restart unless-stopped -v /srv/zigbee2mqtt:/app/data -v /run/udev:/run/udev:ro --device /dev/ttyUSB0:/dev/ttyACM0 -p 8108:8080 -e TZ=Europe/Berlin koenkk/zigbee2mqtt
docker run -d --name mosquitto -p 1883:1883 -p 9001:9001 -v /srv/mosquitto/config:/mosquitto/config eclipse-mosquitto:2
docker run -d --name node-red -p 1880:1880 -v node_red_data:/data nodered/node-red:4.0
docker run -d --name plex --network host -e TZ=Europe/London -e PLEX_CLAIM=claim-xxx -v /srv/plex/config:/config -v /srv/media:/data --device /dev/dri:/dev/dri plexinc/pms-docker
docker run -d --name jellyfin --user 1000:1000 --net host --volume /srv/jellyfin/config:/config --volume /srv/jellyfin/cache:/cache --mount type=bind,source=/srv/media,target=/media --restart unless-stopped jellyfin/jellyfin
docker run -d --name transmission -e PUID=1000 -e PGID=1000 -e TZ=Etc/UTC -p 9092:9091 -p 51413:51413 -p 51413:51413/udp -v /srv/transmission/data:/config -v /srv/downloads:/downloads --restart unless-stopped lscr.io/linuxserver/transmission:latest
docker run -d --name syncthing --hostname my-syncthing -e PUID=1000 -e PGID=1000 -p 8384:8384 -p 22000:22000/tcp -p 22000:22000/udp -p 21027:21027/udp -v /srv/syncthing:/var/syncthing syncthing/syncthing:1.27
docker run -d --name vaultwarden -e DOMAIN=https://vw.example.com -v /srv/vw-data:/data -p 8109:80 --restart unless-stopped vaultwarden/server:latest
docker run -d --name paperless -p 8110:8000 -e PAPERLESS_REDIS=redis://redis:6379 -v paperless-data:/usr/src/paperless/data ghcr.io/paperless-ngx/paperless-ngx:latest
docker run -d --name immich-ml -v model-cache:/cache --restart always ghcr.io/immich-app/immich-machine-learning:release
docker run -d --name mailhog -p 1025:1025 -p 8025:8025 mailhog/mailhog
docker run -d --name mailpit -p 1026:1025 -p 8026:8025 --restart unless-stopped axllent/mailpit
docker run -d --name minecraft -p 25565:25565 -e EULA=TRUE -e MEMORY=2G -v /srv/minecraft:/data -it itzg/minecraft-server
docker run -d --name selenium -p 4444:4444 -p 7900:7900 --shm-size 2g selenium/standalone-chrome:latest
docker run -d --name browserless -p 3005:3000 -e CONCURRENT=10 -e TOKEN=secret ghcr.io/browserless/chromium
docker run -d --name localstack -p 127.0.0.1:4566:4566 -p 127.0.0.1:4510-4559:4510-4559 -v /var/run/docker.sock:/var/run/docker.sock localstack/localstack:3
docker run -d --name code-server -p 127.0.0.1:8111:8080 -v /srv/code/.config:/home/coder/.config -v /srv/code/project:/home/coder/project -u 1000:1000 -e DOCKER_USER=coder codercom/code-server:latest
docker run -d --name ollama --gpus all -v ollama:/root/.ollama -p 11434:11434 ollama/ollama
docker run -d --name open-webui -p 3006:8080 -e OLLAMA_BASE_URL=http://ollama:11434 -v open-webui:/app/backend/data --restart always ghcr.io/open-webui/open-webui:main
docker run -d --name jupyter -p 8888:8888 -v /srv/notebooks:/home/jovyan/work quay.io/jupyter/scipy-notebook:latest
docker run -d --name n8n -p 5678:5678 -v n8n_data:/home/node/.n8n -e GENERIC_TIMEZONE=Europe/Berlin docker.n8n.io/n8nio/n8n
docker run -d --name metabase -p 3007:3000 -e MB_DB_FILE=/metabase-data/metabase.db -v /srv/metabase:/metabase-data metabase/metabase:v0.50.0
docker run -d --name superset -p 8112:8088 -e SUPERSET_SECRET_KEY=secret apache/superset:4.0.2
docker run -d --name airflow -p 8113:8080 apache/airflow:2.10.0 standalone
docker run -d --name matomo -p 8114:80 -v matomo:/var/www/html matomo:5
docker run -d --name drupal -p 8115:80 drupal:10-apache
docker run -d --name joomla -p 8116:80 -e JOOMLA_DB_HOST=mysql -e JOOMLA_DB_PASSWORD=secret joomla:5
docker run -d --name rocketchat -p 3008:3000 -e ROOT_URL=http://localhost:3000 -e MONGO_URL=mongodb://mongo:27017/rocketchat rocket.chat:6.10
docker run -d --name mattermost -p 8065:8065 mattermost/mattermost-preview:latest
docker run -d --name hello -p 8117:80 nginxdemos/hello
docker run -d --name whoami -p 8118:80 --label traefik.http.routers.whoami.rule=Host --stop-timeout 5 traefik/whoami
docker run -d --name httpbin -p 8119:80 kennethreitz/httpbin
docker run -d --name echo -p 5678:5678 hashicorp/http-echo:1.0 -text=hello
# One-shot tools and the flags people add to them.
docker run --rm --name curl curlimages/curl:8.9.1 -fsSL https://example.com
docker run --rm --name alpine-sh -e TZ=UTC alpine:3.20 sh -c 'date; uname -a'
docker run --rm --name busybox-wget --dns 9.9.9.9 --dns-search example.com busybox:1.36 wget -qO- http://example.com
docker run --rm --name ubuntu-apt -w /work -v /srv/work:/work ubuntu:24.04 bash -c 'apt-get update && apt-get install -y make'
docker run --rm --name debian-id -u 1000:1000 debian:12-slim id
docker run --rm --name node-build -v /srv/app:/usr/src/app -w /usr/src/app -e NODE_ENV=production node:20-alpine npm ci
docker run --rm --name python-test -v /srv/app:/app -w /app -e PYTHONDONTWRITEBYTECODE=1 python:3.12-slim python -m pytest -q
docker run --rm --name golang-build -v /srv/go/src:/go/src/app -w /go/src/app -e CGO_ENABLED=0 -e GOOS=linux golang:1.23 go build -o /go/src/app/bin/app .
docker run --rm --name maven-build -v /srv/java:/usr/src/mymaven -v maven-repo:/root/.m2 -w /usr/src/mymaven maven:3.9-eclipse-temurin-21 mvn -B package
docker run --rm --name gradle-build -u 1000:1000 -v /srv/java:/home/gradle/project -w /home/gradle/project gradle:8.10-jdk21 gradle build
docker run --rm --name rust-build -v /srv/rust:/usr/src/myapp -w /usr/src/myapp rust:1.81 cargo build --release
docker run --rm --name php-cli -v /srv/php:/usr/src/myapp -w /usr/src/myapp php:8.3-cli php script.php
docker run --rm --name ruby-bundle -v /srv/ruby:/usr/src/app -w /usr/src/app ruby:3.3 bundle install
docker run --rm --name dotnet-build -v /srv/dotnet:/src -w /src mcr.microsoft.com/dotnet/sdk:8.0 dotnet build
docker run --rm --name aws-cli -v /srv/aws:/root/.aws:ro -e AWS_PROFILE=default amazon/aws-cli:2.17.0 s3 ls
docker run --rm --name gcloud -v /srv/gcloud:/root/.config/gcloud gcr.io/google.com/cloudsdktool/google-cloud-cli:stable gcloud info
docker run --rm --name azure-cli -v /srv/azure:/root/.azure mcr.microsoft.com/azure-cli:2.64.0 az account show
docker run --rm --name pandoc -v /srv/docs:/data -u 1000:1000 pandoc/core:3.3 README.md -o README.pdf
docker run --rm --name imagemagick -v /srv/images:/imgs dpokidov/imagemagick /imgs/in.png -resize 50% /imgs/out.png
docker run --rm --name ffmpeg -v /srv/video:/tmp/workdir jrottenberg/ffmpeg:7.0-alpine -i in.mp4 out.webm
docker run --rm --name certbot -v /srv/letsencrypt:/etc/letsencrypt -v /srv/certbot/www:/var/www/certbot certbot/certbot certonly --webroot -w /var/www/certbot -d example.com
docker run --rm --name mkcert -v /srv/certs:/root/.local/share/mkcert brunopadz/mkcert-docker:latest
docker run --rm --name openssl-gen -v /srv/certs:/certs -w /certs alpine/openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 365 -subj /CN=localhost
docker run --rm --name speedtest --network host gists/speedtest-cli
docker run --rm --name iperf -p 5201:5201 networkstatic/iperf3 -s
docker run --rm --name nmap --cap-add NET_RAW --cap-add NET_ADMIN instrumentisto/nmap -sV 127.0.0.1
docker run --rm --name tcpdump --net host --cap-add NET_RAW --cap-add NET_ADMIN nicolaka/netshoot tcpdump -i any port 53
docker run --rm --name netshoot-pid --pid host --network host --privileged nicolaka/netshoot ps aux
docker run --rm --name stress --cpus 2 -m 512m --memory-reservation 256m --cpu-shares 1024 progrium/stress --cpu 2 --timeout 10s
docker run --rm --name sysbench --cpus 1 --ulimit nproc=4096 --pids-limit 200 severalnines/sysbench sysbench cpu run
docker run --rm --name fio --device /dev/sdb:/dev/sdb:r --cap-add SYS_ADMIN ljishen/fio --name=test --filename=/dev/sdb --rw=read
docker run --rm --name hadolint-file -v /srv/src/Dockerfile:/Dockerfile:ro hadolint/hadolint hadolint /Dockerfile
docker run --rm --name yamllint -v /srv/src:/data cytopia/yamllint .
docker run --rm --name markdownlint -v /srv/src:/workdir davidanson/markdownlint-cli2:v0.14.0 '**/*.md'
docker run --rm --name prettier -v /srv/src:/work -w /work tmknom/prettier --check .
docker run --rm --name kube-linter -v /srv/k8s:/dir stackrox/kube-linter:latest lint /dir
docker run --rm --name conftest -v /srv/policy:/project openpolicyagent/conftest test deployment.yaml
docker run --rm --name checkov -v /srv/infra:/tf bridgecrew/checkov -d /tf
docker run --rm --name docker-bench --net host --pid host --userns host --cap-add audit_control -v /etc:/etc:ro -v /usr/bin/containerd:/usr/bin/containerd:ro -v /var/lib:/var/lib:ro -v /var/run/docker.sock:/var/run/docker.sock:ro --label docker_bench_security docker/docker-bench-security
docker run --rm --name skopeo -v /srv/auth.json:/auth.json:ro quay.io/skopeo/stable copy --authfile /auth.json docker://alpine:3.20 docker://registry.example.com/alpine:3.20
docker run --rm --name crane gcr.io/go-containerregistry/crane:latest ls alpine
docker run --rm --name regctl -v /var/run/docker.sock:/var/run/docker.sock ghcr.io/regclient/regctl:latest tag ls alpine
docker run --rm --name compose-in-docker -v /var/run/docker.sock:/var/run/docker.sock -v /srv/project:/project -w /project docker/compose:1.29.2 up -d
docker run --rm --name sleep-init --init --stop-signal SIGINT --stop-timeout 30 busybox:1.36 sleep 5
docker run -d --name health-all --health-cmd 'wget -qO- http://localhost/ || exit 1' --health-interval 30s --health-timeout 10s --health-retries 3 --health-start-period 40s nginx:1.27-alpine
docker run -d --name limits-all --memory 1g --memory-reservation 512m --cpus 1.5 --cpu-shares 2048 --ulimit nofile=4096:8192 --shm-size 128m busybox:1.36 sleep 1000
docker run -d --name hardened --read-only --cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges -u 65534:65534 --tmpfs /tmp:size=64m,mode=1777 -p 8120:80 nginxinc/nginx-unprivileged:1.27-alpine
docker run -d --name hosts-entries --add-host db:10.0.0.10 --add-host cache:10.0.0.11 --add-host db-replica:10.0.0.10 --hostname app.internal busybox:1.36 sleep 1000
docker run -d --name labelled --label com.example.vendor=ACME --label com.example.version=1.0 --label 'com.example.description=an example app' busybox:1.36 sleep 1000
docker run -d --name sysctls --sysctl net.ipv4.tcp_keepalive_time=600 busybox:1.36 sleep 1000
docker run -d --name ipv6-bind -p [::1]:8121:80 -p 127.0.0.1:8122:80 nginx:1.27
docker run -d --name udp-range -p 10000-10010:10000-10010/udp --expose 5060/udp jitsi/jvb:stable
docker run -d --name restart-3 --restart on-failure:3 --stop-signal SIGQUIT nginx:1.27
docker run -d --name logging --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 nginx:1.27
docker run -d --name mounts-mixed --mount type=volume,source=appdata,target=/data --mount type=bind,source=/srv/config,target=/config,readonly --mount type=tmpfs,destination=/cache,tmpfs-size=128m busybox:1.36 sleep 1000
docker run -d --name entry-args --entrypoint /usr/bin/env busybox:1.36 sh -c 'exec sleep 1000'
docker run -d --name tty-daemon -t -i --workdir /root busybox:1.36 sh
docker run -d --name shared-mem --ipc host --shm-size 64m busybox:1.36 sleep 1000
docker run -d --name gpus-devices --device /dev/nvidia0 --device /dev/nvidiactl --device /dev/nvidia-uvm nvidia/cuda:12.6.1-base-ubuntu24.04 nvidia-smi
docker run -d --name aliases --network-alias api --network appnet busybox:1.36 sleep 1000
