// Light and dark: the page follows `prefers-color-scheme` until the user picks one with the toggle; the
// choice is kept in localStorage. style.css holds both palettes (editor, cards, diagrams, code).
import { $ } from './dom';

const KEY = 'dockscape.playground.theme';
type Theme = 'light' | 'dark';

function stored(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

const system = matchMedia('(prefers-color-scheme: dark)');
export const current = (): Theme => (document.documentElement.dataset.theme as Theme | undefined) ?? (system.matches ? 'dark' : 'light');

function apply(theme: Theme | null): void {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  const button = $('theme-toggle');
  const other = current() === 'dark' ? 'light' : 'dark';
  // The button says what it does; its name is its text.
  button.textContent = other === 'dark' ? 'Dark theme' : 'Light theme';
}

export function initTheme(): void {
  apply(stored());
  system.addEventListener('change', () => apply(stored()));
  $('theme-toggle').addEventListener('click', () => {
    const next: Theme = current() === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // storage disabled: the choice lasts for this page
    }
    apply(next);
  });
}
