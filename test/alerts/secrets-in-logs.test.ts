// No secret reaches a log. A real `wattprint collector` whose notifiers and
// carbon provider all fail (a receiver answering 500) logs every failed
// delivery; the secrets it was given (Alertmanager userinfo, a webhook's
// secret path, header values from a file and from the environment, a carbon
// API token from the environment) reach the receiver but never the output.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { redact, registerSecret } from '@wattprint/proto';
import { eventually, startCollectorProcess, type Proc } from '../helpers/processes.ts';
import { openIngest, validReport } from '../helpers/ingest-client.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-secrets-'));
const procs: Proc[] = [];
const servers: http.Server[] = [];
after(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  for (const s of servers) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SECRETS = {
  amPassword: 'am-pass-S3cr3t',
  hookPath: 'T0000/B0000/hookS3cr3tPath',
  fileHeader: 'file-S3cr3t-token',
  envHeader: 'env-S3cr3t-bearer',
  carbonToken: 'em-S3cr3t-token',
};

test('redact(): userinfo, Authorization, bearer tokens, key=value secrets and registered values', () => {
  registerSecret('registered-S3cr3t');
  const cases: [string, string][] = [
    ['POST http://ops:pw123@am:9093/api/v2/alerts failed', 'POST http://[redacted]@am:9093/api/v2/alerts failed'],
    ['authorization: Bearer abc.def', 'authorization: [redacted]'],
    ['{"Authorization":"Basic Zm9vOmJhcg=="}', '{"Authorization":"[redacted]"}'],
    ['GET /x?token=abcd1234&zone=DE', 'GET /x?token=[redacted]&zone=DE'],
    ['"password": "p@ss"', '"password": "[redacted]"'],
    ['sent Bearer xyz to it', 'sent Bearer [redacted] to it'],
    ['header registered-S3cr3t', 'header [redacted]'],
    ['interval 12 s, 3 tokens, 4 examples', 'interval 12 s, 3 tokens, 4 examples'],
  ];
  for (const [input, want] of cases) assert.equal(redact(input), want, input);
});

test('the logs of a failing-notifier run hold none of the secrets', async () => {
  const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const receiver = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'));
  });
  servers.push(receiver);
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;

  const headerFile = path.join(dir, 'x-token');
  fs.writeFileSync(headerFile, `${SECRETS.fileHeader}\n`, { mode: 0o600 });
  const alerts = path.join(dir, 'alerts.json');
  fs.writeFileSync(
    alerts,
    JSON.stringify({
      intervalS: 0.2,
      evaluationDelayS: 0,
      rules: [{ id: 'any-energy', kind: 'job_budget', metric: 'kwh', threshold: 0 }],
      notifiers: [
        { kind: 'alertmanager', url: `http://ops:${SECRETS.amPassword}@127.0.0.1:${port}`, retry: { attempts: 2, initialMs: 5, maxMs: 10 } },
        { kind: 'webhook', url: `http://127.0.0.1:${port}/services/${SECRETS.hookPath}`, headers: { 'x-token': { file: headerFile }, authorization: { env: 'WP_TEST_HOOK_AUTH' } }, retry: { attempts: 2, initialMs: 5, maxMs: 10 } },
      ],
    }),
  );
  const carbon = path.join(dir, 'carbon.json');
  fs.writeFileSync(carbon, JSON.stringify({ defaultZone: 'DE', providers: [{ type: 'electricitymaps', token: { env: 'WP_TEST_EM_TOKEN' }, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 }] }));

  const c = await startCollectorProcess(path.join(dir, 'c.db'), ['--alerts-config', alerts, '--carbon-config', carbon], { WP_TEST_HOOK_AUTH: `Bearer ${SECRETS.envHeader}`, WP_TEST_EM_TOKEN: SECRETS.carbonToken });
  procs.push(c.proc);
  const client = openIngest(c.grpcPort);
  client.call.write({ hello: { host: 'secret-host', resumeSeq: 1 } });
  client.call.write({ report: validReport('secret-host', 1) });
  await client.until('ack', () => client.acks.some((a) => Number(a.seq) === 1));
  client.close();

  // Both notifiers failed and said so, the carbon provider was asked and failed.
  await eventually(() => c.proc.output.some((l) => /alertmanager.*answered 500/.test(l)) && c.proc.output.some((l) => /webhook.*answered 500/.test(l)), 20_000, 'both deliveries to fail').catch((err) => assert.fail(`${(err as Error).message}\n${c.proc.output.join('\n')}`));
  await eventually(() => seen.some((s) => s.headers['auth-token'] !== undefined), 20_000, 'the carbon provider to be asked');
  // The secrets were in use: the receiver saw them.
  assert.ok(seen.some((s) => s.url === '/api/v2/alerts' && s.headers.authorization === `Basic ${Buffer.from(`ops:${SECRETS.amPassword}`).toString('base64')}`), 'alertmanager called with the userinfo as Basic auth');
  assert.ok(seen.some((s) => s.url.endsWith(SECRETS.hookPath) && s.headers['x-token'] === SECRETS.fileHeader && s.headers.authorization === `Bearer ${SECRETS.envHeader}`), 'webhook called with the file and env headers');
  assert.ok(seen.some((s) => s.headers['auth-token'] === SECRETS.carbonToken), 'the carbon token from the environment was used');

  const logs = c.proc.output.join('\n');
  for (const [name, secret] of Object.entries(SECRETS)) assert.ok(!logs.includes(secret), `${name} appears in the logs:\n${logs.split('\n').filter((l) => l.includes(secret)).join('\n')}`);
  assert.match(logs, /\[redacted\]/, 'the failure lines are there, redacted');
});
