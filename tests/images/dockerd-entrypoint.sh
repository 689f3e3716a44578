#!/bin/sh
# Entrypoint of dockscape's stand-in for the docker:<v>-dind image (docs/real-engine.md). It runs
# Debian's dockerd 20.10 and does what the official image's entrypoint is documented to do; it is
# written here, not copied:
#   - with DOCKER_TLS_CERTDIR set: a CA, a server and a client certificate are generated under
#     $DOCKER_TLS_CERTDIR/{ca,server,client} (kept when already there), the server's names covering
#     `docker`, `localhost`, the host name and every address; dockerd listens on unix:// and on
#     tcp://0.0.0.0:2376 with --tlsverify;
#   - without it: unix:// and tcp://0.0.0.0:2375 without TLS;
#   - both only when there are no arguments or only flags (they are added to dockerd's); `dockerd ...`
#     runs as given; anything else goes through the client entrypoint (docker-entrypoint.sh);
#   - as a non-root user (the docker:<v>-dind-rootless stand-in, USER rootless): the socket is
#     $XDG_RUNTIME_DIR/docker.sock (default /run/user/<uid>), and dockerd runs under rootlesskit
#     (slirp4netns network, builtin port driver publishing the TCP port, /etc and /run copied up)
#     after the checks the official image documents: rootlesskit present, /etc/subuid and
#     /etc/subgid entries for the user, writable HOME and XDG_RUNTIME_DIR, user namespaces allowed.
set -eu

uid=$(id -u)
rootlesskit_flags=${DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS:-}

# Names and addresses the server certificate must cover, comma-separated for subjectAltName.
server_names() {
	{
		for a in $(ip -o addr 2>/dev/null | awk '{print $4}' | cut -d/ -f1); do echo "IP:$a"; done
		for n in docker localhost "$(hostname)" "$(cat /etc/hostname 2>/dev/null || true)"; do
			[ -n "$n" ] && echo "DNS:$n"
		done
		[ -n "${DOCKER_TLS_SAN:-}" ] && echo "$DOCKER_TLS_SAN"
	} | sort -u | paste -s -d, -
}

make_certs() {
	d=$1
	mkdir -p "$d/ca" "$d/server" "$d/client"
	if [ ! -s "$d/ca/key.pem" ]; then
		openssl genrsa -out "$d/ca/key.pem" 4096
		openssl req -new -x509 -days 825 -key "$d/ca/key.pem" -subj '/CN=docker:dind CA' -out "$d/ca/cert.pem"
	fi
	ext=$(mktemp)
	for who in server client; do
		if [ ! -s "$d/$who/cert.pem" ]; then
			openssl genrsa -out "$d/$who/key.pem" 4096
			openssl req -new -key "$d/$who/key.pem" -subj "/CN=docker:dind $who" -out "$d/$who/csr.pem"
			if [ "$who" = server ]; then
				printf 'extendedKeyUsage = serverAuth\nsubjectAltName = %s\n' "$(server_names)" >"$ext"
			else
				printf 'extendedKeyUsage = clientAuth\n' >"$ext"
			fi
			openssl x509 -req -days 825 -in "$d/$who/csr.pem" -CA "$d/ca/cert.pem" -CAkey "$d/ca/key.pem" \
				-CAcreateserial -extfile "$ext" -out "$d/$who/cert.pem"
			cp "$d/ca/cert.pem" "$d/$who/ca.pem"
			rm -f "$d/$who/csr.pem"
		fi
	done
	rm -f "$ext"
	chmod 0644 "$d/client/key.pem"
}

# Runs dockerd ("$@") as this non-root user under rootlesskit, or says which requirement is missing.
rootless() {
	if ! command -v rootlesskit >/dev/null 2>&1; then
		echo >&2 "error: dockerd as uid $uid needs rootlesskit (the docker:<v>-dind-rootless image)"
		exit 1
	fi
	user=$(id -un 2>/dev/null || true)
	for f in /etc/subuid /etc/subgid; do
		if ! grep -qE "^($uid${user:+|$user}):" "$f" 2>/dev/null; then
			echo >&2 "error: dockerd as uid $uid needs an entry for it in $f"
			exit 1
		fi
	done
	XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/run/user/$uid}
	export XDG_RUNTIME_DIR
	if ! mkdir -p "$XDG_RUNTIME_DIR" "$HOME/.local/share/docker" || [ ! -w "$XDG_RUNTIME_DIR" ] ||
		[ ! -w "$HOME/.local/share/docker" ]; then
		echo >&2 "error: dockerd as uid $uid needs HOME ($HOME) and XDG_RUNTIME_DIR ($XDG_RUNTIME_DIR) writable"
		exit 1
	fi
	if [ -f /proc/sys/kernel/unprivileged_userns_clone ] && [ "$(cat /proc/sys/kernel/unprivileged_userns_clone)" != 1 ]; then
		echo >&2 "error: dockerd as uid $uid needs kernel.unprivileged_userns_clone=1"
		exit 1
	fi
	if [ -f /proc/sys/user/max_user_namespaces ] && [ "$(cat /proc/sys/user/max_user_namespaces)" = 0 ]; then
		echo >&2 "error: dockerd as uid $uid needs user.max_user_namespaces above 0"
		exit 1
	fi
	# shellcheck disable=SC2086 # the flags are words
	exec rootlesskit --net="${DOCKERD_ROOTLESS_ROOTLESSKIT_NET:-slirp4netns}" \
		--mtu="${DOCKERD_ROOTLESS_ROOTLESSKIT_MTU:-1500}" --disable-host-loopback --port-driver=builtin \
		--copy-up=/etc --copy-up=/run $rootlesskit_flags "$@"
}

# Only with no arguments, or flags only, does the entrypoint choose the listeners (and TLS).
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
	if [ "$uid" = 0 ]; then
		socket=unix:///var/run/docker.sock
	else
		socket="unix://${XDG_RUNTIME_DIR:-/run/user/$uid}/docker.sock"
	fi
	case "${DOCKER_HOST:-}" in
		unix://*) socket=$DOCKER_HOST ;;
	esac
	if [ -n "${DOCKER_TLS_CERTDIR:-}" ]; then
		make_certs "$DOCKER_TLS_CERTDIR"
		set -- dockerd --host="$socket" --host=tcp://0.0.0.0:2376 --tlsverify \
			--tlscacert "$DOCKER_TLS_CERTDIR/server/ca.pem" --tlscert "$DOCKER_TLS_CERTDIR/server/cert.pem" \
			--tlskey "$DOCKER_TLS_CERTDIR/server/key.pem" "$@"
		rootlesskit_flags="$rootlesskit_flags -p 0.0.0.0:2376:2376/tcp"
	else
		set -- dockerd --host="$socket" --host=tcp://0.0.0.0:2375 "$@"
		rootlesskit_flags="$rootlesskit_flags -p 0.0.0.0:2375:2375/tcp"
	fi
fi

if [ "$1" = dockerd ]; then
	# A pid file left by an unclean stop would keep dockerd from starting.
	rm -f /var/run/docker.pid /run/docker.pid
	if [ "$uid" != 0 ]; then
		rootless "$@"
	fi
else
	# Anything else runs through the client entrypoint, which sets DOCKER_HOST.
	set -- docker-entrypoint.sh "$@"
fi

exec "$@"
