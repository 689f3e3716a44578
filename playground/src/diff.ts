// A unified diff of two texts, line by line (Myers' O(ND) shortest edit script), for the Migrate view.

/** One line of the edit script: kept (' '), removed ('-') or added ('+'). */
type Op = [' ' | '-' | '+', string];

function split(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The shortest edit script from `a` to `b` (common head and tail trimmed first; migrations change a few spans). */
function script(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle = myers(x, y);
  return [...a.slice(0, head).map((l): Op => [' ', l]), ...middle, ...a.slice(a.length - tail).map((l): Op => [' ', l])];
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d]: the furthest x on each diagonal k before round d
  const trace: Int32Array[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  // Back from (n, m) through the saved frontiers, one edit per round.
  const out: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const t = trace[d];
    const k = x - y;
    const pk = k === -d || (k !== d && t[off + k - 1] < t[off + k + 1]) ? k + 1 : k - 1;
    const px = t[off + pk];
    const py = px - pk;
    while (x > px && y > py) out.push([' ', a[--x]]), y--;
    if (d > 0) out.push(x === px ? ['+', b[py]] : ['-', a[px]]);
    x = px;
    y = py;
  }
  return out.reverse();
}

/**
 * The unified diff (`---`/`+++` header, `@@ -l,n +l,n @@` hunks with `context` lines around each change)
 * of `before` and `after`; empty when they are equal line for line.
 */
export function unifiedDiff(before: string, after: string, name: string, context = 3): string {
  const ops = script(split(before), split(after));
  const changed = ops.map((o) => o[0] !== ' ');
  if (!changed.includes(true)) return '';
  const out = [`--- a/${name}`, `+++ b/${name}`];
  let i = 0;
  // line numbers (1-based) of ops[i] in the old and new text
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let ol = 1;
  let nl = 1;
  for (const [t] of ops) {
    oldAt.push(ol);
    newAt.push(nl);
    if (t !== '+') ol++;
    if (t !== '-') nl++;
  }
  while (i < ops.length) {
    const first = changed.indexOf(true, i);
    if (first < 0) break;
    const start = Math.max(first - context, i);
    let end = first;
    // extend while the next change is within 2 * context lines
    for (let j = first; j < ops.length; j++) {
      if (changed[j]) end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(end + context + 1, ops.length);
    const body = ops.slice(start, stop);
    const oldCount = body.filter((o) => o[0] !== '+').length;
    const newCount = body.filter((o) => o[0] !== '-').length;
    const oldStart = oldCount ? oldAt[start] : oldAt[start] - 1;
    const newStart = newCount ? newAt[start] : newAt[start] - 1;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const [t, l] of body) out.push(`${t}${l}`);
    i = stop;
  }
  return `${out.join('\n')}\n`;
}
