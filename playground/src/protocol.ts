// Messages between the page and the wasm worker.
import type { Outcome } from './wasm-pkg/dockscape_wasm';

export type Fn = 'version' | 'scenarios' | 'formats' | 'generate' | 'lint' | 'lintDiagram' | 'rules' | 'panicForTest';

export interface ToWorker {
  id: number;
  fn: Fn;
  args: unknown[];
}

export type FromWorker =
  | { id: number; result: Outcome<unknown>; /** time inside the worker, ms */ ms?: number }
  | { id: number; trap: string }
  | { id: number; dead: true };
