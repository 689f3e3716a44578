// Migrate on the Lint tab (issue 12 item 7) in a real browser (Debian's chromium through playwright-core):
// a DS001/DS002 finding offers "Migrate to <target>", the diff is shown, Apply replaces the editor's text
// and the new text lints without the socket finding; a refusal is shown with its line. Every expectation
// is the wasm's own `migrate` answer for the same input, asked in the same page.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RESULTS, idle, perFile } from './harness.mjs';
import { applyUnifiedDiff } from './patch.mjs';

const CANDIDATES = ['dind', 'socket-proxy', 'dind-rootless', 'sysbox', 'buildkit'];
const files = perFile(before, after);

async function settle(page) {
  await idle(page);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  await idle(page);
}

/** The Lint tab with a gallery example loaded and linted, the editor up. */
async function lintExample(example, options = {}) {
  const o = await files.h.page(options);
  files.opened.push(o);
  const { page } = o;
  await page.goto(files.h.url);
  await idle(page);
  await page.getByRole('tab', { name: 'Lint', exact: true }).click();
  await page.waitForSelector('#editor .cm-content');
  await page.locator(`#panel-lint button[data-example="${example}"]`).click();
  await settle(page);
  return o;
}

/** The targets the wasm migrates `workload` to, or refuses with a reason of the workload's own. */
async function wasmOffers(page, file, workload) {
  const out = [];
  for (const t of CANDIDATES) {
    const a = await page.evaluate(([t, f, w]) => window.__dockscape.engine.call('migrate', window.__dockscape.state().input, t, { file: f, workload: w }), [t, file, workload]);
    if (!a.ok) continue;
    if (a.value.migrated.includes(workload) || a.value.refusals.some((r) => r.workload === workload && !/not implemented/.test(r.reason))) out.push(t);
  }
  return out;
}

const offered = (finding) => finding.locator('.migrate-offer').evaluateAll((bs) => bs.map((b) => b.dataset.target));
const codes = (page) => page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.dataset.code));

describe('migrate', () => {
  test('the seed DooD Pod: offer, diff without the socket, Apply, re-lint without DS001/DS002', async () => {
    const { page, problems } = await lintExample('dood');
    const finding = page.locator('.finding[data-code="DS002"]').first();
    await finding.waitFor();
    const want = await wasmOffers(page, 'dood.yaml', 'Pod/dood');
    assert.ok(want.includes('dind'), `the wasm migrates the seed Pod to dind (${want})`);
    assert.deepEqual(await offered(finding), want, 'the finding offers exactly the targets the wasm takes');
    assert.equal(await page.locator('.finding[data-code="DS016"] .migrate-offer').count(), 0, 'other findings offer nothing');

    await finding.getByRole('button', { name: 'Migrate to dind', exact: true }).click();
    await settle(page);
    await page.waitForSelector('#migrate:not([hidden])');
    const before = await page.evaluate(() => window.__dockscape.state().input);
    const answer = await page.evaluate((t) => window.__dockscape.engine.call('migrate', t, 'dind', { file: 'dood.yaml', workload: 'Pod/dood' }), before);
    assert.ok(answer.ok && answer.value.edits.length > 0, 'the wasm rewrites it');
    const shown = await page.evaluate(() => window.__dockscape.migration());
    assert.equal(shown.target, 'dind');
    assert.equal(shown.viewer, shown.diff, 'the diff viewer shows the diff');
    assert.match(shown.diff, /^--- a\/dood\.yaml\n\+\+\+ b\/dood\.yaml\n@@ /, 'a unified diff');
    assert.match(shown.diff, /^-\s*path: \/var\/run\s*$/m, "the node's /var/run (the socket's directory) is removed");
    assert.match(shown.diff, /^\+.*image: docker:\d+-dind/m, 'the daemon is added');
    // the diff, applied line by line to the input, is the wasm's text
    assert.equal(applyUnifiedDiff(before, shown.diff), answer.value.text, "the diff is the wasm's migration");
    const deleted = await page.locator('#migrate-diff .cm-line .tok-deleted').count();
    assert.ok(deleted > 0, 'removed lines are highlighted');
    assert.equal(await page.locator('#migrate-notes li').count(), answer.value.notes.length, 'every note listed');
    for (const n of answer.value.notes) assert.equal(await page.locator(`#migrate-notes li[data-line="${n.line}"]`).first().getByRole('button', { name: `line ${n.line}` }).count(), 1, `note at line ${n.line} has its line`);
    assert.equal(await page.locator('#migrate-refusals li').count(), 0, 'nothing refused');
    await page.locator('#migrate').screenshot({ path: join(RESULTS, 'migrate-diff.png') });

    await page.getByRole('button', { name: 'Apply to the editor', exact: true }).click();
    await settle(page);
    assert.equal(await page.evaluate(() => window.__dockscape.state().input), answer.value.text, "the editor holds the wasm's text");
    assert.equal(await page.locator('#migrate').isHidden(), true, 'the panel closes');
    const after = await codes(page);
    assert.ok(after.length > 0 && !after.includes('DS001') && !after.includes('DS002'), `re-lint: no DS001/DS002 (${after})`);
    assert.deepEqual(problems, []);
  });

  test('a refusal is shown with its line and nothing can be applied', async () => {
    const { page, problems } = await lintExample('dood');
    const finding = page.locator('.finding[data-code="DS002"]').first();
    await finding.waitFor();
    const answer = await page.evaluate(() => window.__dockscape.engine.call('migrate', window.__dockscape.state().input, 'socket-proxy', { file: 'dood.yaml', workload: 'Pod/dood' }));
    assert.ok(answer.ok && answer.value.refusals.length === 1 && answer.value.edits.length === 0, 'the wasm refuses the socket proxy for a directory mount');
    const r = answer.value.refusals[0];
    await finding.getByRole('button', { name: 'Migrate to socket-proxy', exact: true }).click();
    await settle(page);
    const li = page.locator('#migrate-refusals li');
    assert.equal(await li.count(), 1);
    assert.equal(await li.getAttribute('data-line'), String(r.line));
    const text = (await li.textContent()) ?? '';
    assert.ok(text.includes(`line ${r.line}`) && text.includes(r.reason.replace(/`/g, '')), `the reason and its line: ${text}`);
    assert.equal(await page.getByRole('button', { name: 'Apply to the editor', exact: true }).isDisabled(), true, 'nothing to apply');
    assert.equal(await page.evaluate(() => window.__dockscape.migration().diff), '', 'no diff');
    await li.getByRole('button', { name: `line ${r.line}` }).click();
    const caretLine = await page.evaluate(() => {
      const sel = window.getSelection();
      return sel?.anchorNode ? (sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentElement).closest('.cm-line')?.textContent : null;
    });
    assert.equal(caretLine, (await page.evaluate(() => window.__dockscape.state().input)).split('\n')[r.line - 1], 'the line button puts the caret on the refused line');
    await page.locator('#migrate').screenshot({ path: join(RESULTS, 'migrate-refusal.png') });
    assert.deepEqual(problems, []);
  });

  test('on a phone the panel fits the screen: the diff scrolls inside its viewer', async () => {
    const { page, problems } = await lintExample('dood', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.locator('.finding[data-code="DS002"]').first().getByRole('button', { name: 'Migrate to dind', exact: true }).click();
    await settle(page);
    await page.waitForSelector('#migrate-diff .cm-editor');
    const wide = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: innerWidth, panel: document.getElementById('migrate').getBoundingClientRect().right }));
    assert.ok(wide.doc <= wide.view && wide.panel <= wide.view, `nothing scrolls sideways: ${JSON.stringify(wide)}`);
    await page.locator('#migrate').screenshot({ path: join(RESULTS, 'migrate-phone.png') });
    assert.deepEqual(problems, []);
  });

  test('a docker run script: the targets the wasm takes are offered, Apply re-lints without the socket', async () => {
    const { page, problems } = await lintExample('run');
    const finding = page.locator('.finding[data-code="DS001"], .finding[data-code="DS002"]').first();
    await finding.waitFor();
    const workload = await finding.evaluate((f) => f.querySelector('.where')?.textContent?.split(' / ')[0]);
    const want = await wasmOffers(page, 'build.sh', workload);
    // scripts migrate since migrate grew a shell editor (buildkit is offered too: it refuses with the reason)
    assert.ok(want.includes('dind') && want.includes('socket-proxy'), `dind and socket-proxy for a script (${want})`);
    assert.deepEqual(await offered(finding), want, 'exactly what the wasm takes');
    await finding.getByRole('button', { name: 'Migrate to dind', exact: true }).click();
    await settle(page);
    assert.match((await page.evaluate(() => window.__dockscape.migration())).diff, /^-.*docker\.sock/m, 'the line with the socket is rewritten');
    await page.getByRole('button', { name: 'Apply to the editor', exact: true }).click();
    await settle(page);
    const after = await codes(page);
    assert.ok(!after.includes('DS001') && !after.includes('DS002'), `re-lint: no DS001/DS002 (${after})`);
    assert.deepEqual(problems, []);
  });

  test('a Jenkinsfile: what is offered is what the wasm answers, and Migrate shows that answer', async () => {
    const { page, problems } = await lintExample('jenkins');
    const finding = page.locator('.finding[data-code="DS001"], .finding[data-code="DS002"]').first();
    await finding.waitFor();
    const workload = await finding.evaluate((f) => f.querySelector('.where')?.textContent?.split(' / ')[0]);
    const want = await wasmOffers(page, 'Jenkinsfile', workload);
    assert.deepEqual(await offered(finding), want, 'exactly what the wasm takes');
    assert.ok(want.includes('dind'), `the wasm answers dind for the podTemplate (migrated or refused with its reason): ${want}`);
    const answer = await page.evaluate(([w]) => window.__dockscape.engine.call('migrate', window.__dockscape.state().input, 'dind', { file: 'Jenkinsfile', workload: w }), [workload]);
    await finding.getByRole('button', { name: 'Migrate to dind', exact: true }).click();
    await settle(page);
    const shown = await page.evaluate(() => window.__dockscape.migration());
    const apply = page.getByRole('button', { name: 'Apply to the editor', exact: true });
    if (answer.value.migrated.includes(workload)) {
      assert.notEqual(shown.diff, '', 'a migrated podTemplate shows its diff');
      assert.equal(await apply.isDisabled(), false);
    } else {
      const r = answer.value.refusals.find((x) => x.workload === workload);
      const text = (await page.locator(`#migrate-refusals li[data-line="${r.line}"]`).first().textContent()) ?? '';
      assert.ok(text.includes(r.reason.replace(/`/g, '')), `the refusal is shown with its reason: ${text}`);
      assert.equal(shown.diff, '', 'no diff');
      assert.equal(await apply.isDisabled(), true, 'nothing to apply');
    }
    assert.deepEqual(problems, []);
  });

  test('Compose: the targets the wasm takes for the Compose service are offered', async () => {
    const { page, problems } = await lintExample('compose');
    const finding = page.locator('.finding[data-code="DS001"]').first();
    await finding.waitFor();
    const workload = await finding.evaluate((f) => f.querySelector('.where')?.textContent?.split(' / ')[0]);
    const want = await wasmOffers(page, 'compose.yaml', workload);
    assert.deepEqual(await offered(finding), want, 'exactly what the wasm takes');
    // every target is implemented for Compose (socket-proxy, rootless, Sysbox since migrate grew them)
    assert.ok(want.includes('dind') && want.includes('socket-proxy'), `dind and socket-proxy for Compose (${want})`);
    await finding.getByRole('button', { name: 'Migrate to dind', exact: true }).click();
    await settle(page);
    assert.match((await page.evaluate(() => window.__dockscape.migration())).diff, /^-\s*- \/var\/run\/docker\.sock:\/var\/run\/docker\.sock/m, 'the socket mount is removed');
    await page.getByRole('button', { name: 'Apply to the editor', exact: true }).click();
    await settle(page);
    const after = await codes(page);
    assert.ok(!after.includes('DS001') && !after.includes('DS002'), `re-lint: no DS001/DS002 (${after})`);
    assert.deepEqual(problems, []);
  });
});
