// CodeMirror, loaded after the first output is on screen: the Lint tab's editor (YAML highlighting,
// findings marked on their lines) and the read-only viewers of the Generate tab's outputs (the same
// highlighting, long lines scroll, the header comment folded).
import { type Extension, EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, lineNumbers } from '@codemirror/view';
import { type Diagnostic, forEachDiagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { StreamLanguage, codeFolding, foldEffect, foldGutter, foldService, foldedRanges, syntaxHighlighting } from '@codemirror/language';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { powerShell } from '@codemirror/legacy-modes/mode/powershell';
import { groovy } from '@codemirror/legacy-modes/mode/groovy';
import { diff } from '@codemirror/legacy-modes/mode/diff';
import { classHighlighter } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { inline } from './markdown';
import { columnToOffset } from './columns';

/**
 * Colours come from the page's CSS variables (style.css), so the editor and the viewers follow the light
 * and dark themes; tokens get `tok-*` classes (classHighlighter) that style.css colours per theme.
 */
const themed: Extension = [
  syntaxHighlighting(classHighlighter),
  EditorView.theme({
    '&': { backgroundColor: 'var(--panel)', color: 'var(--fg)' },
    '.cm-content': { caretColor: 'var(--fg)' },
    '.cm-gutters': { backgroundColor: 'var(--gutter)', color: 'var(--muted)', borderRight: '1px solid var(--line)' },
    '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--active-line)' },
    '.cm-foldPlaceholder': { backgroundColor: 'var(--code-bg)', color: 'var(--fg)', border: '1px solid var(--line)' },
    '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--line)' },
    '.cm-panels': { backgroundColor: 'var(--gutter)', color: 'var(--fg)' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection)' },
  }),
];

export interface Mark {
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
}

const setMarks = StateEffect.define<Mark[]>();

/** A line decoration per marked line: a class for the colour, and the codes for tests and tooltips. */
const marksField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setMarks)) continue;
      const byLine = new Map<number, Mark[]>();
      for (const m of e.value) {
        if (m.line < 1 || m.line > tr.state.doc.lines) continue;
        byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
      }
      const b = new RangeSetBuilder<Decoration>();
      for (const line of [...byLine.keys()].sort((a, z) => a - z)) {
        const ms = byLine.get(line)!;
        const sev = ms.some((m) => m.severity === 'error') ? 'error' : ms.some((m) => m.severity === 'warning') ? 'warning' : 'info';
        b.add(
          tr.state.doc.line(line).from,
          tr.state.doc.line(line).from,
          Decoration.line({
            class: `ds-marked ds-marked-${sev}`,
            // The message is in the diagnostic's tooltip (Markdown code rendered), not a title attribute.
            attributes: { 'data-codes': ms.map((m) => m.code).join(' ') },
          }),
        );
      }
      deco = b.finish();
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/**
 * CodeMirror's search panel (Ctrl-F) and lint panel (Ctrl-Shift-M) draw their close button as "×" with the
 * accessible name "close"; every control here shows its name, so the button says "Close".
 */
const closeButtonsShowTheirName = [
  EditorState.phrases.of({ close: 'Close' }),
  EditorView.updateListener.of((u) => {
    for (const b of u.view.dom.querySelectorAll<HTMLButtonElement>('.cm-panel button[name="close"]')) {
      const name = b.getAttribute('aria-label') ?? 'Close';
      if (b.textContent !== name) b.textContent = name;
    }
  }),
];

/** A dropped file replaces the input (as "Open file" does); dragged text is left to CodeMirror. */
function dropFile(onFile: (name: string, text: string) => void) {
  return EditorView.domEventHandlers({
    drop(event) {
      const file = event.dataTransfer?.files?.[0];
      if (!file) return false;
      event.preventDefault();
      file.text().then((text) => onFile(file.name, text));
      return true;
    },
  });
}

export function createEditor(
  parent: HTMLElement,
  labelId: string,
  doc: string,
  onChange: (text: string) => void,
  onFile: (name: string, text: string) => void,
): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        themed,
        yaml(),
        lintGutter(),
        marksField,
        dropFile(onFile),
        closeButtonsShowTheirName,
        // tabindex: an editable region is focusable anyway; saying so lets axe see that its scroller
        // (long lines scroll sideways) is reachable by keyboard.
        EditorView.contentAttributes.of({ 'aria-labelledby': labelId, tabindex: '0' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
}

export function setText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** Applies changes (UTF-16 offsets of the current document, as CodeMirror takes them) as one undoable edit. */
export function applyChanges(view: EditorView, changes: { from: number; to: number; insert: string }[]): void {
  view.dispatch({ changes, userEvent: 'input.fix', scrollIntoView: true });
}

/** Marks findings and errors on their lines (gutter, underline, tooltip and a tinted line). */
export function mark(view: EditorView, marks: Mark[]): void {
  const doc = view.state.doc;
  const diagnostics: Diagnostic[] = [];
  for (const m of marks) {
    if (m.line < 1 || m.line > doc.lines) continue;
    const line = doc.line(m.line);
    // The core's column counts characters; the editor's positions are UTF-16 units (columns.ts).
    const from = line.from + columnToOffset(line.text, m.column);
    diagnostics.push({
      from,
      to: line.to,
      severity: m.severity,
      source: m.code,
      message: m.message,
      // The core's messages put keys and values in backticks: shown as code, as in the findings list.
      renderMessage: () => {
        const el = document.createElement('span');
        el.innerHTML = inline(m.message);
        return el;
      },
    });
  }
  view.dispatch(setDiagnostics(view.state, diagnostics), { effects: setMarks.of(marks) });
}

/** The diagnostics the editor shows, with the text each starts at (for the tests: `__dockscape.marks`). */
export function shownMarks(view: EditorView): { code: string; line: number; from: number; at: string }[] {
  const out: { code: string; line: number; from: number; at: string }[] = [];
  forEachDiagnostic(view.state, (d, from, to) => {
    out.push({ code: d.source ?? '', line: view.state.doc.lineAt(from).number, from, at: view.state.sliceDoc(from, to) });
  });
  return out;
}

export function goToLine(view: EditorView, line: number, column = 1): void {
  const doc = view.state.doc;
  if (line < 1 || line > doc.lines) return;
  const l = doc.line(line);
  const pos = l.from + columnToOffset(l.text, column);
  view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
  view.focus();
}

// ---------------------------------------------------------------------------------------------------------
// Read-only viewers of generated files

/** The language of a generated file, from its name. */
function languageOf(fileName: string): Extension {
  if (/\.ya?ml$/i.test(fileName)) return yaml();
  if (/\.sh$/i.test(fileName)) return StreamLanguage.define(shell);
  if (/\.ps1$/i.test(fileName)) return StreamLanguage.define(powerShell);
  if (/jenkinsfile|\.groovy$/i.test(fileName)) return StreamLanguage.define(groovy);
  if (/\.(diff|patch)$/i.test(fileName)) return StreamLanguage.define(diff);
  return [];
}

/** The header comment: two or more `#` lines at the top fold into their first line. */
const headerFold = foldService.of((state, from) => {
  if (from !== 0 || state.doc.lines < 2) return null;
  let last = 0;
  for (let n = 1; n <= state.doc.lines && /^\s*#/.test(state.doc.line(n).text); n++) last = n;
  return last >= 2 ? { from: state.doc.line(1).to, to: state.doc.line(last).to } : null;
});

function headerRange(state: EditorState): { from: number; to: number } | null {
  const first = state.doc.line(1);
  const svc = state.facet(foldService);
  for (const f of svc) {
    const r = f(state, first.from, first.to);
    if (r) return r;
  }
  return null;
}

function headerFolded(state: EditorState): boolean {
  let on = false;
  foldedRanges(state).between(0, state.doc.line(1).to + 1, (from) => {
    if (from === state.doc.line(1).to) on = true;
  });
  return on;
}

export interface Viewer {
  view: EditorView;
  fileName: string;
}

/** A read-only, highlighted, scrollable (not wrapped) view of a generated file; its header comment folded. */
export function createViewer(parent: HTMLElement, labelId: string, text: string, fileName: string): Viewer {
  const view = new EditorView({ parent, state: viewerState(text, fileName, labelId) });
  const r = headerRange(view.state);
  if (r) view.dispatch({ effects: foldEffect.of(r) });
  return { view, fileName };
}

function viewerState(text: string, fileName: string, labelId: string): EditorState {
  return EditorState.create({
    doc: text,
    extensions: [
      lineNumbers(),
      codeFolding({ placeholderText: '…' }),
      foldGutter(),
      headerFold,
      themed,
      languageOf(fileName),
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      // Not editable, still reachable by keyboard (Tab, then the arrow keys scroll) and named by its card.
      EditorView.contentAttributes.of({ tabindex: '0', role: 'textbox', 'aria-readonly': 'true', 'aria-multiline': 'true', 'aria-labelledby': labelId }),
    ],
  });
}

/** New text (and maybe a new language): the header stays folded unless the user unfolded it. */
export function setViewerText(v: Viewer, text: string, fileName: string, labelId: string): void {
  const view = v.view;
  if (view.state.doc.toString() === text && v.fileName === fileName) return;
  const fold = headerFolded(view.state) || view.state.doc.length === 0;
  if (v.fileName !== fileName) {
    view.setState(viewerState(text, fileName, labelId));
    v.fileName = fileName;
  } else {
    // Only the changed middle: CodeMirror then redraws and re-parses just that (a keystroke in a parameter
    // changes a few characters of each output).
    const old = view.state.doc.toString();
    let a = 0;
    const max = Math.min(old.length, text.length);
    while (a < max && old.charCodeAt(a) === text.charCodeAt(a)) a++;
    let z = 0;
    while (z < max - a && old.charCodeAt(old.length - 1 - z) === text.charCodeAt(text.length - 1 - z)) z++;
    view.dispatch({ changes: { from: a, to: old.length - z, insert: text.slice(a, text.length - z) } });
  }
  const r = fold ? headerRange(view.state) : null;
  if (r && !headerFolded(view.state)) view.dispatch({ effects: foldEffect.of(r) });
}
