// The playground in a real browser (Debian's chromium through playwright-core), used as a person would.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RESULTS, ROOT, idle, start } from './harness.mjs';

const SEED_DOOD = readFileSync(join(ROOT, 'examples/seed-002-dood-pod.yaml'), 'utf8');
const OUTPUTS = ['Pod', 'Compose', 'docker run', 'Explain'];

/** What each scenario's outputs must show (SCENARIOS.md), beyond being non-empty and error-free. */
const EXPECT = {
  linux: { Pod: /image: httpd:latest/, Compose: /services:/, 'docker run': /docker run .*-p 80:80/ },
  windows: { 'docker run': /\$env:DOCKER_HOST = 'npipe:/ },
  kubernetes: { 'docker run': /crictl ps/, 'docker run notice': /does not apply/, 'Compose notice': /does not apply/ },
  dood: { Pod: /\/var\/run\/docker\.sock/, Compose: /\/var\/run\/docker\.sock:\/var\/run\/docker\.sock/, 'docker run': /-v \/var\/run\/docker\.sock:\/var\/run\/docker\.sock/ },
  dind: { Pod: /docker:\d+-dind[\s\S]*privileged: true|privileged: true[\s\S]*docker:\d+-dind/, Compose: /docker:\d+-dind/, 'docker run': /--privileged/ },
  'dind-rootless': { Pod: /dind-rootless/ },
  sysbox: { Pod: /runtimeClassName: sysbox-runc/, 'docker run': /--runtime[= ]sysbox-runc/ },
  buildkit: { Pod: /moby\/buildkit:.*rootless/ },
};

let h;
const opened = [];
before(async () => {
  h = await start();
});
after(async () => {
  for (const o of opened) await o.context.close().catch(() => {});
  await h?.close();
});

async function open(hash = '') {
  const o = await h.page();
  opened.push(o);
  await o.page.goto(h.url + hash);
  await idle(o.page);
  await o.page.waitForFunction(() => document.getElementById('engine-status')?.textContent !== 'Loading…');
  return o;
}

/** The section of one output, found by its heading as a person would. */
function output(page, title) {
  return page.getByRole('region', { name: title, exact: true });
}

/** The text an output card shows (its CodeMirror viewer's document, or the plain text before it loads). */
async function outputText(page, title) {
  const key = await output(page, title).getAttribute('data-format');
  return page.evaluate((k) => window.__dockscape.shown(k), key);
}

async function settle(page) {
  await idle(page);
  // one more frame for the DOM writes after the last answer
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
}

function assertClean(o) {
  assert.deepEqual(o.problems, [], 'no page errors or console errors');
  for (const u of o.requests) {
    const url = new URL(u);
    assert.ok(url.origin === h.origin || ['data:', 'blob:'].includes(url.protocol), `request left the page's origin: ${u}`);
  }
}

describe('generate', () => {
  test('every scenario renders every output, with a labelled control per parameter', async () => {
    const o = await open();
    const { page } = o;
    const scenarios = await page.evaluate(() => window.__dockscape.engine.call('scenarios'));
    assert.equal(scenarios.ok, true, JSON.stringify(scenarios));
    assert.ok(scenarios.value.length >= 8, 'the catalogue has at least the eight scenarios');
    const select = page.getByLabel('Scenario', { exact: true });
    const options = await select.locator('option').evaluateAll((os) => os.map((x) => x.value));
    assert.deepEqual(options, scenarios.value.map((s) => s.id));
    for (const sc of scenarios.value) {
      await select.selectOption(sc.id);
      await settle(page);
      for (const title of OUTPUTS) {
        const region = output(page, title);
        // read first: an off-screen card renders when it is looked at (outputText brings it up to date)
        const text = await outputText(page, title);
        assert.equal(await region.locator('.error').isHidden(), true, `${sc.id}/${title}: ${await region.locator('.error').textContent()}`);
        assert.ok(text.trim().length > 0, `${sc.id}/${title} is not empty`);
      }
      const pod = await outputText(page, 'Pod');
      assert.match(pod, /kind: Pod/, `${sc.id}: the Pod output is a Pod`);
      for (const [what, re] of Object.entries(EXPECT[sc.id] ?? {})) {
        const shown = what.endsWith(' notice') ? ((await output(page, what.slice(0, -7)).locator('.notice').textContent()) ?? '') : await outputText(page, what);
        assert.match(shown, re, `${sc.id}: ${what}`);
      }
      await outputText(page, 'Topology');
      const topology = output(page, 'Topology').getByRole('img');
      assert.match((await topology.getAttribute('src')) ?? '', /^data:image\/svg\+xml/, `${sc.id}: the topology is drawn`);
      assert.equal(await topology.evaluate((img) => img.complete && img.naturalWidth > 0), true, `${sc.id}: the SVG renders`);
      assert.match(await outputText(page, 'Mermaid'), /flowchart|graph/, `${sc.id}: Mermaid text`);
      const explain = await outputText(page, 'Explain');
      assert.match(explain, new RegExp(sc.id.replace('-', '.')), `${sc.id}: Explain names the scenario`);
      const compose = await outputText(page, 'Compose');
      const composeNotice = (await output(page, 'Compose').locator('.notice').textContent()) ?? '';
      assert.ok(/services:/.test(compose) || composeNotice.length > 0, `${sc.id}: a Compose file, or a notice why not`);
      const run = await outputText(page, 'docker run');
      const runNotice = (await output(page, 'docker run').locator('.notice').textContent()) ?? '';
      assert.ok(/docker /.test(run) || runNotice.length > 0, `${sc.id}: docker run lines, or a notice why not`);
      for (const p of sc.params) {
        if (p.name === 'shell') {
          // stands as the "Shell" select of the docker run output
          const shells = await page.getByLabel('Shell', { exact: true }).locator('option').evaluateAll((os) => os.map((x) => x.value));
          assert.deepEqual(shells, p.accepted, `${sc.id}: the Shell select offers the accepted shells`);
          assert.equal(await page.getByLabel('Shell', { exact: true }).inputValue(), p.default);
          continue;
        }
        const control = page.getByLabel(p.name, { exact: true });
        assert.equal(await control.count(), 1, `${sc.id}: one control labelled ${p.name}`);
        assert.equal(await control.inputValue(), p.default, `${sc.id}: ${p.name} starts at its default`);
        if (p.accepted.length) {
          const values = await control.locator('option').evaluateAll((os) => os.map((x) => x.value));
          assert.deepEqual(values, p.accepted, `${sc.id}: ${p.name} offers its accepted values`);
        }
      }
    }
    assertClean(o);
  });

  test('outputs follow the parameters as you type', async () => {
    const { page } = await open();
    await page.getByLabel('Scenario', { exact: true }).selectOption('dood');
    await settle(page);
    const name = page.getByLabel('name', { exact: true });
    await name.fill('');
    await name.pressSequentially('ci-job-7', { delay: 5 });
    await settle(page);
    assert.match(await outputText(page, 'Pod'), /name: ci-job-7/);
    assert.match(await outputText(page, 'Compose'), /ci-job-7/);
    const image = page.getByLabel('image', { exact: true });
    await image.fill('');
    await image.pressSequentially('docker:27.5-cli', { delay: 5 });
    await settle(page);
    for (const title of ['Pod', 'Compose', 'docker run']) assert.match(await outputText(page, title), /docker:27\.5-cli/, title);
    assert.deepEqual(await page.evaluate(() => window.__dockscape.state().params), { name: 'ci-job-7', image: 'docker:27.5-cli' });
  });

  test('bad parameters are marked on their own fields, every one at once and once; the outputs clear until fixed', async () => {
    const { page } = await open();
    await page.getByLabel('Scenario', { exact: true }).selectOption('dind');
    await settle(page);
    await page.getByLabel('ports', { exact: true }).fill('not a port');
    await page.getByLabel('mtu', { exact: true }).fill('huge');
    await settle(page);
    const alerts = page.locator('[role=alert]:visible');
    const texts = await alerts.allTextContents();
    assert.equal(texts.length, 2, `two messages, one per bad field: ${JSON.stringify(texts)}`);
    for (const field of ['ports', 'mtu']) {
      const own = page.locator(`.param[data-param="${field}"] .param-error`);
      assert.equal(await own.isVisible(), true, `${field}: its message is beside it`);
      assert.match((await own.textContent()) ?? '', new RegExp(field));
      assert.equal(await page.getByLabel(field, { exact: true }).getAttribute('aria-invalid'), 'true');
    }
    // no output card repeats it, and nothing stale stays on screen (the diagram included)
    assert.equal(await page.locator('#outputs').isHidden(), true, 'the outputs are cleared');
    assert.equal(await output(page, 'Topology').getByRole('img').isVisible(), false, 'the last valid diagram is gone');
    assert.equal(await page.locator('#outputs-invalid').isVisible(), true);
    await page.screenshot({ path: join(RESULTS, 'generate-error.png'), fullPage: true });
    await page.getByLabel('ports', { exact: true }).fill('');
    await settle(page);
    assert.equal((await alerts.allTextContents()).length, 1, 'the fixed field is clear, the other still marked');
    assert.equal(await page.locator('.param[data-param="mtu"] .param-error').isVisible(), true);
    await page.getByLabel('mtu', { exact: true }).fill('1400');
    await settle(page);
    assert.equal(await alerts.count(), 0, 'no message left');
    assert.equal(await page.locator('#outputs').isVisible(), true, 'the outputs are back');
    assert.match(await outputText(page, 'Pod'), /1400/);
  });

  test('the Shell select quotes docker run for each shell', async () => {
    const { page } = await open();
    await page.getByLabel('Scenario', { exact: true }).selectOption('dood');
    await settle(page);
    const seen = new Map();
    for (const shell of ['sh', 'powershell', 'cmd', 'gitbash']) {
      await page.getByLabel('Shell', { exact: true }).selectOption(shell);
      await settle(page);
      const text = await outputText(page, 'docker run');
      assert.match(text, /docker run/, `${shell}: docker run lines`);
      seen.set(shell, text);
    }
    assert.equal(new Set(seen.values()).size, 4, 'each shell gets its own quoting');
    assert.match(seen.get('powershell') + seen.get('cmd'), /`|\^|"/, 'PowerShell or cmd continuation/quoting');
  });

  test('the recipe picker lists only the recipes that apply to the scenario; one without recipes says so', async () => {
    const { page } = await open();
    const recipe = page.getByLabel('Recipe', { exact: true });
    // What applies is asked of the wasm itself (never a list written here, which went stale once): every
    // scenario of scenarios(), every recipe of formats(); a recipe applies unless generate says
    // `unsupported-format`.
    const applies = await page.evaluate(async () => {
      const e = window.__dockscape.engine;
      const [sc, fo] = [await e.call('scenarios'), await e.call('formats')];
      const out = {};
      for (const s of sc.value) {
        out[s.id] = [];
        for (const r of fo.value.recipes) {
          const a = await e.call('generate', s.id, {}, r, {});
          if (a.ok) out[s.id].push(r);
          else if (a.error.kind !== 'unsupported-format') throw new Error(`${s.id}/${r}: ${a.error.message}`);
        }
      }
      return out;
    });
    const withRecipes = Object.keys(applies).filter((k) => applies[k].length);
    const without = Object.keys(applies).filter((k) => !applies[k].length);
    assert.ok(withRecipes.length >= 3 && without.length >= 1, `scenarios with and without recipes: ${JSON.stringify(applies)}`);
    for (const [sc, want] of Object.entries(applies)) {
      await page.getByLabel('Scenario', { exact: true }).selectOption(sc);
      await settle(page);
      await outputText(page, 'CI recipe'); // the card is below the fold: it renders when looked at
      if (!want.length) {
        assert.equal(await outputText(page, 'CI recipe'), '', `${sc}: no recipe text`);
        assert.equal(await recipe.isVisible(), false, `${sc}: no picker when nothing applies`);
        assert.match((await output(page, 'CI recipe').locator('.notice').textContent()) ?? '', new RegExp(`No CI recipe applies to ${sc}`));
        assert.equal(await output(page, 'CI recipe').locator('.error').isHidden(), true, `${sc}: not shown as an error`);
        continue;
      }
      const offered = await recipe.locator('option').evaluateAll((os) => os.map((x) => x.value));
      assert.deepEqual(offered, want, `${sc}: the recipes that apply`);
      for (const r of offered) {
        await recipe.selectOption(r);
        await settle(page);
        assert.ok((await outputText(page, 'CI recipe')).length > 100, `${sc}/${r}: a recipe`);
        assert.equal(await output(page, 'CI recipe').locator('.error').isHidden(), true);
        assert.equal(await output(page, 'CI recipe').locator('.notice').isHidden(), true, `${sc}/${r}: no "does not apply" notice`);
      }
    }
  });

  test('Copy puts exactly the output on the clipboard; Download and Download all save files', async () => {
    const { page } = await open();
    await page.getByLabel('Scenario', { exact: true }).selectOption('dind');
    await settle(page);
    for (const title of [...OUTPUTS, 'Topology', 'Mermaid', 'CI recipe']) {
      await output(page, title).getByRole('button', { name: 'Copy', exact: true }).click();
      // an off-screen card is brought up to date before it is copied: wait for the copy itself
      await page.waitForFunction((t) => document.getElementById('announce').textContent === `Copied ${t}`, title);
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(clip, await outputText(page, title), `${title}: clipboard equals the output`);
    }
    const [one] = await Promise.all([page.waitForEvent('download'), output(page, 'Pod').getByRole('button', { name: 'Download', exact: true }).click()]);
    const podFile = join(RESULTS, one.suggestedFilename());
    await one.saveAs(podFile);
    assert.equal(readFileSync(podFile, 'utf8'), await outputText(page, 'Pod'));
    const [all] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all', exact: true }).click()]);
    assert.equal(all.suggestedFilename(), 'dockscape-dind.zip');
    const zipFile = join(RESULTS, all.suggestedFilename());
    await all.saveAs(zipFile);
    const names = JSON.parse(
      execFileSync('python3', ['-c', 'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps(z.namelist()))', zipFile], { encoding: 'utf8' }),
    );
    for (const f of ['pod.yaml', 'compose.yaml', 'run.sh', 'explain.md', 'topology.svg', 'topology.mmd', '.gitlab-ci.yml']) {
      assert.ok(names.includes(f), `${f} in the zip: ${names}`);
    }
  });
});

describe('diagrams', () => {
  test('every scenario\'s Mermaid text renders through the mermaid package, and its SVG topology is screenshotted', async () => {
    const o = await open();
    const { page } = o;
    const scenarios = await page.evaluate(() => window.__dockscape.engine.call('scenarios'));
    const select = page.getByLabel('Scenario', { exact: true });
    const texts = {};
    for (const sc of scenarios.value) {
      await select.selectOption(sc.id);
      await settle(page);
      texts[sc.id] = await outputText(page, 'Mermaid');
      const topology = output(page, 'Topology');
      await topology.getByRole('img').evaluate((img) => img.decode());
      await topology.screenshot({ path: join(RESULTS, `topology-${sc.id}.png`) });
    }
    assertClean(o);
    // A blank page of its own: the playground's Content-Security-Policy rightly refuses extra scripts.
    const m = await h.page();
    opened.push(m);
    await m.page.setContent('<!doctype html><html><body></body></html>');
    await m.page.addScriptTag({ path: join(ROOT, 'node_modules/mermaid/dist/mermaid.min.js') });
    const results = await m.page.evaluate(async (all) => {
      window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      const out = {};
      let n = 0;
      for (const [id, text] of Object.entries(all)) {
        try {
          const { svg } = await window.mermaid.render(`d${n++}`, text);
          out[id] = svg.includes('<svg') ? 'ok' : 'no svg';
        } catch (e) {
          out[id] = String(e?.message ?? e);
        }
      }
      return out;
    }, texts);
    assert.equal(Object.keys(results).length, scenarios.value.length);
    for (const [id, r] of Object.entries(results)) assert.equal(r, 'ok', `${id}: mermaid could not render:\n${texts[id]}`);
    // and mermaid does reject a broken diagram, so the check above can fail
    const broken = await m.page.evaluate(async () => {
      try {
        await window.mermaid.render('broken', 'flowchart TB\n  a -->|unclosed b');
        return 'rendered';
      } catch {
        return 'rejected';
      }
    });
    assert.equal(broken, 'rejected');
  });
});

describe('lint', () => {
  test('the seed DooD pod pasted into Input shows DS002 on the `path: /var/run` line, linked to its rule page', async () => {
    const o = await open();
    const { page } = o;
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    const input = page.getByRole('textbox', { name: 'Input', exact: true });
    await input.click();
    await page.evaluate((t) => navigator.clipboard.writeText(t), SEED_DOOD);
    await page.keyboard.press('Control+V');
    await settle(page);
    assert.equal(await page.evaluate(() => window.__dockscape.state().input), SEED_DOOD, 'the paste arrived unchanged');
    const line = SEED_DOOD.split('\n').findIndex((l) => l.includes('path: /var/run')) + 1;
    const finding = page.locator('.finding[data-code="DS002"]');
    assert.ok((await finding.count()) >= 1, 'DS002 is reported');
    assert.equal(await finding.first().getAttribute('data-line'), String(line), 'on the path: /var/run line');
    assert.match((await finding.first().textContent()) ?? '', new RegExp(`line ${line}`));
    for (const part of ['.badge', '.message']) assert.ok(((await finding.first().locator(part).textContent()) ?? '').trim(), `${part} shown`);
    const marked = page.locator('.cm-line.ds-marked', { hasText: /^\s*path: \/var\/run\s*$/ });
    assert.match((await marked.getAttribute('data-codes')) ?? '', /DS002/, 'the editor marks the line');
    assert.match((await page.locator('#workloads').textContent()) ?? '', /dood/, "the workload's scenario is shown");
    const reach = page.getByRole('img', { name: 'Reach of Pod/dood', exact: true });
    await reach.waitFor();
    const svg = decodeURIComponent(((await reach.getAttribute('src')) ?? '').replace(/^data:image\/svg\+xml;charset=utf-8,/, ''));
    assert.match(svg, /^<svg|^<\?xml/, 'the reach diagram is an SVG');
    assert.match(svg, /DS002/, 'the socket edge carries its rule code');
    assert.equal(await reach.evaluate((img) => img.decode().then(() => img.naturalWidth > 0)), true, 'it renders');
    await page.locator('#workloads').screenshot({ path: join(RESULTS, 'lint-reach.png') });
    await finding.first().getByRole('link', { name: 'DS002', exact: true }).click();
    await page.waitForSelector('#rule-DS002');
    assert.equal(await page.evaluate(() => window.__dockscape.state().tab), 'rules', 'the link opens the Rules tab');
    assert.ok(((await page.locator('#rule-DS002').textContent()) ?? '').length > 100, 'the rule page has its docs');
    await page.screenshot({ path: join(RESULTS, 'rule-DS002.png'), fullPage: true });
    await page.goBack();
    await page.waitForFunction(() => window.__dockscape.state().tab === 'lint');
    assertClean(o);
  });

  test('a file dropped on Input replaces it and is linted', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    await page.evaluate(() => window.__dockscape.setInput('kind: Pod\n'));
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dood.yaml', { type: 'application/yaml' }));
      const target = document.querySelector('#editor .cm-content');
      const r = target.getBoundingClientRect();
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, clientX: r.left + 10, clientY: r.top + 10 }));
    }, SEED_DOOD);
    await page.waitForFunction((t) => window.__dockscape.state().input === t, SEED_DOOD);
    await settle(page);
    assert.ok((await page.locator('.finding[data-code="DS002"]').count()) >= 1);
    assert.equal(await page.locator('.finding[data-code="DS002"]').first().evaluate((el) => el.textContent.includes('dood')), true);
  });

  test('invalid YAML shows a readable error and the page keeps working', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    await page.evaluate(() => window.__dockscape.setInput('apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\nspec: {\n'));
    await settle(page);
    const alert = page.locator('#lint-errors [role=alert]');
    assert.ok((await alert.count()) >= 1, 'an error is shown');
    assert.match((await alert.first().textContent()) ?? '', /line \d+/, 'the error says where');
    await page.evaluate((t) => window.__dockscape.setInput(t), SEED_DOOD);
    await settle(page);
    assert.equal(await alert.count(), 0, 'the error goes away');
    assert.ok((await page.locator('.finding[data-code="DS002"]').count()) >= 1, 'linting works again');
    await page.getByRole('tab', { name: 'Generate', exact: true }).click();
    await page.getByLabel('Scenario', { exact: true }).selectOption('linux');
    await settle(page);
    assert.match(await outputText(page, 'Pod'), /kind: Pod/);
  });
});

describe('state', () => {
  test('a copied Generate link reopens that view in a fresh page, and never carries the Lint input', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: aHVudGVyMg==\n';
    await page.evaluate((t) => window.__dockscape.setInput(t), secret);
    await page.getByRole('tab', { name: 'Generate', exact: true }).click();
    await page.getByLabel('Scenario', { exact: true }).selectOption('dind');
    await settle(page);
    await page.getByLabel('transport', { exact: true }).selectOption('unix');
    await page.getByLabel('Shell', { exact: true }).selectOption('powershell');
    await settle(page);
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(link, /#s=1\./);
    const pod = await outputText(page, 'Pod');
    assert.match(pod, /kind: Pod/);
    // the link and the address bar hold no trace of the input
    const decoded = await page.evaluate(async (l) => {
      const b64 = l.split('#s=1.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
      return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).text();
    }, link);
    assert.doesNotMatch(decoded, /password|Secret|aHVudGVyMg/, `the link holds only Generate's state: ${decoded}`);
    assert.doesNotMatch(decodeURIComponent(await page.evaluate(() => location.hash)), /aHVudGVyMg/);

    const fresh = await h.page(); // a new context: no localStorage, nothing shared
    opened.push(fresh);
    await fresh.page.goto(link);
    await idle(fresh.page);
    await settle(fresh.page);
    const got = await fresh.page.evaluate(() => window.__dockscape.state());
    assert.equal(got.tab, 'generate');
    assert.equal(got.scenario, 'dind');
    assert.deepEqual(got.params, { transport: 'unix' });
    assert.equal(got.input, '', 'the recipient gets no input');
    assert.equal(await fresh.page.getByLabel('Shell', { exact: true }).inputValue(), 'powershell');
    assert.equal(await outputText(fresh.page, 'Pod'), pod);
  });

  test('a Lint link carries the input only with "include my input" ticked, and says so', async () => {
    const { page } = await open();
    await page.getByRole('tab', { name: 'Lint', exact: true }).click();
    await page.evaluate((t) => window.__dockscape.setInput(t), SEED_DOOD);
    await settle(page);
    const tick = page.getByRole('checkbox', { name: 'include my input', exact: true });
    assert.equal(await tick.isChecked(), false, 'off by default');
    assert.equal(await page.locator('#share-warning').isVisible(), false);
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    const without = await page.evaluate(() => navigator.clipboard.readText());
    await page.waitForFunction(() => /without your input/.test(document.getElementById('announce').textContent));
    await tick.check();
    assert.equal(await page.locator('#share-warning').isVisible(), true, 'the warning shows once ticked');
    assert.match((await page.locator('#share-warning').textContent()) ?? '', /anyone who has the link can read it/);
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    const withInput = await page.evaluate(() => navigator.clipboard.readText());
    await page.screenshot({ path: join(RESULTS, 'share-include-input.png') });
    for (const [link, input] of [
      [without, ''],
      [withInput, SEED_DOOD],
    ]) {
      const fresh = await h.page();
      opened.push(fresh);
      await fresh.page.goto(link);
      await idle(fresh.page);
      await settle(fresh.page);
      assert.equal(await fresh.page.evaluate(() => window.__dockscape.state().tab), 'lint');
      assert.equal(await fresh.page.evaluate(() => window.__dockscape.state().input), input);
    }
  });

  test('a broken or truncated link says it is broken', async () => {
    const { page } = await open();
    await page.getByLabel('Scenario', { exact: true }).selectOption('dind');
    await settle(page);
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    const fresh = await h.page();
    opened.push(fresh);
    await fresh.page.goto(link.slice(0, link.length - 6));
    await idle(fresh.page);
    const banner = fresh.page.locator('#link-broken');
    assert.equal(await banner.isVisible(), true);
    assert.match((await banner.textContent()) ?? '', /broken or truncated/);
    await fresh.page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    assert.equal(await banner.isVisible(), false);
  });

  test('the last state comes back from localStorage', async () => {
    const { page } = await open();
    await page.getByLabel('Scenario', { exact: true }).selectOption('buildkit');
    await settle(page);
    await page.goto(h.url);
    await idle(page);
    await settle(page);
    assert.equal(await page.getByLabel('Scenario', { exact: true }).inputValue(), 'buildkit');
  });
});

describe('engine', () => {
  test('a Rust panic is a structured error and the next call works', async () => {
    const o = await open();
    const r = await o.page.evaluate(() => window.__dockscape.engine.call('panicForTest'));
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'panic');
    assert.match(r.error.message, /restarted/);
    const v = await o.page.evaluate(() => window.__dockscape.engine.call('version'));
    assert.equal(v.ok, true);
    assert.equal(await o.page.evaluate(() => window.__dockscape.engine.restarts), 1);
    // the panic hook reported the panic message on the console, nothing else went wrong
    assert.ok(o.problems.some((p) => p.includes('panic requested by panicForTest')));
    o.problems.length = 0;
    assertClean(o);
  });
});

describe('accessibility and screenshots', () => {
  test("every control's accessible name equals its visible text, on every tab", async () => {
    const o = await open();
    const { page } = o;
    await page.evaluate((t) => window.__dockscape.setInput(t), SEED_DOOD);
    await page.evaluate(() => window.__dockscape.setConvertInput('docker run -d --cidfile /x -v /var/run/docker.sock:/var/run/docker.sock alpine\n'));
    for (const tab of ['Generate', 'Lint', 'Convert', 'Rules', 'DS002', 'Editor panels']) {
      if (tab === 'DS002') await page.getByRole('link', { name: 'DS002', exact: true }).click();
      else if (tab === 'Editor panels') {
        // CodeMirror's own search (Ctrl-F) and diagnostics (Ctrl-Shift-M) panels are controls too.
        await page.getByRole('tab', { name: 'Lint', exact: true }).click();
        await page.locator('#editor .cm-content').click();
        await page.keyboard.press('Control+f');
        await page.locator('#editor .cm-content').click();
        await page.keyboard.press('Control+Shift+M');
        assert.equal(await page.locator('.cm-panel.cm-search').count(), 1, 'the search panel is open');
        assert.equal(await page.locator('.cm-panel-lint').count(), 1, 'the diagnostics panel is open');
      } else await page.getByRole('tab', { name: tab, exact: true }).click();
      await settle(page);
      const controls = await page.evaluate(() => {
        const out = [];
        const els = document.querySelectorAll('button, select, input, textarea, a[href], [role=tab], [contenteditable=true]');
        let i = 0;
        for (const el of els) {
          if (!(el instanceof HTMLElement) || el.offsetParent === null || el.closest('[hidden]')) continue;
          const id = `a11y-${i++}`;
          el.dataset.a11y = id;
          let visible = '';
          let role = el.getAttribute('role') ?? '';
          const tag = el.tagName.toLowerCase();
          if (tag === 'select' || tag === 'input' || tag === 'textarea') {
            // A field without a label shows its placeholder (CodeMirror's "Find" and "Replace").
            visible = [...(el.labels ?? [])].map((l) => l.textContent).join(' ') || (el.getAttribute('placeholder') ?? '');
            const type = tag === 'input' ? (el.getAttribute('type') ?? 'text') : '';
            role = role || (tag === 'select' ? 'combobox' : type === 'checkbox' || type === 'radio' ? type : 'textbox');
          } else if (el.isContentEditable) {
            const ids = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
            visible = ids.map((x) => document.getElementById(x)?.textContent ?? '').join(' ');
            role = 'textbox';
          } else {
            visible = el.innerText;
            role = role || (tag === 'a' ? 'link' : 'button');
          }
          out.push({ id, role, visible: visible.replace(/\s+/g, ' ').trim() });
        }
        return out;
      });
      assert.ok(controls.length > 3, `${tab}: controls found`);
      for (const c of controls) {
        assert.ok(c.visible, `${tab}: control ${c.role} ${c.id} has visible text`);
        const match = page.getByRole(c.role, { name: c.visible, exact: true }).and(page.locator(`[data-a11y="${c.id}"]`));
        assert.equal(await match.count(), 1, `${tab}: the ${c.role} showing "${c.visible}" is named "${c.visible}"`);
      }
      if (tab !== 'DS002' && tab !== 'Editor panels') await page.screenshot({ path: join(RESULTS, `${tab.toLowerCase()}.png`), fullPage: true });
    }
    assertClean(o);
  });
});

// Kept last: a report of what the pages asked for, for a human reading test-results/.
after(() => {
  const all = opened.flatMap((o) => o.requests);
  writeFileSync(join(RESULTS, 'requests.txt'), [...new Set(all)].sort().join('\n') + '\n');
});
