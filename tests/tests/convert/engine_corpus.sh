# docker create lines for the real-engine differential of `dockscape convert` (run -> Compose): each
# line is created by the real docker CLI and its Compose conversion by the real docker-compose, on the
# real engine, and `docker inspect` of the two must agree (tests/tests/convert_real_engine.rs).
# SOCKET stands for the engine's own socket (the host's /var/run/docker.sock of that engine).
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
docker create --name dood --restart always -v SOCKET:/var/run/docker.sock:ro busybox true
docker create --name extras --init --dns 10.0.0.53 --dns-search corp.example --dns-option ndots:2 --shm-size 256m --ulimit nofile=1024:2048 --ulimit nproc=512 --stop-signal SIGINT --device /dev/null --device /dev/zero:/dev/myzero:rw --security-opt seccomp=unconfined busybox true
docker create --name ranges -p 127.0.0.1:8080-8081:80-81/udp -p 9000-9001:9000-9001 --expose 7000-7001 --tmpfs /run:size=16m --tmpfs /var/cache --mount type=tmpfs,dst=/scratch,tmpfs-size=64m,tmpfs-mode=1770 --security-opt apparmor=unconfined busybox true
docker create --name pg-like -e POSTGRES_PASSWORD=example -e PGDATA=/var/lib/postgresql/data/pgdata -p 5432:5432 -v pgdata:/var/lib/postgresql/data --shm-size 128m --restart unless-stopped busybox sleep 1000
docker create --name redis-like -p 127.0.0.1:6379:6379 -v /tmp:/data --sysctl net.core.somaxconn=1024 --restart always busybox sh -c 'exec sleep 1000'
docker create --name es-like -e discovery.type=single-node -e ES_JAVA_OPTS=-Xms512m --ulimit memlock=-1:-1 --ulimit nofile=65536:65536 -m 1g -p 9200:9200 -p 9300:9300 busybox true
docker create --name runner-like --restart always -v /usr/share:/etc/gitlab-runner -v SOCKET:/var/run/docker.sock busybox true
docker create --name jenkins-like -p 8084:8080 -p 50000:50000 -v jenkins_home:/var/jenkins_home --group-add 999 --init busybox true
docker create --name portainer-like -p 8000:8000 -p 9443:9443 --restart always -v SOCKET:/var/run/docker.sock -v portainer_data:/data busybox true
docker create --name traefik-like -p 80:80 -p 443:443 -v SOCKET:/var/run/docker.sock:ro --label traefik.enable=true --label 'traefik.http.routers.api.rule=Host(`traefik.localhost`)' busybox true
docker create --name cadvisor-like -p 8090:8080 --privileged --device /dev/null:/dev/kmsg -v /:/rootfs:ro -v /sys:/sys:ro busybox true
docker create --name exporter-like --network host --pid host -v /:/host:ro busybox true
docker create --name proxy-like --read-only --tmpfs /run --cap-drop ALL -e CONTAINERS=1 -p 127.0.0.1:2375:2375 -v SOCKET:/var/run/docker.sock:ro busybox true
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
