# A README's docker run lines: a web server, and a CI agent that borrows the host's daemon.
docker run -d --name web -p 8080:80 --restart unless-stopped -e TZ=UTC --hostname web nginx:1.27
docker run -d --name agent --memory 512m \
  -v /var/run/docker.sock:/var/run/docker.sock \
  -e AGENT_NAME=ci-1 docker:29-cli sleep infinity
