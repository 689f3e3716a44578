// Examples for the Lint tab: the seed articles' own Pods (seed 002, "DooD or DinD On K8S").

export interface Example {
  id: string;
  title: string;
  text: string;
}

export const EXAMPLES: Example[] = [
  { id: 'dood', title: 'DooD pod (seed 002)', text: "apiVersion: v1 \nkind: Pod \nmetadata: \n    name: dood \nspec: \n    containers: \n      - name: docker-cmds \n        image: docker:1.12.6 \n        command: ['docker', 'run', '-p', '80:80', 'httpd:latest'] \n        resources: \n            requests: \n                cpu: 10m \n                memory: 256Mi \n        volumeMounts: \n          - mountPath: /var/run \n            name: docker-sock \n    volumes: \n      - name: docker-sock \n        hostPath: \n            path: /var/run \n" },
  { id: 'dind', title: 'DinD pod (seed 002)', text: "apiVersion: v1 \nkind: Pod \nmetadata: \n    name: dind \nspec: \n    containers: \n      - name: docker-cmds \n        image: docker:1.12.6 \n        command: ['docker', 'run', '-p', '80:80', 'httpd:latest'] \n        resources: \n            requests: \n                cpu: 10m \n                memory: 256Mi \n        env: \n          - name: DOCKER_HOST \n            value: tcp://localhost:2375 \n      - name: dind-daemon \n        image: docker:1.12.6-dind \n        resources: \n            requests: \n                cpu: 20m \n                memory: 512Mi \n        securityContext: \n            privileged: true \n        volumeMounts: \n          - name: docker-graph-storage \n            mountPath: /var/lib/docker \n    volumes: \n      - name: docker-graph-storage \n        emptyDir: {}\n" },
];
