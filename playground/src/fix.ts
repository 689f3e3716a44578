// Fix on the Lint tab (issue 12 item 7): every finding whose JSON carries a `fix` offers "Fix", marked safe
// or unsafe as ruff marks them; "Fix all safe" (and "Fix all, unsafe included" when there are unsafe ones)
// runs the whole `lint --fix` loop. The wasm's `fix` answers; its diff is shown in a read-only viewer, and
// "Apply to the editor" puts its edits in the editor (UTF-8 byte offsets turned into UTF-16 ones): one
// change of the editor's document, undone with Ctrl+Z, after which the input lints again.
import type { Finding, FixOptions, FixResult, LintInput, Outcome } from './wasm-pkg/dockscape_wasm';
import type { Viewer } from './editor';
import { announce, h } from './dom';
import { engine, errorText, track } from './app';
import { inline } from './markdown';
import { unifiedDiff } from './diff';
import { type Change, editsToChanges } from './columns';

export interface FixHost {
  /** The Lint tab's input as it is now. */
  input: () => LintInput;
  /** Applies changes (UTF-16 offsets of the input as it is now) to the editor; `text` is the result. */
  apply: (changes: Change[], text: string) => void;
  /** CodeMirror, once loaded. */
  cm: () => typeof import('./editor') | undefined;
}

let host: FixHost | undefined;

/** What a fix is asked for: one finding's, or every safe one's (`unsafe` too: every fix). */
type Ask = { finding: Finding } | { all: true; unsafe: boolean };

const title = h('h2', { id: 'fix-title', text: 'Fix' });
const summary = h('p', { id: 'fix-summary', class: 'summary', role: 'status' });
const problem = h('ul', { id: 'fix-errors', class: 'errors' });
const diffBox = h('div', { id: 'fix-diff', class: 'output-body migrate-diff' });
const applyButton = h('button', { type: 'button', id: 'fix-apply', text: 'Apply to the editor', onclick: () => applyShown() }) as HTMLButtonElement;
const closeButton = h('button', { type: 'button', id: 'fix-close', text: 'Close', onclick: () => close() });
/** The fix panel, placed by lint.ts above the findings (beside the migration panel). */
export const fixPanel = h('section', { id: 'fix', class: 'migrate', hidden: true, 'aria-labelledby': 'fix-title' }, title, summary, problem, diffBox, h('div', { class: 'row' }, applyButton, closeButton));

const safeAll = h('button', { type: 'button', id: 'fix-all-safe', onclick: () => void show({ all: true, unsafe: false }) }) as HTMLButtonElement;
const unsafeAll = h('button', { type: 'button', id: 'fix-all-unsafe', onclick: () => void show({ all: true, unsafe: true }) }) as HTMLButtonElement;
/** "Fix all safe" and "Fix all, unsafe included", shown when some finding has a fix of that kind. */
export const fixAllButtons = h('div', { class: 'row fix-all', id: 'fix-all', hidden: true }, safeAll, unsafeAll);

let viewer: Viewer | undefined;
let shown: { from: string; ask: Ask; result: FixResult | null; diff: string } | undefined;

export function initFix(to: FixHost): void {
  host = to;
}

/** Whether a finding offers a fix: it carries one and no suppression covers it. */
export function fixable(f: Finding): boolean {
  return !!f.fix && typeof f.suppressed !== 'string';
}

/** The "Fix" offer of one finding: the button and the fix's kind and message, as ruff shows them. */
export function fixOffer(f: Finding): HTMLElement | null {
  if (!fixable(f) || !f.fix) return null;
  const kind = f.fix.applicability;
  const words = kind === 'safe' ? 'safe fix' : 'unsafe fix (review it: it can change what the workload does)';
  const note = h('span', { class: `fix-kind fix-${kind}` });
  note.innerHTML = inline(`${words}: ${f.fix.message}`);
  return h('div', { class: 'row fix-offer', 'data-applicability': kind }, h('button', { type: 'button', class: 'fix-button', text: 'Fix', onclick: () => void show({ finding: f }) }), note);
}

/** Shows the "Fix all" buttons for the findings of the report just rendered. */
export function offerFixAll(findings: Finding[]): void {
  const fixes = findings.filter(fixable);
  const safe = fixes.filter((f) => f.fix?.applicability === 'safe').length;
  const unsafe = fixes.length - safe;
  safeAll.textContent = `Fix all safe (${safe})`;
  safeAll.hidden = safe === 0;
  unsafeAll.textContent = `Fix all, unsafe included (${fixes.length})`;
  unsafeAll.hidden = unsafe === 0;
  fixAllButtons.hidden = fixes.length === 0;
}

function call(input: LintInput, ask: Ask): Promise<Outcome<FixResult>> {
  const options: FixOptions =
    'finding' in ask
      ? { unsafe_fixes: ask.finding.fix?.applicability === 'unsafe', finding: { code: ask.finding.code, line: ask.finding.line, column: ask.finding.column, path: ask.finding.path } }
      : { unsafe_fixes: ask.unsafe };
  return track(engine.call<FixResult>('fix', input, options));
}

function describe(ask: Ask): string {
  if ('finding' in ask) return `Fix ${ask.finding.code} at line ${ask.finding.line} (${ask.finding.fix?.applicability ?? 'safe'})`;
  return ask.unsafe ? 'Fix all, unsafe included' : 'Fix all safe';
}

/** Asks the wasm for the fix of the input as it is now and shows its diff. */
async function show(ask: Ask): Promise<void> {
  if (!host) return;
  const input = host.input();
  const a = await call(input, ask);
  fixPanel.hidden = false;
  title.textContent = describe(ask);
  problem.replaceChildren();
  if (!a.ok) {
    shown = { from: input.text, ask, result: null, diff: '' };
    summary.textContent = 'The fix could not be made.';
    problem.append(h('li', { class: 'error', role: 'alert', text: errorText(a.error) }));
    setDiff('');
    applyButton.disabled = true;
    return;
  }
  const r = a.value;
  const diff = unifiedDiff(input.text, r.text, input.file || 'input');
  shown = { from: input.text, ask, result: r, diff };
  const left = r.unsafe_left > 0 && !('finding' in ask) && !ask.unsafe ? `, ${r.unsafe_left} more with unsafe fixes` : '';
  const review = ('finding' in ask ? ask.finding.fix?.applicability === 'unsafe' : ask.unsafe) ? ' Unsafe fixes can change what the workload does: review the diff.' : '';
  summary.textContent = `${r.summary.replace(/^Fixed/, 'Would fix')}${left}.${review}${r.edits.length ? ' Apply puts it in the editor.' : ''}`;
  setDiff(diff);
  applyButton.disabled = r.edits.length === 0;
  announce(summary.textContent);
  fixPanel.scrollIntoView({ block: 'nearest' });
}

function setDiff(diff: string): void {
  const cm = host?.cm();
  diffBox.hidden = diff === '';
  if (cm) {
    if (viewer) cm.setViewerText(viewer, diff, 'fix.diff', 'fix-title');
    else {
      diffBox.replaceChildren();
      viewer = cm.createViewer(diffBox, 'fix-title', diff, 'fix.diff');
    }
  } else diffBox.replaceChildren(h('pre', { class: 'output-text', text: diff }));
}

/** Applies the shown fix; when the input changed since, shows the fix of the new input instead. */
function applyShown(): void {
  if (!host || !shown?.result) return;
  if (host.input().text !== shown.from) {
    void show(shown.ask);
    return;
  }
  const { text, edits } = shown.result;
  const changes = editsToChanges(shown.from, edits);
  close();
  host.apply(changes, text);
  announce('Applied the fix to the editor');
}

function close(): void {
  fixPanel.hidden = true;
  shown = undefined;
}

/** What the panel shows, for the tests: the wasm's answer, the diff, the changes Apply makes; null when closed. */
export function shownFix(): { title: string; result: FixResult | null; diff: string; viewer: string | null; changes: Change[] } | null {
  if (!shown || fixPanel.hidden) return null;
  return {
    title: title.textContent ?? '',
    result: shown.result,
    diff: shown.diff,
    viewer: viewer ? viewer.view.state.doc.toString() : null,
    changes: shown.result ? editsToChanges(shown.from, shown.result.edits) : [],
  };
}
