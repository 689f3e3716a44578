// Size and speed of the playground, measured in Debian's chromium and printed as a table.
// Not a test: nothing here asserts a time. Targets: wasm <= 500 KB gzip, first output <= 1 s, edit <= 16 ms;
// on the throttled profile (Chromium DevTools' "Slow 3G"-like: 400 kbit/s down, 400 ms round trip, CPU 4x
// slower, set over CDP) the default files readable <= 3 s, and the time the wasm makes the page interactive.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { DIST, ROOT, idle, start } from './harness.mjs';
import { EXAMPLES_FOR_BENCH } from './manifest.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
// KB = 1000 bytes, the stricter reading of the 500 KB target; the exact byte count is printed too.
const kb = (n) => `${(n / 1000).toFixed(1)} KB (${n} B)`;
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 0)} ms` : 'n/a');

const assets = join(DIST, 'assets');
const wasmFile = readdirSync(assets).find((f) => f.endsWith('.wasm'));
const wasm = readFileSync(join(assets, wasmFile));
const gz = gzipSync(wasm, { level: 9 }).length;
const br = brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
const jsRaw = js.reduce((n, f) => n + statSync(join(assets, f)).size, 0);
const jsGz = js.reduce((n, f) => n + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);

const manifest = EXAMPLES_FOR_BENCH(300);
const h = await start();
const rows = [];
try {
  // Navigation to first rendered output: a fresh context each time (cold cache, cold wasm compile).
  const firsts = [];
  for (let i = 0; i < Math.min(RUNS, 7); i++) {
    const { page, context } = await h.page();
    await page.goto(h.url);
    await page.waitForFunction(() => window.__dockscape?.timings.firstOutput >= 0, null, { timeout: 30_000 });
    firsts.push(await page.evaluate(() => window.__dockscape.timings.firstOutput));
    await context.close();
  }

  // The throttled profile: a fresh context per run, throttled before navigation.
  const slow = { paint: [], first: [], interactive: [] };
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const { page, context } = await h.page();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(h.url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__dockscape?.timings.interactive >= 0, null, { timeout: 120_000, polling: 200 });
    const t = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      // the pre-rendered Pod is in the page's own markup: readable at the first paint that shows it
      hasPod: /kind: Pod/.test(document.querySelector('[data-format="pod"]')?.textContent ?? ''),
      first: window.__dockscape.timings.firstOutput,
      interactive: window.__dockscape.timings.interactive,
    }));
    slow.paint.push(t.paint);
    slow.first.push(t.first);
    slow.interactive.push(t.interactive);
    await context.close();
  }

  const { page } = await h.page();
  await page.goto(h.url);
  await idle(page);
  await page.waitForFunction(() => window.__dockscape.timings.firstOutput >= 0);

  // One generate call (one format) as the worker answers it, and one edit: a keystroke in a parameter to
  // all four outputs rendered.
  const one = await page.evaluate(async (runs) => {
    const e = window.__dockscape.engine;
    const out = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await e.call('generate', 'dind', { name: `bench-${i}` }, 'pod', {});
      out.push(performance.now() - t);
    }
    return out;
  }, RUNS);
  const name = page.getByLabel('name', { exact: true });
  const edits = [];
  const editsAll = [];
  const editsRender = [];
  const editsAllRender = [];
  let onScreen = 0;
  if (await name.count()) {
    await name.fill('bench');
    for (let i = 0; i < RUNS; i++) {
      const before = await page.evaluate(() => window.__dockscape.timings.generate.length);
      await name.press(String.fromCharCode(97 + (i % 26)));
      await page.waitForFunction((n) => window.__dockscape.timings.generate.length > n, before);
      await idle(page);
      edits.push(await page.evaluate(() => window.__dockscape.timings.generate.at(-1)));
      editsRender.push(await page.evaluate(() => window.__dockscape.timings.generateRender.at(-1)));
    }
    // how many output cards each keystroke rendered: those on the bench's 1400x1000 screen
    onScreen = await page.evaluate(() => window.__dockscape.timings.rendered.at(-1));
    // the same keystrokes with every card rendered on each (as before the off-screen cards waited)
    await page.evaluate(() => (window.__dockscape.lazyCards.on = false));
    for (let i = 0; i < RUNS; i++) {
      const before = await page.evaluate(() => window.__dockscape.timings.generate.length);
      await name.press(String.fromCharCode(97 + (i % 26)));
      await page.waitForFunction((n) => window.__dockscape.timings.generate.length > n, before);
      await idle(page);
      editsAll.push(await page.evaluate(() => window.__dockscape.timings.generate.at(-1)));
      editsAllRender.push(await page.evaluate(() => window.__dockscape.timings.generateRender.at(-1)));
    }
    await page.evaluate(() => (window.__dockscape.lazyCards.on = true));
  }

  // One lint of a 300-line manifest: the whole text pasted (editor update, lint, findings rendered and
  // marked), then single keystrokes in it (one edit to findings rendered).
  await page.getByRole('tab', { name: 'Lint', exact: true }).click();
  const pastes = [];
  for (let i = 0; i < RUNS; i++) {
    const before = await page.evaluate(() => window.__dockscape.timings.lint.length);
    await page.evaluate((t) => window.__dockscape.setInput(t), manifest.replace(/# padding\n$/, `# run ${i}\n`));
    await page.waitForFunction((n) => window.__dockscape.timings.lint.length > n, before);
    await idle(page);
    pastes.push(await page.evaluate(() => window.__dockscape.timings.lint.at(-1)));
  }
  await page.locator('#editor .cm-content').click();
  await page.keyboard.press('Control+End');
  const keys = [];
  for (let i = 0; i < RUNS; i++) {
    const before = await page.evaluate(() => window.__dockscape.timings.lint.length);
    await page.keyboard.type('x');
    await page.waitForFunction((n) => window.__dockscape.timings.lint.length > n, before);
    await idle(page);
    keys.push(await page.evaluate(() => window.__dockscape.timings.lint.at(-1)));
  }
  const findings = await page.locator('.finding').count();
  const lintCall = await page.evaluate(
    async ([text, runs]) => {
      const out = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await window.__dockscape.engine.call('lint', [{ file: 'bench.yaml', text }], {});
        out.push(performance.now() - t);
      }
      return out;
    },
    [manifest, RUNS],
  );

  rows.push(
    ['wasm raw', kb(wasm.length), ''],
    ['wasm gzip -9', kb(gz), `target <= 500 KB${gz > 500 * 1000 ? ': OVER' : ''}`],
    ['wasm brotli -q11', kb(br), ''],
    ['js (all chunks) raw / gzip', `${kb(jsRaw)} / ${kb(jsGz)}`, ''],
    ['navigation -> first rendered output', ms(median(firsts)), `median of ${firsts.length}, target <= 1000 ms${median(firsts) > 1000 ? ': OVER' : ''}`],
    ['throttled: first paint (the pre-rendered files)', ms(median(slow.paint)), `400 kbit/s, 400 ms RTT, CPU 4x; median of ${slow.paint.length}, target <= 3000 ms${median(slow.paint) > 3000 ? ': OVER' : ''}`],
    ['throttled: pre-rendered outputs adopted by the script', ms(median(slow.first)), `median of ${slow.first.length}`],
    ['throttled: interactive (the wasm rendered the outputs)', ms(median(slow.interactive)), `median of ${slow.interactive.length}`],
    ['generate (one format, worker round trip)', ms(median(one)), `median of ${one.length}`],
    [`edit: keystroke in a parameter -> the ${onScreen} outputs on screen rendered`, ms(median(edits)), `median of ${edits.length}, target <= 16 ms${median(edits) > 16 ? ': OVER' : ''}; of which DOM writes ${ms(median(editsRender))}`],
    ['edit: keystroke in a parameter -> every output rendered', ms(median(editsAll)), `median of ${editsAll.length}; what a keystroke cost before the off-screen cards waited; of which DOM writes ${ms(median(editsAllRender))}`],
    [`lint ${manifest.split('\n').length - 1}-line manifest (worker round trip)`, ms(median(lintCall)), `median of ${lintCall.length}`],
    [`paste 300 lines -> ${findings} findings rendered`, ms(median(pastes)), `median of ${pastes.length}`],
    ['edit: keystroke -> lint findings rendered', ms(median(keys)), `median of ${keys.length}, target <= 16 ms${median(keys) > 16 ? ': OVER' : ''}`],
  );
} finally {
  await h.close();
}
const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
console.log(`dockscape playground bench (${ROOT}dist, ${new Date().toISOString()})`);
console.log(`| ${'measure'.padEnd(w[0])} | ${'value'.padEnd(w[1])} | note |`);
console.log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|------|`);
for (const [a, b, c] of rows) console.log(`| ${a.padEnd(w[0])} | ${b.padEnd(w[1])} | ${c} |`);
