// A bounded, seeded fuzz of the collector's gRPC and HTTP surfaces, against a
// real `wattprint collector`. Mutated reports, raw frames and HTTP requests
// (the issue 17 cases first): no crash, no 5xx, no INTERNAL; every report the
// collector accepted is within the shared limits; afterwards a valid report is
// acked and stored and GET /v1/jobs works. Seed: FUZZ_SEED (default fixed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { AgentMessage, checkReportFields, Report, MAX_TIME_US, MIN_TIME_US, type Report as ReportT } from '@wattprint/proto';
import { startCollectorProcess, type Proc } from '../helpers/processes.ts';
import { openIngest, rejections, validReport } from '../helpers/ingest-client.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1717);
const REPORT_CASES = 1200;
const FRAME_CASES = 200;
const HTTP_CASES = 1300;

// The fuzz streams' timeline: one second per seq from two hours ago, so thousands of seqs stay in the past.
const T0 = Math.floor(Date.now() / 1000) * 1e6 - 2 * 3600e6;
const fuzzReport = (host: string, seq: number): ReportT => validReport(host, seq, { startUs: T0 + seq * 1e6, endUs: T0 + (seq + 1) * 1e6 });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-fuzz-'));
let collector: { proc: Proc; grpcPort: number; httpPort: number };
let base: string;
before(async () => {
  collector = await startCollectorProcess(path.join(dir, 'c.db'));
  base = `http://127.0.0.1:${collector.httpPort}`;
});
after(async () => {
  await collector.proc.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

const nasty = ['', ' ', '../../x y\0<script>', '__proto__', 'constructor', 'a'.repeat(128), 'a'.repeat(129), 'h'.repeat(253), 'h'.repeat(254), 'v'.repeat(257), '\u0000', '\ud800', '%00', '2300-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', '99999999999999999', '1e309', 'NaN'];
const anyString = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom(...nasty), fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)));
const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e300, MAX_TIME_US, MIN_TIME_US - 1, 9007199254740993));

// Where a mutation lands in a valid report: [path, kind].
const SLOTS: [string, 'string' | 'number' | 'strings' | 'labels' | 'count'][] = [
  ['host', 'string'], ['bootId', 'string'], ['startUs', 'number'], ['endUs', 'number'], ['cpuBusySeconds', 'number'], ['cpuIdleSeconds', 'number'], ['cpuCount', 'number'],
  ['energy.0.device', 'string'], ['energy.0.joules', 'number'], ['energy.0.domain', 'number'], ['energy.0.source', 'number'], ['energy.0.quality', 'number'], ['energy.0.flags', 'strings'], ['energy', 'count'],
  ['processes.0.pid', 'number'], ['processes.0.startTimeUs', 'number'], ['processes.0.jobId', 'string'], ['processes.0.command', 'string'], ['processes.0.cgroup', 'string'], ['processes.0.jobSource', 'string'],
  ['processes.0.cpuSeconds', 'number'], ['processes.0.labels', 'labels'], ['processes', 'count'],
  ['gpuProcesses.0.gpuUuid', 'string'], ['gpuProcesses.0.smUtil', 'number'], ['gpuProcesses.0.memUtil', 'number'], ['gpuProcesses.0.pid', 'number'], ['gpuProcesses.0.sampleCount', 'number'],
  ['progress.0.jobId', 'string'], ['progress.0.tokens', 'number'], ['progress.0.examples', 'number'], ['sources.0.reason', 'string'],
];
const mutation = fc.constantFrom(...SLOTS).chain(([p, kind]) =>
  (kind === 'string' ? anyString : kind === 'number' ? anyNumber : kind === 'strings' ? fc.array(anyString, { maxLength: 40 }).chain((a) => fc.oneof(fc.constant(a), fc.constant(new Array(20_000).fill('f')))) : kind === 'labels' ? fc.dictionary(anyString, anyString, { maxKeys: 5 }) : fc.nat({ max: 600 })).map((value) => ({ path: p, kind, value })),
);

function withMutations(r: ReportT, muts: { path: string; kind: string; value: unknown }[]): ReportT {
  const out = structuredClone({ ...r, gpuProcesses: [{ gpuUuid: 'GPU-1', pid: 4242, smUtil: 50, memUtil: 10, sampleCount: 3 }], progress: [{ jobId: 'valid-job', tokens: 5 }], sources: [{ source: 'rapl', ok: true }] }) as Record<string, unknown>;
  for (const m of muts) {
    const keys = m.path.split('.');
    let o = out as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
    const last = keys.at(-1)!;
    if (m.kind === 'count') {
      const list = o[last] as unknown[];
      o[last] = new Array(m.value as number).fill(list[0]).map((x, i) => (typeof x === 'object' ? { ...(x as object), ...(last === 'energy' ? { device: `d${i}` } : { pid: i + 1 }) } : x));
    } else o[last] = m.value;
  }
  return out as ReportT;
}

/** Encodes what the client can put on the wire; undefined when protobufjs cannot encode the value at all. */
function frame(r: ReportT): { bytes: Buffer; decoded: ReportT } | undefined {
  try {
    const bytes = Buffer.from(AgentMessage.encode({ report: r }).finish());
    return { bytes, decoded: Report.decode(Buffer.from(Report.encode(r).finish())) as ReportT };
  } catch {
    return undefined;
  }
}

const ISSUE_REPORTS: ((seq: number) => ReportT)[] = [
  (s) => withMutations(fuzzReport('fuzz-host', s), [{ path: 'processes.0.labels', kind: 'labels', value: { task: 'v'.repeat(1 << 20) } }]),
  (s) => withMutations(fuzzReport('fuzz-host', s), [{ path: 'processes.0.labels', kind: 'labels', value: { ['k\0'.repeat(50_000)]: 'v' } }]),
  (s) => withMutations(fuzzReport('fuzz-host', s), [{ path: 'processes.0.jobId', kind: 'string', value: 'j'.repeat(200_000) }]),
  (s) => withMutations(fuzzReport('fuzz-host', s), [{ path: 'processes.0.jobId', kind: 'string', value: '../../x y\0<script>' }]),
  (s) => withMutations(fuzzReport('fuzz-host', s), [{ path: 'energy.0.device', kind: 'string', value: 'd'.repeat(1 << 20) }]),
  (s) => withMutations(fuzzReport('fuzz-host', s), [{ path: 'energy.0.flags', kind: 'strings', value: new Array(20_000).fill('f') }]),
  (s) => withMutations(fuzzReport('fuzz-host', s), [{ path: 'host', kind: 'string', value: '' }]),
];

test('gRPC: mutated reports are acked or rejected with a code, never INTERNAL; what is accepted is within the limits', async () => {
  const cases = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 3 }), { seed: SEED, numRuns: REPORT_CASES });
  const reports: ((seq: number) => ReportT)[] = [...ISSUE_REPORTS, ...cases.map((m) => (s: number) => withMutations(fuzzReport('fuzz-host', s), m))];
  let seq = 0;
  let accepted = 0;
  let quarantinable = 0;
  const codes: Record<string, number> = {};
  for (let start = 0; start < reports.length; start += 150) {
    const c = openIngest(collector.grpcPort, true);
    c.call.write(Buffer.from(AgentMessage.encode({ hello: { host: 'fuzz-host', resumeSeq: seq + 1 } }).finish()));
    const sent = new Map<number, ReportT>();
    for (const make of reports.slice(start, start + 150)) {
      const f = frame(make(seq + 1));
      if (!f || f.bytes.length > 4 * 1024 * 1024 - 1024) continue;
      seq++;
      sent.set(seq, f.decoded);
      c.call.write(f.bytes);
    }
    const sentinel = ++seq;
    c.call.write(Buffer.from(AgentMessage.encode({ report: fuzzReport('fuzz-host', sentinel) }).finish()));
    await c.until(`ack of the sentinel ${sentinel} or the stream's end`, () => c.acks.some((a) => Number(a.seq) >= sentinel) || c.status() !== undefined, 30_000).catch((err) => {
      throw new Error(`${(err as Error).message.slice(-3000)}\ncollector exit ${collector.proc.child.exitCode}, last output:\n${collector.proc.output.slice(-15).join('\n').slice(0, 5000)}`);
    });
    const st = c.status();
    assert.equal(st, undefined, `the stream stays open: ${JSON.stringify(st)}`);
    const rejected = new Map(c.acks.flatMap((a) => a.rejected ?? []).map((r) => [Number(r.seq), r]));
    for (const r of rejected.values()) {
      codes[String(r.code)] = (codes[String(r.code)] ?? 0) + 1;
      assert.ok(typeof r.code === 'string' && r.code.length > 0 && String(r.message).length < 400, JSON.stringify(r).slice(0, 300));
    }
    for (const [s, r] of sent) {
      if (rejected.has(s)) continue;
      accepted++;
      assert.equal(checkReportFields(r as Parameters<typeof checkReportFields>[0]), undefined, `accepted report ${s} is within the limits`);
      // A reading that is not finite or negative is quarantined (its report stored without it), never counted.
      quarantinable += (r.energy ?? []).filter((e) => !(Number.isFinite(e.joules ?? 0) && (e.joules ?? 0) >= 0)).length;
    }
    assert.deepEqual(rejections(c).filter((x) => x.startsWith(`${sentinel}:`)), [], 'the sentinel is accepted');
    c.close();
  }
  assert.ok(accepted > 0 && Object.keys(codes).length >= 3, `some accepted (${accepted}), several rejection codes (${JSON.stringify(codes)})`);
  if (quarantinable > 0) {
    // Every bad reading of an accepted report was counted as quarantined (issue 15), so it is not in the host's energy.
    const text = await (await fetch(`${base}/metrics`)).text();
    const counted = text.split('\n').filter((l) => l.startsWith('wattprint_ingest_readings_quarantined')).reduce((sum, l) => sum + Number(l.trim().split(' ').pop()), 0);
    assert.ok(counted >= quarantinable, `${quarantinable} bad readings in accepted reports, ${counted} counted as quarantined`);
  }
});

test('gRPC: random and truncated frames end the stream with INVALID_ARGUMENT (or nothing), never INTERNAL', async () => {
  const good = Buffer.from(AgentMessage.encode({ report: validReport('fuzz-host', 1) }).finish());
  const frames = fc.sample(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), fc.nat({ max: good.length - 1 }).map((n) => good.subarray(0, n)), fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, v]) => Buffer.from(good).fill(v, i, i + 1))), { seed: SEED, numRuns: FRAME_CASES });
  const seen: Record<string, number> = {};
  for (let i = 0; i < frames.length; i += 20) {
    const batch = frames.slice(i, i + 20);
    const clients = batch.map((f) => {
      const c = openIngest(collector.grpcPort, true);
      c.call.write(Buffer.from(AgentMessage.encode({ hello: { host: 'frame-host', resumeSeq: 1 } }).finish()));
      c.call.write(f);
      c.call.end();
      return c;
    });
    for (const c of clients) {
      await c.until('the stream to end', () => c.status() !== undefined, 20_000);
      const code = c.status()!.code;
      seen[grpc.status[code]] = (seen[grpc.status[code]] ?? 0) + 1;
      assert.ok([grpc.status.OK, grpc.status.INVALID_ARGUMENT].includes(code), `status ${grpc.status[code]}: ${c.status()!.details}`);
      c.close();
    }
  }
  assert.ok((seen.INVALID_ARGUMENT ?? 0) > 0, JSON.stringify(seen));
});

const ROUTES = ['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/series', '/v1/jobs/{id}/processes', '/v1/jobs/{id}/end', '/v1/hosts', '/v1/hosts/{host}', '/v1/hosts/{host}/series', '/v1/registrations', '/healthz', '/openapi.json'];
const QUERY_KEYS = ['from', 'to', 'step', 'limit', 'label.task', 'label.__proto__', 'jobId', 'host', 'pid', 'x'];
const BODY_KEYS = ['jobId', 'labels', 'start', 'end', 'host', 'pid', 'startTimeUs', 'from', 'to', 'at'];
const anyJson = fc.oneof(anyString, anyNumber.filter(Number.isFinite), fc.boolean(), fc.constant(null), fc.dictionary(anyString, anyString, { maxKeys: 4 }), fc.array(anyString, { maxLength: 3 }));
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
  route: fc.constantFrom(...ROUTES),
  id: fc.oneof(fc.constantFrom('pj', 'valid-job', 'j', 'a'.repeat(128), 'a'.repeat(400)), anyString.map((s) => s.slice(0, 600))),
  query: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), anyString.map((s) => s.slice(0, 300))), { maxLength: 3 }),
  body: fc.oneof(fc.constant(undefined), fc.dictionary(fc.constantFrom(...BODY_KEYS), anyJson, { maxKeys: 5 }), fc.constant('{not json'), fc.constant('[]')),
});

const ISSUE_REQUESTS: [string, string, unknown?][] = [
  ['POST', '/v1/jobs/j/processes', { host: 'node1', pid: 1, startTimeUs: 9007199254740993 }],
  ['POST', '/v1/jobs/j/processes', { host: 'node1', pid: 1, from: '2300-01-01T00:00:00Z' }],
  ['POST', '/v1/jobs', { jobId: 'pj' }],
  ['PATCH', '/v1/jobs/pj', { end: '2300-01-01T00:00:00Z' }],
  ['POST', '/v1/jobs', { jobId: 'x', start: '99999999999999999' }],
  ['GET', '/v1/hosts/fuzz-host/series?step=1e309'],
  ['GET', '/v1/hosts/fuzz-host/series?to=99999999999999999'],
  ['GET', '/v1/hosts/fuzz-host/series?from=2300-01-01T00:00:00Z'],
  ['GET', '/v1/hosts/fuzz-host/series?from=-271821-04-20T00:00:00Z'],
  ['GET', `/v1/jobs/${'a'.repeat(128)}`],
  ['GET', '/v1/jobs?label.__proto__='],
];

test('HTTP: mutated requests get a 2xx or a 4xx with {error, message}, never a 5xx', async () => {
  const cases = fc.sample(request, { seed: SEED, numRuns: HTTP_CASES });
  const all: [string, string, unknown?][] = [
    ...ISSUE_REQUESTS,
    ...cases.map((c): [string, string, unknown?] => {
      const enc = (x: string) => {
        try {
          return encodeURIComponent(x);
        } catch {
          return escape(x); // lone surrogates: still bytes on the wire
        }
      };
      const p = c.route.replace('{id}', enc(c.id)).replace('{host}', enc(c.id));
      const q = new URLSearchParams(c.query).toString();
      return [c.method, q ? `${p}?${q}` : p, c.body];
    }),
  ];
  const statuses: Record<number, number> = {};
  const one = async ([method, url, body]: [string, string, unknown?]) => {
    const res = await fetch(base + url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined || method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    assert.ok(res.status < 500, `${method} ${url.slice(0, 200)} ${JSON.stringify(body)?.slice(0, 200)} -> ${res.status} ${text.slice(0, 300)}`);
    if (res.status >= 400) {
      const j = JSON.parse(text) as { error?: unknown; message?: unknown };
      assert.ok(typeof j.error === 'string' && typeof j.message === 'string', `one error shape: ${method} ${url.slice(0, 100)} -> ${text.slice(0, 200)}`);
    }
  };
  // The issue's cases in order (they build on each other), then the rest eight at a time.
  for (const r of ISSUE_REQUESTS) await one(r);
  const rest = all.slice(ISSUE_REQUESTS.length);
  for (let i = 0; i < rest.length; i += 8) await Promise.all(rest.slice(i, i + 8).map(one));
  assert.ok(Object.keys(statuses).length >= 3, JSON.stringify(statuses));
});

test('afterwards a valid report is acked and stored, and GET /v1/jobs works', async () => {
  const c = openIngest(collector.grpcPort);
  c.call.write({ hello: { host: 'after-fuzz', resumeSeq: 1 } });
  c.call.write({ report: validReport('after-fuzz', 1) });
  await c.until('ack', () => c.acks.some((a) => Number(a.seq) === 1));
  assert.deepEqual(rejections(c), []);
  c.close();
  const res = await fetch(`${base}/v1/jobs`);
  assert.equal(res.status, 200);
  const jobs = ((await res.json()) as { jobs: { jobId: string; hosts: string[] }[] }).jobs;
  assert.ok(jobs.some((j) => j.jobId === 'valid-job' && j.hosts.includes('after-fuzz')));
  for (const j of jobs) assert.ok(j.jobId.length <= 128 && !/[\0\s<]/.test(j.jobId), `a stored job id is within the limits: ${JSON.stringify(j.jobId).slice(0, 80)}`);
});
