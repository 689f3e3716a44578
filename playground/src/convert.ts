// The Convert tab (composerize.com's two panes): a `docker run` line, a Compose file or Kubernetes objects
// pasted on the left, the converted files live on the right as you type, the target and shell pickers,
// what was not carried over marked on its line in the input, the notes, and the lint findings of the
// output. The core does all of it (`convert`); this module only shows the answer.
import type { EditorView } from '@codemirror/view';
import type { Conversion, ConvertedFile, Finding, Outcome } from './wasm-pkg/dockscape_wasm';
import { $, announce, copyText, download, h } from './dom';
import type { Mark, Viewer } from './editor';
import { app, engine, errorText, persist, set, tabHooks, timings, track } from './app';
import { inline } from './markdown';
import runExample from '../examples/convert-run.sh?raw';
import composeExample from '../examples/convert-compose.yaml?raw';
import deploymentExample from '../examples/convert-deployment.yaml?raw';

const FROM: [string, string][] = [
  ['', 'detect'],
  ['run', 'docker run lines'],
  ['compose', 'Compose'],
  ['k8s', 'Kubernetes'],
];
const TO: [string, string][] = [
  ['auto', 'the next natural form'],
  ['compose', 'Compose'],
  ['pod', 'Pod'],
  ['deployment', 'Deployment'],
  ['job', 'Job'],
  ['cronjob', 'CronJob'],
  ['run', 'docker run'],
];
const SHELLS = ['sh', 'powershell', 'cmd', 'gitbash'];
const SOURCE: Record<string, string> = { run: 'docker run lines', compose: 'Compose', k8s: 'Kubernetes' };
const TARGET: Record<string, string> = Object.fromEntries(TO.map(([v, t]) => [v, t === 'docker run' ? 'docker run lines' : t]));
export const CONVERT_EXAMPLES = [
  { id: 'run', title: 'docker run lines', text: runExample },
  { id: 'compose', title: 'Compose file', text: composeExample },
  { id: 'deployment', title: 'Kubernetes Deployment', text: deploymentExample },
];
const SEVERITY_MARK: Record<string, Mark['severity']> = { critical: 'error', high: 'error', medium: 'warning', low: 'info', info: 'info' };

const panel = $('panel-convert');
const fromSelect = h('select', { id: 'convert-from', onchange: () => update({ cFrom: fromSelect.value }) }, ...FROM.map(([v, t]) => h('option', { value: v, text: t })));
const toSelect = h('select', { id: 'convert-to', onchange: () => update({ cTo: toSelect.value === 'auto' ? '' : toSelect.value }) }, ...TO.map(([v, t]) => h('option', { value: v, text: t })));
const shellSelect = h('select', { id: 'convert-shell', onchange: () => update({ cShell: shellSelect.value === 'sh' ? '' : shellSelect.value }) }, ...SHELLS.map((s) => h('option', { value: s, text: s })));
const scheduleInput = h('input', { id: 'convert-schedule', type: 'text', spellcheck: 'false', autocomplete: 'off', placeholder: '0 3 * * *', oninput: () => update({ cSchedule: scheduleInput.value }) });
const shellField = h('span', { class: 'field inline', hidden: true }, h('label', { for: 'convert-shell', text: 'Script shell' }), shellSelect);
const scheduleField = h('span', { class: 'field inline', hidden: true }, h('label', { for: 'convert-schedule', text: 'Schedule' }), scheduleInput);
const editorBox = h('div', { class: 'editor', id: 'convert-editor' }, h('p', { class: 'editor-loading', text: 'Loading the editor…' }));
const status = h('p', { id: 'convert-status', class: 'summary', role: 'status' });
const errorsList = h('ul', { id: 'convert-errors', class: 'errors' });
const outputsBox = h('div', { id: 'convert-outputs', class: 'convert-outputs' });
const droppedList = h('ul', { id: 'convert-dropped', class: 'convert-list' });
const notesList = h('ul', { id: 'convert-notes', class: 'convert-list' });
const findingsList = h('ol', { id: 'convert-findings', class: 'findings' });
const droppedHead = h('h2', { text: 'Not carried over' });
const notesHead = h('h2', { text: 'Notes' });
const findingsHead = h('h2', { text: 'Lint findings of the output' });

panel.append(
  h(
    'div',
    { class: 'convert-input' },
    h(
      'div',
      { class: 'gallery', role: 'group', 'aria-labelledby': 'convert-gallery-label' },
      h('span', { id: 'convert-gallery-label', class: 'label', text: 'Examples' }),
      ...CONVERT_EXAMPLES.map((ex) =>
        h('button', {
          type: 'button',
          class: 'example',
          'data-example': ex.id,
          text: ex.title,
          onclick: () => {
            setConvertInput(ex.text);
            announce(`Loaded the example ${ex.title}`);
          },
        }),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      h('span', { id: 'convert-input-label', class: 'label', text: 'Convert from', onclick: () => editor?.focus() }),
      h('span', { class: 'spacer' }),
      h('span', { class: 'field inline' }, h('label', { for: 'convert-from', text: 'Input kind' }), fromSelect),
      h('button', { type: 'button', text: 'Clear', onclick: () => setConvertInput('') }),
    ),
    editorBox,
    h('p', { class: 'help', text: 'Paste docker run lines, a Compose file or Kubernetes objects. Nothing leaves this page.' }),
  ),
  h(
    'div',
    { class: 'convert-results', id: 'convert-results' },
    h(
      'div',
      { class: 'row' },
      h('span', { class: 'field inline' }, h('label', { for: 'convert-to', text: 'Convert to' }), toSelect),
      shellField,
      scheduleField,
    ),
    status,
    errorsList,
    outputsBox,
    droppedHead,
    droppedList,
    notesHead,
    notesList,
    findingsHead,
    findingsList,
  ),
);

let editor: EditorView | undefined;
let cm: typeof import('./editor') | undefined;
/** One card per output file, kept across answers so a keystroke changes only the text that changed. */
interface Card {
  section: HTMLElement;
  title: HTMLElement;
  headingId: string;
  body: HTMLElement;
  pre?: HTMLElement;
  viewer?: Viewer;
  file: ConvertedFile;
}
const cards: Card[] = [];
let last: Conversion | null = null;

function update(patch: Partial<typeof app.state>): void {
  set(patch);
  showControls();
  persist();
  reconvert();
}

function showControls(): void {
  const to = app.state.cTo || 'auto';
  fromSelect.value = app.state.cFrom;
  toSelect.value = to;
  shellSelect.value = app.state.cShell || 'sh';
  if (scheduleInput.value !== app.state.cSchedule) scheduleInput.value = app.state.cSchedule;
  shellField.hidden = to !== 'run';
  scheduleField.hidden = to !== 'cronjob';
}

function onInput(text: string): void {
  set({ cInput: text });
  persist();
  reconvert();
}

export function setConvertInput(text: string): void {
  if (editor && cm) cm.setText(editor, text);
  else onInput(text);
}

/** CodeMirror arrived: the editor replaces the placeholder. */
export function useConvertEditor(mod: typeof import('./editor')): void {
  cm = mod;
  editorBox.replaceChildren();
  editor = mod.createEditor(editorBox, 'convert-input-label', app.state.cInput, onInput, (_name, text) => {
    if (editor) mod.setText(editor, text);
  });
  for (const c of cards) attachViewer(c);
  if (app.state.tab === 'convert') editor.requestMeasure();
  if (last) markInput(last);
}

export function applyConvertState(): void {
  showControls();
  if (editor && cm && editor.state.doc.toString() !== app.state.cInput) cm.setText(editor, app.state.cInput);
}

let inFlight = false;
let again = false;
/** Latest wins, one conversion in flight: typing never queues up work. */
export function reconvert(): void {
  if (!app.engineReady) return;
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  const asked = { text: app.state.cInput, from: app.state.cFrom, to: app.state.cTo, shell: app.state.cShell, schedule: app.state.cSchedule };
  const started = performance.now();
  const options: Record<string, string> = {};
  if (asked.from) options.from = asked.from;
  if (asked.shell) options.shell = asked.shell;
  if (asked.schedule.trim()) options.schedule = asked.schedule.trim();
  track(engine.call<Conversion>('convert', asked.text, asked.to || 'auto', options)).then((r) => {
    inFlight = false;
    const s = app.state;
    if (again || asked.text !== s.cInput || asked.from !== s.cFrom || asked.to !== s.cTo || asked.shell !== s.cShell || asked.schedule !== s.cSchedule) {
      again = false;
      reconvert();
      return;
    }
    render(r);
    timings.convert.push(performance.now() - started);
    document.body.dataset.converted = String(timings.convert.length);
  });
}

function where(line: number, column: number): HTMLElement {
  return h('button', { type: 'button', class: 'linkish', text: `line ${line}, column ${column}`, onclick: () => editor && cm?.goToLine(editor, line, column) });
}

function md(tag: 'p' | 'span', cls: string, text: string): HTMLElement {
  const e = h(tag, { class: cls });
  e.innerHTML = inline(text);
  return e;
}

function render(r: Outcome<Conversion>): void {
  errorsList.replaceChildren();
  droppedList.replaceChildren();
  notesList.replaceChildren();
  findingsList.replaceChildren();
  const hasInput = app.state.cInput.trim().length > 0;
  if (!r.ok) {
    last = null;
    showOutputs([]);
    // An input kind or target the core does not convert (yet) is its message, not a crash.
    errorsList.append(h('li', { class: 'error', role: 'alert' }, md('span', '', errorText(r.error))));
    status.textContent = hasInput ? 'This input could not be converted.' : 'Paste something to convert, or pick an example.';
    showLists(null);
    if (editor && cm) cm.mark(editor, r.error.location ? [{ ...r.error.location, severity: 'error', code: r.error.kind, message: r.error.message }] : []);
    return;
  }
  const c = r.value;
  last = c;
  showOutputs(c.outputs);
  for (const e of c.errors) {
    const li = h('li', { class: 'error', role: 'alert' }, md('span', '', e.message));
    if (e.location) li.prepend(where(e.location.line, e.location.column), ': ');
    errorsList.append(li);
  }
  for (const d of c.dropped) {
    droppedList.append(h('li', { class: 'dropped', 'data-line': String(d.line), 'data-key': d.key_or_flag }, where(d.line, d.column), ' ', h('code', { text: d.key_or_flag }), ': ', md('span', '', d.reason)));
  }
  for (const n of c.notes) notesList.append(h('li', { class: 'note', 'data-line': String(n.line) }, where(n.line, n.column), ': ', md('span', '', n.message)));
  for (const f of c.findings) findingsList.append(finding(f));
  showLists(c);
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  if (!hasInput) status.textContent = 'Paste something to convert, or pick an example.';
  else if (!c.outputs.length && !c.errors.length) status.textContent = 'Nothing to convert: no docker run line, Compose service or Kubernetes workload found.';
  else
    status.textContent = (app.state.cTo ? '' : `${SOURCE[c.source] ?? c.source} into ${TARGET[c.target] ?? c.target} (the next natural form): `) + [
      count(c.outputs.length, 'file'),
      count(c.dropped.length, 'key or flag not carried over', 'keys or flags not carried over'),
      count(c.notes.length, 'note'),
      count(c.findings.length, 'finding'),
      ...(c.errors.length ? [count(c.errors.length, 'error')] : []),
    ].join(', ') + '.';
  markInput(c);
}

function showLists(c: Conversion | null): void {
  droppedHead.hidden = droppedList.hidden = !c?.dropped.length;
  notesHead.hidden = notesList.hidden = !c?.notes.length;
  findingsHead.hidden = !c?.outputs.length;
  if (c?.outputs.length && !c.findings.length) findingsList.append(h('li', { class: 'empty', text: 'No findings in the output.' }));
}

/** Dropped keys and flags, notes and errors marked on their lines (and columns) in the input editor. */
function markInput(c: Conversion): void {
  if (!editor || !cm) return;
  const marks: Mark[] = [
    ...c.errors.flatMap((e) => (e.location ? [{ ...e.location, severity: 'error' as const, code: e.kind, message: e.message }] : [])),
    ...c.dropped.map((d) => ({ line: d.line, column: d.column, severity: 'warning' as const, code: 'dropped', message: `\`${d.key_or_flag}\` not carried over: ${d.reason}` })),
    ...c.notes.map((n) => ({ line: n.line, column: n.column, severity: 'info' as const, code: 'note', message: n.message })),
  ];
  cm.mark(editor, marks);
}

function finding(f: Finding): HTMLElement {
  const sev = SEVERITY_MARK[f.severity] ?? 'info';
  const card = cards.find((c) => c.file.file_name === f.file);
  return h(
    'li',
    { class: `finding sev-${sev}`, 'data-code': f.code, 'data-severity': f.severity, 'data-file': f.file },
    h(
      'div',
      { class: 'finding-head' },
      h('span', { class: `badge sev-${sev}`, text: f.severity }),
      h('a', { href: `#rule/${encodeURIComponent(f.code)}`, class: 'code', text: f.code }),
      h('span', { class: 'rule-name', text: f.name }),
      f.line > 0
        ? h('button', {
            type: 'button',
            class: 'linkish',
            text: `${f.file} line ${f.line}`,
            onclick: () => {
              if (card?.viewer && cm) cm.goToLine(card.viewer.view, f.line, f.column);
            },
          })
        : h('span', { class: 'where', text: f.file }),
    ),
    md('p', 'message', f.message),
    f.help ? md('p', 'help', f.help) : null,
  );
}

function attachViewer(c: Card): void {
  if (!cm || c.viewer) return;
  c.viewer = cm.createViewer(c.body, c.headingId, c.file.text, c.file.file_name);
  c.pre?.remove();
  c.pre = undefined;
}

/** The files: a card each, reused in order; only the text that changed is replaced in each viewer. */
function showOutputs(files: ConvertedFile[]): void {
  while (cards.length > files.length) cards.pop()?.section.remove();
  files.forEach((file, i) => {
    let c = cards[i];
    if (!c) {
      const headingId = `convert-out-${i}-title`;
      const title = h('h2', { id: headingId });
      const body = h('div', { class: 'output-body' });
      const pre = h('pre', { class: 'output-text', tabindex: '0', 'aria-labelledby': headingId });
      body.append(pre);
      const card: Card = { section: h('section', { class: 'output', 'aria-labelledby': headingId }), title, headingId, body, pre, file };
      card.section.append(
        h(
          'div',
          { class: 'output-head' },
          title,
          h('span', { class: 'spacer' }),
          h('button', { type: 'button', text: 'Copy', onclick: () => void copyCard(card) }),
          h('button', { type: 'button', text: 'Download', onclick: () => downloadCard(card) }),
        ),
        body,
      );
      outputsBox.append(card.section);
      cards.push(card);
      c = card;
    }
    c.file = file;
    c.section.dataset.file = file.file_name;
    c.title.textContent = file.file_name;
    if (c.viewer && cm) cm.setViewerText(c.viewer, file.text, file.file_name, c.headingId);
    else if (c.pre) c.pre.textContent = file.text;
    attachViewer(c);
  });
}

async function copyCard(c: Card): Promise<void> {
  announce((await copyText(c.file.text)) ? `Copied ${c.file.file_name}` : `Could not copy ${c.file.file_name}`);
}

function downloadCard(c: Card): void {
  download(c.file.file_name, c.file.text);
  announce(`Downloaded ${c.file.file_name}`);
}

/** The text each converted file shows (its viewer's document), by file name: for the tests. */
export function convertShown(): Record<string, string> {
  return Object.fromEntries(cards.map((c) => [c.file.file_name, c.viewer ? c.viewer.view.state.doc.toString() : (c.pre?.textContent ?? '')]));
}

/** The input editor's marks (code, line, the text each starts at): for the tests. */
export function convertMarks(): { code: string; line: number; from: number; at: string }[] {
  return editor && cm ? cm.shownMarks(editor) : [];
}

/** The errors of the last answer (for the handoff and the tests). */
export function lastConversion(): Conversion | null {
  return last;
}

tabHooks.convert = () => {
  editor?.requestMeasure();
  for (const c of cards) c.viewer?.view.requestMeasure();
};
