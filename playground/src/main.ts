// The dockscape playground: Generate and Lint over the wasm core, running in a Web Worker.
import './style.css';
import type { EditorView } from '@codemirror/view';
import type { Artifact, DsError, Formats, LintReport, Outcome, ParamSpec, RuleInfo, ScenarioInfo } from './wasm-pkg/dockscape_wasm';
import { $, announce, copyText, download, h } from './dom';
import type { Mark } from './editor';
import { Engine } from './engine';
import { escapeHtml, inline, renderMarkdown } from './markdown';
import { DEFAULT_STATE, type State, type Tab, decodeState, encodeState, loadLocal, saveLocal } from './state';
import { EXAMPLES } from './examples';
import { zip } from './zip';

// ---------------------------------------------------------------------------------------------------------
// Engine, state, timings

const engine = new Engine(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'dockscape' }));

let state: State = { ...DEFAULT_STATE };
let scenarios: ScenarioInfo[] = [];
let rules: RuleInfo[] = [];

/** Timings for scripts/bench-web and the browser tests (milliseconds, `performance.now()` based). */
const timings = { firstOutput: -1, generate: [] as number[], lint: [] as number[], lintRender: [] as number[], lintWorker: [] as number[], lintInside: [] as number[] };
declare global {
  interface Window {
    __dockscape: {
      timings: typeof timings;
      engine: Engine;
      state: () => State;
      idle: () => Promise<void>;
      setInput: (text: string) => void;
    };
  }
}

interface OutputSpec {
  /** Element ids and the artifact map use it. */
  key: string;
  title: string;
  /** The format id to generate (the recipe output's depends on the "Recipe" select). */
  format: () => string;
  /** Shown as a picture (the SVG topology); its text stays for Copy and Download. */
  image?: boolean;
  /** Markdown, shown rendered; its text stays for Copy and Download. */
  markdown?: boolean;
  wide?: boolean;
}
let formats: Formats = { outputs: ['pod', 'compose', 'run', 'explain'], recipes: [], diagrams: [] };
const recipeFormat = () => (state.recipe && formats.recipes.includes(state.recipe) ? state.recipe : (formats.recipes[0] ?? 'gitlab'));
const OUTPUTS: OutputSpec[] = [
  { key: 'svg', title: 'Topology', format: () => 'svg', image: true, wide: true },
  { key: 'pod', title: 'Pod', format: () => 'pod' },
  { key: 'compose', title: 'Compose', format: () => 'compose' },
  { key: 'run', title: 'docker run', format: () => 'run' },
  { key: 'explain', title: 'Explain', format: () => 'explain', markdown: true },
  { key: 'recipe', title: 'CI recipe', format: recipeFormat },
  { key: 'mermaid', title: 'Mermaid', format: () => 'mermaid' },
];
/** The scenario parameter the "Shell" select of the docker run output stands for. */
const SHELL_PARAM = 'shell';

const artifacts = new Map<string, Outcome<Artifact>>();
let busy = 0;
let idleWaiters: (() => void)[] = [];
function track<T>(p: Promise<T>): Promise<T> {
  busy++;
  return p.finally(() => {
    busy--;
    if (busy === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      w.forEach((f) => f());
    }
  });
}

// Persist: localStorage and the URL fragment, a moment after the last edit (so typing does not pay for the
// compression), and at once when the page is hidden or closed.
let encodeSeq = 0;
let persistTimer: ReturnType<typeof setTimeout> | undefined;
let persisted: (() => void) | undefined;
function persistNow(): void {
  clearTimeout(persistTimer);
  persistTimer = undefined;
  persisted?.();
  persisted = undefined;
  saveLocal(state);
  const seq = ++encodeSeq;
  track(encodeState(state)).then((frag) => {
    if (seq === encodeSeq && location.hash !== '#' + frag) history.replaceState(null, '', '#' + frag);
  });
}
function persist(): void {
  clearTimeout(persistTimer);
  if (!persisted) track(new Promise<void>((resolve) => (persisted = resolve)));
  persistTimer = setTimeout(persistNow, 150);
}
addEventListener('pagehide', () => persistTimer !== undefined && persistNow());
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && persistTimer !== undefined && persistNow());

function errorText(e: DsError): string {
  const at = e.location ? `line ${e.location.line}, column ${e.location.column}: ` : '';
  return `${at}${e.message}`;
}

// ---------------------------------------------------------------------------------------------------------
// Tabs

function showTab(tab: Tab): void {
  for (const t of ['generate', 'lint', 'rules'] as Tab[]) {
    const on = t === tab;
    $(`tab-${t}`).setAttribute('aria-selected', String(on));
    $(`tab-${t}`).tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  if (tab === 'lint') editor?.requestMeasure();
}

function setTab(tab: Tab): void {
  state = { ...state, tab };
  showTab(tab);
  if (tab === 'rules') renderRules();
  persist();
}

// ---------------------------------------------------------------------------------------------------------
// Generate

const genPanel = $('panel-generate');
const scenarioSelect = h('select', { id: 'scenario', onchange: () => chooseScenario(scenarioSelect.value) });
const scenarioSummary = h('p', { id: 'scenario-summary', class: 'summary' });
const paramsBox = h('div', { class: 'params', id: 'params' });
const shellSelect = h(
  'select',
  {
    id: 'shell',
    onchange: () => {
      const def = currentScenario()?.params.find((p) => p.name === SHELL_PARAM)?.default ?? '';
      state = { ...state, shell: shellSelect.value === def ? '' : shellSelect.value };
      persist();
      regenerate(['run']);
    },
  },
);
const recipeSelect = h('select', {
  id: 'recipe',
  onchange: () => {
    state = { ...state, recipe: recipeSelect.value === formats.recipes[0] ? '' : recipeSelect.value };
    persist();
    regenerate(['recipe']);
  },
});
const outputEls = new Map<
  string,
  {
    section: HTMLElement;
    notice: HTMLElement;
    error: HTMLElement;
    pre: HTMLElement;
    file: HTMLElement;
    img?: HTMLImageElement;
    rendered?: HTMLElement;
  }
>();

genPanel.append(
  h(
    'div',
    { class: 'controls' },
    h('div', { class: 'field' }, h('label', { for: 'scenario', text: 'Scenario' }), scenarioSelect),
    scenarioSummary,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', id: 'download-all', text: 'Download all', onclick: downloadAll }),
      h('button', { type: 'button', id: 'reset-params', text: 'Reset parameters', onclick: () => chooseScenario(state.scenario, true) }),
    ),
    h('h2', { class: 'sr-heading', id: 'params-heading', text: 'Parameters' }),
    paramsBox,
  ),
);
const outputsBox = h('div', { class: 'outputs' });
genPanel.append(outputsBox);
for (const o of OUTPUTS) {
  const headingId = `out-${o.key}-title`;
  const notice = h('p', { class: 'notice', hidden: true });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const pre = h('pre', { class: 'output-text', id: `out-${o.key}`, tabindex: '0', 'aria-labelledby': headingId, hidden: o.image || o.markdown });
  const img = o.image ? h('img', { class: 'diagram', alt: '' }) : undefined;
  const rendered = o.markdown ? h('div', { class: 'rendered' }) : undefined;
  const file = h('span', { class: 'file-name' });
  const extra =
    o.key === 'run'
      ? h('span', { class: 'field inline' }, h('label', { for: 'shell', text: 'Shell' }), shellSelect)
      : o.key === 'recipe'
        ? h('span', { class: 'field inline' }, h('label', { for: 'recipe', text: 'Recipe' }), recipeSelect)
        : null;
  const section = h(
    'section',
    { class: `output${o.wide ? ' wide' : ''}`, 'aria-labelledby': headingId, 'data-format': o.key },
    h(
      'div',
      { class: 'output-head' },
      h('h2', { id: headingId, text: o.title }),
      file,
      extra,
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', text: 'Copy', onclick: () => copyOutput(o) }),
      h('button', { type: 'button', text: 'Download', onclick: () => downloadOutput(o) }),
    ),
    notice,
    error,
    img ?? null,
    rendered ?? null,
    pre,
  );
  outputsBox.append(section);
  outputEls.set(o.key, { section, notice, error, pre, file, img, rendered });
}

function renderRecipes(): void {
  recipeSelect.replaceChildren(...formats.recipes.map((r) => h('option', { value: r, text: r })));
  recipeSelect.value = recipeFormat();
  outputEls.get('recipe')!.section.hidden = formats.recipes.length === 0;
  for (const d of ['svg', 'mermaid']) outputEls.get(d)!.section.hidden = !formats.diagrams.includes(d);
}

function currentScenario(): ScenarioInfo | undefined {
  return scenarios.find((s) => s.id === state.scenario);
}

function renderScenarios(): void {
  scenarioSelect.replaceChildren(...scenarios.map((s) => h('option', { value: s.id, text: `${s.id}: ${s.title}` })));
  if (!currentScenario() && scenarios.length) state = { ...state, scenario: scenarios[0].id, params: {} };
  scenarioSelect.value = state.scenario;
  renderParams();
}

function paramValue(p: ParamSpec): string {
  return state.params[p.name] ?? p.default;
}

function renderShells(): void {
  const spec = currentScenario()?.params.find((p) => p.name === SHELL_PARAM);
  const accepted = spec?.accepted.length ? spec.accepted : ['sh', 'powershell', 'cmd', 'gitbash'];
  const def = spec?.default ?? accepted[0];
  shellSelect.replaceChildren(...accepted.map((a) => h('option', { value: a, text: a === def ? `${a} (default)` : a })));
  shellSelect.value = state.shell && accepted.includes(state.shell) ? state.shell : def;
}

function renderParams(): void {
  const sc = currentScenario();
  scenarioSummary.textContent = sc ? sc.summary : '';
  renderShells();
  paramsBox.replaceChildren();
  for (const p of sc?.params ?? []) {
    if (p.name === SHELL_PARAM) continue; // the "Shell" select of the docker run output
    const id = `param-${p.name}`;
    const helpId = `${id}-help`;
    const onInput = (ev: Event) => setParam(p, (ev.target as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value);
    let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (p.accepted.length) {
      control = h(
        'select',
        { id, name: p.name, 'aria-describedby': helpId, onchange: onInput },
        ...p.accepted.map((a) => h('option', { value: a, text: a === '' ? '(none)' : a })),
      );
      if (!p.accepted.includes(paramValue(p))) control.append(h('option', { value: paramValue(p), text: paramValue(p) }));
    } else if (p.kind === 'env') {
      control = h('textarea', { id, name: p.name, rows: 2, spellcheck: 'false', placeholder: 'NAME=value, one per line', 'aria-describedby': helpId, oninput: onInput });
    } else {
      control = h('input', { id, name: p.name, type: 'text', spellcheck: 'false', autocomplete: 'off', placeholder: p.default, 'aria-describedby': helpId, oninput: onInput });
    }
    control.value = paramValue(p);
    const def = p.default === '' ? 'empty' : p.default;
    paramsBox.append(
      h('div', { class: 'field param', 'data-param': p.name }, h('label', { for: id, text: p.name }), control, h('small', { id: helpId, class: 'help', text: `${p.summary} (default: ${def})` })),
    );
  }
}

function setParam(p: ParamSpec, value: string): void {
  const params = { ...state.params };
  if (value === p.default) delete params[p.name];
  else params[p.name] = value;
  state = { ...state, params };
  persist();
  regenerate();
}

function chooseScenario(id: string, reset = false): void {
  if (id !== state.scenario || reset) state = { ...state, scenario: id, params: {} };
  scenarioSelect.value = state.scenario;
  renderParams();
  persist();
  regenerate();
}

let genSeq = 0;
/** The latest request per output: an answer to an older one is dropped (a newer edit superseded it). */
const latest = new Map<string, number>();
function regenerate(keys = OUTPUTS.map((o) => o.key)): void {
  if (!scenarios.length) return;
  const seq = ++genSeq;
  for (const k of keys) latest.set(k, seq);
  const started = performance.now();
  const options = state.shell ? { shell: state.shell } : {};
  const wanted = OUTPUTS.filter((o) => keys.includes(o.key) && !outputEls.get(o.key)!.section.hidden);
  const calls = wanted.map((o) =>
    track(engine.call<Artifact>('generate', state.scenario, { ...state.params }, o.format(), options)).then((r) => [o, r] as const),
  );
  track(Promise.all(calls)).then((results) => {
    for (const [o, r] of results) {
      if (latest.get(o.key) !== seq) continue;
      artifacts.set(o.key, r);
      renderOutput(o, r);
    }
    if (seq !== genSeq) return;
    const ms = performance.now() - started;
    timings.generate.push(ms);
    if (timings.firstOutput < 0) timings.firstOutput = performance.now();
    document.body.dataset.generated = String(seq);
  });
}

function renderOutput(o: OutputSpec, r: Outcome<Artifact>): void {
  const el = outputEls.get(o.key)!;
  if (r.ok) {
    el.pre.textContent = r.value.text;
    el.file.textContent = r.value.file_name;
    el.notice.textContent = r.value.notice ?? '';
    el.notice.hidden = !r.value.notice;
    el.error.hidden = true;
    el.section.classList.remove('failed');
    if (el.rendered) el.rendered.innerHTML = renderMarkdown(r.value.text);
    if (el.img) {
      el.img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(r.value.text)}`;
      el.img.alt = `Topology of the ${state.scenario} scenario`;
      el.img.hidden = false;
    }
  } else if (r.error.kind === 'unsupported-format') {
    // Not a failure: this format does not apply to the scenario, and the message says why.
    el.pre.textContent = '';
    el.file.textContent = '';
    el.notice.textContent = r.error.message;
    el.notice.hidden = false;
    el.error.hidden = true;
    el.section.classList.remove('failed');
    if (el.img) el.img.hidden = true;
  } else {
    el.pre.textContent = '';
    el.file.textContent = '';
    el.notice.hidden = true;
    el.error.textContent = errorText(r.error);
    el.error.hidden = false;
    el.section.classList.add('failed');
    if (el.img) el.img.hidden = true;
    if (el.rendered) el.rendered.replaceChildren();
  }
}

async function copyOutput(o: OutputSpec): Promise<void> {
  const r = artifacts.get(o.key);
  if (!r?.ok) return announce(`Nothing to copy: ${o.title} has no output`);
  announce((await copyText(r.value.text)) ? `Copied ${o.title}` : `Could not copy ${o.title}`);
}

function downloadOutput(o: OutputSpec): void {
  const r = artifacts.get(o.key);
  if (!r?.ok) return announce(`Nothing to download: ${o.title} has no output`);
  download(r.value.file_name, r.value.text, o.image ? 'image/svg+xml' : undefined);
  announce(`Downloaded ${r.value.file_name}`);
}

function downloadAll(): void {
  const entries = OUTPUTS.flatMap((o) => {
    const r = artifacts.get(o.key);
    return r?.ok ? [{ name: r.value.file_name, text: r.value.text }] : [];
  });
  if (!entries.length) return announce('Nothing to download yet');
  const name = `dockscape-${state.scenario}.zip`;
  download(name, zip(entries), 'application/zip');
  announce(`Downloaded ${name}`);
}

// ---------------------------------------------------------------------------------------------------------
// Lint

const lintPanel = $('panel-lint');
const fileInput = h('input', { type: 'file', hidden: true, accept: '.yaml,.yml,.json,.sh,.ps1,.cmd,.bat,.txt,text/*' });
const exampleSelect = h(
  'select',
  {
    id: 'example',
    onchange: () => {
      const ex = EXAMPLES.find((e) => e.id === exampleSelect.value);
      if (ex && editor) cm!.setText(editor, ex.text);
      exampleSelect.value = '';
    },
  },
  h('option', { value: '', text: 'choose…' }),
  ...EXAMPLES.map((e) => h('option', { value: e.id, text: e.title })),
);
const KINDS: [string, string][] = [
  ['', 'detect'],
  ['kubernetes', 'Kubernetes'],
  ['compose', 'Compose'],
  ['run', 'docker run lines'],
];
const kindSelect = h(
  'select',
  {
    id: 'kind',
    onchange: () => {
      state = { ...state, kind: kindSelect.value };
      persist();
      relint();
    },
  },
  ...KINDS.map(([v, t]) => h('option', { value: v, text: t })),
);
const editorBox = h('div', { class: 'editor', id: 'editor' });
const lintStatus = h('p', { id: 'lint-status', class: 'summary', role: 'status' });
const lintErrors = h('ul', { id: 'lint-errors', class: 'errors' });
const workloadsList = h('ul', { id: 'workloads', class: 'workloads' });
const findingsList = h('ol', { id: 'findings', class: 'findings' });
let inputFileName = 'input';

lintPanel.append(
  h(
    'div',
    { class: 'lint-input' },
    h(
      'div',
      { class: 'row' },
      h('span', { id: 'input-label', class: 'label', text: 'Input', onclick: () => editor?.focus() }),
      h('span', { class: 'spacer' }),
      h('span', { class: 'field inline' }, h('label', { for: 'kind', text: 'Kind' }), kindSelect),
      h('span', { class: 'field inline' }, h('label', { for: 'example', text: 'Example' }), exampleSelect),
      h('button', { type: 'button', text: 'Open file', onclick: () => fileInput.click() }),
      h('button', { type: 'button', text: 'Clear', onclick: () => editor && cm!.setText(editor, '') }),
      fileInput,
    ),
    editorBox,
    h('p', { class: 'help', text: 'Paste or drop a Kubernetes manifest, a Compose file or a script with docker run lines.' }),
  ),
  h(
    'div',
    { class: 'lint-results' },
    lintStatus,
    lintErrors,
    h('h2', { text: 'Workloads' }),
    workloadsList,
    h('h2', { text: 'Findings' }),
    findingsList,
  ),
);

fileInput.addEventListener('change', async () => {
  const f = fileInput.files?.[0];
  if (!f || !editor) return;
  inputFileName = f.name;
  cm!.setText(editor, await f.text());
  announce(`Opened ${f.name}`);
  fileInput.value = '';
});

let editor: EditorView | undefined;
/** CodeMirror is loaded beside the first output, not before it. */
let cm: typeof import('./editor') | undefined;
let lintInFlight = false;
let lintAgain = false;

function onInput(text: string): void {
  state = { ...state, input: text };
  persist();
  relint();
}

/** Latest wins, one lint in flight: typing never queues up work. */
function relint(): void {
  if (!rules.length && !engineReady) return;
  if (lintInFlight) {
    lintAgain = true;
    return;
  }
  lintInFlight = true;
  const text = state.input;
  const started = performance.now();
  track(engine.call<LintReport>('lint', [{ file: inputFileName, text, kind: state.kind || undefined }], {})).then((r) => {
    lintInFlight = false;
    timings.lintWorker.push(performance.now() - started);
    timings.lintInside.push(engine.lastMs.lint ?? NaN);
    if (lintAgain) {
      lintAgain = false;
      relint();
      return;
    }
    const t = performance.now();
    renderLint(r);
    timings.lintRender.push(performance.now() - t);
    timings.lint.push(performance.now() - started);
    document.body.dataset.linted = String(timings.lint.length);
  });
}

/** An element whose text is the core's message, with its `code` spans shown as code. */
function md(tag: 'p' | 'span', cls: string, text: string): HTMLElement {
  const el = h(tag, { class: cls });
  el.innerHTML = inline(text);
  return el;
}

function openInGenerate(id: string): void {
  chooseScenario(id, true);
  setTab('generate');
}

function severityOf(s: string): Mark['severity'] {
  const l = s.toLowerCase();
  return l.startsWith('err') || l === 'high' || l === 'critical' ? 'error' : l.startsWith('warn') || l === 'medium' ? 'warning' : 'info';
}

function errorsOf(report: LintReport): DsError[] {
  return (report.errors ?? []).map((e) => ({
    kind: 'input',
    message: e.message,
    location: e.line ? { line: e.line, column: e.column ?? 1 } : undefined,
  }));
}

/** Reach diagrams drawn per lint (one per workload, the first few). */
const MAX_REACH_DIAGRAMS = 4;

let lastLint = '';
function renderLint(r: Outcome<LintReport>): void {
  // An edit that changes no finding (most keystrokes) changes nothing on screen: the editor's marks
  // follow the text by themselves.
  const key = JSON.stringify(r) + (state.input.trim() ? '+' : '-');
  if (key === lastLint && editor) return;
  lastLint = key;
  lintErrors.replaceChildren();
  workloadsList.replaceChildren();
  findingsList.replaceChildren();
  if (!r.ok) {
    lintStatus.textContent = 'The input could not be linted.';
    lintErrors.append(h('li', { class: 'error', role: 'alert', text: errorText(r.error) }));
    if (editor) cm!.mark(editor, r.error.location ? [{ ...r.error.location, severity: 'error', code: r.error.kind, message: r.error.message }] : []);
    return;
  }
  const report = r.value;
  const errors = errorsOf(report);
  const marks: Mark[] = [];
  for (const e of errors) {
    lintErrors.append(h('li', { class: 'error', role: 'alert', text: `Input ${errorText(e)}` }));
    if (e.location) marks.push({ ...e.location, severity: 'error', code: e.kind, message: e.message });
  }
  const linted = { file: inputFileName, text: state.input, kind: state.kind || undefined };
  for (const [i, w] of (report.workloads ?? []).entries()) {
    const sc = w.scenario ?? 'none';
    const known = scenarios.some((s) => s.id === sc);
    const li = h(
      'li',
      { class: 'workload', 'data-scenario': sc },
      `${w.workload || w.name} (line ${w.line}): scenario `,
      h('strong', { class: 'scenario', text: sc }),
      known ? ' ' : null,
      known ? h('button', { type: 'button', class: 'linkish', text: 'Open in Generate', onclick: () => openInGenerate(sc) }) : null,
    );
    workloadsList.append(li);
    // What the workload can reach, drawn by the core with the rule codes on the offending edges.
    if (i < MAX_REACH_DIAGRAMS && w.workload) {
      void track(engine.call<string>('lintDiagram', [linted], w.workload)).then((d) => {
        if (!d.ok || !li.isConnected) return;
        const img = h('img', { class: 'reach', alt: `Reach of ${w.workload}` }) as HTMLImageElement;
        img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(d.value)}`;
        li.append(h('div', { class: 'reach-diagram' }, img));
      });
    }
  }
  if (!report.workloads?.length) workloadsList.append(h('li', { class: 'empty', text: 'No workload found.' }));
  for (const f of report.findings) {
    const sev = severityOf(f.severity);
    const suppressed = typeof f.suppressed === 'string' ? f.suppressed : null;
    if (f.line > 0 && !suppressed) marks.push({ line: f.line, column: f.column, severity: sev, code: f.code, message: f.message });
    const where = [f.workload, f.container].filter(Boolean).join(' / ');
    findingsList.append(
      h(
        'li',
        { class: `finding sev-${sev}${suppressed ? ' suppressed' : ''}`, 'data-code': f.code, 'data-line': String(f.line) },
        h(
          'div',
          { class: 'finding-head' },
          h('span', { class: `badge sev-${sev}`, text: f.severity }),
          h('a', { href: `#rule/${encodeURIComponent(f.code)}`, class: 'code', text: f.code }),
          h('span', { class: 'rule-name', text: f.name }),
          f.line > 0 ? h('button', { type: 'button', class: 'linkish', text: `line ${f.line}`, onclick: () => editor && cm!.goToLine(editor, f.line, f.column) }) : null,
          where ? h('span', { class: 'where', text: where }) : null,
        ),
        md('p', 'message', f.message),
        f.help ? md('p', 'help', f.help) : null,
        suppressed ? h('p', { class: 'help', text: `suppressed: ${suppressed}` }) : null,
      ),
    );
  }
  if (!report.findings.length) findingsList.append(h('li', { class: 'empty', text: state.input.trim() ? 'No findings.' : 'Nothing to lint yet.' }));
  const n = report.findings.filter((f) => !f.suppressed).length;
  lintStatus.textContent = !state.input.trim()
    ? 'Paste a manifest to lint it.'
    : `${n} finding${n === 1 ? '' : 's'}${errors.length ? `, ${errors.length} error${errors.length === 1 ? '' : 's'}` : ''}.`;
  if (editor) cm!.mark(editor, marks);
}

// ---------------------------------------------------------------------------------------------------------
// Rules (pages served from rules(), so the links work offline)

const rulesPanel = $('panel-rules');

function renderRules(): void {
  rulesPanel.replaceChildren();
  const rule = rules.find((r) => r.code.toLowerCase() === state.rule.toLowerCase() || r.name === state.rule);
  if (state.rule && rule) {
    const page = h('article', { class: 'rule-page', id: `rule-${rule.code}` });
    // The page is the rule's own documentation (docs/rules/<name>.md), served from the wasm: it works offline.
    const title = /^\s*#\s/.test(rule.docs) ? '' : `<h2>${escapeHtml(rule.code)} ${escapeHtml(rule.name)}</h2><p class="summary">${escapeHtml(rule.summary)}</p>`;
    page.innerHTML = `${title}${renderMarkdown(rule.docs)}`;
    rulesPanel.append(h('p', {}, h('a', { href: '#rules', text: 'All rules' })), page);
    document.title = `${rule.code} ${rule.name} · dockscape playground`;
    return;
  }
  document.title = 'dockscape playground';
  if (state.rule) rulesPanel.append(h('p', { class: 'error', role: 'alert', text: `No rule ${state.rule}.` }));
  rulesPanel.append(
    h('h2', { text: 'Rules' }),
    rules.length
      ? h(
          'table',
          { class: 'rules' },
          h('thead', {}, h('tr', {}, h('th', { text: 'Code' }), h('th', { text: 'Name' }), h('th', { text: 'Severity' }), h('th', { text: 'Summary' }))),
          h(
            'tbody',
            {},
            ...rules.map((r) =>
              h('tr', {}, h('td', {}, h('a', { href: `#rule/${r.code}`, text: r.code })), h('td', { text: r.name }), h('td', { text: r.severity }), h('td', { text: r.summary })),
            ),
          ),
        )
      : h('p', { text: 'The rule list is not available.' }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Routing: `#s=...` is the state, `#rule/DS001` a rule page, `#rules` the rule list

async function route(hash: string): Promise<boolean> {
  const rule = /^#rule\/([\w-]+)$/.exec(hash);
  if (rule || hash === '#rules') {
    state = { ...state, tab: 'rules', rule: rule ? decodeURIComponent(rule[1]) : '' };
    showTab('rules');
    renderRules();
    window.scrollTo(0, 0);
    return true;
  }
  const decoded = await decodeState(hash);
  if (decoded) {
    state = decoded;
    return true;
  }
  return false;
}

function applyState(): void {
  showTab(state.tab);
  scenarioSelect.value = state.scenario;
  kindSelect.value = state.kind;
  recipeSelect.value = recipeFormat();
  renderParams();
  if (editor && editor.state.doc.toString() !== state.input) cm!.setText(editor, state.input);
  if (state.tab === 'rules') renderRules();
}

window.addEventListener('hashchange', async () => {
  const frag = await encodeState(state);
  if (location.hash === '#' + frag) return;
  if (await route(location.hash)) {
    applyState();
    regenerate();
    persist();
  }
});

for (const t of ['generate', 'lint', 'rules'] as Tab[]) {
  $(`tab-${t}`).addEventListener('click', () => {
    if (t === 'rules') state = { ...state, rule: '' };
    setTab(t);
  });
}
$('tab-generate').parentElement!.addEventListener('keydown', (ev) => {
  const tabs: Tab[] = ['generate', 'lint', 'rules'];
  const i = tabs.indexOf(state.tab);
  const k = (ev as KeyboardEvent).key;
  if (k !== 'ArrowRight' && k !== 'ArrowLeft') return;
  const next = tabs[(i + (k === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
  setTab(next);
  $(`tab-${next}`).focus();
});
$('copy-link').addEventListener('click', async () => {
  const frag = await encodeState(state);
  const url = `${location.origin}${location.pathname}#${frag}`;
  announce((await copyText(url)) ? 'Copied a link to this view' : 'Could not copy the link');
});
$('home-link').addEventListener('click', (ev) => {
  ev.preventDefault();
  setTab('generate');
});

// ---------------------------------------------------------------------------------------------------------
// Start

let engineReady = false;

// Ask the worker at once: it loads the wasm while the page sets itself up.
const boot = Promise.all([
  track(engine.call<string>('version')),
  track(engine.call<ScenarioInfo[]>('scenarios')),
  track(engine.call<Formats>('formats')),
]);
const rulesCall = track(engine.call<RuleInfo[]>('rules'));
const editorModule = track(import('./editor'));

async function start(): Promise<void> {
  if (!(await route(location.hash))) state = loadLocal() ?? { ...DEFAULT_STATE };
  applyState();
  const status = $('engine-status');
  const problems: string[] = [];
  const [v, sc, fo] = await boot;
  engineReady = true;
  if (v.ok) $('version').textContent = `dockscape ${v.value}`;
  for (const r of [v, sc, fo]) if (!r.ok) problems.push(r.error.message);
  if (sc.ok) scenarios = sc.value;
  if (fo.ok) formats = fo.value;
  renderRecipes();
  renderScenarios();
  applyState();
  regenerate();
  persist();

  cm = await editorModule;
  editor = cm.createEditor(editorBox, 'input-label', state.input, onInput, (name, text) => {
    inputFileName = name;
    if (editor) cm!.setText(editor, text);
  });
  if (state.tab === 'lint') editor.requestMeasure();
  const ru = await rulesCall;
  if (ru.ok) rules = ru.value;
  else problems.push(ru.error.message);
  if (state.tab === 'rules') renderRules();
  relint();
  status.textContent = problems.length ? `Engine: ${problems.join('; ')}` : 'Ready';
  status.classList.toggle('bad', problems.length > 0);
}

window.__dockscape = {
  timings,
  engine,
  state: () => state,
  idle: () => (busy === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r))),
  setInput: (text: string) => editor && cm!.setText(editor, text),
};

start();
