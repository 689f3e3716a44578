// A realistic multi-document manifest of about `lines` lines for the bench: the seed articles' DooD and
// DinD pods, renamed, with a Deployment wrapping one of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

const dood = readFileSync(join(ROOT, 'examples/seed-002-dood-pod.yaml'), 'utf8');

const dind = `apiVersion: v1
kind: Pod
metadata:
  name: dind
spec:
  containers:
    - name: docker-cmds
      image: docker:1.12.6
      command: ['docker', 'run', '-p', '80:80', 'httpd:latest']
      resources:
        requests:
          cpu: 10m
          memory: 256Mi
      env:
        - name: DOCKER_HOST
          value: tcp://localhost:2375
    - name: dind-daemon
      image: docker:1.12.6-dind
      resources:
        requests:
          cpu: 20m
          memory: 512Mi
      securityContext:
        privileged: true
      volumeMounts:
        - name: docker-graph-storage
          mountPath: /var/lib/docker
  volumes:
    - name: docker-graph-storage
      emptyDir: {}
`;

const deployment = (name) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: builder
          image: docker:27
          volumeMounts:
            - name: sock
              mountPath: /var/run/docker.sock
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
            type: Socket
`;

/** Whole documents up to `lines` lines, padded with comment lines to exactly `lines`. */
export function EXAMPLES_FOR_BENCH(lines) {
  const out = [];
  let n = 0;
  for (let i = 0; ; i++) {
    const d = [dood.replace(/name: dood/, `name: dood-${i}`), dind.replace(/name: dind/, `name: dind-${i}`), deployment(`builder-${i}`)][i % 3];
    const doc = (i ? '---\n' : '') + (d.endsWith('\n') ? d : d + '\n');
    const len = doc.split('\n').length - 1;
    if (n + len > lines) break;
    out.push(doc);
    n += len;
  }
  while (n++ < lines) out.push('# padding\n');
  return out.join('');
}
