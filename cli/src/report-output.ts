// What `wattprint report` prints for lists, groups and the study's analyses,
// in each format, with where the figures came from. Pure: reports in, text out.
import type { JobReport } from '@wattprint/collector/api/report.ts';
import type { Fit, GroupPhaseComparison, GroupRow, PhaseComparison, WallRatioRow } from './analysis.ts';
import { render, type Cell, type Format } from './format.ts';

/** Where a set of figures came from: wall basis, estimates, carbon basis, zones, intensity quality, sources. */
export interface Provenance {
  jobs: number;
  /** Jobs whose wall kWh was reconciled against a meter, and those where wall = software (no meter). */
  wallFromMeter: number;
  wallIsSoftware: number;
  /** Jobs with an estimated (modelled) component. */
  estimated: number;
  /** Share of the software kWh by reading quality (counter, integrated_power, estimate), and by source. */
  energyShareByQuality: Record<string, number>;
  energySources: Record<string, number>;
  /** Jobs with a carbon figure, and what it was priced on. */
  withCarbon: number;
  carbonEnergyBasis: string[];
  carbonBases: string[];
  zones: string[];
  /** Share of the priced kWh at each intensity quality, over the jobs with carbon. */
  intensityQuality: Record<string, number>;
  sources: string[];
  provisional: boolean;
  /** PUEs applied. */
  pue: number[];
}

const uniq = (xs: string[]) => [...new Set(xs.filter((x) => x !== ''))].sort();

export function provenance(jobs: JobReport[]): Provenance {
  const withCarbon = jobs.filter((j) => j.carbon);
  const quality: Record<string, number> = {};
  let priced = 0;
  for (const j of withCarbon) {
    const kwh = j.carbon!.energyKwh ?? j.energy.wallKwh;
    priced += kwh;
    for (const [q, share] of Object.entries(j.carbon!.kwhShareByQuality)) quality[q] = (quality[q] ?? 0) + share * kwh;
  }
  for (const q of Object.keys(quality)) quality[q] = priced > 0 ? quality[q]! / priced : 0;
  const software = jobs.reduce((a, j) => a + j.energy.softwareKwh, 0);
  const energyQ: Record<string, number> = {};
  const energyS: Record<string, number> = {};
  for (const j of jobs) {
    for (const s of j.energy.sources ?? []) {
      const w = software > 0 ? (s.share * j.energy.softwareKwh) / software : 0;
      energyQ[s.quality] = (energyQ[s.quality] ?? 0) + w;
      energyS[`${s.source} ${s.quality}`] = (energyS[`${s.source} ${s.quality}`] ?? 0) + w;
    }
  }
  return {
    jobs: jobs.length,
    wallFromMeter: jobs.filter((j) => j.energy.wallBasis === 'meter').length,
    wallIsSoftware: jobs.filter((j) => j.energy.wallBasis !== 'meter').length,
    estimated: jobs.filter((j) => j.energy.estimated).length,
    energyShareByQuality: energyQ,
    energySources: energyS,
    withCarbon: withCarbon.length,
    carbonEnergyBasis: uniq(withCarbon.map((j) => j.carbon!.energyBasis ?? '')),
    carbonBases: uniq(withCarbon.flatMap((j) => j.carbon!.basis.split(' + '))),
    zones: uniq(withCarbon.flatMap((j) => j.carbon!.zone.split(', '))),
    intensityQuality: quality,
    sources: uniq(withCarbon.flatMap((j) => j.carbon!.sources)),
    provisional: withCarbon.some((j) => j.carbon!.provisional),
    pue: [...new Set(withCarbon.flatMap((j) => j.carbon!.pue ?? []))].sort((a, b) => a - b),
  };
}

/** The provenance as lines under a table (table and markdown formats). */
export function provenanceLines(p: Provenance): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const shares = (m: Record<string, number>) => Object.entries(m).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${pct(v)}`).join(', ') || 'none recorded';
  const lines = [
    `energy quality (software kWh): ${shares(p.energyShareByQuality)}; sources: ${shares(p.energySources)}`,
    `energy: wall kWh reconciled against a wall meter for ${p.wallFromMeter} of ${p.jobs} jobs; wall = software (no wall meter) for ${p.wallIsSoftware}` + (p.estimated ? `; ${p.estimated} include ESTIMATED components` : '; all from hardware counters or integrated power'),
  ];
  if (p.withCarbon > 0) {
    const q = Object.entries(p.intensityQuality).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${pct(v)}`).join(', ');
    lines.push(`carbon (${p.withCarbon} of ${p.jobs} jobs): priced on ${p.carbonEnergyBasis.join('/') || 'wall'} energy × PUE ${p.pue.join('/') || '?'}; basis ${p.carbonBases.join(', ')}; zone ${p.zones.join(', ')}; intensity quality ${q}${p.provisional ? '; PROVISIONAL' : ''}`);
    if (p.sources.length) lines.push(`intensity sources: ${p.sources.join('; ')}`);
  } else lines.push('carbon: none of these jobs has a carbon figure');
  return lines;
}

function withProvenance(format: Format, body: string, p: Provenance, data: unknown): string {
  if (format === 'json') return JSON.stringify({ ...(data as object), provenance: p }, null, 2);
  if (format === 'csv') return body; // provenance travels in columns (jobs, groups)
  const prefix = format === 'markdown' ? '> ' : '';
  return [body, '', ...provenanceLines(p).map((l) => prefix + l)].join('\n');
}

/** One job's columns, as `report` (csv, table, markdown) and the web page's CSV write them. */
export const JOB_COLUMNS = ['job', 'labels', 'duration s', 'kWh software', 'kWh wall', 'gCO2e', 'kWh/1M tokens (wall)', 'estimated', 'wall basis', 'energy quality', 'carbon basis', 'zone', 'carbon on', 'PUE'] as const;

export function jobCells(j: JobReport): Cell[] {
  const c = j.carbon;
  const quality = Object.entries(j.energy.shareByQuality ?? {}).map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`).join(' ');
  return [j.jobId, labelsText(j.labels), j.durationSeconds, j.energy.softwareKwh, j.energy.wallKwh, c?.gco2e ?? null, j.normalised.kwhPer1MTokens, j.energy.estimated ? 'yes' : 'no', j.energy.wallBasis === 'meter' ? 'meter' : 'software (no meter)', quality || null, c?.basis ?? null, c?.zone ?? null, c ? (c.energyBasis ?? 'wall') : null, c?.pue?.join('/') ?? null];
}

const labelsText = (l: Record<string, string>) => Object.entries(l).map(([k, x]) => `${k}=${x}`).join(' ');

/** One row per job. JSON is the typed job reports themselves. */
export function renderJobs(format: Format, jobs: JobReport[]): string {
  const p = provenance(jobs);
  if (format === 'json') return JSON.stringify({ jobs, provenance: p }, null, 2);
  // The first columns are also the web page's Download CSV (collector/src/web/static/model.ts).
  const rows: Cell[][] = jobs.map((j) => jobCells(j));
  const header = [...JOB_COLUMNS];
  return withProvenance(format, render(format, header, rows), p, {});
}

export function renderGroups(format: Format, keys: string[], rows: GroupRow[], jobs: JobReport[], groupOf: (j: JobReport) => string): string {
  const p = provenance(jobs);
  if (format === 'json') {
    const groups = rows.map((r) => ({ ...r, provenance: provenance(jobs.filter((j) => groupOf(j) === JSON.stringify(keys.map((k) => r.key[k])))) }));
    return JSON.stringify({ groupBy: keys, groups, provenance: p }, null, 2);
  }
  const header = [...keys, 'runs', 'kWh software', 'kWh wall', 'gCO2e', 'duration h', 'kWh/1k examples (wall)', 'kWh/1M tokens (wall)', 'kWh/1M unpadded tokens (wall)', 'wall/software'];
  const cells = rows.map((r) => [...keys.map((k) => r.key[k]!), r.runs, r.softwareKwh, r.wallKwh, r.gco2e, r.durationSeconds / 3600, r.kwhPer1kExamples, r.kwhPer1MTokens, r.kwhPer1MTokensUnpadded, r.wallSoftwareRatio] as Cell[]);
  if (format === 'csv') {
    const extra = ['wall basis', 'carbon basis', 'zones', 'intensity quality'];
    const prov = rows.map((r) => {
      const g = provenance(jobs.filter((j) => groupOf(j) === JSON.stringify(keys.map((k) => r.key[k]))));
      return [g.wallFromMeter === g.jobs ? 'meter' : g.wallFromMeter === 0 ? 'software (no meter)' : 'mixed', g.carbonBases.join('+'), g.zones.join('+'), Object.entries(g.intensityQuality).map(([k, v]) => `${k}:${v.toFixed(3)}`).join('+')];
    });
    return render(format, [...header, ...extra], cells.map((c, i) => [...c, ...prov[i]!]));
  }
  return withProvenance(format, render(format, header, cells), p, {});
}

export function renderFits(format: Format, fits: Fit[], jobs: JobReport[]): string {
  const p = provenance(jobs);
  if (format === 'json') return JSON.stringify({ energy: 'wall kWh', fits, provenance: p }, null, 2);
  const body = fits.length ? render(format, ['wall kWh against', 'n', 'slope (wall kWh per unit)', 'intercept wall kWh', 'R²'], fits.map((f) => [f.x, f.n, f.slope, f.intercept, f.r2])) : 'not enough jobs (or no spread) to fit';
  return withProvenance(format, (format === 'table' ? 'Energy (wall kWh) fitted across the selected jobs:\n' : '') + body, p, {});
}

export function renderPhases(format: Format, cmp: PhaseComparison[], jobs: JobReport[]): string {
  const p = provenance(jobs);
  if (format === 'json') return JSON.stringify({ energy: 'wall kWh', phases: cmp, provenance: p }, null, 2);
  const body = render(format, ['phase', 'runs', 'mean wall kWh', '= N fine-tuning runs'], cmp.map((c) => [c.phase, c.runs, c.meanKwh, c.equivalentReferenceRuns]));
  return withProvenance(format, (format === 'table' ? 'Phases (label "phase"), mean wall kWh per run, against fine-tuning:\n' : '') + body, p, {});
}

export function renderGroupPhases(format: Format, keys: string[], cmp: GroupPhaseComparison, jobs: JobReport[]): string {
  const p = provenance(jobs);
  if (format === 'json') return JSON.stringify({ energy: 'wall kWh', groupBy: keys, ...cmp, provenance: p }, null, 2);
  const name = (k: Record<string, string>) => keys.map((x) => k[x]).join('/');
  const header = [...keys, `${cmp.reference} runs`, `mean wall kWh per ${cmp.reference} run`, `${cmp.target} runs`, `mean wall kWh per ${cmp.target} run`, `1 ${cmp.target} run = N ${cmp.reference} runs`];
  const body = render(format, header, cmp.groups.map((g) => [...keys.map((k) => g.key[k]!), g.runs, g.meanWallKwh, g.targetRuns, g.targetMeanWallKwh, g.equivalentRuns]));
  const range = cmp.range ? `one ${cmp.target} run = ${fmtRuns(cmp.range.min)} (${name(cmp.range.minKey)}) to ${fmtRuns(cmp.range.max)} (${name(cmp.range.maxKey)}) ${cmp.reference} runs` : `no ${cmp.target} run to compare with`;
  if (format === 'csv') return body;
  return withProvenance(format, [format === 'table' ? `${cmp.target} against ${cmp.reference}, per ${keys.join(', ')} (wall kWh):` : '', body, '', range].filter((x, i) => i > 0 || x).join('\n'), p, {});
}

const fmtRuns = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3));

export function renderWallRatios(format: Format, rows: WallRatioRow[], jobs: JobReport[]): string {
  const p = provenance(jobs);
  if (format === 'json') return JSON.stringify({ wallRatios: rows, provenance: p }, null, 2);
  const header = ['hardware', 'metered jobs', 'wall/software mean', 'sd', 'unmetered jobs', 'their kWh software', 'their kWh wall ESTIMATE'];
  const body = render(format, header, rows.map((r) => [r.hardware, r.n, r.mean, r.sd, r.unmeteredRuns, r.unmeteredSoftwareKwh, r.unmeteredWallEstimateKwh]));
  const note = 'wall ESTIMATE = software x the metered mean of the same hardware; never added to metered figures';
  return withProvenance(format, [body, '', note].join('\n'), p, {});
}
