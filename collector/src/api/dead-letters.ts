// Routes for the points the store refused for good (storage/dead-letters.ts):
// list them, and send them again once the cause is fixed. Admin scope: they
// hold job ids and figures of every tenant.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeadLetterStore } from '../storage/dead-letters.ts';

type Guard = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const error = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } };
const letter = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    at: { type: 'string' },
    writer: { type: 'string' },
    measurement: { type: 'string' },
    reason: { type: 'string' },
    point: { type: 'string' },
    replayed: { type: 'boolean' },
  },
};

export function deadLetterRoutes(app: FastifyInstance, guard: Guard, store: DeadLetterStore | undefined, storeName: string): void {
  const need = (reply: FastifyReply): DeadLetterStore | undefined => {
    if (store) return store;
    void reply.code(501).send({ error: 'no_dead_letters', message: `the ${storeName} store refuses no points for good: it keeps no dead letters` });
    return undefined;
  };
  app.get<{ Querystring: { limit?: number; all?: boolean } }>(
    '/v1/admin/dead-letters',
    {
      onRequest: guard,
      schema: {
        summary: 'Points the store refused for good (tag limits, type conflicts), oldest first; replayed ones only with all=true',
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 10000 }, all: { type: 'boolean' } } },
        response: { 200: { type: 'object', properties: { keptSinceStart: { type: 'integer' }, letters: { type: 'array', items: letter } } }, 501: error },
      },
    },
    async (req, reply) => {
      const s = need(reply);
      if (!s) return reply;
      const letters = await s.deadLetters({ limit: req.query.limit ?? 100, includeReplayed: req.query.all === true });
      return { keptSinceStart: s.deadLettered(), letters: letters.map(({ atUs, ...l }) => ({ ...l, at: new Date(Math.floor(atUs / 1000)).toISOString() })) };
    },
  );
  app.post<{ Body: { limit?: number } | null }>(
    '/v1/admin/dead-letters/replay',
    {
      onRequest: guard,
      schema: {
        summary: 'Send the unreplayed dead letters again; accepted ones are marked replayed, refused ones keep their place with the new reason',
        body: { type: ['object', 'null'], additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 100000 } } },
        response: { 200: { type: 'object', properties: { replayed: { type: 'integer' }, refused: { type: 'integer' } } }, 501: error },
      },
    },
    async (req, reply) => {
      const s = need(reply);
      if (!s) return reply;
      return s.replayDeadLetters(req.body?.limit ?? 10_000);
    },
  );
}
