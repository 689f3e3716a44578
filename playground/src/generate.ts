// The Generate tab: a scenario, its parameters as form controls, and every output (topology, Pod,
// Compose, docker run, explanation, the CI recipes that apply, Mermaid).
import type { Artifact, DsError, Formats, Outcome, ParamSpec, ScenarioInfo } from './wasm-pkg/dockscape_wasm';
import { $, announce, copyText, download, h } from './dom';
import { app, engine, errorText, idle, persist, set, tabHooks, timings, track } from './app';
import { inline, renderMarkdown } from './markdown';
import { type Prerendered, prerendered } from './prerender';
import type { Viewer } from './editor';
import { zip } from './zip';
import { zoomable } from './zoom';

export let scenarios: ScenarioInfo[] = [];
let formats: Formats = { outputs: ['pod', 'compose', 'run', 'explain'], recipes: [], diagrams: [] };

interface OutputSpec {
  key: string;
  title: string;
  /** Shown as a picture (the SVG topology); its text stays for Copy and Download. */
  image?: boolean;
  /** Markdown, shown rendered; its text stays for Copy and Download. */
  markdown?: boolean;
  wide?: boolean;
}
const OUTPUTS: OutputSpec[] = [
  { key: 'svg', title: 'Topology', image: true, wide: true },
  { key: 'pod', title: 'Pod' },
  { key: 'compose', title: 'Compose' },
  { key: 'run', title: 'docker run' },
  { key: 'explain', title: 'Explain', markdown: true },
  { key: 'recipe', title: 'CI recipe' },
  { key: 'mermaid', title: 'Mermaid' },
];
/** The scenario parameter the "Shell" select of the docker run output stands for. */
const SHELL_PARAM = 'shell';
/** Error kinds that belong to a parameter's field rather than to an output. */
const PARAM_ERRORS = new Set(['invalid-parameter', 'unknown-parameter']);

const artifacts = new Map<string, Outcome<Artifact>>();
/** Every recipe's answer for the current scenario and parameters: the picker lists those that apply. */
let recipeResults = new Map<string, Outcome<Artifact>>();
let applicable: string[] = [];
/** The scenario whose recipes were all tried. */
let probedFor = '';

const genPanel = $('panel-generate');
const scenarioSelect = h('select', { id: 'scenario', onchange: () => chooseScenario(scenarioSelect.value) });
const scenarioSummary = h('p', { id: 'scenario-summary', class: 'summary' });
const paramsBox = h('div', { class: 'params', id: 'params' });
const paramsCount = h('span', { class: 'count' });
const paramsDetails = h(
  'details',
  { id: 'params-details' },
  h('summary', {}, h('span', { class: 'summary-title', text: 'Parameters' }), paramsCount),
  paramsBox,
);
/** What "Open in Generate" carried from the Lint tab, and what it could not. */
const handoffNotice = h('p', { id: 'handoff-notice', class: 'notice handoff', role: 'status', hidden: true });
export function showHandoff(text: string): void {
  handoffNotice.innerHTML = inline(text);
  handoffNotice.hidden = !text;
}

/** A parameter problem that names no field of this scenario (an unknown one from a link, a combination). */
const paramsError = h('p', { id: 'params-error', class: 'error', role: 'alert', hidden: true });
const outputsInvalid = h('p', { id: 'outputs-invalid', class: 'outputs-invalid', hidden: true, text: 'The outputs come back when the parameters marked above are fixed.' });
const shellSelect = h('select', {
  id: 'shell',
  onchange: () => {
    const def = currentScenario()?.params.find((p) => p.name === SHELL_PARAM)?.default ?? '';
    set({ shell: shellSelect.value === def ? '' : shellSelect.value });
    persist();
    regenerate(['run']);
  },
});
const recipeSelect = h('select', {
  id: 'recipe',
  onchange: () => {
    set({ recipe: recipeSelect.value === applicable[0] ? '' : recipeSelect.value });
    persist();
    regenerate(['recipe']);
  },
});

interface OutputEls {
  section: HTMLElement;
  notice: HTMLElement;
  error: HTMLElement;
  pre: HTMLElement;
  body: HTMLElement;
  file: HTMLElement;
  headingId: string;
  img?: HTMLImageElement;
  rendered?: HTMLElement;
  viewer?: Viewer;
}
const outputEls = new Map<string, OutputEls>();
const el = (key: string): OutputEls => outputEls.get(key) as OutputEls;

genPanel.replaceChildren(); // drops the pre-rendered markup of index.html: the same text is shown below
genPanel.append(
  h(
    'div',
    { class: 'controls' },
    h('div', { class: 'field' }, h('label', { for: 'scenario', text: 'Scenario' }), scenarioSelect),
    scenarioSummary,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', id: 'download-all', text: 'Download all', onclick: () => void downloadAll() }),
      h('button', { type: 'button', id: 'reset-params', text: 'Reset parameters', onclick: () => chooseScenario(app.state.scenario, true) }),
    ),
    handoffNotice,
    paramsError,
    paramsDetails,
  ),
);
const outputsBox = h('div', { class: 'outputs', id: 'outputs' });
genPanel.append(h('div', { class: 'outputs-col' }, outputsInvalid, outputsBox));
// Parameters open on a wide screen; on a phone they fold so the first output is on the first screen.
paramsDetails.open = matchMedia('(min-width: 901px)').matches;

for (const o of OUTPUTS) {
  const headingId = `out-${o.key}-title`;
  const notice = h('p', { class: 'notice', hidden: true });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const pre = h('pre', { class: 'output-text', id: `out-${o.key}`, tabindex: '0', 'aria-labelledby': headingId, hidden: o.image || o.markdown });
  const body = h('div', { class: 'output-body' }, pre);
  const img = o.image ? h('img', { class: 'diagram', alt: '' }) : undefined;
  const rendered = o.markdown ? h('div', { class: 'rendered', tabindex: '0', role: 'document', 'aria-labelledby': headingId }) : undefined;
  const file = h('span', { class: 'file-name' });
  const box = img ? h('div', { class: 'diagram-box', tabindex: '0', role: 'group', 'aria-label': `${o.title} diagram: drag, pinch or press + and - to zoom` }, img) : null;
  const zoom = box && img ? zoomable(box, img, `${o.title} zoom`) : null;
  const extra =
    zoom
      ? zoom.controls
      : o.key === 'run'
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
      h('button', { type: 'button', text: 'Download', onclick: () => void downloadOutput(o) }),
    ),
    notice,
    error,
    box,
    rendered ?? null,
    body,
  );
  outputsBox.append(section);
  outputEls.set(o.key, { section, notice, error, pre, body, file, headingId, img, rendered });
}

/** The text an output shows (the viewer's, or the plain `pre` before CodeMirror arrives): for the tests. */
export function shownNow(key: string): string {
  const e = outputEls.get(key);
  if (!e) return '';
  return e.viewer ? e.viewer.view.state.doc.toString() : (e.pre.textContent ?? '');
}

/** The text an output shows once it is rendered (a stale off-screen card first catches up): for the tests. */
export async function shownText(key: string): Promise<string> {
  await fresh([key]);
  return shownNow(key);
}

function currentScenario(): ScenarioInfo | undefined {
  return scenarios.find((s) => s.id === app.state.scenario);
}

function recipeFormat(): string {
  return app.state.recipe && applicable.includes(app.state.recipe) ? app.state.recipe : (applicable[0] ?? '');
}

function renderDiagramsPresence(): void {
  for (const d of ['svg', 'mermaid']) el(d).section.hidden = !formats.diagrams.includes(d);
  el('recipe').section.hidden = formats.recipes.length === 0;
}

export function renderScenarios(): void {
  scenarioSelect.replaceChildren(...scenarios.map((s) => h('option', { value: s.id, text: `${s.id}: ${s.title}` })));
  if (!currentScenario() && scenarios.length) set({ scenario: scenarios[0].id, params: {} });
  scenarioSelect.value = app.state.scenario;
  renderParams();
}

function paramValue(p: ParamSpec): string {
  return app.state.params[p.name] ?? p.default;
}

function renderShells(): void {
  const spec = currentScenario()?.params.find((p) => p.name === SHELL_PARAM);
  const accepted = spec?.accepted.length ? spec.accepted : ['sh', 'powershell', 'cmd', 'gitbash'];
  const def = spec?.default ?? accepted[0];
  shellSelect.replaceChildren(...accepted.map((a) => h('option', { value: a, text: a === def ? `${a} (default)` : a })));
  shellSelect.value = app.state.shell && accepted.includes(app.state.shell) ? app.state.shell : def;
}

/** An element whose text is the core's, with its `code` spans shown as code. */
function md<K extends 'p' | 'small' | 'span'>(tag: K, attrs: Record<string, string>, text: string): HTMLElementTagNameMap[K] {
  const e = h(tag, attrs);
  e.innerHTML = inline(text);
  return e;
}

export function renderParams(): void {
  const sc = currentScenario();
  scenarioSummary.replaceChildren();
  if (sc) scenarioSummary.innerHTML = inline(sc.summary);
  renderShells();
  paramsBox.replaceChildren();
  for (const p of sc?.params ?? []) {
    if (p.name === SHELL_PARAM) continue; // the "Shell" select of the docker run output
    const id = `param-${p.name}`;
    const helpId = `${id}-help`;
    const errId = `${id}-error`;
    const onInput = (ev: Event) => setParam(p, (ev.target as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value);
    let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    const described = `${helpId} ${errId}`;
    if (p.accepted.length) {
      control = h('select', { id, name: p.name, 'aria-describedby': described, onchange: onInput }, ...p.accepted.map((a) => h('option', { value: a, text: a === '' ? '(none)' : a })));
      if (!p.accepted.includes(paramValue(p))) control.append(h('option', { value: paramValue(p), text: paramValue(p) }));
    } else if (p.kind === 'env') {
      control = h('textarea', { id, name: p.name, rows: 2, spellcheck: 'false', placeholder: 'NAME=value, one per line', 'aria-describedby': described, oninput: onInput });
    } else {
      control = h('input', { id, name: p.name, type: 'text', spellcheck: 'false', autocomplete: 'off', placeholder: p.default, 'aria-describedby': described, oninput: onInput });
    }
    control.value = paramValue(p);
    const def = p.default === '' ? 'empty' : `\`${p.default}\``;
    paramsBox.append(
      h(
        'div',
        { class: 'field param', 'data-param': p.name },
        h('label', { for: id, text: p.name }),
        control,
        h('p', { id: errId, class: 'param-error', role: 'alert', hidden: true }),
        md('small', { id: helpId, class: 'help' }, `${p.summary} (default: ${def})`),
      ),
    );
  }
  countParams();
}

function countParams(): void {
  const n = Object.keys(app.state.params).length;
  paramsCount.textContent = n ? ` (${n} changed)` : '';
}

function setParam(p: ParamSpec, value: string): void {
  const params = { ...app.state.params };
  if (value === p.default) delete params[p.name];
  else params[p.name] = value;
  set({ params });
  countParams();
  persist();
  regenerate();
}

export function chooseScenario(id: string, reset = false): void {
  showHandoff('');
  if (id !== app.state.scenario || reset) set({ scenario: id, params: {} });
  scenarioSelect.value = app.state.scenario;
  renderParams();
  persist();
  regenerate();
}

/** Some field or the outputs show a parameter problem (false: there is nothing to clear). */
let paramsMarked = true;
/** Marks each field's own problem beside it, and a problem naming no field once above them. */
function showParamErrors(byField: Map<string, string>, general: string[]): void {
  const invalid = byField.size > 0 || general.length > 0;
  // A keystroke with valid parameters after valid parameters: nothing to clear on twenty fields.
  if (!invalid && !paramsMarked) return;
  paramsMarked = invalid;
  for (const f of paramsBox.querySelectorAll<HTMLElement>('.param')) {
    const msg = byField.get(f.dataset.param ?? '');
    const err = f.querySelector<HTMLElement>('.param-error');
    const control = f.querySelector<HTMLElement>('input, select, textarea');
    f.classList.toggle('invalid', msg !== undefined);
    control?.setAttribute('aria-invalid', String(msg !== undefined));
    if (err) {
      err.hidden = msg === undefined;
      if (msg !== undefined) err.innerHTML = inline(msg);
      else err.replaceChildren();
    }
  }
  // A field the controls do not show (the shell select, an unknown name from a link): said once, above.
  const shown = new Set([...paramsBox.querySelectorAll<HTMLElement>('.param')].map((f) => f.dataset.param));
  const rest = [...general, ...[...byField].filter(([k]) => !shown.has(k)).map(([, m]) => m)];
  paramsError.hidden = rest.length === 0;
  paramsError.innerHTML = rest.map((m) => inline(m)).join('<br>');
  outputsBox.hidden = invalid;
  outputsInvalid.hidden = !invalid;
  if (byField.size && !paramsDetails.open) paramsDetails.open = true;
}

/** Which parameter an error message names: `for \`ports\`` or the unknown parameter `x`. */
function fieldOf(e: DsError): string | null {
  const m = /(?:for|parameter) `([\w.-]+)`/.exec(e.message);
  return m ? m[1] : null;
}

/**
 * Every bad parameter at once: the core stops at the first, so each changed parameter is tried on its
 * own (with the others at their defaults); a problem only their combination has goes to the first it names.
 */
async function checkParams(whole: DsError): Promise<void> {
  const names = Object.keys(app.state.params);
  const checks = await Promise.all(
    names.map((n) => track(engine.call<Artifact>('generate', app.state.scenario, { [n]: app.state.params[n] }, 'pod', {})).then((r) => [n, r] as const)),
  );
  const byField = new Map<string, string>();
  for (const [n, r] of checks) if (!r.ok && PARAM_ERRORS.has(r.error.kind)) byField.set(fieldOf(r.error) ?? n, r.error.message);
  const general: string[] = [];
  if (!byField.size) {
    const f = fieldOf(whole);
    if (f) byField.set(f, whole.message);
    else general.push(whole.message);
  }
  showParamErrors(byField, general);
}

let firstRendered: () => void = () => {};
/** Resolves when the wasm's own answer is first on screen (CodeMirror is loaded after it). */
export const rendered = new Promise<void>((r) => (firstRendered = r));

let genSeq = 0;
/** The latest request per output: an answer to an older one is dropped (a newer edit superseded it). */
const latest = new Map<string, number>();

// Which output cards are on screen: only those are asked for and rendered when a parameter changes (a
// keystroke changes every output, and each costs layout and paint); the others are marked stale and
// rendered when they scroll into view, or when Copy, Download or "Download all" needs them (issue 14:
// 16 ms per edit).
const onScreen = new Set<string>();
const stale = new Set<string>();
let observed = false;
const screenObserver = new IntersectionObserver((entries) => {
  observed = true;
  for (const en of entries) {
    const k = (en.target as HTMLElement).dataset.format ?? '';
    if (en.isIntersecting) onScreen.add(k);
    else onScreen.delete(k);
  }
  const due = [...stale].filter((k) => onScreen.has(k));
  if (due.length) void regenerate(due);
});
for (const e of outputEls.values()) screenObserver.observe(e.section);
/** Off-screen cards wait (false: every card renders on every edit, for the bench's before/after). */
export const lazyCards = { on: true };
/** Before the observer's first report every card counts as on screen. */
const seen = (key: string): boolean => !lazyCards.on || !observed || onScreen.has(key);

/** Renders the stale cards among `keys` (all by default) and waits for every answer. */
export async function fresh(keys = OUTPUTS.map((o) => o.key)): Promise<void> {
  const due = keys.filter((k) => stale.has(k));
  if (due.length) await regenerate(due, true);
  await idle();
}

/**
 * Asks the worker for the outputs among `keys` that are on screen (all of them with `all`) and renders
 * them in one go; the others become stale. Resolves when the answers are rendered.
 */
export function regenerate(keys = OUTPUTS.map((o) => o.key), all = false): Promise<void> {
  if (!scenarios.length) return Promise.resolve();
  const seq = ++genSeq;
  const started = performance.now();
  const options = app.state.shell ? { shell: app.state.shell } : {};
  const gen = (format: string) => track(engine.call<Artifact>('generate', app.state.scenario, { ...app.state.params }, format, options));
  const shownKeys = keys.filter((k) => !el(k).section.hidden);
  let now = shownKeys.filter((k) => all || seen(k));
  // Something is always asked: its answer says whether the parameters are valid.
  if (!now.length && shownKeys.length) now = [shownKeys.find((k) => k !== 'recipe') ?? shownKeys[0]];
  for (const k of shownKeys) (now.includes(k) ? stale.delete(k) : stale.add(k));
  for (const k of now) latest.set(k, seq);
  const wanted = OUTPUTS.filter((o) => now.includes(o.key) && o.key !== 'recipe');
  const calls = wanted.map((o) => gen(o.key).then((r) => [o, r] as const));
  // Which recipes apply follows the scenario (README's table): every recipe is tried when the scenario
  // changes; a parameter edit regenerates the shown one only, and tries them all again if it stops applying.
  const shownRecipe = recipeFormat();
  const probe = now.includes('recipe') && (probedFor !== app.state.scenario || !shownRecipe);
  const recipes = !now.includes('recipe') ? [] : probe ? formats.recipes : [shownRecipe];
  const recipeCalls = recipes.map((f) => gen(f).then((r) => [f, r] as const));
  const scenario = app.state.scenario;
  return track(Promise.all([Promise.all(calls), Promise.all(recipeCalls)])).then(([results, recipeAnswers]) => {
    if (seq !== genSeq) {
      // superseded: keep only answers nobody asked for again
      for (const [o, r] of results) if (latest.get(o.key) === seq) artifacts.set(o.key, r);
      return;
    }
    const paramError = [...results.map(([, r]) => r), ...recipeAnswers.map(([, r]) => r)].find((r) => !r.ok && PARAM_ERRORS.has(r.error.kind));
    if (paramError && !paramError.ok) {
      for (const o of OUTPUTS) artifacts.delete(o.key);
      void checkParams(paramError.error);
      firstRendered();
      return;
    }
    const renderStarted = performance.now();
    showParamErrors(new Map(), []);
    for (const [o, r] of results) {
      artifacts.set(o.key, r);
      renderOutput(o, r);
    }
    if (probe) {
      recipeResults = new Map(recipeAnswers);
      applicable = recipeAnswers.filter(([, r]) => r.ok || r.error.kind !== 'unsupported-format').map(([f]) => f);
      probedFor = scenario;
      showRecipe();
    } else if (recipeAnswers.length) {
      const [[f, r]] = recipeAnswers;
      recipeResults.set(f, r);
      if (!r.ok && r.error.kind === 'unsupported-format') {
        probedFor = '';
        void regenerate(['recipe'], true);
      } else showRecipe();
    }
    timings.generate.push(performance.now() - started);
    timings.rendered.push(wanted.length + (recipes.length ? 1 : 0));
    timings.generateRender.push(performance.now() - renderStarted);
    if (timings.firstOutput < 0) timings.firstOutput = performance.now();
    if (timings.interactive < 0) timings.interactive = performance.now();
    document.body.dataset.generated = String(seq);
    firstRendered();
  });
}

/** The recipe picker lists what applies; a scenario without recipes says so (with the core's reason). */
function showRecipe(): void {
  const o = OUTPUTS.find((x) => x.key === 'recipe') as OutputSpec;
  recipeSelect.replaceChildren(...applicable.map((r) => h('option', { value: r, text: r })));
  recipeSelect.disabled = applicable.length === 0;
  recipeSelect.parentElement!.hidden = applicable.length === 0;
  const f = recipeFormat();
  recipeSelect.value = f;
  if (f) {
    const r = recipeResults.get(f) as Outcome<Artifact>;
    artifacts.set('recipe', r);
    renderOutput(o, r);
    return;
  }
  artifacts.delete('recipe');
  renderedAnswer.delete('recipe');
  const why = [...recipeResults.values()].find((r) => !r.ok);
  const reason = why && !why.ok ? why.error.message.replace(/^.*?: /, '') : '';
  const e = el('recipe');
  setText(e, '', '');
  e.file.textContent = '';
  e.notice.innerHTML = inline(`No CI recipe applies to \`${app.state.scenario}\`${reason ? `: ${reason}` : ''}`);
  e.notice.hidden = false;
  e.error.hidden = true;
  e.body.hidden = true;
  e.section.classList.remove('failed');
}

function setText(e: OutputEls, text: string, fileName: string): void {
  e.pre.textContent = text;
  if (e.viewer && cm) cm.setViewerText(e.viewer, text, fileName, e.headingId);
}

/** What each card shows now: an identical answer (most cards, for most keystrokes) changes nothing. */
const renderedAnswer = new Map<string, Outcome<Artifact>>();
const sameAnswer = (a: Outcome<Artifact> | undefined, b: Outcome<Artifact>): boolean =>
  !!a && a.ok === b.ok && (a.ok && b.ok ? a.value.text === b.value.text && a.value.file_name === b.value.file_name && a.value.notice === b.value.notice : !a.ok && !b.ok && a.error.message === b.error.message && a.error.kind === b.error.kind);

function renderOutput(o: OutputSpec, r: Outcome<Artifact>): void {
  const e = el(o.key);
  if (sameAnswer(renderedAnswer.get(o.key), r) && e.section.dataset.rendered === app.state.scenario) return;
  renderedAnswer.set(o.key, r);
  e.section.dataset.rendered = app.state.scenario;
  e.body.hidden = !!(o.image || o.markdown);
  if (r.ok) {
    setText(e, r.value.text, r.value.file_name);
    e.file.textContent = r.value.file_name;
    e.notice.innerHTML = r.value.notice ? inline(r.value.notice) : '';
    e.notice.hidden = !r.value.notice;
    e.error.hidden = true;
    e.section.classList.remove('failed');
    if (e.rendered) e.rendered.innerHTML = renderMarkdown(r.value.text);
    if (e.img) {
      e.img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(r.value.text)}`;
      e.img.alt = `Topology of the ${app.state.scenario} scenario`;
      e.img.hidden = false;
    }
  } else if (r.error.kind === 'unsupported-format') {
    // Not a failure: this format does not apply to the scenario, and the message says why.
    setText(e, '', '');
    e.file.textContent = '';
    e.notice.innerHTML = inline(r.error.message);
    e.notice.hidden = false;
    e.error.hidden = true;
    e.body.hidden = true;
    e.section.classList.remove('failed');
    if (e.img) e.img.hidden = true;
  } else {
    setText(e, '', '');
    e.file.textContent = '';
    e.notice.hidden = true;
    e.error.innerHTML = inline(errorText(r.error));
    e.error.hidden = false;
    e.body.hidden = true;
    e.section.classList.add('failed');
    if (e.img) e.img.hidden = true;
    if (e.rendered) e.rendered.replaceChildren();
  }
}

async function copyOutput(o: OutputSpec): Promise<void> {
  await fresh([o.key]);
  const r = artifacts.get(o.key);
  if (!r?.ok) return announce(`Nothing to copy: ${o.title} has no output`);
  announce((await copyText(r.value.text)) ? `Copied ${o.title}` : `Could not copy ${o.title}`);
}

async function downloadOutput(o: OutputSpec): Promise<void> {
  await fresh([o.key]);
  const r = artifacts.get(o.key);
  if (!r?.ok) return announce(`Nothing to download: ${o.title} has no output`);
  download(r.value.file_name, r.value.text, o.image ? 'image/svg+xml' : undefined);
  announce(`Downloaded ${r.value.file_name}`);
}

async function downloadAll(): Promise<void> {
  await fresh();
  const entries = OUTPUTS.flatMap((o) => {
    const r = artifacts.get(o.key);
    return r?.ok ? [{ name: r.value.file_name, text: r.value.text }] : [];
  });
  if (!entries.length) return announce('Nothing to download yet');
  const name = `dockscape-${app.state.scenario}.zip`;
  download(name, zip(entries), 'application/zip');
  announce(`Downloaded ${name}`);
}

/** The state's view of the controls (after a link or a restored state). */
export function applyGenerateState(): void {
  scenarioSelect.value = app.state.scenario;
  renderParams();
}

export function setCatalogue(sc: ScenarioInfo[], fo: Formats | null): void {
  scenarios = sc;
  if (fo) formats = fo;
  renderDiagramsPresence();
  renderScenarios();
}

/**
 * Before the wasm arrives: the default scenario's outputs, rendered at build time by the same core run
 * natively (tools/prerender.mjs), shown at once when the page opens on exactly that view.
 */
export function showPrerendered(): boolean {
  const p: Prerendered | null = prerendered();
  const s = app.state;
  if (!p || s.scenario !== p.scenario || Object.keys(s.params).length || s.shell) return false;
  scenarioSelect.replaceChildren(h('option', { value: p.scenario, text: `${p.scenario}: ${p.title}` }));
  scenarioSelect.value = p.scenario;
  scenarioSummary.innerHTML = inline(p.summary);
  applicable = p.recipes;
  probedFor = '';
  recipeResults = new Map(Object.entries(p.recipeOutputs).map(([k, a]) => [k, { ok: true, value: a }] as const));
  for (const o of OUTPUTS) {
    if (o.key === 'recipe') continue;
    const a = p.outputs[o.key];
    if (!a) continue;
    const r: Outcome<Artifact> = { ok: true, value: a };
    artifacts.set(o.key, r);
    renderOutput(o, r);
  }
  showRecipe();
  if (timings.firstOutput < 0) timings.firstOutput = performance.now();
  return true;
}

/** CodeMirror arrived: every text output becomes a highlighted, read-only viewer. */
let cm: typeof import('./editor') | undefined;
export function useViewers(mod: typeof import('./editor')): void {
  cm = mod;
  for (const o of OUTPUTS) {
    if (o.image || o.markdown) continue;
    const e = el(o.key);
    const r = artifacts.get(o.key);
    const name = r?.ok ? r.value.file_name : '';
    e.viewer = mod.createViewer(e.body, e.headingId, e.pre.textContent ?? '', name);
    e.pre.remove();
  }
}

tabHooks.generate = () => {
  for (const e of outputEls.values()) e.viewer?.view.requestMeasure();
};
