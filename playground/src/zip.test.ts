import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { crc32, zip } from './zip';

describe('zip', () => {
  test('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  test("Python's zipfile reads the archive back", () => {
    const entries = [
      { name: 'pod.yaml', text: 'apiVersion: v1\nkind: Pod\n' },
      { name: 'compose.yaml', text: 'services:\n  web: {}\n' },
      { name: 'run.ps1', text: 'docker run --rm "ünïcødé"\n' },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'ds-zip-'));
    const file = join(dir, 'all.zip');
    writeFileSync(file, zip(entries));
    const script =
      'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n' +
      'print(json.dumps([[i.filename, z.read(i).decode()] for i in z.infolist()]))';
    const out = execFileSync('python3', ['-c', script, file], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(entries.map((e) => [e.name, e.text]));
  });

  test('is deterministic', () => {
    const e = [{ name: 'a.txt', text: 'a' }];
    expect(zip(e)).toEqual(zip(e));
  });
});
