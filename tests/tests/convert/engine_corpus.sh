# docker create lines for the real-engine differentials of `dockscape convert`: each line is created
# by the real docker CLI, its Compose conversion by the real docker-compose, and the `docker run`
# script converted back from that Compose file by the docker CLI again, on the real engine; the
# three `docker inspect` results must agree (tests/tests/convert_real_engine.rs).
# ENGINE_SOCKET stands for the engine's own socket (the host's /var/run/docker.sock of that engine).
# The first part is written for the mappings; the second is corpus.sh (the recording-engine corpus,
# as READMEs write the lines) made creatable here: `docker create` for `docker run -d`, a stand-in
# image for each image (busybox; httpd:latest, alpine:latest and ubuntu:latest for theirs,
# cli-like and dind-like for docker's: busybox with docker's ENTRYPOINT and VOLUME), the engine's
# socket for the host's, an existing folder for a `--mount type=bind` source under /srv (the daemon
# refuses a missing one; `-v` folders are made only when a container starts), a name for a line
# without one, `-b` after a name the first part already has; and without the flags convert does
# not carry yet, which the test lists.
docker create --name env -e A=1 -e "B=two words" -w /src busybox sh -c 'echo "$A"'
docker create --name ports -p 8080:80 -p 5353:53/udp --expose 9000 busybox httpd -f
docker create --name binds -v /etc/hostname:/etc/host-name:ro -v /usr/share:/share -v data:/data busybox true
docker create --name mounts --mount type=bind,source=/usr/share,target=/share,readonly busybox true
docker create --name limits --cpus 1.5 --cpu-shares 512 -m 512m --memory-reservation 256m busybox true
docker create --name sec --cap-drop ALL --cap-add NET_BIND_SERVICE -u 1000:1000 --security-opt no-new-privileges --sysctl net.ipv4.ip_unprivileged_port_start=0 --read-only busybox true
docker create --name entry --entrypoint /bin/sh --restart on-failure:3 busybox -c true
docker create --name priv --privileged busybox true
docker create --name health --add-host db.local:10.0.0.5 --hostname box --health-cmd 'test -e /bin/sh' --health-interval 5s --health-retries 2 --health-timeout 3s --health-start-period 1s --stop-timeout 20 -it busybox sh
docker create --name hostns --network host --pid host --ipc host busybox true
docker create --name dood --restart always -v ENGINE_SOCKET:/var/run/docker.sock:ro busybox true
docker create --name extras --init --dns 10.0.0.53 --dns-search corp.example --dns-option ndots:2 --shm-size 256m --ulimit nofile=1024:2048 --ulimit nproc=512 --stop-signal SIGINT --device /dev/null --device /dev/zero:/dev/myzero:rw --security-opt seccomp=unconfined busybox true
docker create --name ranges -p 127.0.0.1:8080-8081:80-81/udp -p 9000-9001:9000-9001 --expose 7000-7001 --tmpfs /run:size=16m --tmpfs /var/cache --mount type=tmpfs,dst=/scratch,tmpfs-size=64m,tmpfs-mode=1770 --security-opt apparmor=unconfined busybox true
docker create --name pg-like -e POSTGRES_PASSWORD=example -e PGDATA=/var/lib/postgresql/data/pgdata -p 5432:5432 -v pgdata:/var/lib/postgresql/data --shm-size 128m --restart unless-stopped busybox sleep 1000
docker create --name redis-like -p 127.0.0.1:6379:6379 -v /tmp:/data --sysctl net.core.somaxconn=1024 --restart always busybox sh -c 'exec sleep 1000'
docker create --name es-like -e discovery.type=single-node -e ES_JAVA_OPTS=-Xms512m --ulimit memlock=-1:-1 --ulimit nofile=65536:65536 -m 1g -p 9200:9200 -p 9300:9300 busybox true
docker create --name runner-like --restart always -v /usr/share:/etc/gitlab-runner -v ENGINE_SOCKET:/var/run/docker.sock busybox true
docker create --name jenkins-like -p 8084:8080 -p 50000:50000 -v jenkins_home:/var/jenkins_home --group-add 999 --init busybox true
docker create --name portainer-like -p 8000:8000 -p 9443:9443 --restart always -v ENGINE_SOCKET:/var/run/docker.sock -v portainer_data:/data busybox true
docker create --name traefik-like -p 80:80 -p 443:443 -v ENGINE_SOCKET:/var/run/docker.sock:ro --label traefik.enable=true --label 'traefik.http.routers.api.rule=Host(`traefik.localhost`)' busybox true
docker create --name cadvisor-like -p 8090:8080 --privileged --device /dev/null:/dev/kmsg -v /:/rootfs:ro -v /sys:/sys:ro busybox true
docker create --name exporter-like --network host --pid host -v /:/host:ro busybox true
docker create --name proxy-like --read-only --tmpfs /run --cap-drop ALL -e CONTAINERS=1 -p 127.0.0.1:2375:2375 -v ENGINE_SOCKET:/var/run/docker.sock:ro busybox true
docker create --name hardened -u 65534:65534 --read-only --cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges --tmpfs /tmp:size=64m,mode=1777 -p 8120:80 busybox true
docker create --name health-wget --health-cmd 'wget -qO- http://localhost/ || exit 1' --health-interval 30s --health-timeout 10s --health-retries 3 --health-start-period 40s busybox true
docker create --name hosts --add-host db:10.0.0.10 --add-host cache:10.0.0.11 --add-host db-replica:10.0.0.10 --hostname app.internal busybox true
docker create --name labels --label com.example.vendor=ACME --label com.example.version=1.0 --label 'com.example.description=an example app' busybox true
docker create --name ipv6 -p [::1]:8121:80 -p 127.0.0.1:8122:80 -p 127.0.0.1:8123:53/udp busybox true
docker create --name udp-range -p 10000-10004:10000-10004/udp --expose 5060/udp --expose 8000-8002 busybox true
docker create --name restart-3 --restart on-failure:5 --stop-signal SIGQUIT --stop-timeout 30 busybox true
docker create --name mounts-mixed --mount type=volume,source=appdata,target=/data --mount type=bind,source=/usr/share,target=/config,readonly --mount type=tmpfs,destination=/cache,tmpfs-size=128m busybox true
docker create --name entry-env --entrypoint /bin/sh -e A= -e 'B=a b' -e C=1=2 busybox -c 'exec sleep 1000'
docker create --name tty-stdin -t -i --workdir /root busybox sh
docker create --name ipc-shm --ipc host busybox true
docker create --name dns-only --dns 1.1.1.1 --dns 8.8.8.8 --dns-search example.com --dns-search corp.example --dns-option ndots:1 --dns-option timeout:2 busybox true
docker create --name limits-all --memory 1g --memory-reservation 512m --cpus 2 --cpu-shares 1024 --ulimit nproc=4096 --shm-size 256m busybox true
docker create --name caps --cap-add SYS_PTRACE --cap-add NET_ADMIN --cap-add SYS_ADMIN --security-opt apparmor=unconfined busybox true
docker create --name user-only -u 1000 -w /tmp busybox id
docker create --name devices --device /dev/urandom --device /dev/zero:/dev/zero:r busybox true
docker create --name stopsig --stop-signal SIGTERM --init -e TZ=UTC busybox date
docker create --name runtime-alias --runtime runc --net appnet --net-alias runtime-api busybox true
# corpus.sh, made creatable (see above)
docker create --name web --restart always -p 8080:80 -p 53:53/udp --expose 9000 httpd:latest
docker create --name line-2 --rm -e A=1 -e 'B=two words' -w /src alpine:latest sh -c 'echo "$A"'
docker create --name dood-b -v ENGINE_SOCKET:/var/run/docker.sock:ro cli-like:latest docker ps
docker create --name data -v data:/data -v /srv/conf/app.conf:/etc/app.conf:ro -v /cache busybox:latest true
docker create --name mounts-m --mount type=bind,source=/usr/share,target=/www,readonly --mount type=tmpfs,target=/tmp,tmpfs-size=64m --tmpfs /run:size=16m busybox:latest true
docker create --name limited --cpus 1.5 --cpu-shares 512 -m 512m --memory-reservation 256m busybox:latest true
docker create --name sec-b --cap-drop ALL -u 1000:1000 --security-opt no-new-privileges --sysctl net.ipv4.ip_unprivileged_port_start=0 busybox:latest true
docker create --name alias --entrypoint /bin/sh --restart on-failure:3 busybox:latest -c true
docker create --name created --privileged dind-like:latest
docker --host unix://ENGINE_SOCKET create --name globals busybox:latest true
docker create --name pg --add-host db.local:10.0.0.5 --add-host cache:10.0.0.6 --cap-add NET_ADMIN --health-cmd 'pg_isready -U postgres' --health-interval 1m30s --health-retries 4 --health-timeout 5s --health-start-period 10s busybox:latest
docker create --name shell -i -t -w /work --hostname box --read-only --stop-timeout 20 busybox:latest sh
docker create --name hostns-b --network host --pid host --ipc host busybox:latest sleep 1000
docker create --name groups --group-add 2375 --group-add 999 --label com.example.team=web --label 'com.example.note=two words' busybox:latest id
docker create --name tools --init --dns 10.0.0.53 --dns-search corp.example --dns-option ndots:2 --shm-size 256m --ulimit nofile=1024:2048 --ulimit nproc=512 --stop-signal SIGINT --device /dev/fuse --device /dev/net/tun:/dev/net/tun:rw --security-opt seccomp=unconfined busybox:latest sleep 1000
docker create --name ranges-b -p 127.0.0.1:8080-8081:80-81/udp -p 9000-9001:9000-9001 --expose 7000-7001 --tmpfs /run:size=16m --tmpfs /var/cache --mount type=tmpfs,dst=/scratch,tmpfs-size=64m,tmpfs-mode=1770 --security-opt apparmor=unconfined httpd:latest
docker create --name postgres --restart unless-stopped -e POSTGRES_PASSWORD=example -e POSTGRES_DB=app -p 5432:5432 -v pgdata:/var/lib/postgresql/data busybox:latest
docker create --name postgres-tuned --shm-size 256m -e POSTGRES_PASSWORD=example -v /srv/postgres/data:/var/lib/postgresql/data busybox:latest -c shared_buffers=256MB -c max_connections=200
docker create --name postgres-local -p 127.0.0.1:5433:5432 -e POSTGRES_HOST_AUTH_METHOD=trust --health-cmd 'pg_isready -U postgres' --health-interval 10s --health-retries 5 busybox:latest
docker create --name mysql --restart always -e MYSQL_ROOT_PASSWORD=secret -e MYSQL_DATABASE=wordpress -p 3306:3306 -v mysql-data:/var/lib/mysql busybox:latest
docker create --name mysql-utf8 -e MYSQL_ALLOW_EMPTY_PASSWORD=yes -v /srv/mysql/conf.d:/etc/mysql/conf.d:ro busybox:latest --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
docker create --name mariadb -e MARIADB_ROOT_PASSWORD=secret -e MARIADB_AUTO_UPGRADE=1 -v mariadb:/var/lib/mysql --ulimit nofile=65535:65535 busybox:latest
docker create --name mongo -p 27017:27017 -e MONGO_INITDB_ROOT_USERNAME=root -e MONGO_INITDB_ROOT_PASSWORD=example -v mongo-data:/data/db busybox:latest
docker create --name mongo-rs --hostname mongo1 -p 127.0.0.1:27018:27017 busybox:latest --replSet rs0 --bind_ip_all
docker create --name redis -p 6379:6379 --restart always busybox:latest
docker create --name redis-persist -v /srv/redis:/data --sysctl net.core.somaxconn=1024 busybox:latest redis-server --appendonly yes --requirepass secret
docker create --name redis-stack -p 6380:6379 -p 8001:8001 busybox:latest
docker create --name valkey --memory 256m --cpus 0.5 busybox:latest
docker create --name memcached -p 11211:11211 busybox:latest memcached -m 64
docker create --name elasticsearch -p 9200:9200 -p 9300:9300 -e discovery.type=single-node -e ES_JAVA_OPTS=-Xms512m --ulimit memlock=-1:-1 --ulimit nofile=65536:65536 -m 2g busybox:latest
docker create --name opensearch -p 9201:9200 -e discovery.type=single-node -e DISABLE_SECURITY_PLUGIN=true --ulimit nofile=65536:65536 busybox:latest
docker create --name kibana -p 5601:5601 -e ELASTICSEARCH_HOSTS=http://elasticsearch:9200 busybox:latest
docker create --name cassandra -p 9042:9042 -e CASSANDRA_CLUSTER_NAME=dev -v cassandra:/var/lib/cassandra busybox:latest
docker create --name influxdb -p 8086:8086 -v influxdb2:/var/lib/influxdb2 -e DOCKER_INFLUXDB_INIT_MODE=setup -e DOCKER_INFLUXDB_INIT_USERNAME=admin -e DOCKER_INFLUXDB_INIT_PASSWORD=changeme123 -e DOCKER_INFLUXDB_INIT_ORG=org -e DOCKER_INFLUXDB_INIT_BUCKET=metrics busybox:latest
docker create --name clickhouse -p 8123:8123 -p 9000:9000 --ulimit nofile=262144:262144 -v clickhouse:/var/lib/clickhouse busybox:latest
docker create --name couchdb -p 5984:5984 -e COUCHDB_USER=admin -e COUCHDB_PASSWORD=password busybox:latest
docker create --name neo4j -p 7474:7474 -p 7687:7687 -e NEO4J_AUTH=neo4j/password -v /srv/neo4j/data:/data busybox:latest
docker create --name cockroach -p 26257:26257 -p 8080:8080 busybox:latest start-single-node --insecure
docker create --name etcd -p 2379:2379 -e ALLOW_NONE_AUTHENTICATION=yes busybox:latest
docker create --name zookeeper -p 2181:2181 --restart always busybox:latest
docker create --name kafka -p 9092:9092 -e KAFKA_NODE_ID=1 -e KAFKA_PROCESS_ROLES=broker,controller -e KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093 -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@localhost:9093 busybox:latest
docker create --name rabbitmq --hostname rabbit -p 5672:5672 -p 15672:15672 -e RABBITMQ_DEFAULT_USER=user -e RABBITMQ_DEFAULT_PASS=password busybox:latest
docker create --name nats -p 4222:4222 -p 8222:8222 busybox:latest -js
docker create --name minio -p 9000-9001:9000-9001 -e MINIO_ROOT_USER=admin -e MINIO_ROOT_PASSWORD=changeme123 -v /srv/minio:/data busybox:latest server /data --console-address :9001
docker create --name mssql -e ACCEPT_EULA=Y -e 'MSSQL_SA_PASSWORD=YourStrong!Passw0rd' -p 1433:1433 busybox:latest
docker create --name oracle-free -p 1521:1521 -e ORACLE_PASSWORD=secret --shm-size 1g busybox:latest
docker create --name timescale -p 5434:5432 -e POSTGRES_PASSWORD=password busybox:latest
docker create --name pgbouncer -p 6432:6432 -e DATABASE_URL=postgres://app:secret@postgres:5432/app busybox:latest
docker create --name adminer -p 8081:8080 busybox:latest
docker create --name pgadmin -p 5050:80 -e PGADMIN_DEFAULT_EMAIL=admin@example.com -e PGADMIN_DEFAULT_PASSWORD=admin busybox:latest
docker create --name phpmyadmin -p 8082:80 -e PMA_HOST=mysql -e PMA_ARBITRARY=1 busybox:latest
docker create --name redisinsight -p 5540:5540 -v redisinsight:/data busybox:latest
docker create --name mongo-express -p 8083:8081 -e ME_CONFIG_MONGODB_URL=mongodb://root:example@mongo:27017/ busybox:latest
docker create --name gitlab-runner --restart always -v /srv/gitlab-runner/config:/etc/gitlab-runner -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest
docker create --rm --name gitlab-runner-register -v /srv/gitlab-runner/config:/etc/gitlab-runner busybox:latest register --non-interactive --url https://gitlab.example.com --token glrt-xxxx --executor docker --docker-image alpine:3.20
docker create --name jenkins -p 8084:8080 -p 50000:50000 -v jenkins_home:/var/jenkins_home --restart on-failure busybox:latest
docker create --name jenkins-dood -p 8085:8080 -v jenkins_home2:/var/jenkins_home -v ENGINE_SOCKET:/var/run/docker.sock -v /usr/bin/docker:/usr/bin/docker:ro --group-add 999 busybox:latest
docker create --name jenkins-agent --init -e JENKINS_URL=http://jenkins:8080 -e JENKINS_SECRET=abc -e JENKINS_AGENT_NAME=agent1 -e JENKINS_WEB_SOCKET=true busybox:latest
docker create --name jenkins-ssh-agent -p 2222:22 -e 'JENKINS_AGENT_SSH_PUBKEY=ssh-ed25519 AAAAC3Nza user@host' busybox:latest
docker create --name drone-runner -v ENGINE_SOCKET:/var/run/docker.sock -e DRONE_RPC_PROTO=https -e DRONE_RPC_HOST=drone.example.com -e DRONE_RPC_SECRET=super-duper-secret -e DRONE_RUNNER_CAPACITY=2 -e DRONE_RUNNER_NAME=runner1 -p 3000:3000 --restart always busybox:latest
docker create --name drone -v /srv/drone:/data -e DRONE_GITEA_SERVER=https://gitea.example.com -e DRONE_RPC_SECRET=super-duper-secret -e DRONE_SERVER_HOST=drone.example.com -e DRONE_SERVER_PROTO=https -p 8086:80 -p 443:443 --restart always busybox:latest
docker create --name woodpecker-agent -v ENGINE_SOCKET:/var/run/docker.sock -e WOODPECKER_SERVER=woodpecker:9000 -e WOODPECKER_AGENT_SECRET=secret -e WOODPECKER_MAX_WORKFLOWS=4 busybox:latest
docker create --name woodpecker-server -p 8087:8000 -v woodpecker-data:/var/lib/woodpecker -e WOODPECKER_OPEN=true -e WOODPECKER_HOST=http://localhost:8000 busybox:latest
docker create --name buildkite-agent -e BUILDKITE_AGENT_TOKEN=xxx -v ENGINE_SOCKET:/var/run/docker.sock -v /srv/buildkite/builds:/buildkite/builds busybox:latest
docker create --name gha-runner -e REPO_URL=https://github.com/example/repo -e RUNNER_NAME=docker-runner -e RUNNER_TOKEN=xxx -e RUNNER_WORKDIR=/tmp/runner/work -v ENGINE_SOCKET:/var/run/docker.sock -v /tmp/runner:/tmp/runner busybox:latest
docker create --name teamcity-agent -e SERVER_URL=http://teamcity:8111 -v /srv/teamcity/agent/conf:/data/teamcity_agent/conf -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest
docker create --name teamcity-server -p 8111:8111 -v /srv/teamcity/datadir:/data/teamcity_server/datadir -v /srv/teamcity/logs:/opt/teamcity/logs busybox:latest
docker create --name concourse-worker --privileged -e CONCOURSE_TSA_HOST=web:2222 -e CONCOURSE_RUNTIME=containerd -v /srv/concourse/keys:/concourse-keys:ro busybox:latest worker
docker create --name act-runner -e GITEA_INSTANCE_URL=https://gitea.example.com -e GITEA_RUNNER_REGISTRATION_TOKEN=xxx -e GITEA_RUNNER_NAME=runner -v ENGINE_SOCKET:/var/run/docker.sock -v act-runner-data:/data busybox:latest
docker create --name dind --privileged -e DOCKER_TLS_CERTDIR=/certs -v dind-certs-ca:/certs/ca -v dind-certs-client:/certs/client -p 2376:2376 dind-like:latest
docker create --name dind-plain --privileged -e DOCKER_TLS_CERTDIR= dind-like:latest --host tcp://0.0.0.0:2375 --tls=false
docker create --rm --name docker-cli -v ENGINE_SOCKET:/var/run/docker.sock cli-like:latest docker ps
docker create --name buildkitd --privileged -p 127.0.0.1:1234:1234 busybox:latest --addr tcp://0.0.0.0:1234
docker create --name buildkitd-rootless --security-opt seccomp=unconfined --security-opt apparmor=unconfined -e BUILDKITD_FLAGS=--oci-worker-no-process-sandbox busybox:latest --addr tcp://0.0.0.0:1235
docker create --rm --name kaniko -v /srv/src:/workspace -v /srv/kaniko/config.json:/kaniko/.docker/config.json:ro busybox:latest --dockerfile=/workspace/Dockerfile --context=dir:///workspace --destination=registry.example.com/app:1
docker create --rm --name hadolint -i busybox:latest
docker create --rm --name shellcheck -v /srv/src:/mnt busybox:latest /mnt/build.sh
docker create --rm --name trivy -v ENGINE_SOCKET:/var/run/docker.sock -v trivy-cache:/root/.cache busybox:latest image alpine:3.20
docker create --rm --name grype -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest alpine:3.20
docker create --rm --name dive -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest alpine:3.20 --ci
docker create --rm --name sonar-scanner -e SONAR_HOST_URL=http://sonarqube:9000 -e SONAR_TOKEN=squ_xxx -v /srv/src:/usr/src busybox:latest
docker create --name sonarqube -p 9002:9000 -e SONAR_ES_BOOTSTRAP_CHECKS_DISABLE=true -v sonarqube_data:/opt/sonarqube/data busybox:latest
docker create --rm --name renovate -e RENOVATE_TOKEN=ghp_xxx -e LOG_LEVEL=debug busybox:latest example/repo
docker create --rm --name semgrep -v /srv/src:/src busybox:latest semgrep scan --config auto
docker create --rm --name gitleaks -v /srv/src:/path busybox:latest detect --source=/path -v
docker create --rm --name terraform -v /srv/infra:/workspace -w /workspace busybox:latest plan
docker create --rm --name ansible -v /srv/ansible:/ansible -w /ansible busybox:latest ansible-playbook site.yml
docker create --rm --name kubectl -v /srv/kube/config:/.kube/config:ro busybox:latest get pods -A
docker create --rm --name helm -v /srv/charts:/apps -w /apps busybox:latest lint .
docker create --name portainer -p 8000:8000 -p 9443:9443 --restart always -v ENGINE_SOCKET:/var/run/docker.sock -v portainer_data:/data busybox:latest
docker create --name portainer-agent -p 9004:9001 --restart always -v ENGINE_SOCKET:/var/run/docker.sock -v /var/lib/docker/volumes:/var/lib/docker/volumes busybox:latest
docker create --name watchtower --restart unless-stopped -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest --cleanup --interval 3600
docker create --name watchtower-once -e WATCHTOWER_NOTIFICATIONS=shoutrrr -e WATCHTOWER_NOTIFICATION_URL=discord://token@id -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest --run-once nginx redis
docker create --name traefik -p 80:80 -p 443:443 -p 8088:8080 -v ENGINE_SOCKET:/var/run/docker.sock:ro -v /srv/traefik/acme:/acme --restart always busybox:latest --api.insecure=true --providers.docker=true --entrypoints.web.address=:80
docker create --name traefik-labels -p 8089:80 -v ENGINE_SOCKET:/var/run/docker.sock:ro --label traefik.enable=true --label 'traefik.http.routers.dash.rule=Host(`traefik.localhost`)' busybox:latest --providers.docker
docker create --name cadvisor -p 8090:8080 --privileged --device /dev/kmsg -v /:/rootfs:ro -v /var/run:/var/run:ro -v /sys:/sys:ro -v /var/lib/docker:/var/lib/docker:ro -v /dev/disk:/dev/disk:ro busybox:latest
docker create --name node-exporter --net host --pid host -v /:/host:ro busybox:latest --path.rootfs=/host
docker create --name node-exporter-ports -p 9100:9100 -v /proc:/host/proc:ro -v /sys:/host/sys:ro busybox:latest --path.procfs=/host/proc --path.sysfs=/host/sys
docker create --name dozzle -p 8091:8080 -v ENGINE_SOCKET:/var/run/docker.sock:ro busybox:latest
docker create --name socket-proxy --privileged -p 127.0.0.1:2375:2375 -e CONTAINERS=1 -e IMAGES=1 -e POST=0 -v ENGINE_SOCKET:/var/run/docker.sock:ro busybox:latest
docker create --name socket-proxy-ro --read-only --tmpfs /run --cap-drop ALL -e CONTAINERS=1 -v ENGINE_SOCKET:/var/run/docker.sock:ro -p 127.0.0.1:2376:2375 busybox:latest
docker create --name registrator -v ENGINE_SOCKET:/tmp/docker.sock --net host busybox:latest consul://localhost:8500
docker create --name diun -e TZ=Europe/Paris -e LOG_LEVEL=info -e 'DIUN_WATCH_SCHEDULE=0 */6 * * *' -e DIUN_PROVIDERS_DOCKER=true -v /srv/diun:/data -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest
docker create --name autoheal --restart always -e AUTOHEAL_CONTAINER_LABEL=all -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest
docker create --name logspout -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest syslog+tls://logs.example.com:55555
docker create --name promtail -v /var/lib/docker/containers:/var/lib/docker/containers:ro -v ENGINE_SOCKET:/var/run/docker.sock -v /srv/promtail/config.yml:/etc/promtail/config.yml busybox:latest -config.file=/etc/promtail/config.yml
docker create --name vector -v ENGINE_SOCKET:/var/run/docker.sock:ro -v /srv/vector/vector.yaml:/etc/vector/vector.yaml:ro busybox:latest
docker create --name fluent-bit -p 24224:24224 -p 24224:24224/udp -v /srv/fluent-bit/fluent-bit.conf:/fluent-bit/etc/fluent-bit.conf busybox:latest
docker create --name datadog-agent --cgroupns host --pid host -e DD_API_KEY=xxx -e DD_SITE=datadoghq.eu -v ENGINE_SOCKET:/var/run/docker.sock:ro -v /proc/:/host/proc/:ro -v /sys/fs/cgroup/:/host/sys/fs/cgroup:ro busybox:latest
docker create --name netdata -p 19999:19999 -v netdataconfig:/etc/netdata -v /etc/passwd:/host/etc/passwd:ro -v /proc:/host/proc:ro -v /sys:/host/sys:ro -v ENGINE_SOCKET:/var/run/docker.sock:ro --cap-add SYS_PTRACE --cap-add SYS_ADMIN --security-opt apparmor=unconfined busybox:latest
docker create --name ctop --rm -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest
docker create --name lazydocker -v ENGINE_SOCKET:/var/run/docker.sock -v /srv/lazydocker:/.config/jesseduffield/lazydocker busybox:latest
docker create --name yacht -p 8092:8000 -v ENGINE_SOCKET:/var/run/docker.sock -v yacht:/config busybox:latest
docker create --name docker-gc -v ENGINE_SOCKET:/var/run/docker.sock -e GRACE_PERIOD_SECONDS=86400 busybox:latest
docker create --name ouroboros -v ENGINE_SOCKET:/var/run/docker.sock -e INTERVAL=300 -e CLEANUP=true busybox:latest
docker create --name nginx-proxy -p 8093:80 -v ENGINE_SOCKET:/tmp/docker.sock:ro httpd:latest
docker create --name acme-companion --volumes-from nginx-proxy -v ENGINE_SOCKET:/var/run/docker.sock:ro -v acme:/etc/acme.sh -e DEFAULT_EMAIL=mail@example.com busybox:latest
docker create --name caddy-docker-proxy -p 8094:80 -p 8443:443 -v ENGINE_SOCKET:/var/run/docker.sock -v caddy_data:/data --restart unless-stopped busybox:latest
docker create --name testcontainers-ryuk -v ENGINE_SOCKET:/var/run/docker.sock -e RYUK_CONNECTION_TIMEOUT=60s busybox:latest
docker create --name docker-exporter -p 9417:9417 -v ENGINE_SOCKET:/var/run/docker.sock:ro busybox:latest
docker create --name docker-events --init -v ENGINE_SOCKET:/var/run/docker.sock:ro cli-like:latest docker events --format json
docker create --name nginx -p 8095:80 -v /srv/www:/usr/share/nginx/html:ro httpd:latest
docker create --name nginx-conf -p 8096:80 -v /srv/nginx/nginx.conf:/etc/nginx/nginx.conf:ro -v /srv/nginx/conf.d:/etc/nginx/conf.d:ro --read-only --tmpfs /var/cache/nginx --tmpfs /var/run httpd:latest
docker create --name nginx-unpriv -p 8097:8080 -u 101:101 --cap-drop ALL httpd:latest
docker create --name httpd -p 8098:80 -v /srv/www:/usr/local/apache2/htdocs/ httpd:latest
docker create --name caddy -p 8099:80 -p 8444:443 -p 8444:443/udp -v /srv/caddy/Caddyfile:/etc/caddy/Caddyfile -v caddy_data2:/data --cap-add NET_ADMIN busybox:latest
docker create --name haproxy -p 8100:80 -v /srv/haproxy:/usr/local/etc/haproxy:ro --sysctl net.ipv4.ip_unprivileged_port_start=0 busybox:latest
docker create --name envoy -p 10000:10000 -p 9901:9901 -v /srv/envoy/envoy.yaml:/etc/envoy/envoy.yaml busybox:latest
docker create --name varnish -p 8101:80 --tmpfs /var/lib/varnish/varnishd -e VARNISH_SIZE=256M busybox:latest
docker create --name squid -p 3128:3128 -v /srv/squid/squid.conf:/etc/squid/squid.conf busybox:latest
docker create --name cloudflared --restart unless-stopped busybox:latest tunnel --no-autoupdate run --token eyJhIjoi
docker create --name wireguard --cap-add NET_ADMIN --cap-add SYS_MODULE -e PUID=1000 -e PGID=1000 -e SERVERURL=vpn.example.com -p 51820:51820/udp -v /srv/wireguard:/config -v /lib/modules:/lib/modules --sysctl net.ipv4.conf.all.src_valid_mark=1 --restart unless-stopped busybox:latest
docker create --name openvpn --cap-add NET_ADMIN --device /dev/net/tun -p 1194:1194/udp -v /srv/openvpn:/etc/openvpn busybox:latest
docker create --name tailscale --hostname docker-ts --cap-add NET_ADMIN --cap-add SYS_MODULE --device /dev/net/tun:/dev/net/tun -e TS_AUTHKEY=tskey-xxx -e TS_STATE_DIR=/var/lib/tailscale -v tailscale:/var/lib/tailscale busybox:latest
docker create --name pihole -p 53:53/tcp -p 53:53/udp -p 8102:80 -e TZ=Europe/London -e WEBPASSWORD=secret -v /srv/pihole/etc-pihole:/etc/pihole -v /srv/pihole/etc-dnsmasq.d:/etc/dnsmasq.d --dns 127.0.0.1 --dns 1.1.1.1 --restart unless-stopped --hostname pi.hole busybox:latest
docker create --name adguard -p 3053:53/udp -p 3000:3000 -v /srv/adguard/work:/opt/adguardhome/work -v /srv/adguard/conf:/opt/adguardhome/conf busybox:latest
docker create --name coredns -p 1053:53/udp -v /srv/coredns:/etc/coredns busybox:latest -conf /etc/coredns/Corefile
docker create --name prometheus -p 9090:9090 -v /srv/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro -v prometheus-data:/prometheus busybox:latest --config.file=/etc/prometheus/prometheus.yml --storage.tsdb.retention.time=15d
docker create --name alertmanager -p 9093:9093 -v /srv/alertmanager:/etc/alertmanager busybox:latest
docker create --name pushgateway -p 9091:9091 busybox:latest
docker create --name blackbox -p 9115:9115 -v /srv/blackbox/config.yml:/config/blackbox.yml busybox:latest --config.file=/config/blackbox.yml
docker create --name grafana -p 3001:3000 -e GF_SECURITY_ADMIN_PASSWORD=admin -e GF_INSTALL_PLUGINS=grafana-clock-panel -v grafana-storage:/var/lib/grafana --user 472 busybox:latest
docker create --name loki -p 3100:3100 -v /srv/loki/config.yaml:/etc/loki/local-config.yaml busybox:latest -config.file=/etc/loki/local-config.yaml
docker create --name tempo -p 3200:3200 -p 4317:4317 -v /srv/tempo/tempo.yaml:/etc/tempo.yaml busybox:latest -config.file=/etc/tempo.yaml
docker create --name jaeger -p 16686:16686 -p 4318:4318 -p 6831:6831/udp -e COLLECTOR_OTLP_ENABLED=true busybox:latest
docker create --name zipkin -p 9411:9411 busybox:latest
docker create --name otel-collector -p 4319:4317 -p 4320:4318 -v /srv/otel/config.yaml:/etc/otelcol-contrib/config.yaml busybox:latest
docker create --name uptime-kuma -p 3002:3001 -v uptime-kuma:/app/data --restart always busybox:latest
docker create --name statsd -p 8125:8125/udp -p 8126:8126 busybox:latest
docker create --name graphite -p 8103:80 -p 2003-2004:2003-2004 -p 2023-2024:2023-2024 busybox:latest
docker create --name telegraf -v /srv/telegraf/telegraf.conf:/etc/telegraf/telegraf.conf:ro -v ENGINE_SOCKET:/var/run/docker.sock --group-add 999 busybox:latest
docker create --name sentry-relay -p 3003:3000 busybox:latest run
docker create --name nextcloud -p 8104:80 -v nextcloud:/var/www/html -e MYSQL_HOST=mysql -e MYSQL_DATABASE=nextcloud -e MYSQL_USER=nextcloud -e MYSQL_PASSWORD=secret busybox:latest
docker create --name wordpress -p 8105:80 -e WORDPRESS_DB_HOST=mysql:3306 -e WORDPRESS_DB_USER=wp -e WORDPRESS_DB_PASSWORD=secret -e WORDPRESS_DB_NAME=wordpress -v wordpress:/var/www/html busybox:latest
docker create --name ghost -p 2368:2368 -e url=http://localhost:2368 -e NODE_ENV=development -v ghost-content:/var/lib/ghost/content busybox:latest
docker create --name gitea -p 3004:3000 -p 2223:22 -e USER_UID=1000 -e USER_GID=1000 -v /srv/gitea:/data -v /etc/timezone:/etc/timezone:ro -v /etc/localtime:/etc/localtime:ro busybox:latest
docker create --name gitlab --hostname gitlab.example.com -p 8443:443 -p 8106:80 -p 2224:22 -v /srv/gitlab/config:/etc/gitlab -v /srv/gitlab/logs:/var/log/gitlab -v /srv/gitlab/data:/var/opt/gitlab --shm-size 256m busybox:latest
docker create --name keycloak -p 8107:8080 -e KC_BOOTSTRAP_ADMIN_USERNAME=admin -e KC_BOOTSTRAP_ADMIN_PASSWORD=admin busybox:latest start-dev
docker create --name vault --cap-add IPC_LOCK -p 8200:8200 -e VAULT_DEV_ROOT_TOKEN_ID=myroot -e VAULT_DEV_LISTEN_ADDRESS=0.0.0.0:8200 busybox:latest
docker create --name consul -p 8500:8500 -p 8600:8600/udp busybox:latest agent -server -ui -node=server-1 -bootstrap-expect=1 -client=0.0.0.0
docker create --name registry -p 5000:5000 --restart always -v /srv/registry:/var/lib/registry busybox:latest
docker create --name registry-auth -p 5001:5000 -v /srv/registry/auth:/auth -e REGISTRY_AUTH=htpasswd -e REGISTRY_AUTH_HTPASSWD_REALM=Registry -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd busybox:latest
docker create --name harbor-like-cache -p 5002:5000 -e REGISTRY_PROXY_REMOTEURL=https://registry-1.docker.io busybox:latest
docker create --name home-assistant --privileged --restart unless-stopped -e TZ=Europe/Amsterdam -v /srv/homeassistant:/config -v /run/dbus:/run/dbus:ro --network host busybox:latest
docker create --name zigbee2mqtt --restart unless-stopped -v /srv/zigbee2mqtt:/app/data -v /run/udev:/run/udev:ro --device /dev/ttyUSB0:/dev/ttyACM0 -p 8108:8080 -e TZ=Europe/Berlin busybox:latest
docker create --name mosquitto -p 1883:1883 -p 9001:9001 -v /srv/mosquitto/config:/mosquitto/config busybox:latest
docker create --name node-red -p 1880:1880 -v node_red_data:/data busybox:latest
docker create --name plex --network host -e TZ=Europe/London -e PLEX_CLAIM=claim-xxx -v /srv/plex/config:/config -v /srv/media:/data --device /dev/dri:/dev/dri busybox:latest
docker create --name jellyfin --user 1000:1000 --net host --volume /srv/jellyfin/config:/config --volume /srv/jellyfin/cache:/cache --mount type=bind,source=/usr/share,target=/media --restart unless-stopped busybox:latest
docker create --name transmission -e PUID=1000 -e PGID=1000 -e TZ=Etc/UTC -p 9092:9091 -p 51413:51413 -p 51413:51413/udp -v /srv/transmission/data:/config -v /srv/downloads:/downloads --restart unless-stopped busybox:latest
docker create --name syncthing --hostname my-syncthing -e PUID=1000 -e PGID=1000 -p 8384:8384 -p 22000:22000/tcp -p 22000:22000/udp -p 21027:21027/udp -v /srv/syncthing:/var/syncthing busybox:latest
docker create --name vaultwarden -e DOMAIN=https://vw.example.com -v /srv/vw-data:/data -p 8109:80 --restart unless-stopped busybox:latest
docker create --name paperless -p 8110:8000 -e PAPERLESS_REDIS=redis://redis:6379 -v paperless-data:/usr/src/paperless/data busybox:latest
docker create --name immich-ml -v model-cache:/cache --restart always busybox:latest
docker create --name mailhog -p 1025:1025 -p 8025:8025 busybox:latest
docker create --name mailpit -p 1026:1025 -p 8026:8025 --restart unless-stopped busybox:latest
docker create --name minecraft -p 25565:25565 -e EULA=TRUE -e MEMORY=2G -v /srv/minecraft:/data -i -t busybox:latest
docker create --name selenium -p 4444:4444 -p 7900:7900 --shm-size 2g busybox:latest
docker create --name browserless -p 3005:3000 -e CONCURRENT=10 -e TOKEN=secret busybox:latest
docker create --name localstack -p 127.0.0.1:4566:4566 -p 127.0.0.1:4510-4559:4510-4559 -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest
docker create --name code-server -p 127.0.0.1:8111:8080 -v /srv/code/.config:/home/coder/.config -v /srv/code/project:/home/coder/project -u 1000:1000 -e DOCKER_USER=coder busybox:latest
docker create --name ollama -v ollama:/root/.ollama -p 11434:11434 busybox:latest
docker create --name open-webui -p 3006:8080 -e OLLAMA_BASE_URL=http://ollama:11434 -v open-webui:/app/backend/data --restart always busybox:latest
docker create --name jupyter -p 8888:8888 -v /srv/notebooks:/home/jovyan/work busybox:latest
docker create --name n8n -p 5678:5678 -v n8n_data:/home/node/.n8n -e GENERIC_TIMEZONE=Europe/Berlin busybox:latest
docker create --name metabase -p 3007:3000 -e MB_DB_FILE=/metabase-data/metabase.db -v /srv/metabase:/metabase-data busybox:latest
docker create --name superset -p 8112:8088 -e SUPERSET_SECRET_KEY=secret busybox:latest
docker create --name airflow -p 8113:8080 busybox:latest standalone
docker create --name matomo -p 8114:80 -v matomo:/var/www/html busybox:latest
docker create --name drupal -p 8115:80 busybox:latest
docker create --name joomla -p 8116:80 -e JOOMLA_DB_HOST=mysql -e JOOMLA_DB_PASSWORD=secret busybox:latest
docker create --name rocketchat -p 3008:3000 -e ROOT_URL=http://localhost:3000 -e MONGO_URL=mongodb://mongo:27017/rocketchat busybox:latest
docker create --name mattermost -p 8065:8065 busybox:latest
docker create --name hello -p 8117:80 busybox:latest
docker create --name whoami -p 8118:80 --label traefik.http.routers.whoami.rule=Host --stop-timeout 5 busybox:latest
docker create --name httpbin -p 8119:80 busybox:latest
docker create --name echo -p 5678:5678 busybox:latest -text=hello
docker create --rm --name curl busybox:latest -fsSL https://example.com
docker create --rm --name alpine-sh -e TZ=UTC alpine:latest sh -c 'date; uname -a'
docker create --rm --name busybox-wget --dns 9.9.9.9 --dns-search example.com busybox:latest wget -qO- http://example.com
docker create --rm --name ubuntu-apt -w /work -v /srv/work:/work ubuntu:latest bash -c 'apt-get update && apt-get install -y make'
docker create --rm --name debian-id -u 1000:1000 ubuntu:latest id
docker create --rm --name node-build -v /srv/app:/usr/src/app -w /usr/src/app -e NODE_ENV=production busybox:latest npm ci
docker create --rm --name python-test -v /srv/app:/app -w /app -e PYTHONDONTWRITEBYTECODE=1 busybox:latest python -m pytest -q
docker create --rm --name golang-build -v /srv/go/src:/go/src/app -w /go/src/app -e CGO_ENABLED=0 -e GOOS=linux busybox:latest go build -o /go/src/app/bin/app .
docker create --rm --name maven-build -v /srv/java:/usr/src/mymaven -v maven-repo:/root/.m2 -w /usr/src/mymaven busybox:latest mvn -B package
docker create --rm --name gradle-build -u 1000:1000 -v /srv/java:/home/gradle/project -w /home/gradle/project busybox:latest gradle build
docker create --rm --name rust-build -v /srv/rust:/usr/src/myapp -w /usr/src/myapp busybox:latest cargo build --release
docker create --rm --name php-cli -v /srv/php:/usr/src/myapp -w /usr/src/myapp busybox:latest php script.php
docker create --rm --name ruby-bundle -v /srv/ruby:/usr/src/app -w /usr/src/app busybox:latest bundle install
docker create --rm --name dotnet-build -v /srv/dotnet:/src -w /src busybox:latest dotnet build
docker create --rm --name aws-cli -v /srv/aws:/root/.aws:ro -e AWS_PROFILE=default busybox:latest s3 ls
docker create --rm --name gcloud -v /srv/gcloud:/root/.config/gcloud busybox:latest gcloud info
docker create --rm --name azure-cli -v /srv/azure:/root/.azure busybox:latest az account show
docker create --rm --name pandoc -v /srv/docs:/data -u 1000:1000 busybox:latest README.md -o README.pdf
docker create --rm --name imagemagick -v /srv/images:/imgs busybox:latest /imgs/in.png -resize 50% /imgs/out.png
docker create --rm --name ffmpeg -v /srv/video:/tmp/workdir busybox:latest -i in.mp4 out.webm
docker create --rm --name certbot -v /srv/letsencrypt:/etc/letsencrypt -v /srv/certbot/www:/var/www/certbot busybox:latest certonly --webroot -w /var/www/certbot -d example.com
docker create --rm --name mkcert -v /srv/certs:/root/.local/share/mkcert busybox:latest
docker create --rm --name openssl-gen -v /srv/certs:/certs -w /certs busybox:latest req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 365 -subj /CN=localhost
docker create --rm --name speedtest --network host busybox:latest
docker create --rm --name iperf -p 5201:5201 busybox:latest -s
docker create --rm --name nmap --cap-add NET_RAW --cap-add NET_ADMIN busybox:latest -sV 127.0.0.1
docker create --rm --name tcpdump --net host --cap-add NET_RAW --cap-add NET_ADMIN busybox:latest tcpdump -i any port 53
docker create --rm --name netshoot-pid --pid host --network host --privileged busybox:latest ps aux
docker create --rm --name stress --cpus 2 -m 512m --memory-reservation 256m --cpu-shares 1024 busybox:latest --cpu 2 --timeout 10s
docker create --rm --name sysbench --cpus 1 --ulimit nproc=4096 --pids-limit 200 busybox:latest sysbench cpu run
docker create --rm --name fio --device /dev/sdb:/dev/sdb:r --cap-add SYS_ADMIN busybox:latest --name=test --filename=/dev/sdb --rw=read
docker create --rm --name hadolint-file -v /srv/src/Dockerfile:/Dockerfile:ro busybox:latest hadolint /Dockerfile
docker create --rm --name yamllint -v /srv/src:/data busybox:latest .
docker create --rm --name markdownlint -v /srv/src:/workdir busybox:latest '**/*.md'
docker create --rm --name prettier -v /srv/src:/work -w /work busybox:latest --check .
docker create --rm --name kube-linter -v /srv/k8s:/dir busybox:latest lint /dir
docker create --rm --name conftest -v /srv/policy:/project busybox:latest test deployment.yaml
docker create --rm --name checkov -v /srv/infra:/tf busybox:latest -d /tf
docker create --rm --name docker-bench --net host --pid host --userns host --cap-add audit_control -v /etc:/etc:ro -v /usr/bin/containerd:/usr/bin/containerd:ro -v /var/lib:/var/lib:ro -v ENGINE_SOCKET:/var/run/docker.sock:ro --label docker_bench_security busybox:latest
docker create --rm --name skopeo -v /srv/auth.json:/auth.json:ro busybox:latest copy --authfile /auth.json docker://alpine:3.20 docker://registry.example.com/alpine:3.20
docker create --rm --name crane busybox:latest ls alpine
docker create --rm --name regctl -v ENGINE_SOCKET:/var/run/docker.sock busybox:latest tag ls alpine
docker create --rm --name compose-in-docker -v ENGINE_SOCKET:/var/run/docker.sock -v /srv/project:/project -w /project busybox:latest up -d
docker create --rm --name sleep-init --init --stop-signal SIGINT --stop-timeout 30 busybox:latest sleep 5
docker create --name health-all --health-cmd 'wget -qO- http://localhost/ || exit 1' --health-interval 30s --health-timeout 10s --health-retries 3 --health-start-period 40s httpd:latest
docker create --name limits-all-b --memory 1g --memory-reservation 512m --cpus 1.5 --cpu-shares 2048 --ulimit nofile=4096:8192 --shm-size 128m busybox:latest sleep 1000
docker create --name hardened-b --read-only --cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges -u 65534:65534 --tmpfs /tmp:size=64m,mode=1777 -p 8120:80 httpd:latest
docker create --name hosts-entries --add-host db:10.0.0.10 --add-host cache:10.0.0.11 --add-host db-replica:10.0.0.10 --hostname app.internal busybox:latest sleep 1000
docker create --name labelled --label com.example.vendor=ACME --label com.example.version=1.0 --label 'com.example.description=an example app' busybox:latest sleep 1000
docker create --name sysctls --sysctl net.ipv4.tcp_keepalive_time=600 busybox:latest sleep 1000
docker create --name ipv6-bind -p '[::1]:8121:80' -p 127.0.0.1:8122:80 httpd:latest
docker create --name udp-range-b -p 10000-10010:10000-10010/udp --expose 5060/udp busybox:latest
docker create --name restart-3-b --restart on-failure:3 --stop-signal SIGQUIT httpd:latest
docker create --name logging --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 httpd:latest
docker create --name mounts-mixed-b --mount type=volume,source=appdata,target=/data --mount type=bind,source=/usr/share,target=/config,readonly --mount type=tmpfs,destination=/cache,tmpfs-size=128m busybox:latest sleep 1000
docker create --name entry-args --entrypoint /usr/bin/env busybox:latest sh -c 'exec sleep 1000'
docker create --name tty-daemon -t -i --workdir /root busybox:latest sh
docker create --name shared-mem --ipc host --shm-size 64m busybox:latest sleep 1000
docker create --name gpus-devices --device /dev/nvidia0 --device /dev/nvidiactl --device /dev/nvidia-uvm busybox:latest nvidia-smi
docker create --name aliases --network-alias api --network appnet busybox:latest sleep 1000
