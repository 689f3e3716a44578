// Renders the playground's default view at build time with the same core, run natively: the dockscape CLI
// (cargo build -p dockscape-cli), one `generate` per format. Writes .prerender/default.json, which
// vite.config.ts puts into index.html. The browser test checks every text here equals the wasm's.
// Usage: node tools/prerender.mjs <path of the dockscape binary>
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = process.argv[2];
if (!bin) {
  console.error('usage: node tools/prerender.mjs <dockscape binary>');
  process.exit(2);
}
// The default scenario is the one DEFAULT_STATE names (src/state.ts).
const scenario = /scenario: '([\w-]+)'/.exec(readFileSync(join(root, 'src/state.ts'), 'utf8'))?.[1];
if (!scenario) throw new Error('no default scenario in src/state.ts');
const info = JSON.parse(execFileSync(bin, ['scenarios', '--format', 'json'], { encoding: 'utf8' })).find((s) => s.id === scenario);
if (!info) throw new Error(`scenario ${scenario} is not in the catalogue`);

/** One format: { text, file_name, notice } as the wasm's Artifact, or null when it does not apply. */
function generate(format) {
  const dir = join(root, '.prerender', 'out', format);
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(bin, ['generate', scenario, '--format', format, '-o', dir], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const wrote = /^wrote (.+)$/m.exec(r.stderr)?.[1];
  if (!wrote) throw new Error(`${format}: the CLI wrote no file:\n${r.stderr}`);
  const notes = [...r.stderr.matchAll(/^note: (.*)$/gm)].map((m) => m[1]);
  return { format, text: readFileSync(wrote, 'utf8'), file_name: wrote.split(/[\\/]/).pop(), notice: notes.length ? notes.join('\n') : null };
}

const outputs = {};
for (const f of ['svg', 'pod', 'compose', 'run', 'explain', 'mermaid']) {
  const a = generate(f);
  if (a) outputs[f] = a;
}
// The recipes in the order formats() lists them (the wasm's Format::RECIPES); the test compares.
const recipes = [];
const recipeOutputs = {};
for (const f of ['gitlab', 'github-arc', 'jenkins', 'drone', 'tekton']) {
  const a = generate(f);
  if (a) {
    recipes.push(f);
    recipeOutputs[f] = a;
  }
}
mkdirSync(join(root, '.prerender'), { recursive: true });
const file = join(root, '.prerender', 'default.json');
const json = JSON.stringify({ scenario, title: info.title, summary: info.summary, outputs, recipes, recipeOutputs }, null, 1);
// Unchanged output leaves the file (and so the vite build) alone.
if (!existsSync(file) || readFileSync(file, 'utf8') !== json) writeFileSync(file, json);
console.error(`prerender: ${scenario}: ${Object.keys(outputs).join(', ')}; recipes ${recipes.join(', ')}`);
