/// <reference lib="dom" />
// Small SVG time charts, drawn by hand. A series value is the average over
// its bucket [t, t + step), so it is drawn as a flat step across the bucket,
// never as a slope between two points. Estimates are hatched.
import { h, s } from './dom.ts';
import { clock, sig } from './format.ts';
import { stack } from './model.ts';

export interface Band {
  label: string;
  color: string;
  values: (number | null)[];
  /** Drawn hatched and named "estimate" in the legend. */
  estimate?: boolean;
}

export interface Line {
  label: string;
  color: string;
  values: (number | null)[];
  dashed?: boolean;
  /** The right axis has its own unit (e.g. gCO₂e/kWh). */
  right?: boolean;
}

export interface ChartSpec {
  title: string;
  /** Bucket starts, ms since the epoch. */
  times: number[];
  stepMs: number;
  /** Where the last bucket stops when it is cut short (see seriesColumns). */
  endMs?: number;
  /** Stacked from the first band up. */
  bands: Band[];
  lines?: Line[];
  rightUnit?: string;
  format: (v: number) => string;
  rightFormat?: (v: number) => string;
}

/** Round tick values from 0 up to at least max: steps of 1, 2, 2.5 or 5 × 10^k. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 1e-9; v += step) ticks.push(Number((v).toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** Tick times at whole seconds/minutes/hours, about `count` of them, inside [from, to]. */
export function timeTicks(fromMs: number, toMs: number, count = 6): number[] {
  const span = Math.max(1, toMs - fromMs);
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((x) => x * 1000);
  const step = steps.find((x) => span / x <= count) ?? steps[steps.length - 1]!;
  const out: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) out.push(t);
  return out;
}

const W = 800;
let patternSeq = 0;

/** Consecutive runs of buckets with data, as [first, last] index pairs. */
export function runs(values: readonly (number | null)[]): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  values.forEach((v, i) => {
    if (v !== null && start < 0) start = i;
    if (v === null && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start, values.length - 1]);
  return out;
}

export function timeChart(spec: ChartSpec, height = 260): HTMLElement {
  const { times, stepMs } = spec;
  const H = height;
  const PAD = { left: 64, right: (spec.lines ?? []).some((l) => l.right) ? 64 : 16, top: 12, bottom: 28 };
  const x0 = times[0] ?? 0;
  const x1 = Math.min(spec.endMs ?? Infinity, (times[times.length - 1] ?? 0) + stepMs);
  const right = (i: number) => Math.min(times[i]! + stepMs, x1);
  const x = (t: number) => PAD.left + ((t - x0) / Math.max(1, x1 - x0)) * (W - PAD.left - PAD.right);
  // Bands stack with gaps kept: a null bucket is null in every band.
  const gap = times.map((_, i) => spec.bands.every((b) => b.values[i] === null || b.values[i] === undefined) && spec.bands.length > 0);
  const tops = stack(spec.bands.map((b) => b.values.map((v) => v ?? 0)));
  const left = (spec.lines ?? []).filter((l) => !l.right);
  const rightLines = (spec.lines ?? []).filter((l) => l.right);
  const maxOf = (vals: (number | null)[][]) => Math.max(0, ...vals.flat().filter((v): v is number => v !== null && Number.isFinite(v)));
  const yTicks = niceTicks(Math.max(maxOf([tops[tops.length - 1] ?? []]), maxOf(left.map((l) => l.values))) * 1.05 || 1);
  const yMax = yTicks[yTicks.length - 1]!;
  const y = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const rTicks = rightLines.length ? niceTicks(maxOf(rightLines.map((l) => l.values)) * 1.05 || 1, 4) : [];
  const rMax = rTicks[rTicks.length - 1] ?? 1;
  const yr = (v: number) => H - PAD.bottom - (v / rMax) * (H - PAD.top - PAD.bottom);

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': spec.title });
  const defs = s('defs');
  svg.append(defs);

  for (const v of yTicks) {
    svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: PAD.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, spec.format(v)));
  }
  for (const v of rTicks) svg.append(s('text', { x: W - PAD.right + 6, y: yr(v) + 4, class: 'tick right', 'text-anchor': 'start' }, (spec.rightFormat ?? spec.format)(v)));
  for (const t of timeTicks(x0, x1)) {
    svg.append(s('line', { x1: x(t), x2: x(t), y1: H - PAD.bottom, y2: H - PAD.bottom + 4, class: 'axis' }));
    svg.append(s('text', { x: x(t), y: H - 8, class: 'tick', 'text-anchor': 'middle' }, clock(t)));
  }
  svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: 'axis' }));

  // Step paths: along the top of each bucket, back along the bottom.
  const stepPath = (top: (i: number) => number, bottom: ((i: number) => number) | undefined, from: number, to: number) => {
    let d = '';
    for (let i = from; i <= to; i++) d += `${i === from ? 'M' : 'L'}${x(times[i]!).toFixed(1)},${top(i).toFixed(1)}L${x(right(i)).toFixed(1)},${top(i).toFixed(1)}`;
    if (bottom) for (let i = to; i >= from; i--) d += `L${x(right(i)).toFixed(1)},${bottom(i).toFixed(1)}L${x(times[i]!).toFixed(1)},${bottom(i).toFixed(1)}`;
    return bottom ? d + 'Z' : d;
  };
  spec.bands.forEach((b, k) => {
    let fillRef = b.color;
    if (b.estimate) {
      const id = `hatch-${++patternSeq}`;
      defs.append(
        s('pattern', { id, patternUnits: 'userSpaceOnUse', width: 7, height: 7, patternTransform: 'rotate(45)' },
          s('rect', { width: 7, height: 7, fill: b.color, 'fill-opacity': 0.22 }),
          s('line', { x1: 0, y1: 0, x2: 0, y2: 7, stroke: b.color, 'stroke-width': 3 })),
      );
      fillRef = `url(#${id})`;
    }
    for (const [from, to] of runs(gap.map((g, i) => (g ? null : i)))) {
      svg.append(s('path', { d: stepPath((i) => y(tops[k]![i]!), (i) => y(k > 0 ? tops[k - 1]![i]! : 0), from, to), fill: fillRef, 'fill-opacity': b.estimate ? 1 : 0.85, stroke: b.color, 'stroke-width': 1, class: b.estimate ? 'band estimate' : 'band' }));
    }
  });
  for (const l of spec.lines ?? []) {
    const yl = l.right ? yr : y;
    for (const [from, to] of runs(l.values)) {
      svg.append(s('path', { d: stepPath((i) => yl(l.values[i]!), undefined, from, to), fill: 'none', stroke: l.color, 'stroke-width': 2, 'stroke-dasharray': l.dashed ? '6 4' : null, class: 'line' }));
    }
  }
  if (spec.rightUnit) svg.append(s('text', { x: W - 6, y: (H - PAD.bottom + PAD.top) / 2, class: 'unit', 'text-anchor': 'middle', transform: `rotate(90 ${W - 6} ${(H - PAD.bottom + PAD.top) / 2})` }, spec.rightUnit));

  // Hover: a cursor line and the bucket's values.
  const cursor = s('line', { y1: PAD.top, y2: H - PAD.bottom, class: 'cursor', visibility: 'hidden' });
  svg.append(cursor);
  const tip = h('div', { class: 'tip', hidden: true });
  const hit = s('rect', { x: PAD.left, y: PAD.top, width: W - PAD.left - PAD.right, height: H - PAD.top - PAD.bottom, fill: 'transparent' });
  svg.append(hit);
  hit.addEventListener('mousemove', (ev) => {
    const box = svg.getBoundingClientRect();
    const vx = ((ev.clientX - box.left) / box.width) * W;
    const t = x0 + ((vx - PAD.left) / (W - PAD.left - PAD.right)) * (x1 - x0);
    const i = Math.min(times.length - 1, Math.max(0, Math.floor((t - x0) / stepMs)));
    if (times[i] === undefined) return;
    cursor.setAttribute('x1', String(x((times[i]! + right(i)) / 2)));
    cursor.setAttribute('x2', String(x((times[i]! + right(i)) / 2)));
    cursor.setAttribute('visibility', 'visible');
    const rows = [
      ...spec.bands.map((b) => [b.label, b.values[i], spec.format] as const),
      ...(spec.lines ?? []).map((l) => [l.label, l.values[i], l.right ? (spec.rightFormat ?? spec.format) : spec.format] as const),
    ];
    tip.replaceChildren(
      h('div', { class: 'tip-time' }, `${clock(times[i]!)}–${clock(right(i))} UTC`),
      ...rows.map(([label, v, f]) => h('div', null, h('span', null, label), ' ', h('b', null, v === null || v === undefined ? 'no data' : f(v)))),
    );
    tip.hidden = false;
    tip.style.left = `${Math.min(box.width - 200, Math.max(0, ev.clientX - box.left + 12))}px`;
  });
  hit.addEventListener('mouseleave', () => {
    cursor.setAttribute('visibility', 'hidden');
    tip.hidden = true;
  });

  const legend = h(
    'ul',
    { class: 'legend' },
    spec.bands.map((b) => h('li', null, h('span', { class: b.estimate ? 'swatch hatched' : 'swatch', 'data-color': b.color }), b.label, b.estimate ? h('span', { class: 'badge estimate' }, 'estimate') : null)),
    (spec.lines ?? []).map((l) => h('li', null, h('span', { class: l.dashed ? 'swatch line dashed' : 'swatch line', 'data-color': l.color }), l.label)),
  );
  // Swatch colours through CSSOM: the page's CSP allows no inline style attributes.
  for (const sw of legend.querySelectorAll<HTMLElement>('.swatch')) sw.style.setProperty('--c', sw.dataset.color ?? '#888');
  if (times.length === 0) return h('figure', { class: 'chart-box empty' }, h('p', { class: 'muted' }, 'No data in this window yet.'));
  return h('figure', { class: 'chart-box' }, svg, tip, legend);
}

/** Formats an axis value in a unit: "120 W", "0.5 kW" stays with the caller. */
export const axis = (unit: string) => (v: number) => `${sig(v, 3)} ${unit}`;
