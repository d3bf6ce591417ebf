// What the OpenAPI document says about each operation beyond its route's own
// schema: an operationId, a tag, and every response code it can answer, kept
// in one table so the routes stay short. test/… (collector/test/openapi.test.ts)
// provokes each declared code and checks that nothing undeclared comes back.
import type { RouteOptions } from 'fastify';

export const ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string', description: 'machine-readable code' }, message: { type: 'string' } },
} as const;

interface Operation {
  operationId: string;
  tag: 'hosts' | 'jobs' | 'admin';
  /** Error codes this operation answers besides 401/403 (when guarded) and 500. */
  errors: number[];
}

/** Keyed by "METHOD url" as fastify registers it. */
export const OPERATIONS: Record<string, Operation> = {
  'GET /v1/hosts': { operationId: 'listHosts', tag: 'hosts', errors: [] },
  'GET /v1/hosts/:host': { operationId: 'getHost', tag: 'hosts', errors: [400, 404] },
  'GET /v1/hosts/:host/series': { operationId: 'getHostSeries', tag: 'hosts', errors: [400] },
  'POST /v1/jobs': { operationId: 'registerJob', tag: 'jobs', errors: [400, 501] },
  'PATCH /v1/jobs/:id': { operationId: 'updateJob', tag: 'jobs', errors: [400, 404, 501] },
  'POST /v1/jobs/:id/processes': { operationId: 'registerJobProcess', tag: 'jobs', errors: [400, 501] },
  'POST /v1/jobs/:id/end': { operationId: 'endJob', tag: 'jobs', errors: [400, 404, 501] },
  'GET /v1/jobs': { operationId: 'listJobs', tag: 'jobs', errors: [400] },
  'GET /v1/jobs/:id': { operationId: 'getJob', tag: 'jobs', errors: [400, 404] },
  'GET /v1/jobs/:id/series': { operationId: 'getJobSeries', tag: 'jobs', errors: [400, 404] },
  'GET /v1/registrations': { operationId: 'listRegistrations', tag: 'jobs', errors: [400, 501] },
  'DELETE /v1/registrations': { operationId: 'removeRegistrations', tag: 'jobs', errors: [400, 501] },
  'GET /v1/admin/dead-letters': { operationId: 'listDeadLetters', tag: 'admin', errors: [400, 501] },
  'POST /v1/admin/dead-letters/replay': { operationId: 'replayDeadLetters', tag: 'admin', errors: [400, 501] },
};

export const TAGS = [
  { name: 'hosts', description: 'GPU hosts: inventory, latest power, power over time' },
  { name: 'jobs', description: 'Jobs: registration, reports (energy, carbon, progress), power over time' },
  { name: 'admin', description: 'Operators: points the store refused for good (dead letters), and their replay' },
];

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: a parameter or the body fails validation, or the time range is refused',
  401: 'No bearer token, or an unknown one (only when the collector has tokens configured)',
  403: 'The token lacks the scope this operation needs',
  404: 'No such host or job',
  500: 'Internal error',
  501: 'This collector keeps no job registry (jobs), or its store keeps no dead letters (admin)',
};

/** onRoute hook: completes the schema of a documented route. Guarded routes carry an onRequest hook. */
export function documentRoute(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const op = OPERATIONS[`${methods[0]} ${route.url}`];
  if (!op || methods.length !== 1) return;
  const schema = (route.schema ??= {}) as Record<string, unknown> & { response?: Record<string, unknown> };
  schema.operationId = op.operationId;
  schema.tags = [op.tag];
  const guarded = route.onRequest !== undefined;
  const codes = [...op.errors, ...(guarded ? [401, 403] : []), 500];
  const response = (schema.response ??= {});
  for (const code of codes) response[code] = { ...ERROR_SCHEMA, description: DESCRIPTIONS[code] };
}

/** The `label.<name>` filter of GET /v1/jobs, which a JSON schema states as patternProperties and OpenAPI cannot. */
export function addLabelFilter(doc: { paths?: Record<string, Record<string, { parameters?: unknown[] }>> }): void {
  const op = doc.paths?.['/v1/jobs']?.get;
  if (!op) return;
  (op.parameters ??= []).push({
    name: 'label.<name>',
    in: 'query',
    required: false,
    description: 'Only jobs whose label <name> equals this value, e.g. label.task=sst2; repeat with other names to require several. <name>: a letter or _, then letters, digits, _ . - (at most 64).',
    schema: { type: 'string', maxLength: 256 },
    'x-name-pattern': '^label\\.[A-Za-z_][A-Za-z0-9_.-]{0,63}$',
  });
}
