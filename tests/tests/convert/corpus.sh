# docker run lines for `dockscape convert` tests: each converted output must pass the real tools.
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
