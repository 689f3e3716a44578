// The default view's outputs, rendered at build time by the same core run natively (the CLI, through
// tools/prerender.mjs) and written into index.html: readable before the wasm has arrived. The browser test
// checks that every text here equals what the wasm renders.
import type { Artifact } from './wasm-pkg/dockscape_wasm';

export interface Prerendered {
  scenario: string;
  title: string;
  summary: string;
  /** Output key (`svg`, `pod`, `compose`, `run`, `explain`, `mermaid`) to its artifact. */
  outputs: Record<string, Artifact>;
  /** The recipes that apply, in the picker's order, and each one's artifact. */
  recipes: string[];
  recipeOutputs: Record<string, Artifact>;
}

let cached: Prerendered | null | undefined;

/** The data island `<script type="application/json" id="prerender-data">`, or `null` (a dev server). */
export function prerendered(): Prerendered | null {
  if (cached !== undefined) return cached;
  cached = null;
  const el = document.getElementById('prerender-data');
  try {
    const v = el?.textContent ? (JSON.parse(el.textContent) as Prerendered) : null;
    if (v && typeof v.scenario === 'string' && v.outputs && Array.isArray(v.recipes)) cached = v;
  } catch {
    // a damaged island only costs the head start
  }
  return cached;
}
