import { describe, expect, test } from 'vitest';
import {
  DEFAULT_STATE,
  type State,
  decodeLink,
  decodeState,
  deflate,
  encodeLink,
  encodeState,
  fromBase64Url,
  inflate,
  loadLocal,
  normalize,
  saveLocal,
  toBase64Url,
} from './state';

const full: State = {
  tab: 'lint',
  scenario: 'dind',
  params: { transport: 'unix', name: 'job "one" $HOME `x`', mtu: '1400' },
  shell: 'powershell',
  recipe: 'jenkins',
  input: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: dood\n# ünïcødé 🐳\n',
  kind: 'kubernetes',
  rule: 'DS002',
  cInput: 'docker run -d --name web -e TOKEN=s3cret nginx # 🐳\n',
  cFrom: 'run',
  cTo: 'run',
  cShell: 'powershell',
  cSchedule: '*/5 * * * *',
  shareInput: true,
};

describe('base64url', () => {
  test('round-trips every byte value', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const text = toBase64Url(bytes);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromBase64Url(text)).toEqual(bytes);
  });
  test('round-trips every length modulo 3', () => {
    for (let n = 0; n < 10; n++) {
      const bytes = new Uint8Array(n).map((_, i) => 250 - i);
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }
  });
  test('rejects foreign alphabets and impossible lengths', () => {
    expect(fromBase64Url('ab+/')).toBeNull();
    expect(fromBase64Url('abcde')).toBeNull();
    expect(fromBase64Url('a b')).toBeNull();
  });
});

describe('state codec', () => {
  test('round-trips a full state', async () => {
    const frag = await encodeState(full);
    expect(frag).toMatch(/^s=1\.[A-Za-z0-9_-]+$/);
    expect(await decodeState(frag)).toEqual(full);
    expect(await decodeState('#' + frag)).toEqual(full);
  });

  test('the default state is tiny', async () => {
    const frag = await encodeState(DEFAULT_STATE);
    expect(frag.length).toBeLessThan(16);
    expect(await decodeState(frag)).toEqual(DEFAULT_STATE);
  });

  test('compresses a pasted manifest', async () => {
    const input = Array.from({ length: 300 }, (_, i) => `      - name: container-${i % 7}\n`).join('');
    const frag = await encodeState({ ...DEFAULT_STATE, input });
    expect(frag.length).toBeLessThan(input.length / 5);
    expect((await decodeState(frag))?.input).toBe(input);
  });

  test('survives a URL round trip', async () => {
    const frag = await encodeState(full);
    const url = new URL('http://127.0.0.1:8080/#' + frag);
    expect(await decodeState(url.hash)).toEqual(full);
  });

  test('damaged or foreign fragments decode to null, never throw', async () => {
    const frag = await encodeState(full);
    for (const bad of [
      '',
      '#',
      '#rule/DS001',
      's=2.' + frag.slice(4),
      's=1.',
      's=1.!!!!',
      frag.slice(0, frag.length - 5),
      's=1.' + toBase64Url(new TextEncoder().encode('not deflate')),
      's=1.' + toBase64Url(await deflate('not json')),
    ]) {
      expect(await decodeState(bad)).toBeNull();
    }
  });

  test('invalid UTF-8 inside the deflate stream is rejected', async () => {
    const raw = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const stream = new Blob([raw]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    expect(await decodeState('s=1.' + toBase64Url(bytes))).toBeNull();
  });

  test('a decompression bomb is cut off', async () => {
    const bomb = await deflate('x'.repeat(5 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(10_000);
    await expect(inflate(bomb)).rejects.toThrow('state too large');
    expect(await decodeState('s=1.' + toBase64Url(bomb))).toBeNull();
  });

  test('normalize drops unknown and ill-typed fields', () => {
    expect(normalize({ t: 'nope', s: 3, p: { a: 'b', c: 1 }, x: 'y' })).toEqual({ ...DEFAULT_STATE, params: { a: 'b' } });
    expect(normalize(null)).toEqual(DEFAULT_STATE);
    expect(normalize([1, 2])).toEqual(DEFAULT_STATE);
    expect(normalize({ p: ['a'] })).toEqual(DEFAULT_STATE);
  });
});

describe('localStorage', () => {
  test('saves and loads the state', () => {
    const m = new Map<string, string>();
    const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    expect(loadLocal(storage)).toBeNull();
    saveLocal(full, storage);
    expect(loadLocal(storage)).toEqual(full);
  });
  test('tolerates broken or throwing storage', () => {
    expect(loadLocal({ getItem: () => '{not json' })).toBeNull();
    expect(() =>
      saveLocal(full, {
        setItem: () => {
          throw new Error('quota');
        },
      }),
    ).not.toThrow();
    expect(loadLocal(undefined)).toBeNull();
  });
});

describe('links', () => {
  const mine: State = { ...DEFAULT_STATE, scenario: 'linux', params: { name: 'mine' }, input: 'kind: Secret\ndata: {password: aHVudGVyMg==}\n', kind: 'kubernetes' };

  test('a Generate link holds the Generate tab only: never the Lint input', async () => {
    const frag = await encodeLink({ ...full, tab: 'generate' });
    const got = await decodeLink(frag, mine);
    expect(got).toEqual({ ...mine, tab: 'generate', scenario: 'dind', params: full.params, shell: 'powershell', recipe: 'jenkins' });
    expect(JSON.stringify(got)).not.toContain('ünïcødé');
    // the recipient's own input stays theirs
    expect(got !== 'broken' && got?.input).toBe(mine.input);
  });

  test('a Lint link carries the input only when "include my input" is ticked', async () => {
    const without = await decodeLink(await encodeLink({ ...full, shareInput: false }), DEFAULT_STATE);
    expect(without).toEqual({ ...DEFAULT_STATE, tab: 'lint', kind: 'kubernetes' });
    const withInput = await decodeLink(await encodeLink(full), DEFAULT_STATE);
    expect(withInput).toEqual({ ...DEFAULT_STATE, tab: 'lint', kind: 'kubernetes', input: full.input });
    // the tick itself is never in a link
    expect(withInput !== 'broken' && withInput?.shareInput).toBe(false);
  });

  test('a Convert link holds its from, to, shell and schedule, and its input only when "include my input" is ticked', async () => {
    const conv: State = { ...full, tab: 'convert' };
    const without = await decodeLink(await encodeLink({ ...conv, shareInput: false }), mine);
    expect(without).toEqual({ ...mine, tab: 'convert', cFrom: 'run', cTo: 'run', cShell: 'powershell', cSchedule: '*/5 * * * *' });
    expect(JSON.stringify(without)).not.toContain('s3cret');
    const withInput = await decodeLink(await encodeLink(conv), mine);
    expect(withInput).toEqual({ ...mine, tab: 'convert', cFrom: 'run', cTo: 'run', cShell: 'powershell', cSchedule: '*/5 * * * *', cInput: conv.cInput });
    // neither the Lint input nor Generate's parameters ride along
    expect(JSON.stringify(withInput)).not.toContain('ünïcødé');
    expect(withInput !== 'broken' && withInput?.params).toEqual(mine.params);
  });

  test('a Rules link holds the rule page', async () => {
    expect(await decodeLink(await encodeLink({ ...full, tab: 'rules' }), mine)).toEqual({ ...mine, tab: 'rules', rule: 'DS002' });
  });

  test('a truncated, damaged or foreign-version link is broken; a fragment that is no link is null', async () => {
    const frag = await encodeLink(full);
    expect(await decodeLink(frag.slice(0, frag.length - 5), mine)).toBe('broken');
    expect(await decodeLink(frag.slice(0, 6), mine)).toBe('broken');
    expect(await decodeLink(frag.replace('s=1.', 's=9.'), mine)).toBe('broken');
    expect(await decodeLink('s=1.' + toBase64Url(await deflate('[1,2]')), mine)).toBe('broken');
    expect(await decodeLink('s=1.!!', mine)).toBe('broken');
    expect(await decodeLink('', mine)).toBeNull();
    expect(await decodeLink('#rules', mine)).toBeNull();
  });
});
