import { describe, expect, test } from 'vitest';
import { columnToOffset, editsToChanges } from './columns';

describe('columnToOffset: character columns into UTF-16 offsets', () => {
  test('ASCII: the column minus one', () => {
    expect(columnToOffset('spec: x', 1)).toBe(0);
    expect(columnToOffset('spec: x', 7)).toBe(6);
  });
  test('a character outside the BMP before the column counts as two code units', () => {
    // `echo "é🐳"; docker`: the core reports `docker` at character 12
    const line = 'echo "é🐳"; docker';
    expect(line.slice(columnToOffset(line, 12))).toBe('docker');
    expect(columnToOffset(line, 12)).toBe(12);
    expect(columnToOffset(line, 9)).toBe(9); // just after the emoji's two units
  });
  test('é is one character and one code unit', () => {
    expect('x: é true'.slice(columnToOffset('x: é true', 6))).toBe('true');
  });
  test('clamped to the line', () => {
    expect(columnToOffset('ab', 10)).toBe(2);
    expect(columnToOffset('ab', 0)).toBe(0);
    expect(columnToOffset('ab', -3)).toBe(0);
  });
  test('a lone surrogate is one unit', () => {
    expect(columnToOffset('\ud83dx', 2)).toBe(1);
  });
});

describe('editsToChanges: UTF-8 byte edits into UTF-16 editor changes', () => {
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  const apply = (text: string, cs: { from: number; to: number; insert: string }[]) => {
    let out = '';
    let at = 0;
    for (const c of cs) {
      out += text.slice(at, c.from) + c.insert;
      at = c.to;
    }
    return out + text.slice(at);
  };
  test('ASCII: the same offsets', () => {
    expect(editsToChanges('a: true\n', [{ start: 3, end: 7, replacement: 'false' }])).toEqual([{ from: 3, to: 7, insert: 'false' }]);
  });
  test('é (2 bytes, 1 unit) and 🐳 (4 bytes, 2 units) before the edits', () => {
    const text = 'note: "é🐳"\nallowPrivilegeEscalation: true\nx: ü\n';
    const start = bytes('note: "é🐳"\nallowPrivilegeEscalation: ');
    const edits = [
      { start, end: start + 4, replacement: 'false' },
      { start: bytes(text) - 1, end: bytes(text) - 1, replacement: ' # ✓' },
    ];
    const cs = editsToChanges(text, edits);
    expect(cs[0].from).toBe(text.indexOf('true'));
    expect(apply(text, cs)).toBe('note: "é🐳"\nallowPrivilegeEscalation: false\nx: ü # ✓\n');
  });
  test('unsorted input offsets and an offset past the end', () => {
    const text = '🐳🐳';
    expect(editsToChanges(text, [{ start: 4, end: 99, replacement: 'x' }])).toEqual([{ from: 2, to: 4, insert: 'x' }]);
  });
  test('a lone surrogate counts as U+FFFD (3 bytes), as the core receives it', () => {
    expect(editsToChanges('\ud83dab', [{ start: 4, end: 5, replacement: 'B' }])).toEqual([{ from: 2, to: 3, insert: 'B' }]);
  });
  test('random texts: applying the changes gives the text the byte edits give', () => {
    const alphabet = ['a', ' ', '\n', 'é', '🐳', '✓', 'Ω'];
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let run = 0; run < 200; run++) {
      const chars = Array.from({ length: rnd(30) }, () => alphabet[rnd(alphabet.length)]);
      const text = chars.join('');
      // edits at character boundaries, in bytes, sorted, not overlapping
      const cuts = [...new Set(Array.from({ length: rnd(6) }, () => rnd(chars.length + 1)))].sort((a, z) => a - z);
      const edits = [];
      for (let k = 0; k + 1 < cuts.length; k += 2) {
        const start = bytes(chars.slice(0, cuts[k]).join(''));
        const end = bytes(chars.slice(0, cuts[k + 1]).join(''));
        edits.push({ start, end, replacement: alphabet[rnd(alphabet.length)] });
      }
      const utf8 = new TextEncoder().encode(text);
      let want = '';
      let at = 0;
      for (const e of edits) {
        want += new TextDecoder().decode(utf8.slice(at, e.start)) + e.replacement;
        at = e.end;
      }
      want += new TextDecoder().decode(utf8.slice(at));
      expect(apply(text, editsToChanges(text, edits))).toBe(want);
    }
  });
});
