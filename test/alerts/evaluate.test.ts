// The pure parts of alerting: the rule state machine, the facts arithmetic,
// notification content and retry backoff, and config validation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate, type AlertState, type JobFacts } from '@wattprint/collector/alerts/evaluate.ts';
import { factsWindow, jobFacts } from '@wattprint/collector/alerts/facts.ts';
import { bestIntensity } from '@wattprint/collector/alerts/carbon-reader.ts';
import { winner } from '@wattprint/collector/alerts/log.ts';
import { retryDelayMs, retryableStatus, toNotification } from '@wattprint/collector/alerts/notifier.ts';
import { alertmanagerBody } from '@wattprint/collector/alerts/notifiers/alertmanager.ts';
import { webhookBody } from '@wattprint/collector/alerts/notifiers/webhook.ts';
import { parseAlertConfig, type AlertRule } from '@wattprint/collector/alerts/rules.ts';
import type { JobTotals } from '@wattprint/collector/storage/sink.ts';

const S = 1_000_000;

function rule(over: Partial<AlertRule> = {}): AlertRule {
  return { id: 'r', kind: 'rate', metric: 'watts', threshold: 1000, forS: 0, severity: 'warning', match: {}, summary: undefined, ...over };
}

function job(over: Partial<JobFacts> = {}): JobFacts {
  return { jobId: 'j1', labels: { task: 'sst2' }, hosts: ['h1'], kwh: 1, gco2e: 100, watts: 500, gco2ePerHour: 50, grid: { zone: 'FR', gco2ePerKwh: 50 }, ...over };
}

/** Runs evaluate over a sequence of (seconds, facts), returning the events as "t:status:rule/job". */
function run(rules: AlertRule[], steps: [number, JobFacts[]][]): string[] {
  let state: ReadonlyMap<string, AlertState> = new Map();
  const out: string[] = [];
  for (const [t, facts] of steps) {
    const r = evaluate(rules, facts, state, t * S);
    state = r.state;
    for (const e of r.events) out.push(`${t}:${e.status}:${e.rule.id}/${e.jobId}:${e.value}`);
  }
  return out;
}

describe('evaluate (pure)', () => {
  test('fires once when over the threshold, resolves once when back under', () => {
    const r = rule();
    assert.deepEqual(
      run([r], [
        [0, [job({ watts: 900 })]],
        [60, [job({ watts: 1200 })]],
        [120, [job({ watts: 1300 })]],
        [180, [job({ watts: 1000 })]], // equal is not above
        [240, [job({ watts: 800 })]],
      ]),
      ['60:firing:r/j1:1200', '180:resolved:r/j1:1000'],
    );
  });

  test('forS: pending until the condition held long enough; a dip restarts the wait', () => {
    const r = rule({ forS: 120 });
    assert.deepEqual(
      run([r], [
        [0, [job({ watts: 1500 })]],
        [60, [job({ watts: 1500 })]],
        [90, [job({ watts: 10 })]], // dip: back to inactive, no event (it never fired)
        [100, [job({ watts: 1500 })]],
        [180, [job({ watts: 1500 })]],
        [220, [job({ watts: 1600 })]],
        [280, [job({ watts: 1700 })]],
      ]),
      ['220:firing:r/j1:1600'],
    );
  });

  test('a job that stops running resolves its alerts; one that never fired says nothing', () => {
    const budget = rule({ id: 'b', kind: 'job_budget', metric: 'gco2e', threshold: 50 });
    const power = rule({ id: 'p', forS: 600 });
    assert.deepEqual(
      run([budget, power], [
        [0, [job({ gco2e: 60, watts: 2000 }), job({ jobId: 'j2', gco2e: 10 })]],
        [60, [job({ jobId: 'j2', gco2e: 70 })]],
        [120, []],
      ]),
      ['0:firing:b/j1:60', '60:firing:b/j2:70', '60:resolved:b/j1:60', '120:resolved:b/j2:70'],
    );
  });

  test('missing figures never fire; match filters on job labels; every metric is read', () => {
    const noCarbon = job({ gco2e: undefined, gco2ePerHour: undefined, grid: undefined });
    const rules = [
      rule({ id: 'g', kind: 'job_budget', metric: 'gco2e', threshold: 0 }),
      rule({ id: 'gh', metric: 'gco2e_per_h', threshold: 0 }),
      rule({ id: 'grid', kind: 'grid_intensity', metric: 'grid_intensity', threshold: 0 }),
    ];
    assert.deepEqual(run(rules, [[0, [noCarbon]]]), []);
    assert.deepEqual(run(rules, [[0, [job()]]]), ['0:firing:g/j1:100', '0:firing:gh/j1:50', '0:firing:grid/j1:50']);
    const kwh = rule({ id: 'k', kind: 'job_budget', metric: 'kwh', threshold: 0.5, match: { task: 'mnli' } });
    assert.deepEqual(run([kwh], [[0, [job(), job({ jobId: 'j2', labels: { task: 'mnli' } })]]]), ['0:firing:k/j2:1']);
  });
});

describe('facts arithmetic (pure)', () => {
  const totals: JobTotals = {
    jobId: 'j', labels: {}, hosts: ['a', 'b'], startUs: 0, endUs: 1, softwareJoules: 3.0e6, wallJoules: 3.6e6, dynamicJoules: 0, idleJoules: 0,
    byComponent: { cpu: 0, dram: 0, gpu: 0, other: 0 }, estimated: false, cpuSeconds: 0, tokens: 0, examples: 0, steps: 0,
  };
  test('kWh from wall joules, watts and gCO2e/h over the rate window, the highest zone intensity', () => {
    const w = factsWindow({ evaluationDelayS: 30, rateWindowS: 300, activeWithinS: 600 }, 1_000_000 * S);
    assert.deepEqual(w, { asOfUs: 999_970 * S, rateFromUs: 999_670 * S, activeAfterUs: 999_370 * S });
    const f = jobFacts(totals, 300_000, { gco2e: 12, windowGco2e: 2, zones: ['DE', 'FR'] }, new Map([['FR', 50], ['DE', 380]]), ['DE', 'FR'], w);
    assert.equal(f.kwh, 1);
    assert.equal(f.watts, 1000);
    assert.equal(f.gco2ePerHour, 24);
    assert.deepEqual(f.grid, { zone: 'DE', gco2ePerKwh: 380 });
    const none = jobFacts(totals, 0, undefined, new Map(), ['XX'], w);
    assert.equal(none.gco2e, undefined);
    assert.equal(none.gco2ePerHour, undefined);
    assert.equal(none.grid, undefined);
  });
  test('grid intensity: best quality wins over a higher static figure', () => {
    assert.equal(bestIntensity([{ quality: 'static_yearly', gco2ePerKwh: 400 }, { quality: 'measured', gco2ePerKwh: 120 }, { quality: 'forecast', gco2ePerKwh: 90 }]), 120);
    assert.equal(bestIntensity([]), undefined);
  });
  test('notification log: the earliest claim wins, then the smallest owner, whatever the order read', () => {
    const rows = [{ owner: 'b', claimedUs: 5 }, { owner: 'c', claimedUs: 4 }, { owner: 'a', claimedUs: 4 }];
    assert.equal(winner(rows)?.owner, 'a');
    assert.equal(winner([...rows].reverse())?.owner, 'a');
    assert.equal(winner([]), undefined);
  });
});

describe('notifications (pure)', () => {
  const r = rule({ id: 'job-high-power', summary: 'Job {job} draws {value} {unit} (> {threshold})' });
  const content = { rule: r, jobId: 'ft/sst2', episode: 3, value: 1234.5678, hosts: ['h1'], jobLabels: { task: 'sst2' }, startsAtUs: 1_767_225_600_000_000, generatorUrl: 'http://g/d/x?var-job={job}' };
  test('firing and resolved carry the same labels and identity; what varies is in annotations', () => {
    const f = toNotification('firing', { ...content, endsAtUs: undefined });
    const res = toNotification('resolved', { ...content, value: 10, endsAtUs: 1_767_225_660_000_000 });
    assert.deepEqual(f.labels, { alertname: 'job-high-power', wattprint_job: 'ft/sst2', severity: 'warning', metric: 'watts', source: 'wattprint' });
    assert.deepEqual(res.labels, f.labels);
    assert.equal(res.fingerprint, f.fingerprint);
    assert.notEqual(toNotification('firing', { ...content, episode: 4, endsAtUs: undefined }).fingerprint, f.fingerprint);
    assert.equal(f.annotations.summary, 'Job ft/sst2 draws 1235 W (> 1000)');
    assert.equal(f.startsAt, '2026-01-01T00:00:00.000Z');
    assert.equal(f.endsAt, undefined);
    assert.equal(res.endsAt, '2026-01-01T00:01:00.000Z');
    assert.equal(f.generatorURL, 'http://g/d/x?var-job=ft%2Fsst2');
    const am = alertmanagerBody([f, res], Date.parse('2026-01-01T00:00:00Z'), 60) as { endsAt: string; startsAt: string; labels: object }[];
    assert.equal(am[0]!.endsAt, '2026-01-01T00:04:00.000Z', 'firing: 4 resend intervals ahead');
    assert.equal(am[1]!.endsAt, res.endsAt);
    assert.deepEqual(Object.keys(am[0]!).sort(), ['annotations', 'endsAt', 'generatorURL', 'labels', 'startsAt']);
    const hook = webhookBody(res) as { status: string; alerts: { status: string; fingerprint: string }[] };
    assert.equal(hook.status, 'resolved');
    assert.equal(hook.alerts[0]!.fingerprint, f.fingerprint);
  });
  test('retry backoff doubles from initialMs up to maxMs, with jitter in [50%, 100%]; only 429 and 5xx retry', () => {
    const p = { attempts: 5, initialMs: 100, maxMs: 1000 };
    assert.deepEqual([0, 1, 2, 3, 4, 60].map((a) => retryDelayMs(a, p, () => 1)), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(retryDelayMs(2, p, () => 0), 200);
    assert.deepEqual([400, 401, 404, 429, 500, 503].map(retryableStatus), [false, false, false, true, true, true]);
  });
});

describe('config', () => {
  test('defaults fill in; every key of a rule and notifier is read', () => {
    const c = parseAlertConfig({ rules: [{ id: 'b', kind: 'job_budget', metric: 'kwh', threshold: 2 }], notifiers: [{ kind: 'webhook', url: 'http://127.0.0.1:9/x' }] });
    assert.equal(c.intervalS, 60);
    assert.deepEqual(c.rules[0], { id: 'b', kind: 'job_budget', metric: 'kwh', threshold: 2, forS: 0, severity: 'warning', match: {}, summary: undefined });
    assert.deepEqual(c.notifiers[0], { kind: 'webhook', url: 'http://127.0.0.1:9/x', headers: {}, retry: { attempts: 5, initialMs: 500, maxMs: 30_000 } });
    assert.equal(parseAlertConfig({ rules: [{ id: 'g', kind: 'grid_intensity', threshold: 300 }] }).rules[0]!.metric, 'grid_intensity');
  });
  test('bad configs are refused with the file and the path named', () => {
    const cases: [unknown, RegExp][] = [
      [[], /a\.json: expected an object/],
      [{ rule: [] }, /a\.json: unknown key "rule"/],
      [{ rules: [{ id: 'x', kind: 'rate', metric: 'kwh', threshold: 1 }] }, /a\.json\.rules\[0\]\.metric: "kwh" does not go with kind rate \(use watts or gco2e_per_h\)/],
      [{ rules: [{ id: 'x', kind: 'budget', metric: 'kwh', threshold: 1 }] }, /rules\[0\]\.kind: "budget" is not one of job_budget, rate, grid_intensity/],
      [{ rules: [{ id: 'x', kind: 'rate', metric: 'watts', threshold: -1 }] }, /rules\[0\]\.threshold: expected a number in \[0, /],
      [{ rules: [{ id: 'x', kind: 'rate', metric: 'watts', threshold: 1, for: 60 }] }, /rules\[0\]: unknown key "for"/],
      [{ rules: [{ id: 'x', kind: 'rate', metric: 'watts', threshold: 1 }, { id: 'x', kind: 'rate', metric: 'watts', threshold: 2 }] }, /rules\[1\]\.id: "x" is used twice/],
      [{ rules: [{ id: 'bad id', kind: 'rate', metric: 'watts', threshold: 1 }] }, /rules\[0\]\.id: "bad id"/],
      [{ notifiers: [{ kind: 'webhook', url: 'ftp://x' }] }, /notifiers\[0\]\.url: use http:\/\/ or https:\/\//],
      [{ notifiers: [{ kind: 'slack', url: 'http://x' }] }, /notifiers\[0\]\.kind: "slack" is not one of webhook, alertmanager/],
      [{ notifiers: [{ kind: 'webhook', url: 'http://x', retry: { attempts: 0 } }] }, /notifiers\[0\]\.retry\.attempts: expected a number in \[1, 100\], got 0/],
      [{ notifiers: [{ kind: 'webhook', url: 'http://x', headers: { a: 1 } }] }, /notifiers\[0\]\.headers\.a: expected a string, \{"file": PATH\} or \{"env": NAME\}/],
    ];
    for (const [value, re] of cases) assert.throws(() => parseAlertConfig(value, 'a.json'), re, JSON.stringify(value));
  });
});
