// From what the bench scripts printed to docs/BENCHMARKS.md: pure functions,
// so the rules (medians over runs, goals, nothing dropped silently) are tested
// without running a benchmark.
import { median } from './stats.ts';

/** One JSON line a bench script printed. */
export type BenchRecord = Record<string, unknown>;

export interface RunOutcome {
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  seconds: number;
  records: BenchRecord[];
  /** Last lines of stderr, for a failure's message. */
  stderrTail: string[];
}

export interface ScriptResult {
  file: string;
  command: string;
  /** The file does not exist (yet). */
  missing: boolean;
  runs: RunOutcome[];
  plannedRuns: number;
}

/** One figure, its numeric fields the median over the runs that printed it. */
export interface Figure {
  key: string;
  fields: BenchRecord;
  /** Runs that printed it. */
  runs: number;
  /** min and max over runs, for numeric fields. */
  range: Record<string, [number, number]>;
}

/** JSON object lines out of a script's stdout; anything else is kept apart. */
export function parseJsonLines(text: string): { records: BenchRecord[]; other: string[] } {
  const records: BenchRecord[] = [];
  const other: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    if (t.startsWith('{')) {
      try {
        const v = JSON.parse(t) as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          records.push(v as BenchRecord);
          continue;
        }
      } catch {
        // not JSON after all
      }
    }
    other.push(t);
  }
  return { records, other };
}

/** What names a record: "name", else "bench", else its position. */
export function recordKey(r: BenchRecord, index: number): string {
  for (const k of ['name', 'bench']) if (typeof r[k] === 'string' && r[k]) return r[k] as string;
  return `line ${index + 1}`;
}

/** Numeric fields that are a figure's parameters rather than its measurements. */
const PARAMETERS = ['streams', 'processes', 'hosts', 'jobs', 'intervals', 'batch', 'rateHz', 'gpus', 'inJobs', 'markers'];

/**
 * Keys for one run's records. A name printed more than once (one line per
 * parameter set) gets the string fields and parameters that tell its lines
 * apart, e.g. "ingest (server=bare, streams=100)"; its position if even that
 * does not. Scripts print in a fixed order, so keys match across runs.
 */
export function recordKeys(records: BenchRecord[]): string[] {
  const names = records.map(recordKey);
  const keys = [...names];
  for (const name of new Set(names)) {
    const idx = names.flatMap((n, i) => (n === name ? [i] : []));
    if (idx.length < 2) continue;
    const group = idx.map((i) => records[i]!);
    const fields = [...new Set(group.flatMap((r) => Object.keys(r)))].filter((k) => {
      if (k === 'name' || k === 'bench' || k === 'baselineName') return false;
      const values = group.map((r) => r[k]);
      const differ = new Set(values.map((v) => JSON.stringify(v))).size > 1;
      return differ && (values.every((v) => typeof v === 'string') || (PARAMETERS.includes(k) && values.every((v) => typeof v === 'number')));
    });
    for (const i of idx) if (fields.length) keys[i] = `${name} (${fields.map((k) => `${k}=${String(records[i]![k])}`).join(', ')})`;
    const taken = new Map<string, number>();
    for (const i of idx) {
      const n = (taken.get(keys[i]!) ?? 0) + 1;
      taken.set(keys[i]!, n);
      if (n > 1) keys[i] = `${keys[i]} #${n}`;
    }
  }
  return keys;
}

/**
 * Medians over runs, figure by figure: each numeric field is the median of
 * the runs that printed it; other fields come from the last such run. Only
 * successful runs count (a failed run's partial lines could be anything).
 */
export function aggregate(runs: RunOutcome[]): Figure[] {
  const order: string[] = [];
  const seen = new Map<string, BenchRecord[]>();
  for (const run of runs) {
    if (!run.ok) continue;
    const keys = recordKeys(run.records);
    run.records.forEach((r, i) => {
      const key = keys[i]!;
      if (!seen.has(key)) {
        seen.set(key, []);
        order.push(key);
      }
      seen.get(key)!.push(r);
    });
  }
  return order.map((key) => {
    const recs = seen.get(key)!;
    const fields: BenchRecord = {};
    const range: Record<string, [number, number]> = {};
    for (const r of recs) {
      for (const [k, v] of Object.entries(r)) if (!(k in fields)) fields[k] = v;
    }
    for (const k of Object.keys(fields)) {
      const nums = recs.map((r) => r[k]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (nums.length === 0) {
        const last = [...recs].reverse().find((r) => r[k] !== undefined);
        fields[k] = last?.[k];
        continue;
      }
      fields[k] = median(nums);
      range[k] = [Math.min(...nums), Math.max(...nums)];
    }
    return { key, fields, runs: recs.length, range };
  });
}

export type ScriptStatus = 'ok' | 'partial' | 'failed' | 'missing' | 'not run';

export function scriptStatus(s: ScriptResult): ScriptStatus {
  if (s.missing) return 'missing';
  if (s.runs.length === 0) return 'not run';
  const ok = s.runs.filter((r) => r.ok).length;
  if (ok === 0) return 'failed';
  return ok === s.runs.length ? 'ok' : 'partial';
}

/** Why a run failed, in one line. */
export function failureReason(r: RunOutcome): string {
  const how = r.timedOut ? `timed out after ${r.seconds.toFixed(0)} s` : r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`;
  const last = r.stderrTail.filter((l) => l.trim() && !/^\s+at /.test(l) && !/^Node\.js v/.test(l)).slice(-3).join(' / ');
  return last ? `${how}: ${last}` : how;
}

// ---- goals ------------------------------------------------------------------

export interface Goal {
  /** What we promise, for people. */
  text: string;
  script: string;
  /** Which figure of the script holds the number. */
  figure: RegExp;
  /** Fields to try, first present wins. */
  metric: string[];
  op: '<' | '<=';
  limit: number;
  unit: string;
  /** Why a miss happened, from the figures of the same run; and what would fix it. */
  whyMissed: (fig: Figure, all: Figure[]) => string;
  fix: string;
}

export interface GoalOutcome {
  goal: Goal;
  status: 'met' | 'missed' | 'not measured';
  value?: number;
  figureKey?: string;
  detail: string;
}

export function evaluateGoal(goal: Goal, figures: Map<string, Figure[]>, scripts: ScriptResult[]): GoalOutcome {
  const script = scripts.find((s) => s.file === goal.script);
  const figs = figures.get(goal.script) ?? [];
  const fig = figs.find((f) => goal.figure.test(f.key));
  if (!fig) {
    const why = !script ? 'not in the run list' : script.missing ? `${goal.script} does not exist yet` : scriptStatus(script) === 'failed' ? `${goal.script} failed: ${failureReason(script.runs.at(-1)!)}` : `${goal.script} printed no figure matching ${goal.figure}`;
    return { goal, status: 'not measured', detail: why };
  }
  const field = goal.metric.find((m) => typeof fig.fields[m] === 'number');
  if (!field) return { goal, status: 'not measured', figureKey: fig.key, detail: `figure "${fig.key}" has none of ${goal.metric.join(', ')}` };
  const value = fig.fields[field] as number;
  const met = goal.op === '<' ? value < goal.limit : value <= goal.limit;
  return { goal, status: met ? 'met' : 'missed', value, figureKey: fig.key, detail: met ? '' : goal.whyMissed(fig, figs) };
}

// ---- rendering ----------------------------------------------------------------

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  date: string;
  loadAverage: number[];
}

export interface ReportInput {
  preamble: string;
  machine: Machine;
  command: string;
  totalSeconds: number;
  scripts: ScriptResult[];
  goals: Goal[];
}

/** Numbers people read: 4 significant digits, no exponent for ordinary sizes. */
export function fmt(x: unknown): string {
  if (x === undefined) return '—';
  if (typeof x === 'object' && x !== null) return JSON.stringify(x);
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return String(Math.round(x));
  return String(Number(x.toPrecision(4)));
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

const VALUE_FIELD = /(Ms|MsPer[A-Z]\w*|PerSecond|Seconds|MiB|Bytes)$/;

/**
 * The figure's own value and the baseline's, for a ratio field ("ratio" or
 * "<x>Ratio"): the first baseline value field, and the field it mirrors
 * (baselineMedianMs ↔ medianMs, baselineCpuMs ↔ agentMedianCpuMs).
 */
export function ratioContext(fields: BenchRecord, ratioField: string): { value?: string; baseline?: string } {
  const prefix = ratioField === 'ratio' ? '' : ratioField.slice(0, -'Ratio'.length).toLowerCase();
  const keys = Object.keys(fields).filter((k) => typeof fields[k] === 'number' && VALUE_FIELD.test(k) && (!prefix || k.toLowerCase().includes(prefix)));
  const baseline = keys.find((k) => k.startsWith('baseline'));
  const own = keys.filter((k) => !k.startsWith('baseline'));
  const mirrored = baseline?.slice('baseline'.length).toLowerCase();
  const value = (mirrored && (own.find((k) => k.toLowerCase() === mirrored) ?? own.find((k) => k.toLowerCase().endsWith(mirrored)))) || own[0];
  return { value: value && `${value} ${fmt(fields[value])}`, baseline: baseline && `${baseline} ${fmt(fields[baseline])}` };
}

/** "How agent cost grows": the agent_scaling_<n> figures as one table, with the cost per process. */
export function renderScaling(figs: Figure[]): string[] {
  const rows = figs
    .filter((f) => /^agent_scaling_\d+$/.test(f.key) && typeof f.fields.processes === 'number' && typeof f.fields.agentMedianCpuMs === 'number')
    .sort((a, b) => (a.fields.processes as number) - (b.fields.processes as number));
  if (rows.length === 0) return [];
  const out = ['## How agent cost grows with the number of processes', '', 'Sampler CPU per interval in process (8 GPUs, RAPL, procfs) and node_exporter CPU per scrape on the same fixture, medians over runs. Per process: CPU µs per interval divided by the number of processes.', ''];
  out.push('| processes | agent ms per interval | µs per process | node_exporter ms per scrape | µs per process | agent / node_exporter |', '|---|---|---|---|---|---|');
  for (const f of rows) {
    const n = f.fields.processes as number;
    const a = f.fields.agentMedianCpuMs as number;
    const b = typeof f.fields.baselineCpuMs === 'number' ? f.fields.baselineCpuMs : undefined;
    out.push(`| ${n} | ${fmt(a)} | ${fmt((a * 1000) / n)} | ${fmt(b)} | ${b === undefined ? '—' : fmt((b * 1000) / n)} | ${fmt(f.fields.ratio)} |`);
  }
  out.push('');
  return out;
}

export function renderMarkdown(input: ReportInput): string {
  const { machine: m } = input;
  const figures = new Map(input.scripts.map((s) => [s.file, aggregate(s.runs)]));
  const out: string[] = [];
  out.push('# Benchmarks', '', '<!-- Generated by `npm run bench` (test/bench/run.ts). Edit test/bench/preamble.md, not this file. -->', '');
  out.push(input.preamble.trim(), '');

  out.push('## Machine', '');
  out.push('| CPU | cores | memory | kernel | Node | date (UTC) | load average at start (1, 5, 15 min) |', '|---|---|---|---|---|---|---|');
  out.push(`| ${cell(m.cpu)} | ${m.cores} | ${m.memoryGiB.toFixed(1)} GiB | ${cell(m.kernel)} | ${m.node} | ${m.date} | ${m.loadAverage.map((x) => x.toFixed(2)).join(', ')} |`, '');
  out.push(`Whole run: \`${input.command}\`, ${(input.totalSeconds / 60).toFixed(1)} min.`, '');

  out.push('## Goals', '');
  out.push('| goal | status | measured | figure |', '|---|---|---|---|');
  const outcomes = input.goals.map((g) => evaluateGoal(g, figures, input.scripts));
  for (const o of outcomes) {
    const measured = o.value === undefined ? '—' : `${fmt(o.value)} ${o.goal.unit}`;
    out.push(`| ${cell(o.goal.text)} | **${o.status}** | ${measured} | ${o.figureKey ? `\`${o.goal.script}\` ${cell(o.figureKey)}` : cell(o.detail)} |`);
  }
  out.push('');
  const misses = outcomes.filter((o) => o.status === 'missed');
  for (const o of misses) out.push(`- **Missed: ${o.goal.text}.** Why: ${o.detail} What would fix it: ${o.goal.fix}`);
  if (misses.length) out.push('');

  out.push('## Ratios against baselines', '', 'Each ratio is this project\'s figure over its baseline, measured in the same run (below 1: faster or smaller than the baseline). Medians over the runs; the range is the lowest and highest run.', '');
  out.push('| script | figure | ratio | range | baseline | figure / baseline (context) |', '|---|---|---|---|---|---|');
  for (const s of input.scripts) {
    for (const f of figures.get(s.file) ?? []) {
      for (const rf of Object.keys(f.fields).filter((k) => (k === 'ratio' || /Ratio$/.test(k)) && typeof f.fields[k] === 'number')) {
        const ctx = ratioContext(f.fields, rf);
        const range = f.range[rf] && f.runs > 1 ? `${fmt(f.range[rf][0])}–${fmt(f.range[rf][1])}` : '—';
        const baseline = typeof f.fields.baselineName === 'string' ? f.fields.baselineName : '(the script names no baseline)';
        const label = rf === 'ratio' ? f.key : `${f.key} (${rf})`;
        out.push(`| \`${s.file}\` | ${cell(label)} | **${fmt(f.fields[rf])}** | ${range} | ${cell(baseline)} | ${[ctx.value, ctx.baseline].filter(Boolean).join(' / ') || '—'} |`);
      }
    }
  }
  out.push('');

  out.push(...renderScaling(figures.get('agent.bench.ts') ?? []));

  out.push('## Scripts', '');
  for (const s of input.scripts) {
    const status = scriptStatus(s);
    const ok = s.runs.filter((r) => r.ok).length;
    out.push(`### \`${s.file}\` — ${status}`, '');
    out.push(`Command: \`${s.command}\``, '');
    if (s.missing) {
      out.push('The script does not exist: nothing was measured.', '');
      continue;
    }
    const secs = s.runs.map((r) => r.seconds);
    out.push(`Runs: ${ok} of ${s.runs.length} succeeded${s.runs.length < s.plannedRuns ? ` (${s.plannedRuns} planned; the rest were skipped to stay within the time budget)` : ''}${secs.length ? `, ${fmt(median(secs))} s each (median)` : ''}.`, '');
    for (const [i, r] of s.runs.entries()) if (!r.ok) out.push(`- Run ${i + 1} failed: ${cell(failureReason(r))}`);
    if (s.runs.some((r) => !r.ok)) out.push('');
    const figs = figures.get(s.file) ?? [];
    if (figs.length === 0) {
      out.push(status === 'failed' ? 'No figures: every run failed.' : 'No figures: the script printed no JSON lines.', '');
      continue;
    }
    out.push('| figure | fields (medians over runs) |', '|---|---|');
    for (const f of figs) {
      const fields = Object.entries(f.fields)
        .filter(([k]) => k !== 'name' && k !== 'bench')
        .map(([k, v]) => `${k}: ${fmt(v)}`)
        .join('; ');
      out.push(`| ${cell(f.key)} | ${cell(fields)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
