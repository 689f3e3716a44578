// The Lint tab's CodeMirror editor: YAML highlighting, findings marked on their lines.
import { EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView } from '@codemirror/view';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { basicSetup } from 'codemirror';

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
            attributes: { 'data-codes': ms.map((m) => m.code).join(' '), title: ms.map((m) => `${m.code}: ${m.message}`).join('\n') },
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
        yaml(),
        lintGutter(),
        marksField,
        dropFile(onFile),
        closeButtonsShowTheirName,
        EditorView.contentAttributes.of({ 'aria-labelledby': labelId }),
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

/** Marks findings and errors on their lines (gutter, underline, tooltip and a tinted line). */
export function mark(view: EditorView, marks: Mark[]): void {
  const doc = view.state.doc;
  const diagnostics: Diagnostic[] = [];
  for (const m of marks) {
    if (m.line < 1 || m.line > doc.lines) continue;
    const line = doc.line(m.line);
    const from = Math.min(line.from + Math.max(m.column - 1, 0), line.to);
    diagnostics.push({ from, to: line.to, severity: m.severity, source: m.code, message: m.message });
  }
  view.dispatch(setDiagnostics(view.state, diagnostics), { effects: setMarks.of(marks) });
}

export function goToLine(view: EditorView, line: number, column = 1): void {
  const doc = view.state.doc;
  if (line < 1 || line > doc.lines) return;
  const l = doc.line(line);
  const pos = Math.min(l.from + Math.max(column - 1, 0), l.to);
  view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
  view.focus();
}
