// The Lint tab's gallery: one click loads an input. The seed articles' own Pods (seed 002, "DooD or DinD On
// K8S", copied verbatim, trailing spaces included), and one of each other input kind the linter reads.
import seedDood from '../examples/seed-002-dood-pod.yaml?raw';
import seedDind from '../examples/seed-002-dind-pod.yaml?raw';
import compose from '../examples/compose.yaml?raw';
import script from '../examples/build.sh?raw';
import gitlab from '../examples/gitlab-ci.yml?raw';
import jenkins from '../examples/Jenkinsfile?raw';

export interface Example {
  id: string;
  title: string;
  /** The file name the input is linted as (it helps detect the kind). */
  file: string;
  text: string;
}

export const EXAMPLES: Example[] = [
  { id: 'dood', title: 'DooD Pod (seed 002)', file: 'dood.yaml', text: seedDood },
  { id: 'dind', title: 'DinD Pod (seed 002)', file: 'dind.yaml', text: seedDind },
  { id: 'compose', title: 'Compose file', file: 'compose.yaml', text: compose },
  { id: 'run', title: 'docker run script', file: 'build.sh', text: script },
  { id: 'gitlab', title: 'GitLab CI', file: '.gitlab-ci.yml', text: gitlab },
  { id: 'jenkins', title: 'Jenkinsfile', file: 'Jenkinsfile', text: jenkins },
];
