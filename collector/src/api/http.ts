// HTTP API (fastify): a JSON schema on every route.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Store } from '../storage/sink.ts';

export interface ApiOptions {
  store: Store;
  /** Readiness: true once ingest and storage are up. */
  ready?: () => boolean;
  logger?: boolean;
}

const domainPower = {
  type: 'object',
  properties: {
    domain: { type: 'string' },
    device: { type: 'string' },
    source: { type: 'string' },
    quality: { type: 'string' },
    watts: { type: 'number' },
    joules: { type: 'number' },
    flags: { type: 'array', items: { type: 'string' } },
  },
} as const;

export async function buildApi(opts: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 1024 * 1024 });

  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: { type: 'object', properties: { ready: { type: 'boolean' } } }, 503: { type: 'object', properties: { ready: { type: 'boolean' } } } } } }, async (_req, reply) => {
    const ready = opts.ready?.() ?? true;
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  app.get(
    '/v1/hosts',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              hosts: {
                type: 'array',
                items: {
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
                },
              },
            },
          },
        },
      },
    },
    async () => {
      const hosts = await opts.store.listHosts();
      return {
        hosts: hosts.map((h) => ({
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
                watts: h.latest.domains.filter((d) => ['package', 'dram', 'gpu'].includes(d.domain)).reduce((a, d) => a + d.watts, 0),
                estimated: h.latest.domains.some((d) => d.quality === 'estimate'),
                domains: h.latest.domains,
              }
            : null,
        })),
      };
    },
  );
  return app;
}

export function isoUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = Math.round(us - ms * 1000);
  const iso = new Date(ms).toISOString();
  return rest ? iso.replace('Z', String(rest).padStart(3, '0') + 'Z') : iso;
}
