// A small static file server for playground/dist (or any folder): loopback only, correct MIME types
// (application/wasm for streaming compilation), no directory listings, nothing outside the root. A file
// precompressed beside itself (`x.wasm.br`, `x.wasm.gz`, tools/precompress.mjs) is sent as it is, with
// `Content-Encoding`, when the request's `Accept-Encoding` takes it (brotli first).
// Usage: node tools/serve.mjs [--dir dist] [--host 127.0.0.1] [--port 8080]
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Which encodings a request accepts (`br`, `gzip`), by its Accept-Encoding (q=0 refuses). */
function accepted(header) {
  const out = new Set();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    if (name && (q === undefined || Number(q) > 0)) out.add(name);
  }
  return out;
}

/** The file to send for `file`: its `.br` or `.gz` sibling when it exists and the client takes it. */
function negotiate(file, header) {
  const ok = accepted(header);
  for (const [enc, ext] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ]) {
    if (!ok.has(enc) && !ok.has('*')) continue;
    try {
      if (statSync(file + ext).isFile()) return { path: file + ext, encoding: enc };
    } catch {
      // not precompressed
    }
  }
  return { path: file, encoding: null };
}

/** Starts a server over `dir`; resolves to `{ server, url }` once listening (port 0 picks a free one). */
export function serve({ dir, host = '127.0.0.1', port = 8080 }) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      statSync(file);
      const { path: sent, encoding } = negotiate(file, String(req.headers['accept-encoding'] ?? ''));
      const st = statSync(sent);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': st.size,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        vary: 'Accept-Encoding',
        ...(encoding ? { 'content-encoding': encoding } : {}),
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(sent).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const a = server.address();
      ok({ server, url: `http://${host}:${a.port}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : def;
  };
  const dir = opt('dir', join(fileURLToPath(new URL('..', import.meta.url)), 'dist'));
  const { url } = await serve({ dir, host: opt('host', '127.0.0.1'), port: Number(opt('port', '8080')) });
  console.log(`dockscape playground: ${url}`);
  console.log('(Ctrl-C to stop)');
}
