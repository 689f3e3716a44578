// Messages between the page and the wasm worker.
import type { Outcome } from './wasm-pkg/dockscape_wasm';

export type Fn = 'version' | 'scenarios' | 'formats' | 'generate' | 'lint' | 'lintDiagram' | 'rules' | 'convert' | 'yamlToJson' | 'migrate' | 'fix' | 'panicForTest' | 'engineInfo';

/** How the worker loaded the wasm (`engineInfo`, answered by the worker itself). */
export interface EngineInfo {
  /** Compiled while it downloaded (`WebAssembly.compileStreaming` on an `application/wasm` response). */
  streamed: boolean;
  /** The Content-Length of the wasm response: the bytes on the wire (compressed when the server compresses). */
  bytes: number;
}

export interface ToWorker {
  id: number;
  fn: Fn;
  args: unknown[];
}

export type FromWorker =
  | { id: number; result: Outcome<unknown>; /** time inside the worker, ms */ ms?: number }
  | { id: number; trap: string }
  | { id: number; dead: true };
