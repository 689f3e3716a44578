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
