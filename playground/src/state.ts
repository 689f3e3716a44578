// The playground's whole state, and its codec for the URL fragment and localStorage.
//
// A link is `#s=1.<base64url(deflate-raw(JSON))>`: the fragment never reaches a server, the `1.` prefix
// versions the format, and decoding never throws: a damaged or foreign fragment gives `null`.

export type Tab = 'generate' | 'lint' | 'convert' | 'rules';

export interface State {
  tab: Tab;
  scenario: string;
  /** Only the parameters whose value differs from the scenario's default. */
  params: Record<string, string>;
  /** Shell for the `docker run` output; empty means the scenario's own. */
  shell: string;
  /** The CI recipe shown (`gitlab`, `jenkins`, ...); empty means the first. */
  recipe: string;
  /** The Lint input. */
  input: string;
  /** What the input is (`kubernetes`, `compose`, `run`); empty means detect it. */
  kind: string;
  /** The rule page shown on the Rules tab, if any. */
  rule: string;
  /** The Convert tab's input. */
  cInput: string;
  /** What the Convert input is (`run`, `compose`, `k8s`); empty means detect it. */
  cFrom: string;
  /** What to convert into (`compose`, `pod`, `deployment`, `job`, `cronjob`, `run`); empty means the next natural form (`auto`). */
  cTo: string;
  /** The shell of `run` output; empty means `sh`. */
  cShell: string;
  /** A CronJob's schedule; empty means the core's default. */
  cSchedule: string;
  /** The user ticked "include my input": the Lint and Convert tabs' links carry their input. Never in a link itself. */
  shareInput: boolean;
}

export const DEFAULT_STATE: State = {
  tab: 'generate',
  scenario: 'dood',
  params: {},
  shell: '',
  recipe: '',
  input: '',
  kind: '',
  rule: '',
  cInput: '',
  cFrom: '',
  cTo: '',
  cShell: '',
  cSchedule: '',
  shareInput: false,
};

const VERSION = '1';
const TABS: readonly Tab[] = ['generate', 'lint', 'convert', 'rules'];
/** Bound on decompressed size, so a crafted link cannot exhaust memory. */
const MAX_DECODED = 4 * 1024 * 1024;

/** Compact wire form: short keys, defaults left out. */
interface Wire {
  t?: string;
  s?: string;
  p?: Record<string, string>;
  h?: string;
  c?: string;
  i?: string;
  k?: string;
  r?: string;
  /** Convert: input, from, to, shell, schedule. */
  ci?: string;
  cf?: string;
  ct?: string;
  cs?: string;
  cc?: string;
  /** localStorage only: the "include my input" tick. */
  x?: boolean;
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const write = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  write.catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new Error('state too large');
    }
    chunks.push(value);
  }
  await write;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function deflate(text: string): Promise<Uint8Array> {
  return pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw'), Number.MAX_SAFE_INTEGER);
}

export async function inflate(bytes: Uint8Array, limit = MAX_DECODED): Promise<string> {
  const out = await pipe(bytes, new DecompressionStream('deflate-raw'), limit);
  return new TextDecoder('utf-8', { fatal: true }).decode(out);
}

function toWire(state: State): Wire {
  const w: Wire = {};
  if (state.tab !== DEFAULT_STATE.tab) w.t = state.tab;
  if (state.scenario !== DEFAULT_STATE.scenario) w.s = state.scenario;
  if (Object.keys(state.params).length > 0) w.p = state.params;
  if (state.shell) w.h = state.shell;
  if (state.recipe) w.c = state.recipe;
  if (state.input) w.i = state.input;
  if (state.kind) w.k = state.kind;
  if (state.rule) w.r = state.rule;
  if (state.cInput) w.ci = state.cInput;
  if (state.cFrom) w.cf = state.cFrom;
  if (state.cTo) w.ct = state.cTo;
  if (state.cShell) w.cs = state.cShell;
  if (state.cSchedule) w.cc = state.cSchedule;
  if (state.shareInput) w.x = true;
  return w;
}

/**
 * What a link holds: the current tab's state only (Generate: scenario, parameters, shell, recipe; Lint: the
 * kind, and the input only when the user ticked "include my input"; Convert: from, to, shell, schedule, and
 * the input under the same rule as Lint's; Rules: the rule page).
 */
export function linkWire(state: State): Wire {
  const all = toWire(state);
  const w: Wire = {};
  if (all.t) w.t = all.t;
  if (state.tab === 'generate') {
    if (all.s) w.s = all.s;
    if (all.p) w.p = all.p;
    if (all.h) w.h = all.h;
    if (all.c) w.c = all.c;
  } else if (state.tab === 'lint') {
    if (all.k) w.k = all.k;
    if (state.shareInput && all.i) w.i = all.i;
  } else if (state.tab === 'convert') {
    for (const k of ['cf', 'ct', 'cs', 'cc'] as const) if (all[k]) w[k] = all[k];
    if (state.shareInput && all.ci) w.ci = all.ci;
  } else if (all.r) w.r = all.r;
  return w;
}

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** Accepts anything, returns a well-formed state: unknown fields are dropped, bad ones defaulted. */
export function normalize(value: unknown): State {
  const w = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const tab = str(w.t, DEFAULT_STATE.tab) as Tab;
  const params: Record<string, string> = {};
  if (w.p && typeof w.p === 'object' && !Array.isArray(w.p)) {
    for (const [k, v] of Object.entries(w.p as Record<string, unknown>)) {
      if (typeof v === 'string') params[k] = v;
    }
  }
  return {
    tab: TABS.includes(tab) ? tab : DEFAULT_STATE.tab,
    scenario: str(w.s, DEFAULT_STATE.scenario),
    params,
    shell: str(w.h, ''),
    recipe: str(w.c, ''),
    input: str(w.i, ''),
    kind: str(w.k, ''),
    rule: str(w.r, ''),
    cInput: str(w.ci, ''),
    cFrom: str(w.cf, ''),
    cTo: str(w.ct, ''),
    cShell: str(w.cs, ''),
    cSchedule: str(w.cc, ''),
    shareInput: w.x === true,
  };
}

async function encodeWire(w: Wire): Promise<string> {
  return `s=${VERSION}.${toBase64Url(await deflate(JSON.stringify(w)))}`;
}

/** The fragment (without `#`) for the whole state (everything, the input included: not for links). */
export async function encodeState(state: State): Promise<string> {
  return encodeWire(toWire(state));
}

/** The fragment (without `#`) of a link to the current tab: see `linkWire`. */
export async function encodeLink(state: State): Promise<string> {
  return encodeWire(linkWire(state));
}

/**
 * A link opened over the user's own state `base`: the link's tab and that tab's fields replace base's, the
 * other tabs keep the user's own (a Generate link never empties the recipient's Lint input). `null` when
 * the fragment is not a state link at all, `'broken'` when it is one that cannot be read (truncated,
 * damaged, another version).
 */
export async function decodeLink(fragment: string, base: State): Promise<State | 'broken' | null> {
  if (!/^#?s=/.test(fragment)) return null;
  const m = /^#?s=(\d+)\.([A-Za-z0-9_-]*)$/.exec(fragment);
  if (!m || m[1] !== VERSION) return 'broken';
  const bytes = fromBase64Url(m[2]);
  if (!bytes) return 'broken';
  let raw: unknown;
  try {
    raw = JSON.parse(await inflate(bytes));
  } catch {
    return 'broken';
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'broken';
  const w = raw as Record<string, unknown>;
  const link = normalize(raw);
  const out: State = { ...base, tab: link.tab };
  if (link.tab === 'generate') {
    Object.assign(out, { scenario: link.scenario, params: link.params, shell: link.shell, recipe: link.recipe });
  } else if (link.tab === 'lint') {
    out.kind = link.kind;
    if (typeof w.i === 'string') out.input = w.i;
  } else if (link.tab === 'convert') {
    Object.assign(out, { cFrom: link.cFrom, cTo: link.cTo, cShell: link.cShell, cSchedule: link.cSchedule });
    if (typeof w.ci === 'string') out.cInput = w.ci;
  } else out.rule = link.rule;
  return out;
}

/** The state in a fragment (with or without `#`), or `null` when it holds none or is damaged. */
export async function decodeState(fragment: string): Promise<State | null> {
  const m = /^#?s=(\d+)\.([A-Za-z0-9_-]*)$/.exec(fragment);
  if (!m || m[1] !== VERSION) return null;
  const bytes = fromBase64Url(m[2]);
  if (!bytes) return null;
  try {
    return normalize(JSON.parse(await inflate(bytes)));
  } catch {
    return null;
  }
}

const STORAGE_KEY = 'dockscape.playground.state';

export function saveLocal(state: State, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(toWire(state)));
  } catch {
    // Storage full or disabled: the URL still holds the state.
  }
}

export function loadLocal(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): State | null {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    return raw ? normalize(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}
