/// <reference lib="dom" />
// Live host view: each host's latest power by domain with its source and
// quality, the part no job drew (unattributed), and the last minutes as a
// stacked chart. Refreshed every few seconds.
import { api } from './api.ts';
import { axis, timeChart, type Band, type Line } from './chart.ts';
import { h } from './dom.ts';
import { ago, clock, duration, isoToUs, power, sig } from './format.ts';
import { byDomain, domainRows, isStale, seriesColumns, stepFor, unattributed, type DomainRow, type HostView } from './model.ts';
import { colorFor, COLORS, qualityBadge, tile } from './parts.ts';

export const HOST_REFRESH_MS = 3000;
const WINDOW_S = 600;

export async function renderHosts(): Promise<HTMLElement> {
  const hosts = await api.hosts();
  if (hosts.length === 0) {
    return h('section', { class: 'empty-state' }, h('h1', null, 'No hosts yet'), h('p', null, 'No agent has reported to this collector. Start one (', h('code', null, 'npm start'), ' runs one on this machine) and this page fills in within seconds.'));
  }
  const cards = await Promise.all(hosts.map((host) => hostCard(host)));
  return h('section', { class: 'hosts' }, h('h1', null, 'Live power'), cards);
}

async function hostCard(host: HostView): Promise<HTMLElement> {
  const now = Date.now();
  const latest = host.latest;
  // The chart covers up to the last 10 minutes the host has reported, ending at its latest interval.
  const endUs = latest ? isoToUs(latest.end) : isoToUs(host.lastSeen);
  const fromUs = Math.max(isoToUs(host.firstSeen), endUs - WINDOW_S * 1e6);
  // At least ~5 agent intervals per bucket: a bucket holds the intervals that start in it, so fewer would jitter.
  const intervalS = latest ? (isoToUs(latest.end) - isoToUs(latest.start)) / 1e6 : 1;
  const stepS = stepFor((endUs - fromUs) / 1e6, 120, Math.ceil(5 * intervalS));
  const [points, jobs] = await Promise.all([
    endUs > fromUs ? api.hostSeries(host.host, Math.floor(fromUs), Math.ceil(endUs) + 1, stepS) : Promise.resolve([]),
    // Only this host's jobs in its latest interval, with this host's energy only (a job on several hosts counts here once).
    latest ? api.jobs({ fromUs: isoToUs(latest.start), toUs: isoToUs(latest.end), host: host.host, limit: 10000 }) : Promise.resolve([]),
  ]);
  const rows = domainRows(host);
  const un = unattributed(host, jobs);
  const stale = isStale(host, now);
  const wall = rows.filter((r) => r.domain === 'wall');
  const inv = host.inventory;
  const gpus = inv.gpus ?? [];

  const facts = [
    inv.cpuModel ? String(inv.cpuModel) : null,
    gpus.length ? `${gpus.length} GPU${gpus.length > 1 ? 's' : ''}` : null,
    inv.gridZone ? `grid zone ${String(inv.gridZone)}` : null,
    `agent ${host.agentVersion}`,
  ].filter((f): f is string => Boolean(f));

  const head = h(
    'header',
    { class: 'card-head' },
    h('div', null, h('h2', null, host.host), h('p', { class: 'muted' }, facts.join(' · '))),
    h(
      'p',
      { class: stale ? 'fresh stale' : 'fresh', 'data-field': 'interval' },
      latest ? `interval ${clock(isoToUs(latest.start) / 1000)}–${clock(isoToUs(latest.end) / 1000)} UTC · ${ago(isoToUs(latest.end) / 1000, now)}` : 'no readings yet',
      stale ? h('span', { class: 'badge warn' }, 'stale') : h('span', { class: 'live-dot', title: 'live' }),
    ),
  );
  if (!latest) return h('article', { class: 'card host', 'data-host': host.host }, head);

  const tiles = h(
    'div',
    { class: 'tiles' },
    tile('Software power', power(latest.watts), 'software-watts', latest.estimated ? h('span', { class: 'badge estimate' }, 'includes estimate') : 'CPU + DRAM + GPU, each counted once'),
    wall.length ? tile('Wall power', power(wall.reduce((a, r) => a + r.watts, 0)), 'wall-watts', wall.map((r) => r.source).join(', ')) : null,
    tile('Drawn by jobs', un ? power(un.jobWatts) : 'n/a', 'job-watts', un ? `${un.jobs} job${un.jobs === 1 ? '' : 's'} in this interval` : 'a multi-host job is running'),
    tile('Unattributed', un ? power(un.watts) : 'n/a', 'unattributed-watts', 'idle, system, processes outside jobs'),
    host.wallSoftwareRatio !== null ? tile('Wall / software', `${sig(host.wallSoftwareRatio, 3)} ×`, 'wall-ratio', 'over all metered intervals') : null,
  );

  const max = Math.max(1e-9, ...rows.map((r) => r.watts), un?.watts ?? 0);
  const bar = (watts: number, color: string, estimate: boolean) => {
    const b = h('span', { class: estimate ? 'bar hatched' : 'bar' });
    b.style.setProperty('--w', `${Math.max(0, Math.min(100, (watts / max) * 100)).toFixed(2)}%`);
    b.style.setProperty('--c', color);
    return h('span', { class: 'bar-track' }, b);
  };
  const colors = new Map<string, string>();
  const counters = new Map<string, number>();
  for (const r of rows) {
    const n = counters.get(r.domain) ?? 0;
    colors.set(`${r.domain}/${r.device}`, colorFor(r.domain, n));
    counters.set(r.domain, n + 1);
  }
  const domainRow = (r: DomainRow) =>
    h(
      'tr',
      { class: [r.counted || r.domain === 'wall' ? '' : 'nested', r.estimate ? 'estimate' : ''].join(' ').trim(), 'data-domain': r.domain, 'data-device': r.device },
      h('th', { scope: 'row', title: `${r.domain} ${r.device}` }, r.label, r.counted || r.domain === 'wall' ? null : h('span', { class: 'muted small' }, ' (inside a counted domain)')),
      h('td', { class: 'bar-cell' }, bar(r.watts, colors.get(`${r.domain}/${r.device}`)!, r.estimate)),
      h('td', { class: 'num', 'data-field': 'watts' }, power(r.watts)),
      h('td', { 'data-field': 'source' }, r.source),
      h('td', { 'data-field': 'quality' }, qualityBadge(r.quality)),
      h('td', { class: 'flags muted small' }, r.flags.join(', ')),
    );
  const table = h(
    'table',
    { class: 'domains' },
    h('thead', null, h('tr', null, h('th', null, 'Domain'), h('th', null, ''), h('th', { class: 'num' }, 'Power'), h('th', null, 'Source'), h('th', null, 'Quality'), h('th', null, 'Flags'))),
    h(
      'tbody',
      null,
      rows.map(domainRow),
      h(
        'tr',
        { class: 'unattributed', 'data-domain': 'unattributed' },
        h('th', { scope: 'row' }, 'Unattributed', h('span', { class: 'muted small' }, ' (software total − jobs)')),
        h('td', { class: 'bar-cell' }, un ? bar(Math.max(0, un.watts), COLORS.unattributed!, false) : null),
        h('td', { class: 'num', 'data-field': 'watts' }, un ? power(un.watts) : 'n/a'),
        h('td', null, 'derived'),
        h('td', null, h('span', { class: 'badge' }, 'conservation')),
        h('td', { class: 'flags muted small' }, un ? '' : 'a job spans several hosts'),
      ),
    ),
  );

  // Chart: counted domains stacked, the wall meter as a line above them.
  const counted = byDomain(rows.filter((r) => r.counted));
  const keys = rows.map((r) => `${r.domain}/${r.device}`);
  const cols = seriesColumns(points, keys, stepS, endUs);
  const bands: Band[] = counted.map((r) => ({ label: r.label, color: colors.get(`${r.domain}/${r.device}`)!, values: cols.values[`${r.domain}/${r.device}`] ?? [], estimate: r.estimate }));
  const lines: Line[] = wall.map((r) => ({ label: `${r.label} (meter)`, color: COLORS.wall!, values: cols.values[`${r.domain}/${r.device}`] ?? [], dashed: r.estimate }));
  const chart = timeChart({ title: `Power of ${host.host} over the last minutes, by domain`, times: cols.times, stepMs: stepS * 1000, endMs: cols.endMs, bands, lines, format: axis('W') });

  return h(
    'article',
    { class: 'card host', 'data-host': host.host, 'data-interval-end': latest.end },
    head,
    tiles,
    h('div', { class: 'table-wrap' }, table),
    h('h3', null, `Last ${duration(Math.round(cols.endMs / 1000 - (cols.times[0] ?? 0) / 1000))}, average power per ${stepS} s`),
    chart,
  );
}
