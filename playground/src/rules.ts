// The Rules tab: the rule list and each rule's page, served from the wasm's rules() so links work offline.
import type { RuleInfo } from './wasm-pkg/dockscape_wasm';
import { $, h } from './dom';
import { app } from './app';
import { escapeHtml, inline, renderMarkdown } from './markdown';

export let rules: RuleInfo[] = [];
export function setRules(r: RuleInfo[]): void {
  rules = r;
}

const rulesPanel = $('panel-rules');

export function renderRules(): void {
  rulesPanel.replaceChildren();
  const want = app.state.rule;
  const rule = rules.find((r) => r.code.toLowerCase() === want.toLowerCase() || r.name === want);
  if (want && rule) {
    const page = h('article', { class: 'rule-page', id: `rule-${rule.code}` });
    // The page is the rule's own documentation (docs/rules/<name>.md), served from the wasm: it works offline.
    const title = /^\s*#\s/.test(rule.docs) ? '' : `<h2>${escapeHtml(rule.code)} ${escapeHtml(rule.name)}</h2><p class="summary">${inline(rule.summary)}</p>`;
    page.innerHTML = `${title}${renderMarkdown(rule.docs)}`;
    // Code blocks scroll sideways: reachable by keyboard.
    for (const pre of page.querySelectorAll('pre')) pre.tabIndex = 0;
    rulesPanel.append(h('p', {}, h('a', { href: '#rules', text: 'All rules' })), page);
    document.title = `${rule.code} ${rule.name} · dockscape playground`;
    return;
  }
  document.title = 'dockscape playground';
  if (want) rulesPanel.append(h('p', { class: 'error', role: 'alert', text: `No rule ${want}.` }));
  const summary = (text: string) => {
    const td = h('td', {});
    td.innerHTML = inline(text);
    return td;
  };
  rulesPanel.append(
    h('h2', { text: 'Rules' }),
    rules.length
      ? h(
          'div',
          { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Rules table' },
          h(
            'table',
            { class: 'rules' },
            h('thead', {}, h('tr', {}, h('th', { text: 'Code' }), h('th', { text: 'Name' }), h('th', { text: 'Severity' }), h('th', { text: 'Summary' }))),
            h('tbody', {}, ...rules.map((r) => h('tr', {}, h('td', {}, h('a', { href: `#rule/${r.code}`, text: r.code })), h('td', { text: r.name }), h('td', { text: r.severity }), summary(r.summary)))),
          ),
        )
      : h('p', { text: 'The rule list is not available.' }),
  );
}
