// Lint -> Generate: what "Open in Generate" takes from a linted workload.
//
// Today it is the workload's scenario only: Generate opens with that scenario's defaults. This is the seam
// for issue 14 item 8: once the core has `convert` (inputs into the model) and the wasm exports it, this
// function asks it for the workload's name, namespace, image, command and env and returns them as
// `params`, and the Lint tab does not change.
import type { LintInput, LintedWorkload } from './wasm-pkg/dockscape_wasm';

export interface Handoff {
  scenario: string;
  /** Parameter values for Generate, by name (the CLI's `--set`); empty means the scenario's defaults. */
  params: Record<string, string>;
}

export async function handoff(workload: LintedWorkload, _input: LintInput): Promise<Handoff> {
  return { scenario: workload.scenario ?? 'none', params: {} };
}
