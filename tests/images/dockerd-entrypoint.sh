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
#     runs as given; anything else goes through the client entrypoint (docker-entrypoint.sh).
set -eu

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

# Only with no arguments, or flags only, does the entrypoint choose the listeners (and TLS).
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
	if [ -n "${DOCKER_TLS_CERTDIR:-}" ]; then
		make_certs "$DOCKER_TLS_CERTDIR"
		set -- dockerd --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2376 --tlsverify \
			--tlscacert "$DOCKER_TLS_CERTDIR/server/ca.pem" --tlscert "$DOCKER_TLS_CERTDIR/server/cert.pem" \
			--tlskey "$DOCKER_TLS_CERTDIR/server/key.pem" "$@"
	else
		set -- dockerd --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2375 "$@"
	fi
fi

if [ "$1" = dockerd ]; then
	# A pid file left by an unclean stop would keep dockerd from starting.
	rm -f /var/run/docker.pid /run/docker.pid
	if [ "$(id -u)" != 0 ]; then
		echo >&2 "dockscape's docker:dind stand-in runs dockerd as root only (no rootlesskit in it)"
		exit 1
	fi
else
	# Anything else runs through the client entrypoint, which sets DOCKER_HOST.
	set -- docker-entrypoint.sh "$@"
fi

exec "$@"
