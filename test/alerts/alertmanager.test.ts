// Alerts against a real Alertmanager 0.25 (Debian's prometheus-alertmanager) on
// loopback. Two collectors started from the CLI share one store and one alerts
// config; an agent over a fixture sysfs runs a job on a host priced in zone DE.
// Alertmanager groups by wattprint_job and routes on severity. Checked through
// its v2 API and its webhook notifications: the documented labels and
// annotations, routing, inhibition, silences, one group for two collectors, the
// second collector keeping the alerts alive alone, and resolution when the job ends.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { RaplFixture } from '../fixtures/sysfs.ts';
import { eventually, sleep, startCollectorProcess, wattprint, waitForLine, type Proc } from '../helpers/processes.ts';
import { startAlertmanager, type Server } from '../helpers/prometheus.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const JOB = 'am-job';
const HOST = 'am-host';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-am-'));
const procs: Proc[] = [];
let am: Server;
let receiver: Receiver;
let fixture: RaplFixture;
let ticker: NodeJS.Timeout | undefined;

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL: string;
  receivers: { name: string }[];
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}
interface AmGroup {
  labels: Record<string, string>;
  receiver: { name: string };
  alerts: AmAlert[];
}
interface Webhook {
  status: string;
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string> }[];
}

// Grouped by the ML job; critical alerts page, the rest go to the team; a critical alert
// mutes the same job's warnings. `job` (the scrape job) plays no part.
const amConfig = (hook: string) => `
route:
  receiver: team
  group_by: [wattprint_job]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
receivers:
  - name: team
    webhook_configs: [{ url: '${hook}/team', send_resolved: true }]
  - name: pager
    webhook_configs: [{ url: '${hook}/pager', send_resolved: true }]
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [wattprint_job]
`;

const RULES = [
  { id: 'job-carbon-budget', kind: 'job_budget', metric: 'gco2e', threshold: 0, severity: 'critical' },
  { id: 'job-energy-budget', kind: 'job_budget', metric: 'kwh', threshold: 0, severity: 'warning' },
  { id: 'job-high-power', kind: 'rate', metric: 'watts', threshold: 0, severity: 'info' },
  { id: 'job-high-emission-rate', kind: 'rate', metric: 'gco2e_per_h', threshold: 0, severity: 'warning' },
  { id: 'job-dirty-grid', kind: 'grid_intensity', threshold: 100, severity: 'info', summary: 'Job {job} runs on a {value} {unit} grid' },
];
const UNITS: Record<string, string> = { gco2e: 'gCO2e', kwh: 'kWh', watts: 'W', gco2e_per_h: 'gCO2e/h', grid_intensity: 'gCO2e/kWh' };

before(async () => {
  receiver = await startReceiver();
  am = await startAlertmanager(amConfig(receiver.url));
});
after(async () => {
  if (ticker) clearInterval(ticker);
  for (const p of procs) await p.stop('SIGKILL');
  await am?.close();
  await receiver?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function amGet<T>(p: string): Promise<T> {
  const res = await fetch(am.url + p);
  assert.equal(res.status, 200, `GET ${p}`);
  return (await res.json()) as T;
}
const jobAlerts = () => amGet<AmAlert[]>(`/api/v2/alerts?filter=${encodeURIComponent(`wattprint_job="${JOB}"`)}`);
const byName = (alerts: AmAlert[]) => new Map(alerts.map((a) => [a.labels.alertname!, a]));

test('two CLI collectors alert a real Alertmanager: grouped, routed, inhibited, silenced, resolved', async () => {
  const alertsFile = path.join(dir, 'alerts.json');
  fs.writeFileSync(
    alertsFile,
    JSON.stringify({
      intervalS: 0.5,
      evaluationDelayS: 0,
      activeWithinS: 3,
      rateWindowS: 5,
      generatorUrl: 'http://grafana.test/d/wattprint-job?var-job={job}',
      rules: RULES,
      notifiers: [{ kind: 'alertmanager', url: am.url, resendIntervalS: 1 }],
    }),
  );
  const dbPath = path.join(dir, 'shared.db');
  const a = await startCollectorProcess(dbPath, ['--alerts-config', alertsFile, '--zone', 'DE']);
  procs.push(a.proc);
  const b = await startCollectorProcess(dbPath, ['--alerts-config', alertsFile, '--zone', 'DE']);
  procs.push(b.proc);

  fixture = RaplFixture.server(path.join(dir, 'sysfs'));
  ticker = setInterval(() => {
    for (const z of ['intel-rapl:0', 'intel-rapl:1']) fixture.advance(z, 20_000_000n); // 20 J per 100 ms per package
  }, 100);
  const agent = wattprint(
    ['agent', '--plaintext', '--collector', `127.0.0.1:${a.grpcPort}`, '--collector', `127.0.0.1:${b.grpcPort}`, '--host', HOST, '--spool-dir', path.join(dir, 'spool'), '--socket', path.join(dir, 'agent.sock'), '--sysfs-root', fixture.root, '--interval-ms', '200'],
    { WATTPRINT_JOB_ID: JOB },
  );
  procs.push(agent);
  await waitForLine(agent, /source rapl: found/);

  // Every rule fires for the job and reaches Alertmanager.
  const firing = await eventually(async () => {
    const m = byName(await jobAlerts());
    return RULES.every((r) => m.has(r.id)) ? m : undefined;
  }, 60_000, 'every rule firing in Alertmanager').catch((err) => {
    throw new Error(`${err.message}\ncollector a:\n${a.proc.output.join('\n')}\ncollector b:\n${b.proc.output.join('\n')}\nalertmanager:\n${am.log.join('\n')}`);
  });
  assert.ok(firing);

  // The documented labels and annotations.
  for (const r of RULES) {
    const al: AmAlert = firing.get(r.id)!;
    const metric = r.metric ?? 'grid_intensity';
    assert.deepEqual(al.labels, { alertname: r.id, wattprint_job: JOB, severity: r.severity, metric, source: 'wattprint' }, r.id);
    assert.equal(al.annotations.unit, UNITS[metric], r.id);
    assert.equal(al.annotations.hosts, HOST, r.id);
    assert.equal(al.annotations.threshold, String(r.threshold), r.id);
    assert.ok(Number(al.annotations.value) > r.threshold, `${r.id}: value ${al.annotations.value}`);
    assert.equal(al.annotations.job_labels, '{}', r.id);
    assert.equal(al.annotations.episode, undefined, `${r.id}: no notification log with Alertmanager alone`);
    assert.equal(al.generatorURL, `http://grafana.test/d/wattprint-job?var-job=${JOB}`);
    assert.ok(Date.parse(al.endsAt) > Date.now(), `${r.id}: endsAt ahead while firing`);
  }
  assert.match(firing.get('job-dirty-grid')!.annotations.summary!, new RegExp(`^Job ${JOB} runs on a \\d+(\\.\\d+)? gCO2e/kWh grid$`));
  assert.match(firing.get('job-energy-budget')!.annotations.summary!, new RegExp(`^Job ${JOB}: cumulative energy .* kWh is above 0 kWh$`));

  // Routing on severity, inhibition of the job's warnings by its critical alert.
  const fresh = byName(await jobAlerts());
  assert.deepEqual(fresh.get('job-carbon-budget')!.receivers.map((x) => x.name), ['pager']);
  for (const id of ['job-energy-budget', 'job-high-power', 'job-high-emission-rate', 'job-dirty-grid']) assert.deepEqual(fresh.get(id)!.receivers.map((x) => x.name), ['team'], id);
  for (const id of ['job-energy-budget', 'job-high-emission-rate']) {
    assert.equal(fresh.get(id)!.status.state, 'suppressed', `${id} is inhibited`);
    assert.equal(fresh.get(id)!.status.inhibitedBy.length, 1, id);
  }
  for (const id of ['job-carbon-budget', 'job-high-power', 'job-dirty-grid']) assert.equal(fresh.get(id)!.status.state, 'active', id);

  // Two collectors, one alert per rule and one group per route for the job.
  const groups = (await amGet<AmGroup[]>('/api/v2/alerts/groups')).filter((g) => g.labels.wattprint_job === JOB);
  assert.deepEqual(groups.map((g) => [g.receiver.name, g.labels]).sort(), [['pager', { wattprint_job: JOB }], ['team', { wattprint_job: JOB }]]);
  const team = groups.find((g) => g.receiver.name === 'team')!;
  assert.deepEqual(team.alerts.map((x) => x.labels.alertname).sort(), ['job-dirty-grid', 'job-energy-budget', 'job-high-emission-rate', 'job-high-power']);
  // The agent scans the real /proc: on a shared machine other tests' jobs may alert too; only ours count here.
  const hooks = () => receiver.requests.filter((r) => r.path === '/team').map((r) => r.body as Webhook).filter((h) => h.groupLabels.wattprint_job === JOB);
  await eventually(() => hooks().length > 0, 20_000, 'a team notification');
  for (const h of hooks()) {
    assert.deepEqual(h.groupLabels, { wattprint_job: JOB });
    const names = h.alerts.map((x) => x.labels.alertname);
    assert.equal(new Set(names).size, names.length, 'no alert twice in one notification');
  }
  assert.equal(new Set(hooks().map((h) => h.groupKey)).size, 1, 'one group');

  // A silence on one alert of the job.
  const now = new Date();
  const res = await fetch(`${am.url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      matchers: [
        { name: 'alertname', value: 'job-high-power', isRegex: false, isEqual: true },
        { name: 'wattprint_job', value: JOB, isRegex: false, isEqual: true },
      ],
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + 3600_000).toISOString(),
      createdBy: 'test',
      comment: 'known big job',
    }),
  });
  assert.equal(res.status, 200);
  const { silenceID } = (await res.json()) as { silenceID: string };
  const silenced = byName(await jobAlerts());
  assert.equal(silenced.get('job-high-power')!.status.state, 'suppressed');
  assert.deepEqual(silenced.get('job-high-power')!.status.silencedBy, [silenceID]);
  assert.equal(silenced.get('job-dirty-grid')!.status.state, 'active', 'the silence mutes only what it matches');

  // Collector a dies without a word: b alone keeps every alert alive (it posts too).
  await a.proc.stop('SIGKILL');
  const killedAt = Date.now();
  await eventually(async () => {
    const m = byName(await jobAlerts());
    return RULES.every((r) => m.has(r.id) && Date.parse(m.get(r.id)!.updatedAt) > killedAt + 1500);
  }, 20_000, 'collector b re-posting every alert');

  // The job ends: its alerts resolve in Alertmanager, and the receivers hear it.
  await agent.stop();
  clearInterval(ticker);
  ticker = undefined;
  await eventually(async () => (await jobAlerts()).length === 0, 30_000, 'the alerts to resolve');
  await eventually(() => hooks().some((h) => h.status === 'resolved'), 20_000, 'a resolved team notification');
  const pager = receiver.requests.filter((r) => r.path === '/pager').map((r) => r.body as Webhook).filter((h) => h.groupLabels.wattprint_job === JOB);
  assert.ok(pager.some((h) => h.status === 'firing' && h.alerts.every((x) => x.labels.severity === 'critical')));
  await eventually(() => receiver.requests.filter((r) => r.path === '/pager').some((r) => (r.body as Webhook).status === 'resolved' && (r.body as Webhook).groupLabels.wattprint_job === JOB), 20_000, 'a resolved page');
  // Nothing fires again after resolution.
  await sleep(2000);
  assert.deepEqual(await jobAlerts(), []);
  assert.ok(!b.proc.output.some((l) => /not delivered|cannot read the store/.test(l)), b.proc.output.join('\n'));
});
