// The shipped alert configuration: the example collector config parses, the
// Grafana alert rules carry the same thresholds and durations, and every
// Grafana rule query runs on a real InfluxDB holding collector data, grouped
// by the label its math expression joins on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadAlertConfig } from '@wattprint/collector/alerts/rules.ts';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import { request, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { REPO } from '../helpers/processes.ts';
import { seed } from '../grafana/seed.ts';
import { parse as parseYaml } from 'yaml';

interface GrafanaQuery {
  refId: string;
  datasourceUid: string;
  relativeTimeRange?: { from: number; to: number };
  model: { refId: string; type?: string; query?: string; expression?: string; conditions?: { evaluator: { type: string; params: number[] } }[] };
}
interface GrafanaRule { uid: string; title: string; condition: string; for: string; data: GrafanaQuery[]; labels: Record<string, string>; annotations: Record<string, string> }

const collectorCfg = loadAlertConfig(path.join(REPO, 'deploy/alerting/collector-alerts.json'));
const grafana = parseYaml(fs.readFileSync(path.join(REPO, 'deploy/alerting/grafana/wattprint-rules.yaml'), 'utf8')) as { apiVersion: number; groups: { name: string; folder: string; interval: string; rules: GrafanaRule[] }[] };
const grafanaRules = grafana.groups.flatMap((g) => g.rules);

let influxd: Influxd;
let store: InfluxStore;
before(async () => {
  influxd = await startInfluxd();
  store = await InfluxStore.open({ url: influxd.url, database: 'wattprint', flushIntervalMs: 5 });
  await seed(store, Math.floor(Date.now() / 1000) * 1_000_000 - 60_000_000);
  await store.flush();
});
after(async () => {
  await store?.close();
  await influxd?.close();
});

test('the example collector config covers every rule kind and both notifiers', () => {
  assert.deepEqual([...new Set(collectorCfg.rules.map((r) => r.kind))].sort(), ['grid_intensity', 'job_budget', 'rate']);
  assert.deepEqual([...new Set(collectorCfg.rules.map((r) => r.metric))].sort(), ['gco2e', 'gco2e_per_h', 'grid_intensity', 'kwh', 'watts']);
  assert.deepEqual(collectorCfg.notifiers.map((n) => n.kind).sort(), ['alertmanager', 'webhook']);
});

test('Grafana rules: one per collector rule, same threshold and for, a threshold condition on the running-only value', () => {
  assert.equal(grafana.apiVersion, 1);
  assert.deepEqual(grafanaRules.map((r) => r.labels.wattprint_rule).sort(), collectorCfg.rules.map((r) => r.id).sort());
  for (const rule of collectorCfg.rules) {
    const g = grafanaRules.find((x) => x.labels.wattprint_rule === rule.id)!;
    assert.equal(g.uid, `wattprint-${rule.id}`);
    assert.equal(g.labels.severity, rule.severity, rule.id);
    // The collector's job label, never "job": Alertmanager routes and inhibits on the scrape job's.
    assert.equal(g.labels.wattprint_job, rule.kind === 'grid_intensity' ? undefined : '{{ $labels.job }}', rule.id);
    assert.equal(g.for, `${rule.forS}s`, rule.id);
    const cond = g.data.find((d) => d.refId === g.condition)!;
    assert.equal(cond.datasourceUid, '__expr__');
    assert.equal(cond.model.type, 'threshold');
    assert.deepEqual(cond.model.conditions?.[0]?.evaluator, { type: 'gt', params: [rule.threshold] }, rule.id);
    assert.equal(g.data.find((d) => d.refId === cond.model.expression)?.model.expression, '$B * ($E > 0)', `${rule.id}: only running jobs count`);
    for (const q of g.data.filter((d) => d.datasourceUid !== '__expr__')) {
      assert.equal(q.datasourceUid, 'wattprint-influxdb');
      assert.ok(q.relativeTimeRange && q.relativeTimeRange.from > q.relativeTimeRange.to, `${rule.id} ${q.refId}: time range`);
    }
  }
});

test('every Grafana rule query runs on collector data and is grouped by job (or zone for the grid rule)', async () => {
  const nowMs = Date.now();
  for (const g of grafanaRules) {
    for (const q of g.data.filter((d) => d.datasourceUid === 'wattprint-influxdb')) {
      const { from, to } = q.relativeTimeRange!;
      const sql = q.model.query!.replace('$timeFilter', `time >= ${nowMs - from * 1000}ms and time <= ${nowMs - to * 1000}ms`);
      const res = await request(influxd.port, 'POST', '/query?db=wattprint&epoch=ms', `q=${encodeURIComponent(sql)}`);
      const body = JSON.parse(res.body) as { results: { error?: string; series?: { tags?: Record<string, string>; values: unknown[][] }[] }[] };
      assert.equal(body.results[0]?.error, undefined, sql);
      const series = body.results[0]?.series ?? [];
      assert.ok(series.length > 0, `${g.uid} ${q.refId}: no rows for ${sql}`);
      const grid = g.labels.wattprint_rule === 'job-dirty-grid';
      const want = grid ? (q.refId === 'A' ? ['zone'] : []) : ['job'];
      for (const s of series) assert.deepEqual(Object.keys(s.tags ?? {}), want, `${g.uid} ${q.refId}`);
      if (!grid) assert.deepEqual(series.map((s) => s.tags!.job).sort(), ['ft-mnli', 'ft-sst2']);
    }
  }
});
