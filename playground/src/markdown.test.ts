import { describe, expect, test } from 'vitest';
import { renderMarkdown } from './markdown';

describe('markdown', () => {
  test('renders the rule page sections', () => {
    const html = renderMarkdown(
      '## What it does\nFlags `hostPath` mounts of **the socket**.\n\n## Example\n```yaml\nkind: Pod\n  a: <b>\n```\n- one\n- two [DS001](DS001)\n',
    );
    expect(html).toContain('<h3>What it does</h3>');
    expect(html).toContain('<code>hostPath</code>');
    expect(html).toContain('<strong>the socket</strong>');
    expect(html).toContain('<pre><code class="language-yaml">kind: Pod\n  a: &lt;b&gt;</code></pre>');
    expect(html).toContain('<ul><li>one</li><li>two <a href="#rule/DS001">DS001</a></li></ul>');
  });
  test('links autolinks', () => {
    expect(renderMarkdown('- <https://kubernetes.io/docs/concepts/storage/volumes/#hostpath>')).toBe(
      '<ul><li><a href="https://kubernetes.io/docs/concepts/storage/volumes/#hostpath" rel="noopener noreferrer" target="_blank">https://kubernetes.io/docs/concepts/storage/volumes/#hostpath</a></li></ul>',
    );
  });
  test('escapes HTML and drops unsafe links', () => {
    const html = renderMarkdown('<script>alert(1)</script> [x](javascript:alert(1)) [y](https://example.org/a?b=1&c=2)');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">y</a>');
  });
});
