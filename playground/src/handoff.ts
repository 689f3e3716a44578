// Lint -> Generate: "Open in Generate" carries the linted workload's own values.
//
// The workload goes through the core's `convert` (the same reader `dockscape convert` uses: Kubernetes
// objects, Compose services or `docker run` lines into the one model) to a Pod, which `yamlToJson` reads
// back; its name, namespace, workload container's image, command, args, env, ports, requests and
// limits, and the object's kind become Generate's parameters. What Generate's parameters cannot hold is
// said, never dropped in silence: the scenario builds its own volumes, daemon and security settings.
import type { Conversion, JsonValue, LintInput, LintedWorkload, Outcome } from './wasm-pkg/dockscape_wasm';
import { engine, track } from './app';

export interface Handoff {
  scenario: string;
  /** Parameter values for Generate, by name (the CLI's `--set`); empty means the scenario's defaults. */
  params: Record<string, string>;
  /** What carried over and what did not (Markdown backticks), shown above Generate's parameters. */
  notice: string;
}

type Json = { [key: string]: JsonValue };
const obj = (v: JsonValue | undefined): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined);
const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);
const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** A word as `sh` reads it back (Generate's `command` and `args` are in sh syntax). */
export function shWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The Lint tab's kind as convert's `from`. */
function fromOf(kind: string | undefined): string | undefined {
  return kind === 'kubernetes' ? 'k8s' : kind === 'compose' || kind === 'run' ? kind : undefined;
}

/** The container that is the workload: not a Docker daemon beside it (DinD), else the first. */
function workloadContainer(containers: Json[]): Json | undefined {
  const daemon = (c: Json) => /(^|[/:-])dind\b|dind-rootless/.test(str(c.image) ?? '') || /^(dind|docker-daemon|dockerd)$/.test(str(c.name) ?? '');
  return containers.find((c) => !daemon(c)) ?? containers[0];
}

/** Generate's parameters from a Pod (as JSON): what they can hold, and the rest named. */
export function paramsOfPod(pod: Json, kind: string): { params: Record<string, string>; carried: string[]; left: string[] } {
  const params: Record<string, string> = {};
  const carried: string[] = [];
  const left: string[] = [];
  const meta = obj(pod.metadata) ?? {};
  const spec = obj(pod.spec) ?? {};
  const put = (name: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    params[name] = value;
    carried.push(name);
  };
  put('name', str(meta.name));
  const ns = str(meta.namespace);
  if (ns && ns !== 'default') put('namespace', ns);
  const containers = arr(spec.containers).flatMap((c) => (obj(c) ? [obj(c) as Json] : []));
  const c = workloadContainer(containers);
  if (c) {
    put('image', str(c.image));
    const words = (v: JsonValue | undefined) => arr(v).flatMap((w) => (str(w) === undefined ? [] : [shWord(str(w) as string)]));
    if (arr(c.command).length) put('command', words(c.command).join(' '));
    if (arr(c.args).length) put('args', words(c.args).join(' '));
    const env: string[] = [];
    for (const e of arr(c.env)) {
      const o = obj(e);
      const n = str(o?.name);
      if (!o || !n) continue;
      if (o.valueFrom !== undefined) left.push(`env \`${n}\` (from a Secret, ConfigMap or field)`);
      else env.push(`${n}=${str(o.value) ?? ''}`);
    }
    if (env.length) put('env', env.join('\n'));
    const ports = arr(c.ports).flatMap((p) => {
      const o = obj(p);
      const n = str(o?.containerPort);
      if (!n) return [];
      const host = str(o?.hostPort);
      return [`${host ? `${host}:` : ''}${n}${str(o?.protocol) === 'UDP' ? '/udp' : ''}`];
    });
    if (ports.length) put('ports', ports.join(','));
    const res = obj(c.resources);
    put('cpu', str(obj(res?.requests)?.cpu));
    put('memory', str(obj(res?.requests)?.memory));
    put('cpu_limit', str(obj(res?.limits)?.cpu));
    put('memory_limit', str(obj(res?.limits)?.memory));
    for (const other of containers) if (other !== c) left.push(`container \`${str(other.name) ?? '?'}\` (the scenario brings its own daemon and sidecars)`);
    if (arr(c.volumeMounts).length) left.push('volume mounts (the scenario mounts what it needs)');
    if (c.securityContext !== undefined) left.push('the container `securityContext` (the scenario sets its own)');
  }
  if (arr(spec.initContainers).length) left.push('init containers');
  const k = kind.toLowerCase();
  if (['job', 'deployment', 'cronjob'].includes(k)) put('kind', k);
  else if (!['pod', 'run', 'service'].includes(k)) left.push(`the kind \`${kind}\` (Generate writes a Pod, Job, Deployment or CronJob)`);
  return { params, carried, left };
}

/**
 * `workload` is the `index`-th of the `count` workloads lint found in `input`. Its Pod is the converted one
 * of the same name, or (a `docker run` line without `--name` is named by its line in the report and by its
 * image in convert) the one in the same place when convert wrote one Pod per workload.
 */
export async function handoff(workload: LintedWorkload, input: LintInput, index = 0, count = 1): Promise<Handoff> {
  const scenario = workload.scenario ?? 'none';
  const from = fromOf(input.kind);
  const converted = await track(engine.call<Conversion>('convert', input.text, 'pod', from ? { from } : {}));
  const fail = (why: string): Handoff => ({ scenario, params: {}, notice: `Opened \`${workload.workload}\`'s scenario with its defaults: its values could not be carried (${why}).` });
  if (!converted.ok) return fail(converted.error.message);
  const c = converted.value;
  const file = c.outputs.find((o) => o.file_name === `${workload.name}.pod.yaml`) ?? (c.outputs.length === count ? c.outputs[index] : undefined);
  if (!file) return fail(`convert wrote no Pod named \`${workload.name}\``);
  const docs: Outcome<JsonValue[]> = await track(engine.call<JsonValue[]>('yamlToJson', file.text));
  const pod = docs.ok ? docs.value.map(obj).find((d) => d && d.kind === 'Pod') : undefined;
  if (!pod) return fail('the converted Pod could not be read back');
  const { params, carried, left } = paramsOfPod(pod, workload.kind);
  const dropped = c.dropped.map((d) => `\`${d.key_or_flag}\``);
  const notCarried = [...left, ...(dropped.length ? [`what convert did not carry: ${[...new Set(dropped)].join(', ')}`] : [])];
  const notice =
    `Opened \`${workload.workload}\` from the Lint tab: ${carried.map((n) => `\`${n}\``).join(', ') || 'nothing'} carried.` +
    (notCarried.length ? ` Not carried: ${notCarried.join('; ')}.` : '');
  return { scenario, params, notice };
}
