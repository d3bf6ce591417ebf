// HTTP API (fastify). Every route has a JSON schema; bad input gets a 4xx with
// a machine-readable code; every route but health, readiness, metrics and the
// OpenAPI document needs a bearer token with the right scope when tokens are
// configured. The OpenAPI document is generated from the route schemas.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import { addLabelFilter, documentRoute, TAGS } from './openapi.ts';
import type { Store, JobTotals } from '../storage/sink.ts';
import { matchesLabels } from '../storage/query.ts';
import type { JobRegistry } from '../jobs/registry.ts';
import { authorize, type Scope, type TokenEntry } from './auth.ts';
import type { SelfTelemetry } from '../telemetry/metrics.ts';
import { jobReport, type CarbonSummary, type JobReport } from './report.ts';
import type { BaselineEntry } from '../attribution/baseline.ts';
import { webPlugin } from '../web/plugin.ts';
import { HOST_PATTERN, JOB_ID_PATTERN, LABEL_KEY_PATTERN, LIMITS, LimitError, MAX_TIME_US, MIN_TIME_US, checkTimeUs } from '@wattprint/proto';
import { deadLetterRoutes } from './dead-letters.ts';
import { hasDeadLetters } from '../storage/dead-letters.ts';

export interface ApiOptions {
  store: Store;
  registry?: JobRegistry;
  /** Empty or undefined: no authentication (loopback, single user). */
  tokens?: TokenEntry[];
  ready?: () => boolean;
  telemetry?: SelfTelemetry;
  carbonFor?: (job: JobTotals) => Promise<CarbonSummary | undefined>;
  /** Carbon of a page of jobs in one store query (falls back to carbonFor per job). */
  carbonForMany?: (jobs: JobTotals[]) => Promise<Map<string, CarbonSummary>>;
  /** Idle baselines per "domain/device": configured, or learnt from quiet intervals as a suggestion. */
  idleBaseline?: (host: string) => BaselineEntry[];
  logger?: boolean;
  /** Widest time range a series query may ask for, µs (default 400 days: whatever ingest still accepts). */
  maxRangeUs?: number;
  maxPoints?: number;
  /**
   * Host header values (name or name:port) the API answers when no tokens are
   * set, so a DNS-rebinding page cannot read it; default: loopback names only.
   */
  allowedHosts?: string[];
}

// Limits from proto/src/limits.ts, the one definition every boundary shares.
const JOB_ID = JOB_ID_PATTERN;
const labels = { type: 'object', additionalProperties: { type: 'string', maxLength: LIMITS.labelValueLength }, propertyNames: { pattern: LABEL_KEY_PATTERN }, maxProperties: LIMITS.labelsPerObject } as const;
const hostParam = { type: 'string', pattern: HOST_PATTERN } as const;
const error = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
const timeParam = { type: 'string', description: 'RFC 3339 time or microseconds since the epoch' } as const;
const seriesPoint = { type: 'object', properties: { t: { type: 'string' }, watts: { type: 'object', additionalProperties: { type: 'number' } } } } as const;
const domainPower = {
  type: 'object',
  properties: { domain: { type: 'string' }, device: { type: 'string' }, source: { type: 'string' }, quality: { type: 'string' }, watts: { type: 'number' }, joules: { type: 'number' }, flags: { type: 'array', items: { type: 'string' } } },
} as const;
const hostSchema = {
  type: 'object',
  properties: {
    host: { type: 'string' },
    agentVersion: { type: 'string' },
    inventory: { type: 'object', additionalProperties: true },
    firstSeen: { type: 'string' },
    lastSeen: { type: 'string' },
    wallSoftwareRatio: { type: ['number', 'null'] },
    latest: {
      type: ['object', 'null'],
      properties: { start: { type: 'string' }, end: { type: 'string' }, watts: { type: 'number' }, estimated: { type: 'boolean' }, domains: { type: 'array', items: domainPower } },
    },
  },
} as const;
const componentKwh = { type: 'object', properties: { cpu: { type: 'number' }, dram: { type: 'number' }, gpu: { type: 'number' }, other: { type: 'number' } } } as const;
const reportSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    jobId: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    hosts: { type: 'array', items: { type: 'string' } },
    start: { type: 'string' },
    end: { type: 'string' },
    durationSeconds: { type: 'number' },
    cpuSeconds: { type: 'number' },
    energy: {
      type: 'object',
      properties: { softwareKwh: { type: 'number' }, wallKwh: { type: 'number' }, dynamicKwh: { type: 'number' }, idleKwh: { type: 'number' }, byComponentKwh: componentKwh, estimated: { type: 'boolean' }, wallBasis: { type: 'string', enum: ['meter', 'software'] }, shareByQuality: { type: 'object', additionalProperties: { type: 'number' } }, sources: { type: 'array', items: { type: 'object', properties: { source: { type: 'string' }, quality: { type: 'string' }, share: { type: 'number' } } } } },
    },
    progress: { type: 'object', properties: { tokens: { type: 'number' }, tokensUnpadded: { type: 'number' }, examples: { type: 'number' }, steps: { type: 'number' } } },
    normalised: { type: 'object', properties: { kwhPer1kExamples: { type: ['number', 'null'] }, kwhPer1MTokens: { type: ['number', 'null'] }, kwhPer1MTokensUnpadded: { type: ['number', 'null'] } } },
    carbon: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Parses an RFC 3339 time or integer microseconds. */
export function parseTime(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const us = /^\d{1,17}$/.test(v) ? Number(v) : Date.parse(v) * 1000;
  if (!Number.isFinite(us)) throw new HttpError(400, 'invalid_time', `"${name}" must be an RFC 3339 time or microseconds since the epoch, got ${JSON.stringify(v.slice(0, 64))}`);
  if (checkTimeUs(us, name)) throw new HttpError(400, 'invalid_time', `"${name}" must lie between 2000-01-01 and 2200-01-01 (integral microseconds), got ${JSON.stringify(v.slice(0, 64))}`);
  return us;
}

export function isoUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = Math.round(us - ms * 1000);
  const iso = new Date(ms).toISOString();
  return rest ? iso.replace('Z', String(rest).padStart(3, '0') + 'Z') : iso;
}

export async function buildApi(opts: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 64 * 1024,
    // Above every path parameter's own limit (a 128-character job id, percent-encoded, fits), so a
    // long one gets our 400, not the router's bare 414.
    routerOptions: { maxParamLength: Math.max(1024, 4 * LIMITS.jobIdLength + LIMITS.hostLength) },
    // A client that trickles its request is cut off; responses (live views) are not bounded.
    requestTimeout: 30_000,
    connectionTimeout: 0,
    // Errors fastify raises before routing get the same {error, message} shape as ours.
    frameworkErrors: (err, _req, reply) => {
      const status = (err as { statusCode?: number }).statusCode ?? 400;
      void (reply as FastifyReply).code(status < 500 ? status : 400).send({ error: String((err as { code?: string }).code ?? 'bad_request').toLowerCase(), message: err.message });
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array' } },
  });
  const tokens = opts.tokens ?? [];
  const maxRangeUs = opts.maxRangeUs ?? 400 * 24 * 3600 * 1e6;
  const maxPoints = opts.maxPoints ?? 10_000;

  await app.register(swagger, {
    openapi: {
      info: { title: 'Wattprint collector API', version: '1.0.0', description: 'Energy and carbon of ML jobs. Bearer tokens with scopes read, jobs:write, admin.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      tags: TAGS,
    },
    transformObject: (doc) => {
      const spec = (doc as { openapiObject: Parameters<typeof addLabelFilter>[0] }).openapiObject;
      addLabelFilter(spec);
      return spec as never;
    },
  });
  // operationIds, tags and every response code, from one table (openapi.ts).
  app.addHook('onRoute', documentRoute);

  const guard = (scope: Scope) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (tokens.length === 0) return;
    const r = authorize(tokens, req.headers.authorization, scope);
    if (!r.ok) return reply.code(r.status).header('www-authenticate', 'Bearer').send({ error: r.code, message: r.message });
  };

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, _req, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send({ error: err.code, message: err.message });
    if (err instanceof LimitError) return reply.code(400).send({ error: err.code, message: err.message });
    if (err.validation) return reply.code(400).send({ error: 'invalid_request', message: err.message });
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: (err.code ?? 'bad_request').toLowerCase(), message: err.message });
    app.log.error(err);
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  // Without tokens anyone who reaches the API may use it; the Host check keeps DNS-rebinding pages out.
  const allowedHosts = new Set((opts.allowedHosts ?? ['localhost', '127.0.0.1', '[::1]']).map((h) => h.toLowerCase()));
  if (tokens.length === 0) {
    app.addHook('onRequest', async (req, reply) => {
      const h = (req.headers.host ?? '').toLowerCase();
      const name = h.replace(/:\d+$/, '');
      if (!allowedHosts.has(h) && !allowedHosts.has(name)) return reply.code(421).send({ error: 'host_not_allowed', message: `Host ${JSON.stringify(h.slice(0, 64))} is not one this API answers without tokens (set tokens, or allow the name)` });
    });
  }
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url}` }));
  app.addHook('onResponse', async (req, reply) => opts.telemetry?.httpRequest(req.routeOptions.url ?? 'unknown', reply.statusCode));

  app.get('/healthz', { schema: { hide: true, response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true, response: { 200: { type: 'object', properties: { ready: { type: 'boolean' } } }, 503: { type: 'object', properties: { ready: { type: 'boolean' } } } } } }, async (_req, reply) => {
    const ready = opts.ready?.() ?? true;
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/metrics', { schema: { hide: true } }, (req, reply) => {
    if (!opts.telemetry) return reply.code(404).send({ error: 'not_found', message: 'telemetry disabled' });
    reply.hijack();
    opts.telemetry.handle(req.raw, reply.raw);
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // The built-in page (static files, no data: it reads this API with the user's token).
  await app.register(webPlugin);
  deadLetterRoutes(app, guard('admin'), hasDeadLetters(opts.store) ? opts.store : undefined, (opts.store as { name?: string }).name ?? 'this');

  // Hosts
  const hostView = (h: Awaited<ReturnType<Store['listHosts']>>[number]) => ({
    host: h.host,
    agentVersion: h.agentVersion,
    inventory: h.inventory,
    firstSeen: isoUs(h.firstSeenUs),
    lastSeen: isoUs(h.lastSeenUs),
    wallSoftwareRatio: h.wallSoftwareRatio ?? null,
    latest: h.latest
      ? {
          start: isoUs(h.latest.startUs),
          end: isoUs(h.latest.endUs),
          watts: h.latest.domains.filter((d) => ['package', 'dram', 'gpu'].includes(d.domain) || (d.domain === 'psys' && !h.latest!.domains.some((x) => x.domain === 'package'))).reduce((a, d) => a + d.watts, 0),
          estimated: h.latest.domains.some((d) => d.quality === 'estimate'),
          domains: h.latest.domains,
        }
      : null,
  });
  app.get('/v1/hosts', { onRequest: guard('read'), schema: { summary: 'Hosts: inventory, latest power by domain, wall/software ratio', response: { 200: { type: 'object', properties: { hosts: { type: 'array', items: hostSchema } } }, 401: error, 403: error } } }, async () => ({
    hosts: (await opts.store.listHosts()).map(hostView),
  }));
  app.get<{ Params: { host: string } }>(
    '/v1/hosts/:host',
    {
      onRequest: guard('read'),
      schema: {
        summary: 'One host, with its idle baselines (configured ones, and learnt suggestions to pin with --baselines)',
        params: { type: 'object', properties: { host: hostParam }, required: ['host'] },
        response: {
          200: {
            ...hostSchema,
            properties: {
              ...hostSchema.properties,
              idleBaseline: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, watts: { type: ['number', 'null'] }, source: { type: 'string' }, samples: { type: 'integer' } } } },
            },
          },
          404: error,
        },
      },
    },
    async (req) => {
      const h = (await opts.store.listHosts()).find((x) => x.host === req.params.host);
      if (!h) throw new HttpError(404, 'unknown_host', `no host "${req.params.host}"`);
      return { ...hostView(h), idleBaseline: (opts.idleBaseline?.(h.host) ?? []).map((e) => ({ ...e, watts: e.watts ?? null })) };
    },
  );

  const seriesQuery = {
    type: 'object',
    properties: { from: timeParam, to: timeParam, step: { type: 'number', minimum: 1, maximum: 86400, description: 'bucket length, seconds' } },
    additionalProperties: false,
  } as const;
  /** Default window: the last hour for hosts; the whole job for jobs (`whole`). */
  const seriesRange = (q: { from?: string; to?: string; step?: number }, fallbackFrom: number, fallbackTo: number, whole = false) => {
    const to = parseTime(q.to, 'to') ?? fallbackTo;
    const from = parseTime(q.from, 'from') ?? (whole ? fallbackFrom : Math.max(fallbackFrom, to - 3600e6));
    if (to <= from) throw new HttpError(400, 'invalid_range', '"to" must be after "from"');
    if (to - from > maxRangeUs) throw new HttpError(400, 'range_too_wide', `at most ${maxRangeUs / 86400e6} days per query`);
    if (q.step !== undefined && !Number.isFinite(q.step)) throw new HttpError(400, 'invalid_step', '"step" must be a finite number of seconds');
    const stepUs = (q.step ?? Math.max(1, Math.ceil((to - from) / 1e6 / 500))) * 1e6;
    if ((to - from) / stepUs > maxPoints) throw new HttpError(400, 'too_many_points', `at most ${maxPoints} points: raise "step"`);
    return { from, to, stepUs };
  };
  app.get<{ Params: { host: string }; Querystring: { from?: string; to?: string; step?: number } }>(
    '/v1/hosts/:host/series',
    { onRequest: guard('read'), schema: { summary: 'Host power over time by domain/device', params: { type: 'object', properties: { host: hostParam } }, querystring: seriesQuery, response: { 200: { type: 'object', properties: { points: { type: 'array', items: seriesPoint } } } } } },
    async (req) => {
      const now = Date.now() * 1000;
      const { from, to, stepUs } = seriesRange(req.query, 0, now);
      const points = await opts.store.hostSeries(req.params.host, from, to, stepUs);
      return { points: points.map((p) => ({ t: isoUs(p.tUs), watts: p.watts })) };
    },
  );

  // Jobs
  const registry = () => {
    if (!opts.registry) throw new HttpError(501, 'no_registry', 'this collector keeps no job registry');
    return opts.registry;
  };
  // Listing and removing registrations: the SQLite registry only, so far (the shared InfluxDB one is an append-only event log).
  const listable = (reg: JobRegistry): JobRegistry & Required<Pick<JobRegistry, 'processes' | 'removeProcesses' | 'skippedRows'>> => {
    if (!reg.processes || !reg.removeProcesses || !reg.skippedRows) throw new HttpError(501, 'no_registry', 'this collector\'s registry (the shared InfluxDB one) cannot list or remove process registrations yet: remove them from the SQLite store of a one-machine setup, or wait for their window to end');
    return reg as JobRegistry & Required<Pick<JobRegistry, 'processes' | 'removeProcesses' | 'skippedRows'>>;
  };
  const withRegistryLabels = async (j: JobTotals): Promise<JobTotals> => ({ ...j, labels: { ...j.labels, ...((await opts.registry?.get(j.jobId))?.labels ?? {}) } });

  app.post<{ Body: { jobId: string; labels?: Record<string, string>; start?: string; end?: string } }>(
    '/v1/jobs',
    {
      onRequest: guard('jobs:write'),
      schema: {
        summary: 'Register a job (or update an existing one) with labels and a time window',
        body: { type: 'object', required: ['jobId'], additionalProperties: false, properties: { jobId: { type: 'string', pattern: JOB_ID }, labels, start: timeParam, end: timeParam } },
        response: { 201: { type: 'object', additionalProperties: true }, 400: error, 401: error, 403: error },
      },
    },
    async (req, reply) => {
      const rec = await registry().upsert(req.body.jobId, req.body.labels ?? {}, parseTime(req.body.start, 'start'), parseTime(req.body.end, 'end'));
      return reply.code(201).send(rec);
    },
  );
  app.patch<{ Params: { id: string }; Body: { labels?: Record<string, string>; start?: string; end?: string } }>(
    '/v1/jobs/:id',
    {
      onRequest: guard('jobs:write'),
      schema: {
        summary: "Update a job's labels or time window",
        params: { type: 'object', properties: { id: { type: 'string', pattern: JOB_ID } } },
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { labels, start: timeParam, end: timeParam } },
        response: { 200: { type: 'object', additionalProperties: true }, 404: error },
      },
    },
    async (req) => {
      if (!(await registry().get(req.params.id))) throw new HttpError(404, 'unknown_job', `job "${req.params.id}" is not registered`);
      return registry().upsert(req.params.id, req.body.labels ?? {}, parseTime(req.body.start, 'start'), parseTime(req.body.end, 'end'));
    },
  );
  app.post<{ Params: { id: string }; Body: { host: string; pid: number; startTimeUs?: number; from?: string; to?: string } }>(
    '/v1/jobs/:id/processes',
    {
      onRequest: guard('jobs:write'),
      schema: {
        summary: 'Register a process (host + pid, optionally its start time) as part of a job',
        params: { type: 'object', properties: { id: { type: 'string', pattern: JOB_ID } } },
        body: {
          type: 'object',
          required: ['host', 'pid'],
          additionalProperties: false,
          properties: { host: hostParam, pid: { type: 'integer', minimum: 1, maximum: LIMITS.maxPid }, startTimeUs: { type: 'integer', minimum: 0, maximum: MAX_TIME_US, description: `0 (any start time) or µs since the epoch, from ${MIN_TIME_US}` }, from: timeParam, to: timeParam },
        },
        response: { 201: { type: 'object', additionalProperties: true } },
      },
    },
    async (req, reply) => {
      const reg = registry();
      if (!(await reg.get(req.params.id))) await reg.upsert(req.params.id, {});
      const p = { jobId: req.params.id, host: req.body.host, pid: req.body.pid, startTimeUs: req.body.startTimeUs ?? 0, fromUs: parseTime(req.body.from, 'from') ?? Date.now() * 1000, toUs: parseTime(req.body.to, 'to') };
      await reg.addProcess(p);
      return reply.code(201).send(p);
    },
  );
  app.post<{ Params: { id: string }; Body: { at?: string } }>(
    '/v1/jobs/:id/end',
    {
      onRequest: guard('jobs:write'),
      schema: { summary: 'End a job', params: { type: 'object', properties: { id: { type: 'string', pattern: JOB_ID } } }, body: { type: ['object', 'null'], additionalProperties: false, properties: { at: timeParam } }, response: { 200: { type: 'object', additionalProperties: true }, 404: error } },
    },
    async (req) => {
      const rec = await registry().end(req.params.id, parseTime(req.body?.at, 'at') ?? Date.now() * 1000);
      if (!rec) throw new HttpError(404, 'unknown_job', `job "${req.params.id}" is not registered`);
      return rec;
    },
  );

  // Process registrations: list them, and remove them (an operator's way out of a wrong or bad one).
  const registrationFilter = { type: 'object', additionalProperties: false, properties: { jobId: { type: 'string', pattern: JOB_ID }, host: hostParam, pid: { type: 'integer', minimum: 1, maximum: LIMITS.maxPid } } } as const;
  const registrationItem = { type: 'object', properties: { jobId: { type: 'string' }, host: { type: 'string' }, pid: { type: 'integer' }, startTimeUs: { type: 'integer' }, from: { type: 'string' }, to: { type: ['string', 'null'] } } } as const;
  app.get<{ Querystring: { jobId?: string; host?: string; pid?: number } }>(
    '/v1/registrations',
    {
      onRequest: guard('read'),
      schema: {
        summary: 'Process registrations (host + pid + start time -> job), filtered by job, host or pid; "skipped" counts stored rows that break the limits',
        querystring: registrationFilter,
        response: { 200: { type: 'object', properties: { registrations: { type: 'array', items: registrationItem }, skipped: { type: 'integer' } } }, 400: error },
      },
    },
    async (req) => {
      const reg = listable(registry());
      const before = reg.skippedRows.processes;
      const rows = reg.processes(req.query);
      return { registrations: rows.map((p) => ({ jobId: p.jobId, host: p.host, pid: p.pid, startTimeUs: p.startTimeUs, from: isoUs(p.fromUs), to: p.toUs === undefined ? null : isoUs(p.toUs) })), skipped: reg.skippedRows.processes - before };
    },
  );
  app.delete<{ Querystring: { jobId?: string; host?: string; pid?: number } }>(
    '/v1/registrations',
    {
      onRequest: guard('jobs:write'),
      schema: {
        summary: 'Remove the process registrations matching a job, host and/or pid (at least one), bad stored rows included',
        querystring: { ...registrationFilter, minProperties: 1 },
        response: { 200: { type: 'object', properties: { removed: { type: 'integer' } } }, 400: error },
      },
    },
    async (req) => ({ removed: listable(registry()).removeProcesses(req.query) }),
  );

  app.get<{ Querystring: Record<string, string | number | undefined> }>(
    '/v1/jobs',
    {
      onRequest: guard('read'),
      schema: {
        summary: 'Jobs with totals, filtered by labels (label.<name>=<value>, or <value>,<value> for either), host and time range',
        querystring: { type: 'object', properties: { from: timeParam, to: timeParam, host: { type: 'string', minLength: 1, maxLength: 253, description: "only jobs that ran on this host, with that host's energy only" }, limit: { type: 'integer', minimum: 1, maximum: 10000 } }, patternProperties: { '^label\\.[A-Za-z_][A-Za-z0-9_.-]{0,63}$': { type: 'string', maxLength: 256 } }, additionalProperties: false },
        response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: reportSchema } } } },
      },
    },
    async (req) => {
      // No prototype: a filter on label.__proto__ is a filter like any other.
      const want: Record<string, string> = Object.create(null);
      for (const [k, v] of Object.entries(req.query)) if (k.startsWith('label.') && v !== undefined) want[k.slice(6)] = String(v);
      const limit = Number(req.query.limit ?? 1000);
      const fromUs = parseTime(req.query.from as string | undefined, 'from');
      const toUs = parseTime(req.query.to as string | undefined, 'to');
      const host = req.query.host === undefined ? undefined : String(req.query.host);
      // Registry labels override stored ones: jobs whose registry labels touch a wanted key are fetched by id, and the merged labels decide.
      const wantKeys = Object.keys(want);
      const overriding = wantKeys.length > 0 && opts.registry ? (await opts.registry.all()).filter((r) => wantKeys.some((k) => k in r.labels)).map((r) => r.jobId) : [];
      const [stored, extra] = await Promise.all([
        opts.store.listJobs({ fromUs, toUs, host, limit: limit + overriding.length, labels: want }),
        overriding.length ? opts.store.listJobs({ fromUs, toUs, host, jobIds: overriding, limit: overriding.length }) : Promise.resolve([]),
      ]);
      const seen = new Set<string>();
      const unique = [...stored, ...extra].filter((j) => !seen.has(j.jobId) && seen.add(j.jobId));
      const all = (await Promise.all(unique.map(withRegistryLabels)))
        .filter((j) => matchesLabels(j.labels, want))
        .sort((a, b) => b.startUs - a.startUs || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0))
        .slice(0, limit);
      const carbon = opts.carbonForMany ? await opts.carbonForMany(all) : undefined;
      const jobs: JobReport[] = [];
      for (const j of all) jobs.push(jobReport(j, carbon ? carbon.get(j.jobId) : await opts.carbonFor?.(j)));
      return { jobs };
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    { onRequest: guard('read'), schema: { summary: "A job's report: energy by component and modality, carbon with its quality breakdown, progress-normalised figures", params: { type: 'object', properties: { id: { type: 'string', pattern: JOB_ID } } }, response: { 200: reportSchema, 404: error } } },
    async (req) => {
      const totals = await opts.store.jobTotals(req.params.id);
      if (!totals) throw new HttpError(404, 'unknown_job', `no energy recorded for job "${req.params.id}"`);
      const j = await withRegistryLabels(totals);
      return jobReport(j, await opts.carbonFor?.(j));
    },
  );
  app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string; step?: number } }>(
    '/v1/jobs/:id/series',
    { onRequest: guard('read'), schema: { summary: 'Job power over time by component', params: { type: 'object', properties: { id: { type: 'string', pattern: JOB_ID } } }, querystring: seriesQuery, response: { 200: { type: 'object', properties: { points: { type: 'array', items: seriesPoint } } }, 404: error } } },
    async (req) => {
      const totals = await opts.store.jobTotals(req.params.id);
      if (!totals) throw new HttpError(404, 'unknown_job', `no energy recorded for job "${req.params.id}"`);
      const { from, to, stepUs } = seriesRange(req.query, totals.startUs, totals.endUs, true);
      const points = await opts.store.jobSeries(req.params.id, from, to, stepUs);
      return { points: points.map((p) => ({ t: isoUs(p.tUs), watts: p.watts })) };
    },
  );
  return app;
}
