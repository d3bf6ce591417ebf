/// <reference lib="dom" />
// Jobs list: running and recent jobs with their energy and carbon, sortable
// by column, filtered by labels (the API filters), 50 rows a page so 1,000
// jobs render as fast as 10.
import { api } from './api.ts';
import { fill, h } from './dom.ts';
import { carbon, duration, energy, labelFilterText, parseLabelFilter, utc } from './format.ts';
import { isRunning, paginate, sortJobs, SORT_KEYS, type JobRow, type SortKey } from './model.ts';
import { banner, labelChips } from './parts.ts';

export const JOBS_REFRESH_MS = 10_000;
export const PAGE_SIZE = 50;

export interface JobsState {
  labels: Record<string, string>;
  sort: SortKey;
  desc: boolean;
  page: number;
}

export function jobsStateFrom(params: URLSearchParams): JobsState {
  const f = parseLabelFilter(params.get('filter') ?? '');
  const sort = params.get('sort') as SortKey | null;
  return {
    labels: f.ok ? f.labels : {},
    sort: sort && SORT_KEYS.includes(sort) ? sort : 'start',
    desc: params.get('order') !== 'asc',
    page: Math.max(0, Number(params.get('page') ?? 1) - 1) || 0,
  };
}

export function jobsHash(s: JobsState): string {
  const p = new URLSearchParams();
  const filter = labelFilterText(s.labels);
  if (filter) p.set('filter', filter);
  if (s.sort !== 'start') p.set('sort', s.sort);
  if (!s.desc) p.set('order', 'asc');
  if (s.page > 0) p.set('page', String(s.page + 1));
  const q = p.toString();
  return q ? `#/jobs?${q}` : '#/jobs';
}

const COLUMNS: { key: SortKey; title: string; num?: boolean }[] = [
  { key: 'status', title: 'Status' },
  { key: 'job', title: 'Job' },
  { key: 'start', title: 'Started (UTC)' },
  { key: 'duration', title: 'Duration', num: true },
  { key: 'software', title: 'Energy, software', num: true },
  { key: 'wall', title: 'Energy, wall', num: true },
  { key: 'carbon', title: 'Carbon', num: true },
  { key: 'perTokens', title: 'Energy per 1M tokens', num: true },
];

export async function renderJobs(state: JobsState, go: (s: JobsState) => void): Promise<HTMLElement> {
  const [jobs, hosts] = await Promise.all([api.jobs({ labels: state.labels, limit: 1000 }), api.hosts()]);
  // For the benchmark: when the data arrived, apart from when the list was on screen.
  if (performance.getEntriesByName('wattprint:jobs-data').length === 0) performance.mark('wattprint:jobs-data');
  const now = Date.now();
  const rows: JobRow[] = jobs.map((job) => ({ job, running: isRunning(job, hosts, now) }));
  const page = paginate(sortJobs(rows, state.sort, state.desc), state.page, PAGE_SIZE);
  const running = rows.filter((r) => r.running).length;

  const input = h('input', { type: 'search', name: 'filter', value: labelFilterText(state.labels), placeholder: 'task=sst2 model=bert-base', 'aria-label': 'Label filter', spellcheck: 'false', autocomplete: 'off' });
  const problem = h('div', { class: 'form-problem', role: 'alert' });
  const form = h(
    'form',
    {
      class: 'filter',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const f = parseLabelFilter(input.value);
        if (!f.ok) return fill(problem, f.error);
        go({ ...state, labels: f.labels, page: 0 });
      },
    },
    h('label', null, 'Labels ', input),
    h('button', { type: 'submit' }, 'Filter'),
    Object.keys(state.labels).length ? h('button', { type: 'button', class: 'secondary', onclick: () => go({ ...state, labels: {}, page: 0 }) }, 'Clear') : null,
    problem,
  );

  const sortButton = (c: (typeof COLUMNS)[number]) => {
    const active = state.sort === c.key;
    return h(
      'th',
      { class: c.num ? 'num' : null, 'aria-sort': active ? (state.desc ? 'descending' : 'ascending') : 'none', scope: 'col' },
      h('button', { type: 'button', class: 'sort', 'data-sort': c.key, onclick: () => go({ ...state, sort: c.key, desc: active ? !state.desc : c.key !== 'job', page: 0 }) }, c.title, h('span', { class: 'arrow' }, active ? (state.desc ? ' ▼' : ' ▲') : '')),
    );
  };
  const pick = (k: string, v: string) => go({ ...state, labels: { ...state.labels, [k]: v }, page: 0 });
  const row = ({ job, running: live }: JobRow) =>
    h(
      'tr',
      { 'data-job': job.jobId },
      h('td', { 'data-field': 'status' }, h('span', { class: live ? 'status running' : 'status ended' }, live ? 'running' : 'ended')),
      h('td', { class: 'job-cell' }, h('a', { href: `#/job/${encodeURIComponent(job.jobId)}`, 'data-field': 'job' }, job.jobId), labelChips(job.labels, pick)),
      h('td', { 'data-field': 'start' }, utc(job.start).replace(' UTC', '')),
      h('td', { class: 'num', 'data-field': 'duration' }, duration(job.durationSeconds)),
      h('td', { class: 'num', 'data-field': 'software' }, energy(job.energy.softwareKwh), job.energy.estimated ? h('span', { class: 'badge estimate', title: 'Includes modelled energy: no hardware counter for some domains' }, 'estimate') : null),
      h('td', { class: 'num', 'data-field': 'wall' }, energy(job.energy.wallKwh)),
      h('td', { class: 'num', 'data-field': 'carbon' }, job.carbon ? carbon(job.carbon.gco2e) : h('span', { class: 'muted', title: 'no carbon figure yet' }, '—')),
      h('td', { class: 'num', 'data-field': 'per-tokens' }, job.normalised.kwhPer1MTokens !== null ? energy(job.normalised.kwhPer1MTokens) : h('span', { class: 'muted', title: 'the job reported no tokens' }, '—')),
    );
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h('span', { 'data-field': 'count' }, page.total ? `${page.first.toLocaleString('en-US')}–${page.last.toLocaleString('en-US')} of ${page.total.toLocaleString('en-US')} jobs` : 'no jobs'),
    h('button', { type: 'button', class: 'secondary', disabled: page.page === 0, onclick: () => go({ ...state, page: page.page - 1 }) }, '← Newer'),
    h('span', { class: 'muted' }, `page ${page.page + 1} of ${page.pages}`),
    h('button', { type: 'button', class: 'secondary', disabled: page.page >= page.pages - 1, onclick: () => go({ ...state, page: page.page + 1 }) }, 'Older →'),
  );

  return h(
    'section',
    { class: 'jobs' },
    h('div', { class: 'title-row' }, h('h1', null, 'Jobs'), h('p', { class: 'muted' }, `${running} running · energy per job, software (RAPL + NVML) and wall; carbon when the collector has grid intensity`)),
    h('div', { class: 'toolbar' }, form, pager),
    jobs.length === 0
      ? banner('info', Object.keys(state.labels).length ? `No job has the labels ${labelFilterText(state.labels)}.` : 'No jobs yet. Run one with: wattprint measure --label task=… -- python train.py')
      : h(
          'div',
          { class: 'table-wrap' },
          h('table', { class: 'jobs-table' }, h('thead', null, h('tr', null, COLUMNS.map(sortButton))), h('tbody', null, page.items.map(row))),
        ),
  );
}
