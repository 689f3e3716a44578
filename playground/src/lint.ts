// The Lint tab: an editor (CodeMirror, loaded after the first output), a gallery of examples, and the
// report: workloads with their reach diagrams, findings (filterable by severity and code) marked on their
// lines, input errors, and what was not recognised.
import type { EditorView } from '@codemirror/view';
import type { DsError, Finding, LintInput, LintReport, LintedWorkload, Outcome } from './wasm-pkg/dockscape_wasm';
import { $, announce, h } from './dom';
import type { Mark } from './editor';
import { app, engine, errorText, persist, set, tabHooks, timings, track } from './app';
import { EXAMPLES } from './examples';
import { handoff } from './handoff';
import { inline } from './markdown';
import { scenarios } from './generate';
import { zoomable } from './zoom';
import { MIGRATABLE, initMigrate, migratePanel, offerMigrations } from './migrate';
import { fixAllButtons, fixOffer, fixPanel, initFix, offerFixAll } from './fix';

/** What the CLI says when nothing in the input is a workload and nothing failed to parse. */
export const NOTHING_RECOGNISED = 'nothing recognised: this input is not a Kubernetes object, Compose file, script or CI file';
/** Reach diagrams drawn per lint (one per workload, the first few). */
const MAX_REACH_DIAGRAMS = 4;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

/** `skipped` is in the core's report from the next version on; read when present. */
type Report = LintReport & { skipped?: { file: string; reason: string }[] };

/** Opens Generate on a scenario with parameters (main.ts wires it: it owns the tabs). */
export const hooks = { openInGenerate: (_scenario: string, _params: Record<string, string>, _notice: string) => {} };

const lintPanel = $('panel-lint');
const fileInput = h('input', { type: 'file', hidden: true, accept: '.yaml,.yml,.json,.sh,.ps1,.cmd,.bat,.txt,.toml,text/*' });
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
      set({ kind: kindSelect.value });
      persist();
      relint();
    },
  },
  ...KINDS.map(([v, t]) => h('option', { value: v, text: t })),
);
const editorBox = h('div', { class: 'editor', id: 'editor' }, h('p', { class: 'editor-loading', text: 'Loading the editor…' }));
const lintStatus = h('p', { id: 'lint-status', class: 'summary', role: 'status' });
const lintErrors = h('ul', { id: 'lint-errors', class: 'errors' });
const skippedList = h('ul', { id: 'lint-skipped', class: 'skipped' });
const workloadsList = h('ul', { id: 'workloads', class: 'workloads' });
const findingsList = h('ol', { id: 'findings', class: 'findings' });
const severityFilter = h(
  'select',
  { id: 'filter-severity', onchange: () => applyFilter() },
  h('option', { value: '', text: 'all' }),
  ...SEVERITIES.map((s) => h('option', { value: s, text: `${s} and above` })),
);
const codeFilter = h('select', { id: 'filter-code', onchange: () => applyFilter() }, h('option', { value: '', text: 'all' }));
const filterCount = h('span', { id: 'filter-count', class: 'help' });
const filters = h(
  'div',
  { class: 'row filters', id: 'filters', hidden: true },
  h('span', { class: 'field inline' }, h('label', { for: 'filter-severity', text: 'Severity' }), severityFilter),
  h('span', { class: 'field inline' }, h('label', { for: 'filter-code', text: 'Rule' }), codeFilter),
  filterCount,
);
let inputFileName = 'input';

const gallery = h(
  'div',
  { class: 'gallery', role: 'group', 'aria-labelledby': 'gallery-label' },
  h('span', { id: 'gallery-label', class: 'label', text: 'Examples' }),
  ...EXAMPLES.map((ex) =>
    h('button', {
      type: 'button',
      class: 'example',
      'data-example': ex.id,
      text: ex.title,
      onclick: () => {
        inputFileName = ex.file;
        if (editor && cm) cm.setText(editor, ex.text);
        else onInput(ex.text);
        announce(`Loaded the example ${ex.title}`);
      },
    }),
  ),
);

lintPanel.append(
  h(
    'div',
    { class: 'lint-input' },
    gallery,
    h(
      'div',
      { class: 'row' },
      h('span', { id: 'input-label', class: 'label', text: 'Input', onclick: () => editor?.focus() }),
      h('a', { href: '#lint-results', class: 'jump', text: 'Jump to findings', onclick: jumpToFindings }),
      h('span', { class: 'spacer' }),
      h('span', { class: 'field inline' }, h('label', { for: 'kind', text: 'Kind' }), kindSelect),
      h('button', { type: 'button', text: 'Open file', onclick: () => fileInput.click() }),
      h('button', { type: 'button', text: 'Clear', onclick: () => setInput('') }),
      fileInput,
    ),
    editorBox,
    h('p', { class: 'help', text: 'Paste or drop a Kubernetes manifest, a Compose file, a script with docker run lines or a CI file.' }),
  ),
  h(
    'div',
    { class: 'lint-results', id: 'lint-results', tabindex: '-1' },
    lintStatus,
    lintErrors,
    skippedList,
    migratePanel,
    fixPanel,
    h('h2', { text: 'Workloads' }),
    workloadsList,
    h('h2', { text: 'Findings' }),
    filters,
    fixAllButtons,
    findingsList,
  ),
);

function jumpToFindings(ev: Event): void {
  ev.preventDefault();
  const target = $('lint-results');
  target.scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
}

fileInput.addEventListener('change', async () => {
  const f = fileInput.files?.[0];
  if (!f) return;
  inputFileName = f.name;
  const text = await f.text();
  if (editor && cm) cm.setText(editor, text);
  else onInput(text);
  announce(`Opened ${f.name}`);
  fileInput.value = '';
});

let editor: EditorView | undefined;
let cm: typeof import('./editor') | undefined;
let lintInFlight = false;
let lintAgain = false;

function onInput(text: string): void {
  set({ input: text });
  persist();
  relint();
}

/** Pasted text replaces the input: it is no longer the example or the file it was named after. */
export function setInput(text: string): void {
  inputFileName = 'input';
  if (editor && cm) cm.setText(editor, text);
  else onInput(text);
}

/** The migrated text replaces the input; it keeps the input's file name (the kind is detected from it). */
function replaceInput(text: string): void {
  if (editor && cm) cm.setText(editor, text);
  else onInput(text);
}

initMigrate({
  input: () => linted(),
  apply: replaceInput,
  goToLine: (line) => editor && cm?.goToLine(editor, line, 1),
  cm: () => cm,
});

initFix({
  input: () => linted(),
  apply: (changes, text) => {
    if (editor && cm) cm.applyChanges(editor, changes);
    else onInput(text);
  },
  cm: () => cm,
});

/** The editor's marks (code, line, the text each starts at): for the tests. */
export function shownMarks(): { code: string; line: number; from: number; at: string }[] {
  return editor && cm ? cm.shownMarks(editor) : [];
}

/** CodeMirror arrived: the editor replaces the placeholder. */
export function useEditor(mod: typeof import('./editor')): void {
  cm = mod;
  editorBox.replaceChildren();
  editor = mod.createEditor(editorBox, 'input-label', app.state.input, onInput, (name, text) => {
    inputFileName = name;
    if (editor) mod.setText(editor, text);
  });
  lastLint = '';
  if (app.state.tab === 'lint') editor.requestMeasure();
  relint();
}

export function applyLintState(): void {
  kindSelect.value = app.state.kind;
  if (editor && cm && editor.state.doc.toString() !== app.state.input) cm.setText(editor, app.state.input);
}

/** Latest wins, one lint in flight: typing never queues up work. */
export function relint(): void {
  if (!app.engineReady) return;
  if (lintInFlight) {
    lintAgain = true;
    return;
  }
  lintInFlight = true;
  const text = app.state.input;
  const started = performance.now();
  track(engine.call<LintReport>('lint', [linted()], {})).then((r) => {
    lintInFlight = false;
    timings.lintWorker.push(performance.now() - started);
    timings.lintInside.push(engine.lastMs.lint ?? NaN);
    if (lintAgain || text !== app.state.input) {
      lintAgain = false;
      relint();
      return;
    }
    const t = performance.now();
    renderLint(r as Outcome<Report>);
    timings.lintRender.push(performance.now() - t);
    timings.lint.push(performance.now() - started);
    document.body.dataset.linted = String(timings.lint.length);
  });
}

function linted(): LintInput {
  return { file: inputFileName, text: app.state.input, kind: app.state.kind || undefined };
}

function md(tag: 'p' | 'span', cls: string, text: string): HTMLElement {
  const el = h(tag, { class: cls });
  el.innerHTML = inline(text);
  return el;
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

async function openWorkload(w: LintedWorkload, index: number, count: number): Promise<void> {
  const to = await handoff(w, linted(), index, count);
  hooks.openInGenerate(to.scenario, to.params, to.notice);
}

/** Shows the findings at or above the chosen severity and of the chosen rule; says how many are hidden. */
function applyFilter(): void {
  const sev = severityFilter.value;
  const code = codeFilter.value;
  const rank = (s: string) => {
    const i = SEVERITIES.indexOf(s);
    return i < 0 ? SEVERITIES.length : i;
  };
  let shown = 0;
  let all = 0;
  for (const li of findingsList.querySelectorAll<HTMLElement>('li.finding')) {
    all++;
    const ok = (!sev || rank(li.dataset.severity ?? '') <= rank(sev)) && (!code || li.dataset.code === code);
    li.hidden = !ok;
    if (ok) shown++;
  }
  filterCount.textContent = shown === all ? '' : `showing ${shown} of ${all}`;
}

let lastLint = '';
function renderLint(r: Outcome<Report>): void {
  // An edit that changes no finding (most keystrokes) changes nothing on screen: the editor's marks
  // follow the text by themselves.
  const key = JSON.stringify(r) + (app.state.input.trim() ? '+' : '-');
  if (key === lastLint && editor) return;
  lastLint = key;
  lintErrors.replaceChildren();
  skippedList.replaceChildren();
  workloadsList.replaceChildren();
  findingsList.replaceChildren();
  if (!r.ok) {
    lintStatus.textContent = 'The input could not be linted.';
    lintErrors.append(h('li', { class: 'error', role: 'alert', text: errorText(r.error) }));
    filters.hidden = true;
    offerFixAll([]);
    if (editor && cm) cm.mark(editor, r.error.location ? [{ ...r.error.location, severity: 'error', code: r.error.kind, message: r.error.message }] : []);
    return;
  }
  const report = r.value;
  const errors = errorsOf(report);
  const marks: Mark[] = [];
  for (const e of errors) {
    lintErrors.append(h('li', { class: 'error', role: 'alert', text: `Input ${errorText(e)}` }));
    if (e.location) marks.push({ ...e.location, severity: 'error', code: e.kind, message: e.message });
  }
  for (const s of report.skipped ?? []) skippedList.append(h('li', {}, md('span', 'skipped-item', `skipped ${s.file}: ${s.reason}`)));
  const input = linted();
  for (const [i, w] of (report.workloads ?? []).entries()) {
    const sc = w.scenario ?? 'none';
    const known = scenarios.some((s) => s.id === sc);
    const li = h(
      'li',
      { class: 'workload', 'data-scenario': sc },
      `${w.workload || w.name} (line ${w.line}): scenario `,
      h('strong', { class: 'scenario', text: sc }),
      known ? ' ' : null,
      known ? h('button', { type: 'button', class: 'linkish', text: 'Open in Generate', onclick: () => void openWorkload(w, i, report.workloads.length) }) : null,
    );
    workloadsList.append(li);
    // What the workload can reach, drawn by the core with the rule codes on the offending edges.
    if (i < MAX_REACH_DIAGRAMS && w.workload) {
      void track(engine.call<string>('lintDiagram', [input], w.workload)).then((d) => {
        if (!d.ok || !li.isConnected) return;
        const img = h('img', { class: 'reach', alt: `Reach of ${w.workload}` }) as HTMLImageElement;
        img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(d.value)}`;
        const box = h('div', { class: 'reach-diagram', tabindex: '0', role: 'group', 'aria-label': `Reach of ${w.workload}: drag, pinch or press + and - to zoom` }, img);
        const zoom = zoomable(box, img, `Reach of ${w.workload} zoom`);
        li.append(h('div', { class: 'reach-head' }, zoom.controls), box);
      });
    }
  }
  const hasInput = app.state.input.trim().length > 0;
  // The CLI's rule: no workload and no error means nothing was recognised, never a clean bill of health.
  const nothing = hasInput && !report.workloads?.length && !errors.length;
  if (!report.workloads?.length) workloadsList.append(h('li', { class: 'empty', text: 'No workload found.' }));
  const codes = new Set<string>();
  // as `lint --fix`: an input that does not lint cleanly is not fixed (its spans may be incomplete)
  const canFix = errors.length === 0;
  for (const f of report.findings) {
    renderFinding(f, marks, canFix);
    codes.add(f.code);
  }
  const keep = codeFilter.value;
  codeFilter.replaceChildren(h('option', { value: '', text: 'all' }), ...[...codes].sort().map((c) => h('option', { value: c, text: c })));
  codeFilter.value = codes.has(keep) ? keep : '';
  filters.hidden = report.findings.length < 2;
  offerFixAll(canFix ? report.findings : []);
  applyFilter();
  if (!report.findings.length) findingsList.append(h('li', { class: 'empty', text: !hasInput ? 'Nothing to lint yet.' : nothing ? 'Nothing recognised.' : 'No findings.' }));
  const n = report.findings.filter((f) => !f.suppressed).length;
  lintStatus.classList.toggle('nothing', nothing);
  lintStatus.replaceChildren();
  if (!hasInput) lintStatus.textContent = 'Paste a manifest, or pick an example, to lint it.';
  else if (nothing) lintStatus.innerHTML = inline(report.skipped?.length ? `${NOTHING_RECOGNISED} (${report.skipped.length} skipped, see below).` : `${NOTHING_RECOGNISED}.`);
  else lintStatus.textContent = `${n} finding${n === 1 ? '' : 's'}${errors.length ? `, ${errors.length} error${errors.length === 1 ? '' : 's'}` : ''}.`;
  if (editor && cm) cm.mark(editor, marks);
}

function renderFinding(f: Finding, marks: Mark[], canFix: boolean): void {
  const sev = severityOf(f.severity);
  const suppressed = typeof f.suppressed === 'string' ? f.suppressed : null;
  if (f.line > 0 && !suppressed) marks.push({ line: f.line, column: f.column, severity: sev, code: f.code, message: f.message });
  const where = [f.workload, f.container].filter(Boolean).join(' / ');
  const offers = MIGRATABLE.has(f.code) && f.workload && !suppressed ? h('div', { class: 'row migrate-offers' }) : null;
  if (offers && f.workload) offerMigrations(offers, f.workload);
  findingsList.append(
    h(
      'li',
      { class: `finding sev-${sev}${suppressed ? ' suppressed' : ''}`, 'data-code': f.code, 'data-line': String(f.line), 'data-severity': f.severity },
      h(
        'div',
        { class: 'finding-head' },
        h('span', { class: `badge sev-${sev}`, text: f.severity }),
        h('a', { href: `#rule/${encodeURIComponent(f.code)}`, class: 'code', text: f.code }),
        h('span', { class: 'rule-name', text: f.name }),
        f.line > 0 ? h('button', { type: 'button', class: 'linkish', text: `line ${f.line}`, onclick: () => editor && cm?.goToLine(editor, f.line, f.column) }) : null,
        where ? h('span', { class: 'where', text: where }) : null,
      ),
      md('p', 'message', f.message),
      f.help ? md('p', 'help', f.help) : null,
      suppressed ? md('p', 'help', `suppressed: ${suppressed}`) : null,
      canFix ? fixOffer(f) : null,
      offers,
    ),
  );
}

tabHooks.lint = () => editor?.requestMeasure();
