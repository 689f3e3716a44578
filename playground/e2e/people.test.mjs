// Issue 14 in a real browser (Debian's chromium through playwright-core): the details a person meets
// first. Screenshots of the phone, dark and error states land in playground/test-results/.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { DIST, RESULTS, ROOT, idle, start } from './harness.mjs';

const SEED_DOOD = readFileSync(join(ROOT, 'examples/seed-002-dood-pod.yaml'), 'utf8');
const DEPLOYMENT = readFileSync(join(ROOT, 'examples/convert-deployment.yaml'), 'utf8');
const PHONE = { width: 390, height: 844 };

let h;
const opened = [];
before(async () => {
  h = await start();
});
after(async () => {
  for (const o of opened) await o.context.close().catch(() => {});
  await h?.close();
});

async function open(hash = '', options = {}) {
  const o = await h.page(options);
  opened.push(o);
  await o.page.goto(h.url + hash);
  await idle(o.page);
  await o.page.waitForFunction(() => document.getElementById('engine-status')?.textContent !== 'Loading…');
  await settle(o.page);
  return o;
}
async function settle(page) {
  await idle(page);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
}
const output = (page, title) => page.getByRole('region', { name: title, exact: true });
const shown = (page, key) => page.evaluate((k) => window.__dockscape.shown(k), key);

/** One GET to the test server, raw (no decompression): status, headers and body bytes. */
function get(path, headers = {}) {
  return new Promise((ok, fail) => {
    const req = request(new URL(path, h.url), { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('slow networks', () => {
  test('the first output is pre-rendered into the page, and equals what the wasm renders', async () => {
    const html = (await get('/')).body.toString('utf8');
    const island = /<script type="application\/json" id="prerender-data">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(island, 'index.html carries the pre-rendered outputs');
    const pre = JSON.parse(island[1]);
    // readable with no script at all: the Pod is in the markup itself
    const podMarkup = /data-prerendered="pod"[\s\S]*?<pre[^>]*>([\s\S]*?)<\/pre>/.exec(html);
    assert.ok(podMarkup, 'the Pod is plain markup');
    const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    assert.equal(unescape(podMarkup[1]), pre.outputs.pod.text);
    const { page } = await open();
    const wasm = await page.evaluate(
      async ([scenario, keys]) => {
        const e = window.__dockscape.engine;
        const out = { outputs: {}, recipes: [], recipeOutputs: {} };
        for (const k of keys) out.outputs[k] = await e.call('generate', scenario, {}, k, {});
        const f = await e.call('formats');
        for (const r of f.value.recipes) {
          const a = await e.call('generate', scenario, {}, r, {});
          if (a.ok) {
            out.recipes.push(r);
            out.recipeOutputs[r] = a;
          }
        }
        return out;
      },
      [pre.scenario, Object.keys(pre.outputs)],
    );
    assert.deepEqual(Object.keys(pre.outputs).sort(), ['compose', 'explain', 'mermaid', 'pod', 'run', 'svg']);
    for (const [k, a] of Object.entries(pre.outputs)) {
      assert.equal(wasm.outputs[k].ok, true, k);
      assert.equal(a.text, wasm.outputs[k].value.text, `${k}: the native CLI and the wasm render the same text`);
      assert.equal(a.file_name, wasm.outputs[k].value.file_name, `${k}: file name`);
      assert.equal(a.notice, wasm.outputs[k].value.notice, `${k}: notice`);
    }
    assert.deepEqual(pre.recipes, wasm.recipes, 'the same recipes apply');
    for (const r of pre.recipes) assert.equal(pre.recipeOutputs[r].text, wasm.recipeOutputs[r].value.text, r);
  });

  test('before the wasm arrives the pre-rendered outputs are on screen; the editor loads after the first render', async () => {
    let release;
    const held = new Promise((r) => (release = r));
    const o = await h.page();
    opened.push(o);
    const { page } = o;
    // the wasm is held back: what shows meanwhile comes from the page itself
    await page.route(/\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(h.url);
    await page.waitForFunction(() => window.__dockscape?.timings.firstOutput >= 0);
    assert.match(await page.evaluate(() => window.__dockscape.shownNow('pod')), /kind: Pod/, 'the Pod is readable without the wasm');
    assert.equal(await page.evaluate(() => window.__dockscape.timings.interactive), -1, 'not yet interactive');
    const before = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.equal(before.some((n) => /editor-.*\.js$/.test(n)), false, 'CodeMirror waits for the first render');
    release();
    await page.waitForFunction(() => window.__dockscape.timings.interactive >= 0);
    await idle(page);
    const entries = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: e.startTime })));
    const t = await page.evaluate(() => window.__dockscape.timings);
    const editor = entries.find((e) => /editor-.*\.js$/.test(e.name));
    assert.ok(editor, 'the editor chunk was loaded');
    assert.ok(editor.start >= t.interactive, 'after the wasm rendered the first output');
    assert.ok(t.firstOutput <= t.interactive);
  });

  test('the wasm is served compressed (brotli, gzip) with application/wasm and compiled while it streams', async () => {
    const assets = readdirSync(join(DIST, 'assets'));
    const wasmName = assets.find((f) => f.endsWith('.wasm'));
    const raw = readFileSync(join(DIST, 'assets', wasmName));
    const br = await get(`/assets/${wasmName}`, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['content-type'], 'application/wasm');
    assert.match(String(br.headers.vary), /accept-encoding/i);
    assert.ok(br.body.length < raw.length / 2, 'brotli is under half the raw size');
    assert.deepEqual(brotliDecompressSync(br.body), raw, 'and decompresses to the module');
    const gz = await get(`/assets/${wasmName}`, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const plain = await get(`/assets/${wasmName}`);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.length, raw.length);
    const html = await get('/', { 'accept-encoding': 'br' });
    assert.equal(html.headers['content-encoding'], 'br', 'the page too');
    // in the browser: the worker compiled the module from the stream
    const { page } = await open();
    const info = await page.evaluate(() => window.__dockscape.engine.call('engineInfo'));
    assert.equal(info.value.streamed, true, 'WebAssembly.compileStreaming on an application/wasm response');
  });
});

describe('themes and accessibility', () => {
  async function axe(page) {
    await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
    const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  for (const scheme of ['light', 'dark']) {
    test(`axe-core finds no serious or critical violation on any tab (${scheme}, prefers-color-scheme)`, async () => {
      // bypassCSP: axe is injected into the page for the audit only
      const { page } = await open('', { colorScheme: scheme, bypassCSP: true });
      assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), scheme === 'dark');
      const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const dark = await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
      assert.equal(dark, scheme, `the page follows the system: ${bg}`);
      const editorBg = await output(page, 'Pod').locator('.cm-editor').evaluate((e) => getComputedStyle(e).backgroundColor);
      const cardBg = await page.locator('.output').first().evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.equal(editorBg, cardBg, 'the viewers follow the theme');
      const problems = [];
      problems.push(...(await axe(page)).map((p) => `generate: ${p}`));
      await page.screenshot({ path: join(RESULTS, `generate-${scheme}.png`), fullPage: true });
      await page.getByRole('tab', { name: 'Lint', exact: true }).click();
      await page.evaluate((t) => window.__dockscape.setInput(t), SEED_DOOD);
      await settle(page);
      problems.push(...(await axe(page)).map((p) => `lint: ${p}`));
      await page.screenshot({ path: join(RESULTS, `lint-${scheme}.png`), fullPage: true });
      await page.locator('.finding[data-code="DS002"]').first().getByRole('button', { name: 'Migrate to dind', exact: true }).click();
      await settle(page);
      await page.waitForSelector('#migrate-diff .cm-editor');
      problems.push(...(await axe(page)).map((p) => `migrate: ${p}`));
      await page.locator('#migrate').screenshot({ path: join(RESULTS, `migrate-${scheme}.png`) });
      await page.locator('#migrate-close').click();
      await page.getByRole('tab', { name: 'Convert', exact: true }).click();
      await page.getByRole('button', { name: 'docker run lines', exact: true }).click();
      await settle(page);
      problems.push(...(await axe(page)).map((p) => `convert: ${p}`));
      await page.screenshot({ path: join(RESULTS, `convert-${scheme}.png`), fullPage: true });
      await page.getByRole('tab', { name: 'Lint', exact: true }).click();
      await page.locator('.finding[data-code="DS002"]').first().getByRole('link', { name: 'DS002', exact: true }).click();
      await page.waitForSelector('#rule-DS002');
      problems.push(...(await axe(page)).map((p) => `rule page: ${p}`));
      await page.screenshot({ path: join(RESULTS, `rule-${scheme}.png`), fullPage: true });
      assert.deepEqual(problems, []);
    });
  }

  test('the toggle switches the theme against the system and remembers it', async () => {
    const { page } = await open('', { colorScheme: 'light' });
    const toggle = page.getByRole('button', { name: 'Dark theme', exact: true });
    const before = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await toggle.click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    const after = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.notEqual(after, before);
    assert.equal(await page.getByRole('button', { name: 'Light theme', exact: true }).count(), 1, 'it now offers light');
    const diagram = await output(page, 'Topology').getByRole('img').evaluate((e) => getComputedStyle(e).filter);
    assert.match(diagram, /invert/, 'the diagram is drawn for the dark page');
    await page.reload();
    await idle(page);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'remembered');
    await page.screenshot({ path: join(RESULTS, 'dark-toggle.png') });
  });
});

describe('phones', () => {
  test('at 390x844 the first output is on the first screen, nothing scrolls sideways, diagrams keep a readable width', async () => {
    const { page } = await open('', { viewport: PHONE, isMobile: true, hasTouch: true });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(await page.locator('#params-details').evaluate((d) => d.open), false, 'the parameters are folded');
    const first = await page.locator('.output:not([hidden])').first().boundingBox();
    assert.ok(first && first.y + 80 < PHONE.height, `the first output starts on the first screen (y=${first?.y})`);
    assert.equal(await overflow(), 0, 'Generate: no sideways scroll');
    const img = await output(page, 'Topology').getByRole('img').boundingBox();
    assert.ok(img && img.width >= 560, `the topology keeps a readable width (${img?.width}px), scrolling in its card`);
    await page.screenshot({ path: join(RESULTS, 'phone-generate.png'), fullPage: false });
    await page.locator('#params-details > summary').click();
    assert.equal(await overflow(), 0, 'open parameters: no sideways scroll');
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    await page.evaluate((t) => window.__dockscape.setInput(t), SEED_DOOD);
    await settle(page);
    assert.equal(await overflow(), 0, 'Lint: no sideways scroll');
    const editor = await page.locator('#editor .cm-editor').boundingBox();
    assert.ok(editor && editor.height <= PHONE.height * 0.5, `the editor leaves room (${editor?.height}px)`);
    await page.getByRole('link', { name: 'Jump to findings', exact: true }).click();
    await page.waitForFunction(() => document.getElementById('lint-results').getBoundingClientRect().top < innerHeight);
    assert.equal(await page.locator('.finding').first().isVisible(), true);
    await page.screenshot({ path: join(RESULTS, 'phone-lint.png'), fullPage: false });
    await page.getByRole('tab', { name: 'Rules', exact: true }).click();
    await settle(page);
    assert.equal(await overflow(), 0, 'Rules: no sideways scroll');
    await page.goto(h.url + '#rule/DS002');
    await page.waitForSelector('#rule-DS002');
    assert.equal(await overflow(), 0, 'a rule page: no sideways scroll');
    await page.screenshot({ path: join(RESULTS, 'phone-rule.png'), fullPage: false });
  });
});

describe('keystrokes', () => {
  test('a parameter keystroke renders the cards on screen only; an off-screen card catches up when it scrolls into view', async () => {
    const { page } = await open();
    await page.getByLabel('Scenario', { exact: true }).selectOption('dind');
    await settle(page);
    const name = page.getByLabel('name', { exact: true });
    await name.fill('kestrel');
    await settle(page);
    const rendered = await page.evaluate(() => window.__dockscape.timings.rendered.at(-1));
    const cards = await page.locator('.output:not([hidden])').count();
    assert.ok(rendered >= 1 && rendered < cards, `the keystroke rendered ${rendered} of ${cards} cards`);
    assert.match(await page.evaluate(() => window.__dockscape.shownNow('pod')), /kestrel/, 'the Pod, on screen, follows at once');
    // Mermaid is the last card, below the fold of a 1400x1000 window: not rendered yet
    assert.doesNotMatch(await page.evaluate(() => window.__dockscape.shownNow('mermaid')), /kestrel/, 'the off-screen Mermaid waits');
    await output(page, 'Mermaid').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => /kestrel/.test(window.__dockscape.shownNow('mermaid')));
    await settle(page);
    // Copy of a card that was off screen gives the current text
    await page.evaluate(() => window.scrollTo(0, 0));
    await name.fill('osprey');
    await settle(page);
    await output(page, 'CI recipe').getByRole('button', { name: 'Copy', exact: true }).click();
    await page.waitForFunction(() => /^Copied/.test(document.getElementById('announce').textContent));
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /osprey/, 'Copy brings the card up to date first');
  });
});

describe('diagrams on phones', () => {
  test('at 390x844 the topology pans and zooms: buttons, + and - on the focused box, a pinch, a drag, Ctrl + wheel', async () => {
    const o = await open('', { viewport: PHONE, isMobile: true, hasTouch: true });
    const { page } = o;
    const card = output(page, 'Topology');
    const box = card.getByRole('group', { name: /Topology diagram/ });
    const img = card.getByRole('img');
    await box.scrollIntoViewIfNeeded();
    const width = async () => (await img.boundingBox())?.width ?? 0;
    const start = await width();
    assert.ok(start >= 560, `it starts at a readable width (${start}px), wider than the screen`);
    const level = card.locator('.zoom-level');
    await card.getByRole('button', { name: 'Zoom in', exact: true }).click();
    assert.ok((await width()) > start * 1.2, 'Zoom in enlarges it');
    await card.getByRole('button', { name: 'Fit', exact: true }).click();
    const fit = await width();
    assert.ok(fit < 400 && fit > 200, `Fit shows all of it in the card (${fit}px)`);
    assert.equal(await level.textContent(), '100%');
    // keyboard: Tab reaches the box; + zooms, the arrow keys pan (the box's own scrolling), - zooms out
    await box.focus();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    assert.ok((await width()) > fit * 1.5, 'the + key zooms in');
    const left = await box.evaluate((b) => b.scrollLeft);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((l) => document.querySelector('[data-format="svg"] .diagram-box').scrollLeft > l, left);
    await page.keyboard.press('-');
    assert.ok((await width()) < fit * 1.5, 'the - key zooms out');
    // a two-finger pinch outwards zooms in (touch events through CDP, as a phone sends them)
    await card.getByRole('button', { name: 'Fit', exact: true }).click();
    const r = await box.boundingBox();
    const cx = r.x + r.width / 2;
    const cy = r.y + Math.min(r.height, 200) / 2;
    const cdp = await o.context.newCDPSession(page);
    const touch = (type, d) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }] });
    await touch('touchStart', 20);
    for (const d of [35, 50, 65, 80]) await touch('touchMove', d);
    await touch('touchEnd', 0);
    assert.ok((await width()) > fit * 2.5, `the pinch zoomed in (${await width()}px from ${fit}px)`);
    await page.screenshot({ path: join(RESULTS, 'phone-diagram-zoomed.png') });
    // a mouse drags it; Ctrl + wheel (a trackpad's pinch) zooms
    const before = await box.evaluate((b) => b.scrollLeft);
    await page.mouse.move(cx + 60, cy);
    await page.mouse.down();
    await page.mouse.move(cx - 60, cy, { steps: 4 });
    await page.mouse.up();
    assert.ok((await box.evaluate((b) => b.scrollLeft)) > before + 50, 'dragging pans');
    const w0 = await width();
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, 200);
    await page.keyboard.up('Control');
    await page.waitForFunction((w) => document.querySelector('[data-format="svg"] img').getBoundingClientRect().width < w, w0);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'the page itself never scrolls sideways');
  });
});

describe('readable outputs', () => {
  test('outputs are highlighted by CodeMirror, long lines scroll, the header comment is folded', async () => {
    const { page } = await open();
    const pod = output(page, 'Pod');
    assert.ok((await pod.locator('.cm-content .tok-propertyName, .cm-content .tok-definition').count()) > 3, 'YAML keys highlighted');
    await page.getByLabel('Shell', { exact: true }).selectOption('powershell');
    await settle(page);
    assert.ok((await output(page, 'docker run').locator('.cm-content [class*="tok-"]').count()) > 0, 'PowerShell highlighted');
    // the header comment (several # lines) folds into its first line
    assert.equal(await pod.locator('.cm-foldPlaceholder').count(), 1, 'folded');
    const text = await shown(page, 'pod');
    const header = text.split('\n').filter((l) => l.startsWith('#'));
    assert.ok(header.length >= 2);
    assert.equal(await pod.locator('.cm-line', { hasText: header[1] }).count(), 0, 'the second header line is hidden');
    // a long line scrolls sideways inside its card instead of wrapping
    const scroller = pod.locator('.cm-scroller');
    assert.ok(await scroller.evaluate((e) => e.scrollWidth > e.clientWidth), 'the long line scrolls');
    const lineHeights = await pod.locator('.cm-line').evaluateAll((ls) => ls.map((l) => l.getBoundingClientRect().height));
    assert.equal(new Set(lineHeights.map((x) => Math.round(x))).size, 1, 'no line wraps into two');
    await pod.locator('.cm-foldPlaceholder').click();
    assert.equal(await pod.locator('.cm-foldPlaceholder').count(), 0, 'and it unfolds');
    await page.getByLabel('name', { exact: true }).fill('unfolded');
    await settle(page);
    assert.equal(await pod.locator('.cm-foldPlaceholder').count(), 0, 'an edit keeps it unfolded');
  });

  test('Markdown backticks are code in notices, parameter help, rule summaries and editor tooltips', async () => {
    const { page } = await open();
    await page.getByLabel('Scenario', { exact: true }).selectOption('kubernetes');
    await settle(page);
    const notice = output(page, 'docker run').locator('.notice');
    await shown(page, 'run'); // an off-screen card renders when looked at
    assert.ok((await notice.locator('code').count()) > 0, 'a notice shows code');
    assert.doesNotMatch((await notice.textContent()) ?? '', /`/, 'no literal backticks in the notice');
    const helps = await page.locator('.param .help').evaluateAll((hs) => hs.map((x) => [x.textContent, x.querySelectorAll('code').length]));
    assert.ok(helps.some(([, n]) => n > 0), 'parameter help shows code');
    assert.ok(helps.every(([t]) => !t.includes('`')), 'no literal backticks in the help');
    await page.getByRole('tab', { name: 'Rules', exact: true }).click();
    await settle(page);
    const summaries = await page.locator('table.rules tbody td:nth-child(4)').evaluateAll((ts) => ts.map((t) => [t.textContent, t.querySelectorAll('code').length]));
    assert.ok(summaries.some(([, n]) => n > 0), 'rule summaries show code');
    assert.ok(summaries.every(([t]) => !t.includes('`')));
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    await page.evaluate((t) => window.__dockscape.setInput(t), SEED_DOOD);
    await settle(page);
    const tip = page.locator('.cm-tooltip-hover, .cm-tooltip-lint');
    await page.locator('#editor .cm-lint-marker').first().hover();
    await tip.first().waitFor();
    assert.ok((await tip.first().locator('code').count()) > 0, 'the tooltip shows code');
    assert.doesNotMatch((await tip.first().textContent()) ?? '', /`/);
  });
});

describe('lint for people', () => {
  test('the examples gallery: one click each lints the seeds\' Pods, a Compose file, a script, a GitLab file, a Jenkinsfile', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    const want = {
      'DooD Pod (seed 002)': { code: 'DS002', scenario: 'dood' },
      'DinD Pod (seed 002)': { code: 'DS008', scenario: 'dind' },
      'Compose file': { code: 'DS001', scenario: 'dood' },
      'docker run script': { code: 'DS001', scenario: 'dood' },
      'GitLab CI': { code: 'DS008', scenario: 'dind' },
      Jenkinsfile: { code: 'DS001', scenario: 'dood' },
    };
    for (const [title, { code, scenario }] of Object.entries(want)) {
      await page.getByRole('button', { name: title, exact: true }).click();
      await settle(page);
      assert.ok((await page.locator(`.finding[data-code="${code}"]`).count()) >= 1, `${title}: ${code}`);
      assert.ok((await page.locator(`.workload[data-scenario="${scenario}"]`).count()) >= 1, `${title}: a ${scenario} workload`);
    }
    // the seed example is the article's text, byte for byte
    await page.getByRole('button', { name: 'DooD Pod (seed 002)', exact: true }).click();
    const seed = readFileSync('/work/shared/seeds/002_6caf596126cfde2e.txt', 'utf8');
    assert.ok(seed.includes(await page.evaluate(() => window.__dockscape.state().input)));
  });

  test('input that is not recognised says so instead of "0 findings", as does a forced kind that finds nothing', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    const status = page.locator('#lint-status');
    await page.evaluate(() => window.__dockscape.setInput('Dear diary,\ntoday I ran nothing at all.\n'));
    await settle(page);
    assert.match((await status.textContent()) ?? '', /nothing recognised: this input is not a Kubernetes object, Compose file, script or CI file/);
    assert.doesNotMatch((await status.textContent()) ?? '', /0 findings/);
    await page.screenshot({ path: join(RESULTS, 'lint-nothing-recognised.png') });
    await page.evaluate((t) => window.__dockscape.setInput(t), SEED_DOOD);
    await settle(page);
    assert.match((await status.textContent()) ?? '', /\d+ findings?/);
    await page.getByLabel('Kind', { exact: true }).selectOption('run');
    await settle(page);
    assert.match((await status.textContent()) ?? '', /nothing recognised/, 'a Pod read as docker run lines finds no workload');
  });

  test('findings after non-ASCII text on their line are marked at their column (characters, not UTF-16 units)', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    // The core counts "é" and "🐳" as one column each; CodeMirror's positions count 🐳 as two.
    const script = 'echo "é🐳 x"; docker run --privileged -v /var/run/docker.sock:/var/run/docker.sock alpine\n';
    await page.evaluate((t) => window.__dockscape.setInput(t), script);
    await settle(page);
    const at = async () => Object.fromEntries((await page.evaluate(() => window.__dockscape.marks())).map((m) => [m.code, m.at]));
    const marks = await at();
    assert.match(marks.DS006 ?? '', /^--privileged/, `DS006 marked from --privileged: ${JSON.stringify(marks)}`);
    assert.match(marks.DS001 ?? '', /^\/var\/run\/docker\.sock:/, 'DS001 marked from the socket path');
    // "line 1" puts the caret on the finding's column: what is typed there lands before `--privileged`
    await page.locator('.finding[data-code="DS006"]').getByRole('button', { name: 'line 1', exact: true }).click();
    await page.keyboard.type('@');
    await settle(page);
    assert.match(await page.evaluate(() => window.__dockscape.state().input), /docker run @--privileged/);
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: "é🐳🐳", image: docker, securityContext: {privileged: true}}\n';
    await page.evaluate((t) => window.__dockscape.setInput(t), pod);
    await settle(page);
    assert.match((await at()).DS006 ?? '', /^true\}\}/, 'the YAML finding is marked on `true`');
  });

  test('findings filter by severity and by rule', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    await page.getByRole('button', { name: 'docker run script', exact: true }).click();
    await settle(page);
    const visible = () => page.locator('.finding:visible').evaluateAll((fs) => fs.map((f) => [f.dataset.code, f.dataset.severity]));
    const all = await visible();
    assert.ok(all.length >= 5);
    await page.getByLabel('Severity', { exact: true }).selectOption('critical');
    const crit = await visible();
    assert.ok(crit.length > 0 && crit.length < all.length, 'fewer');
    assert.ok(crit.every(([, s]) => s === 'critical'));
    assert.match((await page.locator('#filter-count').textContent()) ?? '', new RegExp(`showing ${crit.length} of ${all.length}`));
    await page.getByLabel('Severity', { exact: true }).selectOption('');
    await page.getByLabel('Rule', { exact: true }).selectOption('DS001');
    const one = await visible();
    assert.ok(one.length >= 1 && one.every(([c]) => c === 'DS001'));
  });

  test('Open in Generate carries the linted workload\'s values through convert (a docker run line, a Deployment), and says what did not carry', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    // a docker run script: the first line's container becomes Generate's workload
    await page.getByRole('button', { name: 'docker run script', exact: true }).click();
    await settle(page);
    await page.locator('.workload[data-scenario="dood"]').getByRole('button', { name: 'Open in Generate', exact: true }).click();
    await settle(page);
    assert.equal(await page.evaluate(() => window.__dockscape.state().tab), 'generate');
    assert.equal(await page.getByLabel('Scenario', { exact: true }).inputValue(), 'dood');
    assert.equal(await page.getByLabel('image', { exact: true }).inputValue(), 'docker:27-cli', 'the script\'s image');
    assert.equal(await page.getByLabel('args', { exact: true }).inputValue(), 'docker build -t app:test .', 'its arguments, in sh syntax');
    assert.match(await shown(page, 'pod'), /image: docker:27-cli/);
    const notice = page.locator('#handoff-notice');
    assert.match((await notice.textContent()) ?? '', /carried/);
    assert.match((await notice.textContent()) ?? '', /Not carried: .*volume mounts/, 'the socket mount is said not to carry (the scenario mounts its own)');
    // a Kubernetes Deployment (convert's Kubernetes reader): name, namespace, image, command, args, env, kind
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    await page.evaluate((t) => window.__dockscape.setInput(t), DEPLOYMENT);
    await settle(page);
    await page.locator('.workload[data-scenario="dood"]').getByRole('button', { name: 'Open in Generate', exact: true }).click();
    await settle(page);
    const value = (n) => page.getByLabel(n, { exact: true }).inputValue();
    assert.equal(await value('name'), 'builder');
    assert.equal(await value('namespace'), 'ci');
    assert.equal(await value('image'), 'docker:29-cli');
    assert.equal(await value('command'), 'sh -c');
    assert.equal(await value('args'), "'docker build -t app .'");
    assert.match(await value('env'), /^DOCKER_HOST=unix:\/\/\/var\/run\/docker\.sock$/m);
    assert.equal(await value('kind'), 'deployment');
    const pod = await shown(page, 'pod');
    assert.match(pod, /kind: Deployment/);
    assert.match(pod, /namespace: ci/);
    assert.match(pod, /docker build -t app \./);
    // TOKEN comes from a Secret: convert reports it (its path) and the notice passes that on
    assert.match((await notice.textContent()) ?? '', /Not carried: .*containers\[0\]\.env\[1\]/, 'the env from a Secret is said not to carry');
    await page.screenshot({ path: join(RESULTS, 'open-in-generate.png') });
  });
});

describe('small things', () => {
  test('the toast clears by itself', async () => {
    const { page } = await open();
    await output(page, 'Pod').getByRole('button', { name: 'Copy', exact: true }).click();
    await page.waitForFunction(() => document.getElementById('announce').textContent === 'Copied Pod');
    // waits for it to clear (TOAST_MS, 4 s); a toast that never clears fails here
    await page.waitForFunction(() => document.getElementById('announce').textContent === '', null, { timeout: 15_000 });
  });

  test('when the engine cannot load, the message offers a retry that works', async () => {
    const o = await h.page();
    opened.push(o);
    const { page } = o;
    let fail = true;
    await page.route(/\.wasm$/, (route) => (fail ? route.abort('connectionrefused') : route.continue()));
    await page.goto(h.url);
    await page.waitForFunction(() => /^Engine:/.test(document.getElementById('engine-status').textContent));
    const retry = page.getByRole('button', { name: 'Retry', exact: true });
    assert.equal(await retry.isVisible(), true);
    await page.screenshot({ path: join(RESULTS, 'engine-error.png') });
    fail = false;
    await retry.click();
    await page.waitForFunction(() => document.getElementById('engine-status').textContent === 'Ready');
    await idle(page);
    assert.equal(await retry.isVisible(), false);
    await page.getByLabel('Scenario', { exact: true }).selectOption('dind');
    await settle(page);
    assert.match(await shown(page, 'pod'), /image: docker:[0-9.]+-dind\n/, 'the engine works after the retry');
  });
});
