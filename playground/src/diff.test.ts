import { describe, expect, test } from 'vitest';
import { unifiedDiff } from './diff';
import { applyUnifiedDiff as patch } from '../e2e/patch.mjs';

describe('unifiedDiff', () => {
  test('equal texts have no diff', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x')).toBe('');
  });
  test('one changed line, with context and a header', () => {
    const a = 'l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\n';
    const b = 'l1\nl2\nl3\nl4\nX\nl6\nl7\nl8\n';
    expect(unifiedDiff(a, b, 'pod.yaml')).toBe('--- a/pod.yaml\n+++ b/pod.yaml\n@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+X\n l6\n l7\n l8\n');
  });
  test('far apart changes are two hunks; near ones one', () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const b = a.replace('l3\n', 'L3\n').replace('l25\n', '').replace('l27\n', 'l27\nnew\n');
    const d = unifiedDiff(a, b, 'f');
    expect(d.match(/^@@/gm)?.length).toBe(2);
    expect(d).toContain('@@ -1,6 +1,6 @@');
    expect(d).toContain('@@ -22,9 +22,9 @@');
  });
  test('every diff applied to the old text gives the new one', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let run = 0; run < 300; run++) {
      const a = Array.from({ length: rnd(20) }, () => `w${rnd(5)}`);
      const b = a.flatMap((l) => (rnd(4) === 0 ? [] : rnd(5) === 0 ? [l, `n${rnd(5)}`] : rnd(6) === 0 ? [`c${rnd(3)}`] : [l]));
      if (rnd(3) === 0) b.unshift('head');
      const at = a.length ? `${a.join('\n')}\n` : '';
      const bt = b.length ? `${b.join('\n')}\n` : '';
      const d = unifiedDiff(at, bt, 'f', rnd(4));
      expect(d === '').toBe(at === bt);
      if (d) expect(patch(at, d)).toBe(bt);
    }
  });
});
