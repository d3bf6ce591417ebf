// Pure formatting for the page: every number leaves here with its unit, so a
// reader never has to guess whether a figure is W, Wh or kWh. Runs in the
// browser and under node:test alike (no DOM).

/** Significant digits, trailing zeros dropped; thousands grouped from 1,000 up. */
export function sig(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '').replace(/e\+?/, 'e');
}

// Largest unit that keeps the number at or above 1; the smallest one takes the rest.
const ENERGY_UNITS: [string, number][] = [['MWh', 1e3], ['kWh', 1], ['Wh', 1e-3], ['mWh', 1e-6]];

/** Energy given in kWh, in the unit that reads best ("12.3 Wh", "1.204 kWh"). */
export function energy(kwh: number): string {
  if (!Number.isFinite(kwh)) return '–';
  if (kwh === 0) return '0 Wh';
  const abs = Math.abs(kwh);
  const [unit, size] = ENERGY_UNITS.find(([, s]) => abs >= s) ?? ENERGY_UNITS[ENERGY_UNITS.length - 1]!;
  return `${sig(kwh / size)} ${unit}`;
}

export function power(watts: number): string {
  if (!Number.isFinite(watts)) return '–';
  return Math.abs(watts) >= 10_000 ? `${sig(watts / 1000)} kW` : `${sig(watts)} W`;
}

export function carbon(grams: number): string {
  if (!Number.isFinite(grams)) return '–';
  return Math.abs(grams) >= 1000 ? `${sig(grams / 1000)} kgCO₂e` : `${sig(grams)} gCO₂e`;
}

export function percent(share: number): string {
  return `${sig(share * 100, 3)} %`;
}

const pad2 = (n: number) => String(Math.floor(n)).padStart(2, '0');

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${sig(seconds, 3)} s`;
  // The smaller part is left out when it is zero: "10 min", "2 h", "3 d".
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) => (Math.floor(small) ? `${big} ${bigUnit} ${pad2(small)} ${smallUnit}` : `${big} ${bigUnit}`);
  if (seconds < 3600) return two(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  if (seconds < 86400) return two(Math.floor(seconds / 3600), 'h', (seconds % 3600) / 60, 'min');
  return two(Math.floor(seconds / 86400), 'd', (seconds % 86400) / 3600, 'h');
}

/** "2026-11-01 12:00:05 UTC": the project keeps time in UTC, and so does the page. */
export function utc(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '–';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** Clock time only, for chart axes: "12:00:05". */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** "4 s ago", "3 min ago": how fresh a reading is. */
export function ago(ms: number, nowMs: number): string {
  const s = Math.max(0, (nowMs - ms) / 1000);
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/**
 * RFC 3339 time to microseconds since the epoch, keeping the µs digits the
 * API writes (Date.parse stops at ms): the page asks for exact intervals.
 */
export function isoToUs(iso: string): number {
  const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) return NaN;
  const ms = Date.parse(m[1] + 'Z');
  if (!Number.isFinite(ms)) return NaN;
  return ms * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export type LabelFilter = { ok: true; labels: Record<string, string> } | { ok: false; error: string };

/** "task=sst2 model=bert-base": every pair must match; the API does the matching. */
export function parseLabelFilter(text: string): LabelFilter {
  const labels: Record<string, string> = {};
  for (const part of text.trim().split(/\s+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = eq > 0 ? part.slice(0, eq) : '';
    if (!LABEL_NAME.test(name)) return { ok: false, error: `"${part}" is not name=value (a label name is a letter or _, then letters, digits, _ . -)` };
    const value = part.slice(eq + 1);
    if (value.length > 256) return { ok: false, error: `the value of "${name}" is longer than 256 characters` };
    labels[name] = value;
  }
  return { ok: true, labels };
}

export function labelFilterText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** One CSV cell as `wattprint report --format csv` writes it. */
export function csvCell(c: string | number | null | undefined): string {
  const s = c === null || c === undefined ? '' : String(c);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
