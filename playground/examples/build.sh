#!/bin/sh
# Build and test inside a container that borrows the host's daemon.
set -eu
docker run --rm \
  -v /var/run/docker.sock:/var/run/docker.sock \
  -v "$PWD":/src -w /src \
  docker:27-cli docker build -t app:test .
docker run -d --name dind --privileged -e DOCKER_TLS_CERTDIR= -p 2375:2375 docker:27-dind
