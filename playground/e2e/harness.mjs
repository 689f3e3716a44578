// Shared set-up for the browser tests and the bench: serve playground/dist on a free loopback port and
// drive Debian's chromium with playwright-core (no browser download: executablePath /usr/bin/chromium).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../tools/serve.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const RESULTS = join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts the server and the browser; `close()` stops both. */
export async function start() {
  mkdirSync(RESULTS, { recursive: true });
  const { server, url } = await serve({ dir: DIST, host: '127.0.0.1', port: 0 });
  // playwright-core gives every launch a fresh, empty --user-data-dir of its own.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const origin = new URL(url).origin;
  return {
    url,
    origin,
    browser,
    /** A fresh context (own storage, clipboard permission; `options` are playwright's context options) and page that records every request. */
    async page(options = {}) {
      const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 }, ...options });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
      const page = await context.newPage();
      const requests = [];
      const problems = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      return { context, page, requests, problems };
    },
    async close() {
      await browser.close().catch(() => {});
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Waits until the page has answered every call it made to the worker. */
export async function idle(page) {
  await page.waitForFunction(() => window.__dockscape !== undefined);
  await page.evaluate(() => window.__dockscape.idle());
}

/**
 * One server and browser for a test file (registered with its `before`/`after`); the contexts pushed on
 * `opened` are closed at the end. `t.h` is `start()`'s answer once `before` ran.
 */
export function perFile(before, after) {
  const t = { h: undefined, opened: [] };
  before(async () => {
    t.h = await start();
  });
  after(async () => {
    for (const o of t.opened) await o.context.close().catch(() => {});
    await t.h?.close();
  });
  return t;
}
