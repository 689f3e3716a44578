#!/bin/sh
# Entrypoint of dockscape's stand-in for the docker:<v>-cli image (docs/real-engine.md), written here
# after the official image's documented behaviour, not copied from it:
#   - a first argument that is a flag, or a docker subcommand, runs `docker` with the arguments;
#   - with no DOCKER_HOST and no /var/run/docker.sock, the client goes to the `docker` host: port 2376
#     with TLS when certificates are in $DOCKER_TLS_CERTDIR/client, else 2375.
set -eu

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
	set -- docker "$@"
elif [ "$1" != docker ] && docker help "$1" >/dev/null 2>&1; then
	set -- docker "$@"
fi

if [ -z "${DOCKER_HOST:-}" ] && [ ! -S /var/run/docker.sock ]; then
	if [ -n "${DOCKER_TLS_CERTDIR:-}" ] && [ -s "$DOCKER_TLS_CERTDIR/client/ca.pem" ]; then
		export DOCKER_HOST=tcp://docker:2376
		export DOCKER_TLS_VERIFY=1
		export DOCKER_CERT_PATH="$DOCKER_TLS_CERTDIR/client"
	else
		export DOCKER_HOST=tcp://docker:2375
	fi
fi

exec "$@"
