// What every tab shares: the engine (the wasm in a Web Worker), the state and its persistence, the
// busy counter the tests wait on, and the timings the bench reads.
import type { DsError } from './wasm-pkg/dockscape_wasm';
import { Engine } from './engine';
import { DEFAULT_STATE, type State, type Tab, encodeLink, saveLocal } from './state';

export const engine = new Engine(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'dockscape' }));

/** The one mutable state of the page; tabs replace it with `set`. */
export const app = {
  state: { ...DEFAULT_STATE } as State,
  /** The wasm answered its first calls (the catalogue is known). */
  engineReady: false,
};

/** Timings for scripts/bench-web and the browser tests (milliseconds, `performance.now()` based). */
export const timings = {
  /** The first output on screen: the pre-rendered one, or the first generate answer. */
  firstOutput: -1,
  /** The first output rendered from the wasm's own answer: the page is interactive. */
  interactive: -1,
  /** A parameter edit to the outputs on screen rendered (the cost of a keystroke). */
  generate: [] as number[],
  /** Of which the DOM writes of the answers (the rest is the worker's round trip). */
  generateRender: [] as number[],
  /** How many output cards each of those rendered (the others wait off screen). */
  rendered: [] as number[],
  lint: [] as number[],
  lintRender: [] as number[],
  lintWorker: [] as number[],
  lintInside: [] as number[],
  convert: [] as number[],
};

let busy = 0;
let idleWaiters: (() => void)[] = [];
/** Counts `p` as work in flight until it settles (`idle()` waits for none). */
export function track<T>(p: Promise<T>): Promise<T> {
  busy++;
  return p.finally(() => {
    busy--;
    if (busy === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      w.forEach((f) => f());
    }
  });
}
export const idle = (): Promise<void> => (busy === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r)));

// Persist: localStorage (everything, this browser only) and the URL fragment (what a link to the current
// tab holds, see state.ts linkWire), a moment after the last edit so typing does not pay for the
// compression, and at once when the page is hidden or closed.
let encodeSeq = 0;
let persistTimer: ReturnType<typeof setTimeout> | undefined;
let persisted: (() => void) | undefined;
export function persistNow(): void {
  clearTimeout(persistTimer);
  persistTimer = undefined;
  persisted?.();
  persisted = undefined;
  saveLocal(app.state);
  const seq = ++encodeSeq;
  track(encodeLink(app.state)).then((frag) => {
    if (seq === encodeSeq && location.hash !== '#' + frag) history.replaceState(null, '', '#' + frag);
  });
}
/** Drop a pending or in-flight save of the URL fragment: the user has moved to another history entry,
 * and a save made for the one they left must not overwrite the one they reached (Back after a rule link
 * would otherwise land on the rule page's state). Returns whether a save was pending. */
export function cancelPersist(): boolean {
  const pending = persistTimer !== undefined;
  clearTimeout(persistTimer);
  persistTimer = undefined;
  persisted?.();
  persisted = undefined;
  encodeSeq++;
  return pending;
}
export function persist(): void {
  clearTimeout(persistTimer);
  if (!persisted) track(new Promise<void>((resolve) => (persisted = resolve)));
  persistTimer = setTimeout(persistNow, 150);
}
addEventListener('pagehide', () => persistTimer !== undefined && persistNow());
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && persistTimer !== undefined && persistNow());

export function set(patch: Partial<State>): void {
  app.state = { ...app.state, ...patch };
}

export function errorText(e: DsError): string {
  const at = e.location ? `line ${e.location.line}, column ${e.location.column}: ` : '';
  return `${at}${e.message}`;
}

/** Tabs register what to do when shown; main.ts switches. */
export const tabHooks: Partial<Record<Tab, () => void>> = {};
