// Migrate on the Lint tab (issue 12 item 7): a DS001/DS002 finding offers "Migrate to <target>" for each
// target the wasm's `migrate` takes for that workload; the diff is shown in a read-only viewer (the output
// viewers' CodeMirror), the notes and refusals with their lines, and "Apply to the editor" puts the
// migrated text in the editor, which lints it again.
import type { LintInput, MigrateTarget, Migration, Outcome } from './wasm-pkg/dockscape_wasm';
import type { Viewer } from './editor';
import { announce, h } from './dom';
import { engine, errorText, track } from './app';
import { inline } from './markdown';
import { unifiedDiff } from './diff';

/**
 * Every target the wasm's `MigrateTarget` type names (tsc fails when the type gains one this misses).
 * Which of them a workload is offered is the wasm's answer: a target it does not implement is an error,
 * one it does not implement for this input kind a refusal saying so.
 */
const TARGETS = { dind: 0, 'socket-proxy': 1, 'dind-rootless': 2, sysbox: 3, buildkit: 4 } satisfies Record<MigrateTarget, number>;
const CANDIDATES = (Object.keys(TARGETS) as MigrateTarget[]).sort((a, z) => TARGETS[a] - TARGETS[z]);
/** The findings that offer a migration: the host's Docker socket reached (DS001) or mounted (DS002). */
export const MIGRATABLE = new Set(['DS001', 'DS002']);

export interface MigrateHost {
  /** The Lint tab's input as it is now. */
  input: () => LintInput;
  /** Replaces the editor's text (keeping the input's file name), which lints it again. */
  apply: (text: string) => void;
  /** Puts the editor's caret on a line. */
  goToLine: (line: number) => void;
  /** CodeMirror, once loaded. */
  cm: () => typeof import('./editor') | undefined;
}

let host: MigrateHost | undefined;

const title = h('h2', { id: 'migrate-title', text: 'Migrate' });
const summary = h('p', { id: 'migrate-summary', class: 'summary', role: 'status' });
const refusals = h('ul', { id: 'migrate-refusals', class: 'errors' });
const diffBox = h('div', { id: 'migrate-diff', class: 'output-body migrate-diff' });
const notes = h('ul', { id: 'migrate-notes', class: 'migrate-notes' });
const applyButton = h('button', { type: 'button', id: 'migrate-apply', text: 'Apply to the editor', onclick: () => applyShown() }) as HTMLButtonElement;
const closeButton = h('button', { type: 'button', id: 'migrate-close', text: 'Close', onclick: () => close() });
/** The migration panel, placed by lint.ts above the findings. */
export const migratePanel = h(
  'section',
  { id: 'migrate', class: 'migrate', hidden: true, 'aria-labelledby': 'migrate-title' },
  title,
  summary,
  refusals,
  diffBox,
  notes,
  h('div', { class: 'row' }, applyButton, closeButton),
);

let viewer: Viewer | undefined;
/** What the panel shows: the input it was made from and the core's answer. */
let shown: { from: string; target: MigrateTarget; workload: string; migration: Migration | null; diff: string } | undefined;

export function initMigrate(to: MigrateHost): void {
  host = to;
}

function call(input: LintInput, target: MigrateTarget, workload: string | undefined): Promise<Outcome<Migration>> {
  return track(engine.call<Migration>('migrate', input.text, target, { file: input.file, workload }));
}

/** Whether `m` says anything about `workload` other than that its kind is not implemented for the target. */
function applies(m: Migration, workload: string): boolean {
  if (m.migrated.includes(workload)) return true;
  return m.refusals.some((r) => r.workload === workload && !/not implemented/.test(r.reason));
}

/** Targets the wasm refused as such (not implemented, unknown): never asked again in this page. */
const unavailable = new Set<MigrateTarget>();
/** The answers for one input (every workload at once), shared by all its findings. */
let answers: { key: string; all: Promise<[MigrateTarget, Migration][]> } | undefined;

function answersFor(input: LintInput): Promise<[MigrateTarget, Migration][]> {
  const key = `${input.file}\u0000${input.text}`;
  if (answers?.key !== key) {
    const asked = CANDIDATES.filter((t) => !unavailable.has(t));
    const all = Promise.all(asked.map((t) => call(input, t, undefined))).then((rs) =>
      rs.flatMap((r, i): [MigrateTarget, Migration][] => {
        if (r.ok) return [[asked[i], r.value]];
        if (r.error.kind === 'invalid-parameter') unavailable.add(asked[i]);
        return [];
      }),
    );
    answers = { key, all };
  }
  return answers.all;
}

/**
 * Appends a "Migrate to <target>" button to `into` for every target the wasm migrates `workload` to, or
 * refuses with a reason of its own (the reason is worth reading: it says what to change). One call per
 * target answers every finding of the input.
 */
export function offerMigrations(into: HTMLElement, workload: string): void {
  if (!host) return;
  void answersFor(host.input()).then((all) => {
    if (!into.isConnected) return;
    for (const [target, m] of all) {
      if (!applies(m, workload)) continue;
      into.append(
        h('button', {
          type: 'button',
          class: 'migrate-offer',
          'data-target': target,
          text: `Migrate to ${target}`,
          onclick: () => void show(target, workload),
        }),
      );
    }
  });
}

function lineButton(line: number): HTMLElement | null {
  if (line < 1) return null;
  return h('button', { type: 'button', class: 'linkish', text: `line ${line}`, onclick: () => host?.goToLine(line) });
}

function md(text: string): HTMLElement {
  const el = h('span', {});
  el.innerHTML = inline(text);
  return el;
}

/** Asks the wasm for the migration of the input as it is now and shows it. */
async function show(target: MigrateTarget, workload: string): Promise<void> {
  if (!host) return;
  const input = host.input();
  const a = await call(input, target, workload);
  migratePanel.hidden = false;
  title.textContent = `Migrate ${workload} to ${target}`;
  refusals.replaceChildren();
  notes.replaceChildren();
  if (!a.ok) {
    shown = { from: input.text, target, workload, migration: null, diff: '' };
    summary.textContent = 'The input could not be migrated.';
    refusals.append(h('li', { class: 'error', role: 'alert', text: errorText(a.error) }));
    setDiff('');
    applyButton.disabled = true;
    return;
  }
  const m = a.value;
  const diff = unifiedDiff(input.text, m.text, input.file || 'input');
  shown = { from: input.text, target, workload, migration: m, diff };
  for (const r of m.refusals) refusals.append(h('li', { class: 'error refusal', 'data-line': String(r.line) }, lineButton(r.line), ' ', `${r.workload}: `, md(r.reason)));
  for (const n of m.notes) notes.append(h('li', { class: 'migrate-note', 'data-line': String(n.line) }, lineButton(n.line), ' ', md(n.message)));
  const changed = m.edits.length > 0;
  const counts = [`${m.edits.length} edit${m.edits.length === 1 ? '' : 's'}`, `${m.notes.length} note${m.notes.length === 1 ? '' : 's'}`];
  if (m.refusals.length) counts.push(`${m.refusals.length} refused`);
  summary.textContent = changed ? `${m.migrated.join(', ')} rewritten: ${counts.join(', ')}. Apply puts the new text in the editor.` : `Nothing rewritten: ${counts.join(', ')}.`;
  setDiff(diff);
  applyButton.disabled = !changed;
  announce(summary.textContent);
  migratePanel.scrollIntoView({ block: 'nearest' });
}

function setDiff(diff: string): void {
  const cm = host?.cm();
  diffBox.hidden = diff === '';
  if (cm) {
    if (viewer) cm.setViewerText(viewer, diff, 'migrate.diff', 'migrate-title');
    else {
      diffBox.replaceChildren();
      viewer = cm.createViewer(diffBox, 'migrate-title', diff, 'migrate.diff');
    }
  } else diffBox.replaceChildren(h('pre', { class: 'output-text', text: diff }));
}

/** Applies the shown migration; when the input changed since, shows the migration of the new input instead. */
function applyShown(): void {
  if (!host || !shown?.migration) return;
  if (host.input().text !== shown.from) {
    void show(shown.target, shown.workload);
    return;
  }
  const text = shown.migration.text;
  close();
  host.apply(text);
  announce('Applied the migration to the editor');
}

function close(): void {
  migratePanel.hidden = true;
  shown = undefined;
}

/** What the panel shows, for the tests: the diff text, or null when it is closed. */
export function shownMigration(): { target: string; workload: string; diff: string; viewer: string | null } | null {
  if (!shown || migratePanel.hidden) return null;
  return { target: shown.target, workload: shown.workload, diff: shown.diff, viewer: viewer ? viewer.view.state.doc.toString() : null };
}
