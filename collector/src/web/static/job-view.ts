/// <reference lib="dom" />
// One job: power over time stacked by component, carbon with the grid
// intensity and its quality breakdown, and the report `wattprint report
// --job` prints, downloadable as CSV or JSON.
import { api } from './api.ts';
import { axis, timeChart, type Line } from './chart.ts';
import { h } from './dom.ts';
import { carbon, duration, energy, isoToUs, percent, power, sig, utc } from './format.ts';
import { intensityLine, isRunning, reportCsv, seriesColumns, stepFor, type JobReport } from './model.ts';
import { banner, COLORS, labelChips, tile } from './parts.ts';

export const JOB_REFRESH_MS = 5000;

const COMPONENTS = [
  { key: 'cpu', label: 'CPU' },
  { key: 'dram', label: 'DRAM' },
  { key: 'gpu', label: 'GPU' },
  { key: 'other', label: 'Other (wall − components)' },
] as const;

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a job id: ids may hold "/" and ":". */
const fileStem = (id: string) => `wattprint-${id.replace(/[^A-Za-z0-9._-]+/g, '_')}`;

export async function renderJob(id: string): Promise<{ el: HTMLElement; running: boolean }> {
  const [r, hosts] = await Promise.all([api.job(id), api.hosts()]);
  // At least ~5 agent intervals per bucket (see the host view).
  const intervals = hosts.filter((x) => r.hosts.includes(x.host) && x.latest).map((x) => (isoToUs(x.latest!.end) - isoToUs(x.latest!.start)) / 1e6);
  const stepS = stepFor(r.durationSeconds, 150, Math.ceil(5 * (intervals.length ? Math.min(...intervals) : 1)));
  const points = await api.jobSeries(id, stepS);
  const running = isRunning(r, hosts, Date.now());
  const e = r.energy;
  const meanW = r.durationSeconds > 0 ? (e.softwareKwh * 3.6e6) / r.durationSeconds : 0;

  const head = h(
    'header',
    { class: 'job-head' },
    h('a', { href: '#/jobs', class: 'back' }, '← All jobs'),
    h('h1', null, h('span', { 'data-field': 'job-id' }, r.jobId), ' ', h('span', { class: running ? 'status running' : 'status ended' }, running ? 'running' : 'ended')),
    labelChips(r.labels),
    h('p', { class: 'muted' }, `${utc(r.start)} → ${utc(r.end)} · ${duration(r.durationSeconds)} · on ${r.hosts.join(', ')}`),
  );

  const tiles = h(
    'div',
    { class: 'tiles' },
    tile('Energy, software', energy(e.softwareKwh), 'software', e.estimated ? h('span', { class: 'badge estimate' }, 'includes estimate') : 'RAPL + NVML counters'),
    tile('Energy, wall', energy(e.wallKwh), 'wall', e.wallBasis === 'meter' ? 'wall meter, reconciled over time' : 'no wall meter: equals software'),
    tile('Carbon', r.carbon ? carbon(r.carbon.gco2e) : h('span', { class: 'none' }, 'no figure yet'), 'carbon', r.carbon ? `${r.carbon.basis}, zone ${r.carbon.zone}${r.carbon.pue?.length ? `, PUE ${r.carbon.pue.join('/')}` : ''}, on ${r.carbon.energyBasis ?? 'wall'} energy${r.carbon.provisional ? ', provisional' : ''}` : 'the collector has no grid intensity for it'),
    tile('Mean power', power(meanW), 'mean-watts', 'software, over the whole job'),
    tile('Per 1M tokens', r.normalised.kwhPer1MTokens !== null ? energy(r.normalised.kwhPer1MTokens) : '—', 'per-tokens', r.normalised.kwhPer1MTokens !== null ? `${sig(r.progress.tokens)} tokens, wall energy` : 'the job reported no tokens'),
    tile('Per 1k examples', r.normalised.kwhPer1kExamples !== null ? energy(r.normalised.kwhPer1kExamples) : '—', 'per-examples', r.normalised.kwhPer1kExamples !== null ? `${sig(r.progress.examples)} examples` : 'the job reported no examples'),
  );

  // Power by component, stacked; the grid intensity on the right axis.
  const cols = seriesColumns(points, COMPONENTS.map((c) => c.key), stepS, isoToUs(r.end));
  const used = COMPONENTS.filter((c) => (cols.values[c.key] ?? []).some((v) => v !== null && v > 0));
  const lines: Line[] = [];
  const il = intensityLine(r);
  if (il?.kind === 'mean') lines.push({ label: 'Grid intensity, job mean (gCO₂e ÷ kWh, PUE included)', color: COLORS.intensity!, values: cols.times.map(() => il.gco2ePerKwh), dashed: true, right: true });
  if (il?.kind === 'periods') {
    const at = (t: number) => il.periods.find((p) => isoToUs(p.start) / 1000 <= t && t < isoToUs(p.end) / 1000)?.gco2ePerKwh ?? null;
    lines.push({ label: 'Grid intensity (gCO₂e/kWh)', color: COLORS.intensity!, values: cols.times.map((t) => at(t + (stepS * 1000) / 2)), right: true });
  }
  const chart = timeChart({
    title: `Power of job ${r.jobId} over time, by component`,
    times: cols.times,
    stepMs: stepS * 1000,
    endMs: cols.endMs,
    bands: used.map((c) => ({ label: c.label, color: COLORS[c.key]!, values: cols.values[c.key] ?? [], estimate: e.estimated })),
    lines,
    rightUnit: lines.length ? 'gCO₂e/kWh' : undefined,
    format: axis('W'),
    rightFormat: (v) => sig(v, 3),
  });

  const c = r.carbon;
  const shares = c ? Object.entries(c.kwhShareByQuality).filter(([, v]) => v > 0) : [];
  const shareBar = h('div', { class: 'share-bar', role: 'img', 'aria-label': 'kWh share by intensity quality' });
  for (const [q, v] of shares) {
    const seg = h('span', { class: `seg q-${q.replace(/[^a-z_]/g, '')}`, title: `${q}: ${percent(v)}` });
    seg.style.setProperty('--w', `${(v * 100).toFixed(3)}%`);
    shareBar.append(seg);
  }
  const carbonPanel = h(
    'section',
    { class: 'card carbon', 'data-section': 'carbon' },
    h('h2', null, 'Carbon'),
    c
      ? [
          h('p', { class: 'big', 'data-field': 'gco2e' }, carbon(c.gco2e)),
          h('p', { class: 'muted' }, `software ${carbon(c.gco2eSoftware)} · wall ${carbon(c.gco2eWall)} · basis ${c.basis} · zone ${c.zone}`, c.provisional ? h('span', { class: 'badge warn' }, 'provisional: restated when final data arrives') : null),
          h('h3', null, 'Intensity quality, share of the job’s kWh'),
          shareBar,
          h('ul', { class: 'shares' }, shares.map(([q, v]) => h('li', { 'data-quality': q }, h('span', { class: `dot q-${q.replace(/[^a-z_]/g, '')}` }), `${q} `, h('b', null, percent(v))))),
          c.sources.length ? h('p', { class: 'muted small' }, 'Sources: ', c.sources.join('; ')) : null,
        ]
      : h('p', { class: 'no-carbon', 'data-field': 'gco2e' }, 'No carbon figure yet: the collector has no grid intensity for this job’s zone and time.'),
  );

  const kwhRow = (name: string, kwh: number, field: string, strong = false) =>
    h('tr', { 'data-row': field, class: strong ? 'total' : null }, h('th', { scope: 'row' }, name), h('td', { class: 'num' }, energy(kwh)), h('td', { class: 'num' }, power(r.durationSeconds > 0 ? (kwh * 3.6e6) / r.durationSeconds : 0)));
  const report = h(
    'section',
    { class: 'card report', 'data-section': 'report' },
    h(
      'div',
      { class: 'title-row' },
      h('h2', null, 'Report'),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', 'data-action': 'csv', onclick: () => download(`${fileStem(r.jobId)}.csv`, 'text/csv', reportCsv(r)) }, 'Download CSV'),
        h('button', { type: 'button', 'data-action': 'json', onclick: () => download(`${fileStem(r.jobId)}.json`, 'application/json', JSON.stringify(r, null, 2) + '\n') }, 'Download JSON'),
      ),
    ),
    h('p', { class: 'muted small' }, 'The same figures as ', h('code', null, `wattprint report --job ${r.jobId}`), '.'),
    h(
      'table',
      { class: 'report-table' },
      h('thead', null, h('tr', null, h('th', null, 'Component'), h('th', { class: 'num' }, 'Energy'), h('th', { class: 'num' }, 'Mean power'))),
      h(
        'tbody',
        null,
        kwhRow('CPU', e.byComponentKwh.cpu, 'cpu'),
        kwhRow('DRAM', e.byComponentKwh.dram, 'dram'),
        kwhRow('GPU', e.byComponentKwh.gpu, 'gpu'),
        e.byComponentKwh.other > 0 ? kwhRow('Other (wall − components)', e.byComponentKwh.other, 'other') : null,
        kwhRow('Software total', e.softwareKwh, 'software', true),
        kwhRow('Wall total', e.wallKwh, 'wall', true),
      ),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Dynamic / idle'), h('dd', { 'data-field': 'dynamic-idle' }, `${energy(e.dynamicKwh)} / ${energy(e.idleKwh)}`),
      h('dt', null, 'Progress'), h('dd', { 'data-field': 'progress' }, `${sig(r.progress.tokens)} tokens · ${sig(r.progress.examples)} examples · ${sig(r.progress.steps)} steps`),
      h('dt', null, 'Measurement'), h('dd', null, e.estimated ? 'includes ESTIMATES: no hardware counter for some domains' : 'hardware counters only'),
      h('dt', null, 'Energy sources'), h('dd', { 'data-field': 'energy-sources' }, (e.sources ?? []).map((s) => `${s.source} ${s.quality.replace('_', ' ')} ${(s.share * 100).toFixed(0)}%`).join(' · ') || '—'),
    ),
  );

  const el = h(
    'section',
    { class: 'job', 'data-job': r.jobId },
    head,
    tiles,
    h('section', { class: 'card' }, h('h2', null, 'Power by component'), e.estimated ? banner('info', 'Hatched areas include modelled (estimated) energy.') : null, chart),
    h('div', { class: 'two-col' }, carbonPanel, report),
  );
  return { el, running };
}

export type { JobReport };
