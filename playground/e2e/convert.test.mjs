// The Convert tab (issue 11) in a real browser (Debian's chromium through playwright-core): paste or type
// on the left, the converted files on the right, what was not carried over marked in the input, the lint
// findings of the output. Every expectation is the wasm's own `convert` answer for the same input, asked
// in the same page: the test checks the page shows exactly that, never a list written here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RESULTS, idle, start } from './harness.mjs';

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
/** The wasm's answer for the page's current Convert state. */
function answer(page) {
  return page.evaluate(() => {
    const s = window.__dockscape.state();
    const options = {};
    if (s.cFrom) options.from = s.cFrom;
    if (s.cShell) options.shell = s.cShell;
    if (s.cSchedule) options.schedule = s.cSchedule;
    return window.__dockscape.engine.call('convert', s.cInput, s.cTo || 'auto', options);
  });
}
const shownFiles = (page) => page.evaluate(() => window.__dockscape.converted());
/** The page shows exactly the core's answer: the files, what was dropped, the notes, the findings, the errors. */
async function assertShowsAnswer(page, what) {
  const a = await answer(page);
  if (!a.ok) {
    // shown as the core says it (its backticks rendered as code)
    assert.ok(((await page.locator('#convert-errors').textContent()) ?? '').includes(a.error.message.replace(/`/g, '')), `${what}: the core's refusal is shown`);
    assert.deepEqual(await shownFiles(page), {}, `${what}: no stale files`);
    return a;
  }
  const c = a.value;
  assert.deepEqual(await shownFiles(page), Object.fromEntries(c.outputs.map((o) => [o.file_name, o.text])), `${what}: the files`);
  assert.equal(await page.locator('#convert-dropped li').count(), c.dropped.length, `${what}: every dropped key or flag listed`);
  assert.equal(await page.locator('#convert-notes li').count(), c.notes.length, `${what}: every note listed`);
  assert.deepEqual(
    await page.locator('#convert-findings li.finding').evaluateAll((fs) => fs.map((f) => `${f.dataset.file}:${f.dataset.code}`)),
    c.findings.map((f) => `${f.file}:${f.code}`),
    `${what}: the output's lint findings`,
  );
  assert.equal(await page.locator('#convert-errors li').count(), c.errors.length, `${what}: every error listed`);
  // each dropped flag or key is marked in the input from its own column (the core counts characters,
  // the editor UTF-16 units): the mark runs from that character to the end of its line
  const marks = await page.evaluate(() => window.__dockscape.convertMarks());
  const lines = (await page.evaluate(() => window.__dockscape.state().cInput)).split('\n');
  for (const d of c.dropped) {
    const from = Array.from(lines[d.line - 1] ?? '').slice(d.column - 1).join('');
    assert.ok(
      marks.some((m) => m.code === 'dropped' && m.line === d.line && m.at === from),
      `${what}: ${d.key_or_flag} marked at line ${d.line}, column ${d.column} (${JSON.stringify(from)}): ${JSON.stringify(marks)}`,
    );
    if (d.key_or_flag.startsWith('-')) assert.ok(from.startsWith(d.key_or_flag), `${what}: the column of ${d.key_or_flag} is the flag's`);
  }
  return a;
}

describe('convert', () => {
  test('docker run lines convert as you type into every target; dropped flags are marked where they are; the output is linted', async () => {
    const o = await open();
    const { page } = o;
    await page.getByRole('tab', { name: 'Convert', exact: true }).click();
    await page.locator('#convert-editor .cm-content').click();
    // typed as a person types: the file follows each keystroke
    await page.keyboard.type('docker run -d --name web --cidfile /tmp/web.id -p 8080:80 nginx:1.27');
    await settle(page);
    let a = await assertShowsAnswer(page, 'one line');
    assert.equal(a.ok, true, JSON.stringify(a));
    assert.match(Object.values(await shownFiles(page)).join(''), /web:[\s\S]*8080:80/, 'docker run lines become Compose, their next natural form');
    assert.match((await page.locator('#convert-status').textContent()) ?? '', /docker run lines into Compose \(the next natural form\)/);
    // `--cidfile` has no counterpart anywhere: it must be reported, never lost in silence
    assert.ok(a.value.dropped.some((d) => d.key_or_flag === '--cidfile'), `--cidfile reported: ${JSON.stringify(a.value.dropped)}`);
    // a second line, after non-ASCII text on its own line, with a socket mount
    await page.keyboard.press('End');
    await page.keyboard.type('\necho "é🐳"; docker run --name agent --cidfile /tmp/a.id -v /var/run/docker.sock:/var/run/docker.sock docker:29-cli');
    await settle(page);
    a = await assertShowsAnswer(page, 'two lines');
    assert.ok(a.value.dropped.some((d) => d.line === 2), 'a dropped flag on the emoji line');
    assert.ok(a.value.findings.some((f) => f.code === 'DS001'), 'the socket mount is linted in the output');
    assert.ok((await page.locator('#convert-findings .finding[data-code="DS001"]').count()) >= 1);
    await page.screenshot({ path: join(RESULTS, 'convert-run-to-compose.png') });

    // every target; the shell picker only for docker run, the schedule only for a CronJob
    const tab = page.locator('#panel-convert');
    const shell = tab.getByLabel('Script shell', { exact: true });
    const schedule = tab.getByLabel('Schedule', { exact: true });
    const kinds = { pod: /kind: Pod/, deployment: /kind: Deployment/, job: /kind: Job/, cronjob: /kind: CronJob/ };
    for (const to of ['pod', 'deployment', 'job', 'cronjob', 'run', 'compose', 'auto']) {
      await page.getByLabel('Convert to', { exact: true }).selectOption(to);
      await settle(page);
      const r = await assertShowsAnswer(page, to);
      assert.equal(await shell.isVisible(), to === 'run', `${to}: the shell picker`);
      assert.equal(await schedule.isVisible(), to === 'cronjob', `${to}: the schedule field`);
      if (kinds[to]) {
        assert.equal(r.ok, true, `${to}: ${JSON.stringify(r)}`);
        for (const t of Object.values(await shownFiles(page))) assert.match(t, kinds[to]);
      }
      if (to === 'cronjob') {
        await schedule.fill('*/5 * * * *');
        await settle(page);
        await assertShowsAnswer(page, 'cronjob with a schedule');
        assert.match(Object.values(await shownFiles(page)).join(''), /\*\/5 \* \* \* \*/);
      }
      if (to === 'run') {
        for (const sh of ['powershell', 'cmd', 'gitbash', 'sh']) {
          await shell.selectOption(sh);
          await settle(page);
          await assertShowsAnswer(page, `run for ${sh}`);
        }
      }
    }

    // Copy and Download give exactly the file
    const card = page.locator('#convert-outputs section').first();
    await card.getByRole('button', { name: 'Copy', exact: true }).click();
    const files = await shownFiles(page);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), Object.values(files)[0]);
    const [dl] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download', exact: true }).click()]);
    const saved = join(RESULTS, `convert-${dl.suggestedFilename()}`);
    await dl.saveAs(saved);
    assert.equal(readFileSync(saved, 'utf8'), Object.values(files)[0]);

    // a dropped flag's "line, column" puts the caret on it: what is typed there lands before the flag
    const first = page.locator('#convert-dropped li[data-key="--cidfile"]').first();
    await first.getByRole('button').click();
    await page.keyboard.type('@');
    await settle(page);
    assert.match(await page.evaluate(() => window.__dockscape.state().cInput), /@--cidfile/);
    assert.deepEqual(o.problems, [], 'no page errors');
  });

  test('a Compose file and a Kubernetes Deployment convert too: Compose to Pods, the Deployment to Compose and back to a Deployment', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Convert', exact: true }).click();
    const to = page.getByLabel('Convert to', { exact: true });
    await page.getByRole('button', { name: 'Compose file', exact: true }).click();
    await to.selectOption('pod');
    await settle(page);
    let a = await assertShowsAnswer(page, 'Compose to Pods');
    assert.equal(a.ok, true, JSON.stringify(a));
    const pods = await shownFiles(page);
    assert.ok(Object.keys(pods).length >= 2, `a Pod per service: ${Object.keys(pods)}`);
    assert.ok(Object.values(pods).every((t) => /kind: Pod/.test(t)));
    assert.match(Object.values(pods).join(''), /type: Socket/, 'the socket mount is carried as a Socket hostPath, never dropped');
    assert.ok(a.value.findings.some((f) => f.code === 'DS001'), 'and linted');
    await page.screenshot({ path: join(RESULTS, 'convert-compose-to-pod.png') });
    await page.getByRole('button', { name: 'Kubernetes Deployment', exact: true }).click();
    await to.selectOption('compose');
    await settle(page);
    a = await assertShowsAnswer(page, 'Deployment to Compose');
    assert.equal(a.ok, true, JSON.stringify(a));
    assert.match(Object.values(await shownFiles(page)).join(''), /services:[\s\S]*docker:29-cli/);
    await to.selectOption('deployment');
    await settle(page);
    a = await assertShowsAnswer(page, 'Deployment to Deployment');
    assert.match(Object.values(await shownFiles(page)).join(''), /kind: Deployment[\s\S]*namespace: ci|namespace: ci[\s\S]*kind: Deployment/);
  });

  test('a Convert link carries the target, and the input only with "include my input" ticked', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Convert', exact: true }).click();
    await page.evaluate(() => window.__dockscape.setConvertInput('docker run --name secret -e TOKEN=hunter2 busybox\n'));
    await page.getByLabel('Convert to', { exact: true }).selectOption('job');
    await settle(page);
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    await page.waitForFunction(() => /Convert tab, without your input/.test(document.getElementById('announce').textContent));
    const without = await page.evaluate(() => navigator.clipboard.readText());
    await page.getByLabel('include my input', { exact: true }).check();
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    await page.waitForFunction(() => /Convert tab with your input/.test(document.getElementById('announce').textContent));
    const withInput = await page.evaluate(() => navigator.clipboard.readText());
    const a = await open(new URL(without).hash);
    assert.equal(await a.page.evaluate(() => window.__dockscape.state().tab), 'convert');
    assert.equal(await a.page.getByLabel('Convert to', { exact: true }).inputValue(), 'job');
    assert.equal(await a.page.evaluate(() => window.__dockscape.state().cInput), '', 'the input stayed home');
    const b = await open(new URL(withInput).hash);
    assert.match(await b.page.evaluate(() => window.__dockscape.state().cInput), /TOKEN=hunter2/);
    await settle(b.page);
    assert.match(Object.values(await shownFiles(b.page)).join(''), /kind: Job/);
  });

  test('at 390x844 the Convert tab scrolls nowhere sideways and its output follows the input', async () => {
    const { page } = await open('', { viewport: PHONE, isMobile: true, hasTouch: true });
    await page.getByRole('tab', { name: 'Convert', exact: true }).click();
    await page.getByRole('button', { name: 'docker run lines', exact: true }).click();
    await settle(page);
    await assertShowsAnswer(page, 'the example on a phone');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no sideways scroll');
    // one column: the files under the input, each as wide as the screen allows
    const input = await page.locator('#convert-editor').boundingBox();
    const files = await page.locator('#convert-outputs section').first().boundingBox();
    assert.ok(files.y >= input.y + input.height, `the files are under the input (${files.y} vs ${input.y + input.height})`);
    assert.ok(files.width > PHONE.width * 0.8, `the files take the screen's width (${files.width}px)`);
    await page.screenshot({ path: join(RESULTS, 'phone-convert.png'), fullPage: true });
  });
});
