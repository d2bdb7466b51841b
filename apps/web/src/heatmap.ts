// The hidden-state heatmap and the top-k bars of the inside view.
import { heatColor, showChar } from './format.js';
import type { InsideView } from './protocol.js';

const LABEL_H = 18;

/** Draws one layer's hidden states, units down and steps across, with the characters below. */
function drawLayer(canvas: HTMLCanvasElement, states: number[][], chars: string[]): void {
  const T = states.length;
  const H = states[0]?.length ?? 0;
  const cellW = Math.max(10, Math.min(28, Math.floor(640 / Math.max(1, T))));
  const cellH = Math.max(2, Math.min(16, Math.floor(256 / Math.max(1, H))));
  canvas.width = T * cellW;
  canvas.height = H * cellH + LABEL_H;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(T * cellW, H * cellH);
  for (let t = 0; t < T; t++) {
    for (let u = 0; u < H; u++) {
      const [r, g, b] = heatColor(states[t]?.[u] ?? 0);
      for (let y = u * cellH; y < (u + 1) * cellH; y++) {
        for (let x = t * cellW; x < (t + 1) * cellW; x++) {
          const i = (y * T * cellW + x) * 4;
          image.data[i] = r;
          image.data[i + 1] = g;
          image.data[i + 2] = b;
          image.data[i + 3] = 255;
        }
      }
    }
  }
  ctx.putImageData(image, 0, 0);
  ctx.fillStyle = '#1b1b1f';
  ctx.font = '12px ui-monospace, monospace';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  chars.forEach((ch, t) => {
    ctx.fillText(showChar(ch), t * cellW + cellW / 2, H * cellH + 3);
  });
}

/** Renders the whole inside view into its two containers. */
export function renderInside(view: InsideView, heatmaps: HTMLElement, topk: HTMLElement): void {
  const L = view.hidden.length;
  while (heatmaps.children.length > L * 2) heatmaps.lastElementChild?.remove();
  view.hidden.forEach((states, l) => {
    let title = heatmaps.children[l * 2] as HTMLElement | undefined;
    let canvas = heatmaps.children[l * 2 + 1] as HTMLCanvasElement | undefined;
    if (!title || !canvas) {
      title = document.createElement('h3');
      canvas = document.createElement('canvas');
      canvas.className = 'heatmap';
      canvas.setAttribute('role', 'img');
      heatmaps.append(title, canvas);
    }
    const H = states[0]?.length ?? 0;
    title.textContent = `Hidden state, layer ${l + 1} (${H} units × ${view.chars.length} steps)`;
    canvas.setAttribute(
      'aria-label',
      `Heatmap of layer ${l + 1}'s hidden state: ${H} units by ${view.chars.length} characters of "${view.chars.join('')}"`,
    );
    drawLayer(canvas, states, view.chars);
  });
  const figures = view.top.map((entries, t) => {
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = `after ${showChar(view.chars[t] ?? '')}`;
    figure.append(caption);
    for (const { char, p } of entries) {
      const bar = document.createElement('div');
      bar.className = 'bar';
      const c = document.createElement('span');
      c.textContent = showChar(char);
      // A plain div bar: <meter> is painted by the native theme, which cost ~100 ms per
      // update in Chromium's software renderer.
      const meter = document.createElement('span');
      meter.className = 'meter';
      const fill = document.createElement('span');
      fill.style.width = `${(p * 100).toFixed(1)}%`;
      meter.append(fill);
      bar.setAttribute('aria-label', `${JSON.stringify(char)}: ${(p * 100).toFixed(1)}%`);
      bar.setAttribute('role', 'img');
      const pct = document.createElement('span');
      pct.textContent = `${(p * 100).toFixed(0)}%`;
      bar.append(c, meter, pct);
      figure.append(bar);
    }
    return figure;
  });
  topk.replaceChildren(...figures);
}
