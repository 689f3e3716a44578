// Pan and zoom for the diagrams (the topology, the Lint tab's reach pictures), built on the box's own
// scrolling: one finger, a trackpad, the scroll bars and the arrow keys pan it as any scrollable box;
// what is added is the zoom: "Zoom in" / "Zoom out" / "Fit" buttons, + and - (0 fits) on the focused box,
// a two-finger pinch, Ctrl + wheel (a trackpad's pinch), and dragging with the mouse.
import { h } from './dom';

/** The smallest width a diagram starts at (a phone's screen is narrower: it starts zoomed, scrolling). */
const READABLE_PX = 640;
const MAX_SCALE = 6;
const STEP = 1.25;

export interface Zoom {
  /** The buttons, for the card's header. */
  controls: HTMLElement;
  /** Back to the starting scale (a new picture). */
  reset(): void;
  /** The current scale: 1 is the box's width. */
  scale(): number;
}

/** Makes `box` (a focusable scroll container holding `img`) zoomable; `name` names the buttons' group. */
export function zoomable(box: HTMLElement, img: HTMLImageElement, name: string): Zoom {
  let scale = 1;
  /** The user chose a scale: a resize no longer changes it. */
  let chosen = false;
  const level = h('span', { class: 'zoom-level', 'aria-live': 'polite' });
  const start = () => Math.max(1, READABLE_PX / Math.max(box.clientWidth, 1));
  const apply = () => {
    img.style.width = `${(scale * 100).toFixed(2)}%`;
    level.textContent = `${Math.round(scale * 100)}%`;
  };
  /** Zooms to `next`, keeping the point at (cx, cy) in the box (its centre by default) where it is. */
  const zoomTo = (next: number, cx = box.clientWidth / 2, cy = box.clientHeight / 2) => {
    chosen = true;
    next = Math.min(Math.max(next, 1), MAX_SCALE);
    if (next === scale) return;
    const fx = (box.scrollLeft + cx) / Math.max(img.offsetWidth, 1);
    const fy = (box.scrollTop + cy) / Math.max(img.offsetHeight, 1);
    scale = next;
    apply();
    box.scrollLeft = fx * img.offsetWidth - cx;
    box.scrollTop = fy * img.offsetHeight - cy;
  };
  const controls = h(
    'span',
    { class: 'zoom', role: 'group', 'aria-label': name },
    h('button', { type: 'button', text: 'Zoom out', onclick: () => zoomTo(scale / STEP) }),
    level,
    h('button', { type: 'button', text: 'Zoom in', onclick: () => zoomTo(scale * STEP) }),
    h('button', { type: 'button', text: 'Fit', onclick: () => zoomTo(1) }),
  );

  box.classList.add('zoomable');
  box.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === '+' || ev.key === '=') zoomTo(scale * STEP);
    else if (ev.key === '-' || ev.key === '_') zoomTo(scale / STEP);
    else if (ev.key === '0') zoomTo(1);
    else return;
    ev.preventDefault();
  });
  box.addEventListener(
    'wheel',
    (ev) => {
      if (!ev.ctrlKey) return; // a plain wheel scrolls the box (or the page)
      ev.preventDefault();
      const r = box.getBoundingClientRect();
      zoomTo(scale * Math.exp(-ev.deltaY / 300), ev.clientX - r.left, ev.clientY - r.top);
    },
    { passive: false },
  );

  // Pointers: a mouse drags the picture; two touches pinch (one touch is the box's own scrolling).
  const touches = new Map<number, { x: number; y: number }>();
  let pinch: { d: number; s: number } | null = null;
  let drag: { x: number; y: number; left: number; top: number } | null = null;
  const distance = () => {
    const [a, b] = [...touches.values()];
    return Math.hypot(a.x - b.x, a.y - b.y) || 1;
  };
  box.addEventListener('pointerdown', (ev) => {
    if (ev.pointerType === 'mouse') {
      if (ev.button !== 0) return;
      drag = { x: ev.clientX, y: ev.clientY, left: box.scrollLeft, top: box.scrollTop };
      box.setPointerCapture(ev.pointerId);
      box.classList.add('dragging');
      ev.preventDefault();
      return;
    }
    touches.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    if (touches.size === 2) pinch = { d: distance(), s: scale };
  });
  box.addEventListener('pointermove', (ev) => {
    if (drag && ev.pointerType === 'mouse') {
      box.scrollLeft = drag.left - (ev.clientX - drag.x);
      box.scrollTop = drag.top - (ev.clientY - drag.y);
      return;
    }
    if (!touches.has(ev.pointerId)) return;
    touches.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    if (pinch && touches.size === 2) {
      const [a, b] = [...touches.values()];
      const r = box.getBoundingClientRect();
      zoomTo(pinch.s * (distance() / pinch.d), (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
    }
  });
  const end = (ev: PointerEvent) => {
    if (ev.pointerType === 'mouse') {
      drag = null;
      box.classList.remove('dragging');
    }
    touches.delete(ev.pointerId);
    if (touches.size < 2) pinch = null;
  };
  box.addEventListener('pointerup', end);
  box.addEventListener('pointercancel', end);

  const reset = () => {
    chosen = false;
    scale = start();
    apply();
    box.scrollLeft = 0;
    box.scrollTop = 0;
  };
  apply();
  // The box's width is known once it is laid out (a hidden tab has none yet).
  new ResizeObserver(() => {
    if (box.clientWidth && !chosen && scale !== start()) reset();
  }).observe(box);
  return { controls, reset, scale: () => scale };
}
