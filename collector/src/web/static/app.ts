/// <reference lib="dom" />
// The page: a hash router over three views (live hosts, jobs, one job), the
// token prompt, and the refresh loop. Without an accepted token it shows the
// prompt and nothing else: every figure comes from an authorised API call.
import { ApiError, AuthError, getToken, setToken } from './api.ts';
import { fill, h } from './dom.ts';
import { HOST_REFRESH_MS, renderHosts } from './host-view.ts';
import { JOB_REFRESH_MS, renderJob } from './job-view.ts';
import { JOBS_REFRESH_MS, jobsHash, jobsStateFrom, renderJobs } from './jobs-view.ts';
import { banner } from './parts.ts';

const main = document.getElementById('main')!;
const tokenBox = document.getElementById('token-box')!;
const status = document.getElementById('status')!;

type Route = { view: 'host' } | { view: 'jobs'; params: URLSearchParams } | { view: 'job'; id: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  if (path === '/jobs') return { view: 'jobs', params: new URLSearchParams(query) };
  const m = /^\/job\/(.+)$/.exec(path);
  if (m) {
    try {
      return { view: 'job', id: decodeURIComponent(m[1]!) };
    } catch {
      return { view: 'jobs', params: new URLSearchParams() };
    }
  }
  return { view: 'host' };
}

let generation = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let renders = 0;

function markRendered(view: string): void {
  renders++;
  document.documentElement.dataset.view = view;
  document.documentElement.dataset.renders = String(renders);
  // The benchmark reads this mark: navigation start -> first list on screen.
  if (performance.getEntriesByName(`wattprint:${view}`).length === 0) performance.mark(`wattprint:${view}`);
}

function renderTokenBox(): void {
  fill(tokenBox, getToken() ? h('span', { class: 'token-set' }, 'token in this tab · ', h('button', { type: 'button', class: 'link', onclick: () => (setToken(''), route()) }, 'forget')) : null);
}

function showAuth(err: AuthError): void {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, 'aria-label': 'API token', placeholder: 'paste a token with the read scope' });
  fill(
    main,
    h(
      'section',
      { class: 'card auth', 'data-view': 'auth' },
      h('h1', null, 'This collector needs a token'),
      h('p', null, err.status === 403 ? `The token was refused: ${err.message}. Give one with the read scope.` : getToken() ? `The token was refused: ${err.message}.` : 'Its API asks for a bearer token with the read scope. The page keeps it for this tab only (sessionStorage) and sends it to this collector alone.'),
      h(
        'form',
        {
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            setToken(input.value.trim());
            route();
          },
        },
        input,
        h('button', { type: 'submit' }, 'Open'),
      ),
    ),
  );
  fill(status, '');
  markRendered('auth');
}

/** Renders the current route now and again every few seconds while it stays current. */
export function route(): void {
  const gen = ++generation;
  clearTimeout(timer);
  const r = parseRoute(location.hash);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) a.classList.toggle('active', a.dataset.nav === (r.view === 'job' ? 'jobs' : r.view));
  renderTokenBox();
  let first = true;
  const run = async () => {
    let again = 0;
    try {
      let el: HTMLElement;
      if (r.view === 'host') {
        el = await renderHosts();
        again = HOST_REFRESH_MS;
      } else if (r.view === 'jobs') {
        el = await renderJobs(jobsStateFrom(r.params), (s) => (location.hash = jobsHash(s)));
        again = JOBS_REFRESH_MS;
      } else {
        const j = await renderJob(r.id);
        el = j.el;
        again = j.running ? JOB_REFRESH_MS : 0;
      }
      if (gen !== generation) return;
      // A refresh leaves someone typing in a form alone; a new route always renders.
      if (first || !main.querySelector('form:focus-within')) {
        first = false;
        const y = window.scrollY;
        fill(main, el);
        window.scrollTo(0, y);
      }
      fill(status, `updated ${new Date().toISOString().slice(11, 19)} UTC`);
      markRendered(r.view);
    } catch (err) {
      if (gen !== generation) return;
      if (err instanceof AuthError) return showAuth(err);
      const msg = err instanceof ApiError && err.status === 404 && r.view === 'job' ? `No job "${r.id}" with recorded energy.` : (err as Error).message;
      const old = main.querySelector('.banner.error');
      if (old) old.remove();
      main.prepend(banner('error', msg));
      fill(status, 'update failed, retrying');
      markRendered('error');
      again = 10_000;
    }
    if (again && gen === generation) timer = setTimeout(run, again);
  };
  void run();
}

window.addEventListener('hashchange', route);
route();
