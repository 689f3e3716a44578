// The dockscape playground: boot, tabs, routing and share links. Each tab is a module of its own
// (generate.ts, lint.ts, rules.ts) over app.ts (engine, state, persistence).
import './style.css';
import type { Formats, RuleInfo, ScenarioInfo } from './wasm-pkg/dockscape_wasm';
import { $, announce, copyText, h } from './dom';
import { app, cancelPersist, engine, idle, persist, set, tabHooks, timings, track } from './app';
import { DEFAULT_STATE, type State, type Tab, decodeLink, encodeLink, loadLocal } from './state';
import { applyGenerateState, chooseScenario, lazyCards, regenerate, rendered, scenarios, setCatalogue, showHandoff, showPrerendered, shownNow, shownText, useViewers } from './generate';
import { applyLintState, hooks as lintHooks, relint, setInput, shownMarks, useEditor } from './lint';
import { applyConvertState, convertMarks, convertShown, reconvert, setConvertInput, useConvertEditor } from './convert';
import { renderRules, setRules } from './rules';
import { shownMigration } from './migrate';
import { shownFix } from './fix';
import { initTheme } from './theme';

declare global {
  interface Window {
    __dockscape: {
      timings: typeof timings;
      engine: typeof engine;
      state: () => State;
      idle: () => Promise<void>;
      setInput: (text: string) => void;
      /** The text an output shows (its viewer's document), by key: `pod`, `compose`, `run`, ...; an
       * off-screen card is brought up to date first (`shownNow` reads it as it is). */
      shown: (key: string) => Promise<string>;
      shownNow: (key: string) => string;
      /** The bench's switch: off, every output card renders on every edit (as before they waited off screen). */
      lazyCards: { on: boolean };
      /** The Lint editor's marks: each finding's code, line, and the text its mark starts at. */
      marks: () => { code: string; line: number; from: number; at: string }[];
      setConvertInput: (text: string) => void;
      /** The Convert tab's files as shown, by file name. */
      converted: () => Record<string, string>;
      /** The Convert editor's marks (as `marks`). */
      convertMarks: () => { code: string; line: number; from: number; at: string }[];
      /** The Migrate panel's diff (as computed and as its viewer shows it), or null when closed. */
      migration: typeof shownMigration;
      /** The Fix panel's answer, diff and the editor changes Apply makes, or null when closed. */
      fixShown: typeof shownFix;
    };
  }
}

const TABS: Tab[] = ['generate', 'lint', 'convert', 'rules'];

// ---------------------------------------------------------------------------------------------------------
// Tabs

function showTab(tab: Tab): void {
  for (const t of TABS) {
    const on = t === tab;
    $(`tab-${t}`).setAttribute('aria-selected', String(on));
    $(`tab-${t}`).tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  // "include my input" belongs to the links of the tabs that hold pasted input.
  $('share-input-field').hidden = tab !== 'lint' && tab !== 'convert';
  tabHooks[tab]?.();
}

function setTab(tab: Tab): void {
  set({ tab });
  showTab(tab);
  if (tab === 'rules') renderRules();
  persist();
}

lintHooks.openInGenerate = (scenario, params, notice) => {
  chooseScenario(scenario, true);
  // Only what differs from the scenario's defaults is state (as a person's edits are).
  const spec = scenarios.find((s) => s.id === scenario)?.params ?? [];
  const changed = Object.fromEntries(Object.entries(params).filter(([k, v]) => spec.some((p) => p.name === k && p.default !== v)));
  if (Object.keys(changed).length) {
    set({ params: changed });
    applyGenerateState();
    regenerate();
  }
  showHandoff(notice);
  setTab('generate');
};

// ---------------------------------------------------------------------------------------------------------
// Share links: the current tab's state only; the Lint input only when "include my input" is ticked.

const shareInput = $('share-input') as HTMLInputElement;
const shareWarning = $('share-warning');
function showShareInput(): void {
  shareInput.checked = app.state.shareInput;
  shareWarning.hidden = !app.state.shareInput;
}
shareInput.addEventListener('change', () => {
  set({ shareInput: shareInput.checked });
  showShareInput();
  persist();
});

$('copy-link').addEventListener('click', async () => {
  const frag = await encodeLink(app.state);
  const url = `${location.origin}${location.pathname}#${frag}`;
  const what =
    app.state.tab === 'generate'
      ? 'this scenario and its parameters'
      : app.state.tab === 'lint'
        ? app.state.shareInput && app.state.input
          ? 'the Lint tab with your input'
          : 'the Lint tab, without your input'
        : app.state.tab === 'convert'
          ? app.state.shareInput && app.state.cInput
            ? 'the Convert tab with your input'
            : 'the Convert tab, without your input'
          : 'this rule page';
  announce((await copyText(url)) ? `Copied a link to ${what}` : 'Could not copy the link');
});

const linkBroken = $('link-broken');
function showBroken(on: boolean): void {
  linkBroken.hidden = !on;
}
$('link-broken-close').addEventListener('click', () => showBroken(false));

// ---------------------------------------------------------------------------------------------------------
// Routing: `#s=...` is a link's state, `#rule/DS001` a rule page, `#rules` the rule list

async function route(hash: string): Promise<boolean> {
  const rule = /^#rule\/([\w-]+)$/.exec(hash);
  if (rule || hash === '#rules') {
    set({ tab: 'rules', rule: rule ? decodeURIComponent(rule[1]) : '' });
    showTab('rules');
    renderRules();
    window.scrollTo(0, 0);
    return true;
  }
  const decoded = await decodeLink(hash, app.state);
  if (decoded === 'broken') {
    showBroken(true);
    return false;
  }
  if (decoded) {
    showBroken(false);
    app.state = decoded;
    return true;
  }
  return false;
}

function applyState(): void {
  showTab(app.state.tab);
  applyGenerateState();
  applyLintState();
  applyConvertState();
  showShareInput();
  if (app.state.tab === 'rules') renderRules();
}

window.addEventListener('hashchange', async () => {
  const pending = cancelPersist();
  const frag = await encodeLink(app.state);
  if (location.hash === '#' + frag) {
    if (pending) persist();
    return;
  }
  if (await route(location.hash)) {
    applyState();
    regenerate();
    relint();
    reconvert();
    persist();
  }
});

for (const t of TABS) {
  $(`tab-${t}`).addEventListener('click', () => {
    if (t === 'rules') set({ rule: '' });
    setTab(t);
  });
}
$('tab-generate').parentElement!.addEventListener('keydown', (ev) => {
  const i = TABS.indexOf(app.state.tab);
  const k = (ev as KeyboardEvent).key;
  if (k !== 'ArrowRight' && k !== 'ArrowLeft') return;
  const next = TABS[(i + (k === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
  setTab(next);
  $(`tab-${next}`).focus();
});
$('home-link').addEventListener('click', (ev) => {
  ev.preventDefault();
  setTab('generate');
});

// ---------------------------------------------------------------------------------------------------------
// Start

const status = $('engine-status');
const retry = h('button', { type: 'button', id: 'engine-retry', text: 'Retry', hidden: true, onclick: () => void bootEngine(true) });
status.after(retry);

/** Asks the worker for the catalogue; on failure says so with a Retry that starts a fresh worker. */
async function bootEngine(again = false): Promise<void> {
  if (again) {
    engine.retry();
    retry.hidden = true;
    status.textContent = 'Loading…';
    status.classList.remove('bad');
  }
  const [v, sc, fo, ru] = await Promise.all([
    track(engine.call<string>('version')),
    track(engine.call<ScenarioInfo[]>('scenarios')),
    track(engine.call<Formats>('formats')),
    track(engine.call<RuleInfo[]>('rules')),
  ]);
  const problems = [v, sc, fo, ru].flatMap((r) => (r.ok ? [] : [r.error.message]));
  if (v.ok) $('version').textContent = `dockscape ${v.value}`;
  if (ru.ok) setRules(ru.value);
  if (sc.ok) {
    app.engineReady = true;
    setCatalogue(sc.value, fo.ok ? fo.value : null);
    applyState();
    regenerate();
    relint();
    reconvert();
    persist();
  }
  if (app.state.tab === 'rules') renderRules();
  status.textContent = problems.length ? `Engine: ${[...new Set(problems)].join('; ')}` : 'Ready';
  status.classList.toggle('bad', problems.length > 0);
  retry.hidden = problems.length === 0;
}

/** CodeMirror (the editors and the output viewers) after the first output, unless an editor's tab is open. */
async function loadEditor(): Promise<void> {
  if (app.state.tab !== 'lint' && app.state.tab !== 'convert') await rendered;
  const mod = await track(import('./editor'));
  useViewers(mod);
  useEditor(mod);
  useConvertEditor(mod);
}

async function start(): Promise<void> {
  initTheme();
  const local = loadLocal() ?? { ...DEFAULT_STATE };
  app.state = local;
  if (!(await route(location.hash))) app.state = local;
  applyState();
  showPrerendered();
  void loadEditor();
  await bootEngine();
}

window.__dockscape = {
  timings,
  engine,
  state: () => app.state,
  idle,
  setInput,
  shown: shownText,
  shownNow,
  lazyCards,
  marks: shownMarks,
  setConvertInput,
  converted: convertShown,
  convertMarks: convertMarks,
  migration: shownMigration,
  fixShown: shownFix,
};

start();
