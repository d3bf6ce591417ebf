/// <reference lib="dom" />
// Small pieces the views share: figure tiles, badges, label chips, colours.
import { h, type Child } from './dom.ts';

/** Component colours, the same in every chart and legend. */
export const COLORS: Record<string, string> = {
  cpu: '#2f6fde',
  package: '#2f6fde',
  psys: '#2f6fde',
  core: '#6a9cf0',
  uncore: '#9cbcf5',
  dram: '#8a4fd8',
  gpu: '#119a6b',
  other: '#e08a12',
  wall: '#1f2430',
  unattributed: '#9aa3b2',
  intensity: '#c2412d',
};

/** GPUs and packages get shades so two devices of one kind stay apart. */
export function colorFor(domain: string, index: number): string {
  const shades: Record<string, string[]> = {
    package: ['#2f6fde', '#5b8fe8', '#1d4fae', '#86acef'],
    dram: ['#8a4fd8', '#a77be3', '#6b35b3', '#c3a4ed'],
    gpu: ['#119a6b', '#3dbb8c', '#0b7652', '#72d1ac', '#0e5e43', '#9fe0c6', '#18b07c', '#2c7a5d'],
  };
  const list = shades[domain];
  return list ? list[index % list.length]! : (COLORS[domain] ?? '#777');
}

export function tile(label: string, value: Child, field: string, note?: Child): HTMLElement {
  return h('div', { class: 'tile' }, h('div', { class: 'tile-label' }, label), h('div', { class: 'tile-value', 'data-field': field }, value), note ? h('div', { class: 'tile-note' }, note) : null);
}

export function qualityBadge(quality: string): HTMLElement {
  const text = quality === 'estimate' ? 'estimate' : quality === 'integrated_power' ? 'integrated power' : quality === 'counter' ? 'counter' : quality;
  return h('span', { class: `badge q-${quality.replace(/[^a-z_]/g, '')}`, title: quality === 'estimate' ? 'Modelled, not measured: no hardware counter for this domain' : quality === 'counter' ? 'From a cumulative energy counter' : 'Power readings integrated over time' }, text);
}

export function labelChips(labels: Record<string, string>, onPick?: (k: string, v: string) => void): HTMLElement {
  return h(
    'span',
    { class: 'chips' },
    Object.entries(labels).map(([k, v]) =>
      onPick
        ? h('button', { type: 'button', class: 'chip', title: `Filter by ${k}=${v}`, onclick: () => onPick(k, v) }, h('span', { class: 'chip-k' }, k), '=', v)
        : h('span', { class: 'chip' }, h('span', { class: 'chip-k' }, k), '=', v),
    ),
  );
}

export function banner(kind: 'error' | 'info', text: string): HTMLElement {
  return h('div', { class: `banner ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
