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
