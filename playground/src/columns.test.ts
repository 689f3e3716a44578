import { describe, expect, test } from 'vitest';
import { columnToOffset } from './columns';

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
