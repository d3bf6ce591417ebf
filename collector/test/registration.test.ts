// A process registered through the HTTP API (host + pid) is attributed to its
// job when the agent could not resolve one, through a real collector: API ->
// registry -> ingest context -> attribution -> store -> job report.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Domain, IngestService, Quality, Source, type CollectorMessage } from '@wattprint/proto';
import { startCollector, type RunningCollector } from '../src/collector.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-reg-'));
let collector: RunningCollector | undefined;
after(async () => {
  await collector?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an API registration (host, pid, window) places an unresolved process in its job', async () => {
  fs.writeFileSync(path.join(dir, 'tokens.json'), JSON.stringify([{ name: 'ops', token: 't'.repeat(32), scopes: ['admin'] }]));
  collector = await startCollector({ grpcAddress: '127.0.0.1:0', httpHost: '127.0.0.1', httpPort: 0, dbPath: path.join(dir, 'c.db'), plaintext: true, tokensFile: path.join(dir, 'tokens.json'), idlePolicy: 'unattributed', baselines: { n1: { 'package/package-0': 12 } } }, () => {});
  const api = `http://127.0.0.1:${collector.httpPort}`;
  const headers = { authorization: `Bearer ${'t'.repeat(32)}`, 'content-type': 'application/json' };
  const now = Date.now() * 1000;
  let res = await fetch(`${api}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ jobId: 'notebook-7', labels: { task: 'imdb' } }) });
  assert.equal(res.status, 201);
  res = await fetch(`${api}/v1/jobs/notebook-7/processes`, { method: 'POST', headers, body: JSON.stringify({ host: 'n1', pid: 5150, from: new Date((now - 60e6) / 1000).toISOString() }) });
  assert.equal(res.status, 201);
  assert.equal((await fetch(`${api}/v1/jobs`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status, 401, 'tokens from the CLI option are enforced');

  const Client = grpc.makeGenericClientConstructor(IngestService, 'Ingest');
  const client = new Client(`127.0.0.1:${collector.grpcPort}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & { stream: () => grpc.ClientDuplexStream<unknown, CollectorMessage> };
  const call = client.stream();
  const acked = new Promise<number>((resolve) => call.on('data', (m: CollectorMessage) => Number(m.ack?.seq) >= 1 && resolve(Number(m.ack?.seq))));
  call.write({ hello: { host: 'n1', agentVersion: 'test', resumeSeq: 1, inventory: {} } });
  call.write({
    report: {
      host: 'n1',
      seq: 1,
      startUs: now - 10e6,
      endUs: now - 9e6,
      cpuBusySeconds: 1,
      cpuIdleSeconds: 1,
      cpuCount: 2,
      energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 40 }],
      // pid 5150 has no job from the agent; pid 6000 has none anywhere.
      processes: [
        { pid: 5150, startTimeUs: now - 30e6, ppid: 1, cpuSeconds: 0.75 },
        { pid: 6000, startTimeUs: now - 30e6, ppid: 1, cpuSeconds: 0.25 },
      ],
    },
  });
  assert.equal(await acked, 1);
  call.end();
  client.close();

  const report = (await (await fetch(`${api}/v1/jobs/notebook-7`, { headers })).json()) as { labels: Record<string, string>; energy: { softwareKwh: number; idleKwh: number } };
  assert.equal(report.labels.task, 'imdb');
  // Configured baseline 12 W over 1 s: 12 J idle (left unattributed by the policy), 28 J dynamic
  // split by CPU time: the registered process ran 0.75 of the 1 s busy, so its job gets 21 J.
  const j = report.energy.softwareKwh * 3.6e6;
  assert.ok(Math.abs(j - 21) < 1e-9, `job got ${j} J`);
  assert.equal(report.energy.idleKwh, 0, 'idle policy "unattributed" from the collector config');
  const host = (await (await fetch(`${api}/v1/hosts/n1`, { headers })).json()) as { idleBaseline: { key: string; watts: number; source: string }[] };
  assert.deepEqual(host.idleBaseline.map((b) => [b.key, b.watts, b.source]), [['package/package-0', 12, 'configured']]);
});
