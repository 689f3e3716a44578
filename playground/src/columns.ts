// The core reports columns as characters (Unicode scalar values, 1-based: what the CLI prints and what a
// person counts); CodeMirror positions are UTF-16 code units. An emoji is one character and two code
// units, so every column after one on its line must be moved before it becomes an editor position.

/**
 * The UTF-16 offset inside `lineText` of the 1-based character column `column` (clamped to the line: a
 * column past its end is its end, one below 1 is its start).
 */
export function columnToOffset(lineText: string, column: number): number {
  let left = Math.max(Math.floor(column) - 1, 0);
  let at = 0;
  while (left > 0 && at < lineText.length) {
    const c = lineText.charCodeAt(at);
    // A high surrogate followed by a low one is one character in two code units.
    const pair = c >= 0xd800 && c <= 0xdbff && at + 1 < lineText.length && (lineText.charCodeAt(at + 1) & 0xfc00) === 0xdc00;
    at += pair ? 2 : 1;
    left--;
  }
  return at;
}

/** One change of the editor's text, at UTF-16 offsets (CodeMirror's `ChangeSpec`). */
export interface Change {
  from: number;
  to: number;
  insert: string;
}

/**
 * The core's edits (UTF-8 byte offsets of `text`, sorted, not overlapping) as editor changes at
 * UTF-16 offsets of the same text: é is two bytes and one unit, 🐳 four bytes and two units. An
 * offset past the end is the end.
 */
export function editsToChanges(text: string, edits: readonly { start: number; end: number; replacement: string }[]): Change[] {
  const offsets = edits.flatMap((e) => [e.start, e.end]);
  const order = offsets.map((_, i) => i).sort((a, z) => offsets[a] - offsets[z]);
  const units = new Array<number>(offsets.length).fill(text.length);
  let bytes = 0;
  let at = 0;
  for (const i of order) {
    while (bytes < offsets[i] && at < text.length) {
      const c = text.codePointAt(at) ?? 0;
      // a lone surrogate reaches the core as U+FFFD: three bytes, as here
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      at += c >= 0x10000 ? 2 : 1;
    }
    units[i] = at;
  }
  return edits.map((e, i) => ({ from: units[2 * i], to: units[2 * i + 1], insert: e.replacement }));
}
