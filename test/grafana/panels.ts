// Runs the provisioned dashboards' variable and panel queries the way Grafana's
// InfluxQL datasource does ($timeFilter, $__interval, multi-value variables as
// regex alternatives), against any InfluxDB: for tests whose data comes from
// the shipped commands. Same rules as dashboards.test.ts, which seeds the store itself.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/processes.ts';

export const DASHBOARDS = path.join(REPO, 'deploy/grafana/dashboards');

interface Target { refId: string; query: string }
export interface Panel { id: number; title: string; interval?: string; targets: Target[] }
interface Variable { name: string; type?: string; query: string; regex: string; multi: boolean; includeAll: boolean; sort: number }
export interface Dashboard { uid: string; title: string; panels: Panel[]; templating: { list: Variable[] } }
export type Series = { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] };
export interface Range { fromMs: number; toMs: number }

export function loadDashboards(): [string, Dashboard][] {
  return fs
    .readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(fs.readFileSync(path.join(DASHBOARDS, f), 'utf8')) as Dashboard]);
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

export function formatValue(v: Variable, values: string[]): string {
  if (!v.multi && !v.includeAll) return values[0] ?? '';
  const escaped = values.map(escapeRegex);
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
}

export function durationMs(d: string): number {
  const m = /^>?(\d+)(ms|s|m|h|d)$/.exec(d);
  if (!m) throw new Error(`bad interval ${d}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms']!;
}

export function interpolate(q: string, vars: Map<string, string>, range: Range, intervalMs: number): string {
  let out = q
    .replaceAll('$timeFilter', `time >= ${range.fromMs}ms and time <= ${range.toMs}ms`)
    .replaceAll('${__from}', String(range.fromMs))
    .replaceAll('${__to}', String(range.toMs))
    .replaceAll('$__interval_ms', String(intervalMs))
    .replaceAll('$__interval', `${intervalMs}ms`);
  out = out.replace(/\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g, (_whole, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c!;
    if (!vars.has(name)) throw new Error(`query uses $${name}, which is not a variable of the dashboard: ${q}`);
    return vars.get(name)!;
  });
  return out;
}

/** Options of each variable in order (query + regex + sort); All where offered, else the first option. */
export async function resolveVariables(d: Dashboard, query: (q: string) => Promise<Series[]>, range: Range, emptyVariables: string[] = []): Promise<Map<string, string>> {
  const vars = new Map<string, string>();
  for (const v of d.templating.list) {
    // The datasource variable picks the server (Grafana resolves it); queries go to this one.
    if (v.type === 'datasource') continue;
    const q = interpolate(v.query, vars, range, 10_000);
    const isValueFirst = /show field keys|show retention policies/i.test(q);
    const found = new Set<string>();
    for (const s of await query(q)) for (const row of s.values) found.add(String(isValueFirst ? row[0] : (row[1] ?? row[0])));
    let options = [...found];
    if (v.regex) {
      const body = /^\/(.*)\/([gimsuy]*)$/.exec(v.regex);
      if (!body) throw new Error(`${d.uid} $${v.name}: regex ${v.regex} is not /.../`);
      const re = new RegExp(body[1]!, body[2]);
      options = options.flatMap((o) => {
        const m = re.exec(o);
        return m ? [m[1] ?? m[0]] : [];
      });
    }
    options = [...new Set(options)];
    if (v.sort === 1) options.sort();
    if (options.length === 0) {
      if (!emptyVariables.includes(v.name)) throw new Error(`${d.uid}: variable $${v.name} has no options (query: ${q})`);
      // Grafana then matches nothing: the panels that use it come out empty.
      emptyVariables.splice(emptyVariables.indexOf(v.name), 1);
      vars.set(v.name, '__no_option__');
      continue;
    }
    vars.set(v.name, formatValue(v, v.includeAll ? options : options.slice(0, 1)));
  }
  return vars;
}

/** Every panel target of the dashboard that returned no non-null value, as "title [refId]: query". */
export async function emptyPanels(d: Dashboard, query: (q: string) => Promise<Series[]>, range: Range, emptyVariables: string[] = []): Promise<string[]> {
  const vars = await resolveVariables(d, query, range, [...emptyVariables]);
  const empty: string[] = [];
  for (const p of d.panels) {
    for (const t of p.targets) {
      const q = interpolate(t.query, vars, range, Math.max(10_000, p.interval ? durationMs(p.interval) : 0));
      const values = (await query(q)).flatMap((s) => s.values.flatMap((row) => row.slice(1).filter((v) => v !== null)));
      if (values.length === 0) empty.push(`${p.title} [${t.refId}]: ${q}`);
    }
  }
  return empty;
}
