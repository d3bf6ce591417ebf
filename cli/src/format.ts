// Renders rows as a readable table, JSON, CSV or Markdown.
import type { JobReport } from '@wattprint/collector/api/report.ts';

export type Format = 'table' | 'json' | 'csv' | 'markdown';
export const FORMATS: Format[] = ['table', 'json', 'csv', 'markdown'];

export type Cell = string | number | null | undefined;

export function fmtNumber(v: Cell, digits = 4): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1000) return v.toFixed(0);
  return v.toPrecision(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

export function render(format: Format, header: string[], rows: Cell[][], numericDigits = 4): string {
  if (format === 'json') return JSON.stringify(rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? null]))), null, 2);
  if (format === 'csv') {
    const cell = (c: Cell) => {
      const s = c === null || c === undefined ? '' : String(c);
      return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    return [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n');
  }
  const text = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmtNumber(c, numericDigits) : fmtNumber(c))));
  const numeric = header.map((_, i) => rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined));
  if (format === 'markdown') {
    const esc = (s: string) => s.replaceAll('|', '\\|');
    return [`| ${header.map(esc).join(' | ')} |`, `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`, ...text.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

/** The human summary `wattprint measure` prints when the command ends. */
export function renderJobReport(r: JobReport): string {
  const e = r.energy;
  // An estimate (TDP model) is good to a couple of digits, not four: "~8.0", not "7.972".
  const digits = e.estimated ? 2 : 4;
  const show = (v: number) => (e.estimated && v !== 0 ? '~' : '') + fmtNumber(v, digits);
  const kwhRow = (name: string, v: number): Cell[] => [name, show(v * 1000), show((v * 3.6e6) / Math.max(r.durationSeconds, 1e-9))];
  // A component with no energy was not measured on the job's hosts (or not used
  // by the job): it is listed as absent, not printed as a measured zero.
  const parts = (['cpu', 'dram', 'gpu'] as const).filter((c) => e.byComponentKwh[c] > 0);
  const absent = (['cpu', 'dram', 'gpu'] as const).filter((c) => !(e.byComponentKwh[c] > 0));
  const rows: Cell[][] = parts.map((c) => kwhRow(c, e.byComponentKwh[c]));
  if (e.byComponentKwh.other > 0) rows.push(kwhRow('other (wall − components)', e.byComponentKwh.other));
  rows.push(kwhRow('software total', e.softwareKwh));
  // Without a wall meter the collector counts wall = software; say so rather than print it as a reading.
  const noWallMeter = e.byComponentKwh.other === 0 && e.wallKwh === e.softwareKwh;
  rows.push(noWallMeter ? ['wall total', '= software (no wall meter)', ''] : kwhRow('wall total', e.wallKwh));
  const lines = [
    `job ${r.jobId}${Object.keys(r.labels).length ? '  ' + Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(' ') : ''}`,
    `duration ${fmtNumber(r.durationSeconds, 4)} s on ${r.hosts.join(', ') || 'this host'}${e.estimated ? '   (includes ESTIMATES: no hardware counter for some domains)' : ''}`,
    '',
    render('table', ['component', 'Wh', 'mean W'], rows),
    ...(absent.length ? [`not measured on ${r.hosts.length > 1 ? 'these hosts' : 'this host'}, or not used by the job: ${absent.join(', ')}`] : []),
    '',
    `dynamic ${show(e.dynamicKwh * 1000)} Wh, idle ${show(e.idleKwh * 1000)} Wh`,
  ];
  if (r.carbon) {
    const q = Object.entries(r.carbon.kwhShareByQuality).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`).join(', ');
    lines.push(`carbon ${show(r.carbon.gco2e)} gCO2e (${r.carbon.basis}, zone ${r.carbon.zone}; intensity quality: ${q}${r.carbon.provisional ? '; provisional' : ''})`);
  } else lines.push('carbon: no grid intensity available for this job');
  if (r.normalised.kwhPer1kExamples !== null) lines.push(`${fmtNumber(r.normalised.kwhPer1kExamples)} kWh per 1k examples`);
  if (r.normalised.kwhPer1MTokens !== null) lines.push(`${fmtNumber(r.normalised.kwhPer1MTokens)} kWh per 1M tokens`);
  return lines.join('\n');
}
