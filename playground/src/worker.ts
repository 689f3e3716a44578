// Runs the dockscape wasm off the main thread, so typing never waits for it.
import init, * as ds from './wasm-pkg/dockscape_wasm';
import wasmUrl from './wasm-pkg/dockscape_wasm_bg.wasm?url';
import type { EngineInfo, Fn, FromWorker, ToWorker } from './protocol';

const info: EngineInfo = { streamed: false, bytes: 0 };

/**
 * Compiles the module while it downloads (`compileStreaming` needs `application/wasm`, which
 * tools/serve.mjs sends, compressed), falling back to a whole-buffer compile for a server that sends
 * another type.
 */
async function load(): Promise<void> {
  const res = await fetch(wasmUrl);
  if (!res.ok) throw new Error(`${wasmUrl}: HTTP ${res.status}`);
  let module: WebAssembly.Module;
  if ((res.headers.get('content-type') ?? '').split(';')[0].trim() === 'application/wasm') {
    module = await WebAssembly.compileStreaming(res);
    info.streamed = true;
  } else {
    const buf = await res.arrayBuffer();
    module = await WebAssembly.compile(buf);
  }
  info.bytes = Number(res.headers.get('content-length') ?? 0);
  await init({ module_or_path: module });
}

const ready = load();
ready.catch(() => {});
let trapped = false;

const post = (msg: FromWorker) => (self as unknown as Worker).postMessage(msg);

const exports = ds as unknown as Record<string, unknown>;
const table: Partial<Record<Fn, unknown>> = {
  version: exports.version,
  scenarios: exports.scenarios,
  formats: exports.formats,
  generate: exports.generate,
  lint: exports.lint,
  lintDiagram: exports.lintDiagram,
  rules: exports.rules,
  convert: exports.convert,
  yamlToJson: exports.yamlToJson,
  migrate: exports.migrate,
  fix: exports.fix,
  panicForTest: exports.panicForTest,
  engineInfo: () => ({ ok: true, value: info }),
};

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const { id, fn, args } = ev.data;
  try {
    await ready;
  } catch (e) {
    post({ id, result: { ok: false, error: { kind: 'engine', message: `the WebAssembly module did not load: ${String(e)}` } } });
    return;
  }
  if (trapped) {
    post({ id, dead: true });
    return;
  }
  const f = table[fn];
  if (typeof f !== 'function') {
    post({ id, result: { ok: false, error: { kind: 'engine', message: `no such function: ${String(fn)}` } } });
    return;
  }
  try {
    const t = performance.now();
    const result = (f as (...a: unknown[]) => unknown)(...args);
    const ms = performance.now() - t;
    post({ id, ms, result: (result ?? { ok: true, value: null }) as FromWorker extends { result: infer R } ? R : never });
  } catch (e) {
    // A trap (Rust panic, `unreachable`) leaves the instance unusable: say so, and let the page start a new worker.
    trapped = true;
    post({ id, trap: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
};
