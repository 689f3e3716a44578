// Fix on the Lint tab (issue 12 item 7) in a real browser (Debian's chromium through playwright-core):
// every finding with a fix offers "Fix", marked safe or unsafe; the diff is the wasm's `fix` answer; Apply
// puts its edits in the editor (UTF-8 byte offsets turned into UTF-16 ones, after an é and a 🐳 on an
// earlier line) as one undoable change, and the input lints again without the fixed findings. "Fix all
// safe" and "Fix all, unsafe included" run the whole `lint --fix` loop. Every expectation is the wasm's own
// answer for the same input, asked in the same page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RESULTS, idle, perFile } from './harness.mjs';
import { applyUnifiedDiff } from './patch.mjs';

const FIXABLE = readFileSync(new URL('./fixtures/fixable-pod.yaml', import.meta.url), 'utf8');
const files = perFile(before, after);

async function settle(page) {
  await idle(page);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  await idle(page);
}

/** The Lint tab with `text` in the editor, linted. */
async function lintText(text, options = {}) {
  const o = await files.h.page(options);
  files.opened.push(o);
  const { page } = o;
  await page.goto(files.h.url);
  await idle(page);
  await page.getByRole('tab', { name: 'Lint', exact: true }).click();
  await page.waitForSelector('#editor .cm-content');
  await page.evaluate((t) => window.__dockscape.setInput(t), text);
  await settle(page);
  return o;
}

const input = (page) => page.evaluate(() => window.__dockscape.state().input);
const codes = (page) => page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.dataset.code));
const wasm = (page, fn, ...args) => page.evaluate(([fn, args]) => window.__dockscape.engine.call(fn, ...args), [fn, args]);

describe('fix', () => {
  test('one finding: the offer, the diff, Apply through UTF-16 offsets, one undo step', async () => {
    const { page, problems } = await lintText(FIXABLE);
    const lint = await wasm(page, 'lint', [{ file: 'input', text: FIXABLE }], {});
    assert.ok(lint.ok);
    // every finding with a fix offers one, with its kind; the others offer none
    for (const f of lint.value.findings) {
      const li = page.locator(`.finding[data-code="${f.code}"][data-line="${f.line}"]`);
      assert.equal(await li.count(), 1, `${f.code} listed`);
      const offer = li.locator('.fix-offer');
      if (!f.fix) {
        assert.equal(await offer.count(), 0, `${f.code} has no fix`);
        continue;
      }
      assert.equal(await offer.getAttribute('data-applicability'), f.fix.applicability, `${f.code}: ${f.fix.applicability}`);
      const words = (await offer.textContent()) ?? '';
      assert.ok(words.includes(`${f.fix.applicability} fix`), `${f.code} says ${words}`);
    }
    const kinds = Object.fromEntries(lint.value.findings.filter((f) => f.fix).map((f) => [f.code, f.fix.applicability]));
    assert.deepEqual(kinds, { DS015: 'unsafe', DS005: 'unsafe', DS025: 'safe' }, 'the fixture has one safe and two unsafe fixes');
    assert.equal(await page.getByRole('button', { name: 'Fix all safe (1)', exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Fix all, unsafe included (3)', exact: true }).count(), 1);

    await page.locator('#lint-results').screenshot({ path: join(RESULTS, 'fix-offers.png') });
    const ds015 = lint.value.findings.find((f) => f.code === 'DS015');
    await page.locator('.finding[data-code="DS015"]').getByRole('button', { name: 'Fix', exact: true }).click();
    await settle(page);
    await page.waitForSelector('#fix:not([hidden])');
    const answer = await wasm(page, 'fix', { file: 'input', text: FIXABLE }, { unsafe_fixes: true, finding: { code: 'DS015', line: ds015.line, column: ds015.column, path: ds015.path } });
    assert.ok(answer.ok && answer.value.fixed === 1, 'the wasm fixes DS015 alone');
    const shown = await page.evaluate(() => window.__dockscape.fixShown());
    assert.deepEqual(shown.result, answer.value, "the panel shows the wasm's answer");
    assert.equal(shown.viewer, shown.diff, 'the diff viewer shows the diff');
    assert.match(shown.diff, /^-\s+securityContext: \{allowPrivilegeEscalation: true\}|^-\s+allowPrivilegeEscalation: true$/m);
    assert.match(shown.diff, /^\+\s+allowPrivilegeEscalation: false$/m);
    assert.equal(applyUnifiedDiff(FIXABLE, shown.diff), answer.value.text, "the diff is the wasm's fix");
    // the edit's byte offsets are past non-ASCII text; the editor's offsets are fewer
    const [edit] = answer.value.edits;
    const [change] = shown.changes;
    assert.ok(edit.start > change.from, `UTF-8 ${edit.start} is past UTF-16 ${change.from}`);
    assert.equal(new TextEncoder().encode(FIXABLE.slice(0, change.from)).length, edit.start, 'the same place');
    assert.match(await page.locator('#fix-summary').textContent(), /unsafe/i, 'an unsafe fix says to review it');
    await page.locator('#fix').screenshot({ path: join(RESULTS, 'fix-diff.png') });

    await page.getByRole('button', { name: 'Apply to the editor', exact: true }).click();
    await settle(page);
    assert.equal(await input(page), answer.value.text, "the editor holds the wasm's text");
    assert.equal(await page.locator('#fix').isHidden(), true, 'the panel closes');
    const after = await codes(page);
    assert.ok(!after.includes('DS015') && after.includes('DS005') && after.includes('DS025'), `re-lint: DS015 alone fixed (${after})`);
    // one undo step takes the fix back
    await page.locator('#editor .cm-content').focus();
    await page.keyboard.press('Control+z');
    await settle(page);
    assert.equal(await input(page), FIXABLE, 'Ctrl+Z undoes the fix');
    assert.deepEqual(problems, []);
  });

  test('Fix all safe, then Fix all with the unsafe ones: the lint --fix loop', async () => {
    const { page, problems } = await lintText(FIXABLE);
    await page.getByRole('button', { name: 'Fix all safe (1)', exact: true }).click();
    await settle(page);
    const safe = await wasm(page, 'fix', { file: 'input', text: FIXABLE }, { unsafe_fixes: false });
    assert.ok(safe.ok && safe.value.fixed === 1 && safe.value.unsafe_left === 2);
    const shown = await page.evaluate(() => window.__dockscape.fixShown());
    assert.deepEqual(shown.result, safe.value);
    assert.match(shown.diff, /^-\s+- name: sock$/m, 'the unused socket volume is deleted');
    assert.match(await page.locator('#fix-summary').textContent(), /2 more with unsafe fixes/);
    await page.getByRole('button', { name: 'Apply to the editor', exact: true }).click();
    await settle(page);
    assert.equal(await input(page), safe.value.text);
    assert.ok(!(await codes(page)).includes('DS025'));
    assert.equal(await page.locator('#fix-all-safe').isHidden(), true, 'no safe fix is left');

    const now = await input(page);
    await page.getByRole('button', { name: 'Fix all, unsafe included (2)', exact: true }).click();
    await settle(page);
    const all = await wasm(page, 'fix', { file: 'input', text: now }, { unsafe_fixes: true });
    assert.ok(all.ok && all.value.fixed === 2);
    assert.deepEqual((await page.evaluate(() => window.__dockscape.fixShown())).result, all.value);
    await page.getByRole('button', { name: 'Apply to the editor', exact: true }).click();
    await settle(page);
    assert.equal(await input(page), all.value.text);
    const left = await codes(page);
    assert.deepEqual(left, all.value.report.findings.map((f) => f.code), 'what the wasm says remains');
    assert.ok(!left.includes('DS005') && !left.includes('DS015'), `${left}`);
    assert.equal(await page.locator('.fix-offer').count(), 0, 'nothing left to fix');
    assert.equal(await page.locator('#fix-all').isHidden(), true);
    assert.deepEqual(problems, []);
  });

  test('the input changed since the diff: Apply shows the fix of the new input instead', async () => {
    const { page, problems } = await lintText(FIXABLE);
    await page.getByRole('button', { name: 'Fix all safe (1)', exact: true }).click();
    await settle(page);
    const changed = `# a comment typed since\n${FIXABLE}`;
    await page.evaluate((t) => window.__dockscape.setInput(t), changed);
    await settle(page);
    await page.getByRole('button', { name: 'Apply to the editor', exact: true }).click();
    await settle(page);
    assert.equal(await input(page), changed, 'nothing stale is applied');
    const shown = await page.evaluate(() => window.__dockscape.fixShown());
    assert.equal(applyUnifiedDiff(changed, shown.diff), shown.result.text, 'the diff of the new input');
    assert.deepEqual(problems, []);
  });

  test('an input that does not lint cleanly offers no fix (as lint --fix refuses it)', async () => {
    const broken = `${FIXABLE}---\nkind: Pod\nspec: [broken\n`;
    const { page, problems } = await lintText(broken);
    await page.locator('.finding[data-code="DS015"]').waitFor();
    const lint = await wasm(page, 'lint', [{ file: 'input', text: broken }], {});
    assert.ok(lint.ok && lint.value.errors.length > 0 && lint.value.findings.some((f) => f.fix), 'the findings carry fixes, the input has an error');
    assert.equal(await page.locator('.fix-offer').count(), 0, 'no Fix offered');
    assert.equal(await page.locator('#fix-all').isHidden(), true, 'no Fix all');
    assert.deepEqual(problems, []);
  });

  test('a suppressed finding offers no fix; on a phone the panel fits the screen', async () => {
    const suppressed = FIXABLE.replace('  annotations:\n', '  annotations:\n    dockscape.io/ignore: "DS015: escalation needed by the agent"\n');
    const { page, problems } = await lintText(suppressed, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.locator('.finding[data-code="DS015"].suppressed').waitFor();
    assert.equal(await page.locator('.finding[data-code="DS015"] .fix-offer').count(), 0, 'no fix on a suppressed finding');
    assert.equal(await page.getByRole('button', { name: 'Fix all, unsafe included (2)', exact: true }).count(), 1, 'the suppressed fix is not counted');
    await page.locator('.finding[data-code="DS005"]').getByRole('button', { name: 'Fix', exact: true }).click();
    await settle(page);
    await page.waitForSelector('#fix-diff .cm-editor');
    const wide = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: innerWidth, panel: document.getElementById('fix').getBoundingClientRect().right }));
    assert.ok(wide.doc <= wide.view && wide.panel <= wide.view, `nothing scrolls sideways: ${JSON.stringify(wide)}`);
    await page.locator('#fix').screenshot({ path: join(RESULTS, 'fix-phone.png') });
    assert.deepEqual(problems, []);
  });
});
