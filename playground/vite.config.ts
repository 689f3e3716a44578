import { existsSync, readFileSync } from 'node:fs';
import { type Plugin, defineConfig } from 'vitest/config';

const PRERENDER = new URL('./.prerender/default.json', import.meta.url);
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/**
 * The default view's first outputs, rendered at build time by the CLI (tools/prerender.mjs writes
 * .prerender/default.json), go into index.html twice: as plain markup a person can read before any script
 * has run, and as a JSON island the page adopts (src/prerender.ts). Without the file (a dev server), the
 * page simply waits for the wasm.
 */
function prerender(): Plugin {
  return {
    name: 'dockscape-prerender',
    transformIndexHtml(html) {
      if (!existsSync(PRERENDER)) return html;
      const p = JSON.parse(readFileSync(PRERENDER, 'utf8'));
      const order: [string, string][] = [
        ['pod', 'Pod'],
        ['compose', 'Compose'],
        ['run', 'docker run'],
      ];
      const cards = order
        .filter(([k]) => p.outputs[k])
        .map(
          ([k, title]) =>
            `<section class="output" data-prerendered="${k}"><div class="output-head"><h2>${esc(title)}</h2><span class="file-name">${esc(p.outputs[k].file_name)}</span></div><pre class="output-text" tabindex="0">${esc(p.outputs[k].text)}</pre></section>`,
        )
        .join('');
      const markup = `<div class="prerendered"><div class="controls"><p class="summary"><strong>${esc(p.scenario)}</strong>: ${esc(p.title)}</p><p class="summary">Loading the engine for the other scenarios and parameters…</p></div><div class="outputs">${cards}</div></div>`;
      // JSON in a data island: `<` escaped so no text in it can close the script element.
      const island = `<script type="application/json" id="prerender-data">${JSON.stringify(p).replace(/</g, '\\u003c')}</script>`;
      return html.replace('<!--prerender-->', markup).replace('</body>', `${island}\n  </body>`);
    },
  };
}

// A static site that works from any file server: relative asset paths, no CDN, no runtime fetches
// except the page's own files (the wasm module and the worker script).
export default defineConfig({
  base: './',
  plugins: [prerender()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
