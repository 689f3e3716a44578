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
