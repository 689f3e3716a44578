// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside every compressible file of a
// folder (playground/dist), so a static server can send them as they are (tools/serve.mjs does).
// Usage: node tools/precompress.mjs [dir]
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.txt', '.map']);

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const dir = process.argv[2] ?? join(fileURLToPath(new URL('..', import.meta.url)), 'dist');
let n = 0;
for (const file of walk(dir)) {
  if (!COMPRESSIBLE.has(extname(file))) continue;
  const data = readFileSync(file);
  const size = { [constants.BROTLI_PARAM_SIZE_HINT]: data.length };
  writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, ...size } }));
  writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
  n++;
}
console.error(`precompress: ${n} files in ${dir} (.br and .gz beside each)`);
