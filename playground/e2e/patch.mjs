// Applies a unified diff to a text (its hunks in order; every context and removed line must match), so
// the tests check a diff by what it does: vitest (src/diff.test.ts) and the Migrate browser test.

/** `before` with `diff` applied; throws when a context or removed line is not the input's. */
export function applyUnifiedDiff(before, diff) {
  const old = before.split('\n');
  const out = [];
  let at = 0;
  const lines = diff.split('\n').slice(2);
  for (let i = 0; i < lines.length; i++) {
    const m = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(lines[i]);
    if (!m) continue;
    const start = Number(m[2]) === 0 ? Number(m[1]) : Number(m[1]) - 1;
    while (at < start) out.push(old[at++]);
    for (i++; i < lines.length && !lines[i].startsWith('@@') && lines[i] !== ''; i++) {
      const t = lines[i][0];
      const l = lines[i].slice(1);
      if (t !== '+' && old[at++] !== l) throw new Error(`line ${at}: the diff says ${JSON.stringify(l)}, the input has ${JSON.stringify(old[at - 1])}`);
      if (t !== '-') out.push(l);
    }
    i--;
  }
  while (at < old.length) out.push(old[at++]);
  return out.join('\n');
}
