// The main thread's side of the Web Worker that runs the wasm. Every call resolves to an Outcome; a trap
// (a Rust panic) resolves that one call to a `panic` error and starts a fresh worker, so the page keeps working.
import type { DsError, Outcome } from './wasm-pkg/dockscape_wasm';
import type { Fn, FromWorker } from './protocol';

interface Pending {
  fn: Fn;
  args: unknown[];
  resolve: (o: Outcome<unknown>) => void;
}

export class Engine {
  private worker!: Worker;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  /** How many times a trapped module was replaced by a fresh one. */
  restarts = 0;
  /** Time spent inside the worker by each function's last call (ms), for the bench. */
  readonly lastMs: Partial<Record<Fn, number>> = {};

  constructor(private readonly spawn: () => Worker) {
    this.start();
  }

  call<T>(fn: Fn, ...args: unknown[]): Promise<Outcome<T>> {
    return new Promise((resolve) => {
      const id = this.next++;
      this.pending.set(id, { fn, args, resolve: resolve as (o: Outcome<unknown>) => void });
      this.worker.postMessage({ id, fn, args });
    });
  }

  /** A fresh worker after the engine failed to start (the wasm did not load): the "Retry" button. */
  retry(): void {
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
    this.start();
  }

  private start(): void {
    const w = this.spawn();
    this.worker = w;
    w.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(w, ev.data);
    w.onerror = (ev) => {
      ev.preventDefault();
      this.failAll({ kind: 'engine', message: `the dockscape engine did not start: ${ev.message || 'unknown error'}` });
    };
  }

  private receive(from: Worker, msg: FromWorker): void {
    if (from !== this.worker) return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    if ('result' in msg) {
      this.pending.delete(msg.id);
      if (msg.ms !== undefined) this.lastMs[p.fn] = msg.ms;
      p.resolve(msg.result);
    } else if ('trap' in msg) {
      this.pending.delete(msg.id);
      p.resolve({
        ok: false,
        error: {
          kind: 'panic',
          message: `dockscape stopped on a bug while running ${p.fn} (${msg.trap}); it was restarted, please report this input`,
        },
      });
      this.restart();
    }
    // 'dead' answers come only from a trapped worker; its calls are re-sent by restart().
  }

  private restart(): void {
    this.restarts++;
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
    this.start();
    for (const [id, p] of this.pending) this.worker.postMessage({ id, fn: p.fn, args: p.args });
  }

  private failAll(error: DsError): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ ok: false, error });
    }
  }
}
