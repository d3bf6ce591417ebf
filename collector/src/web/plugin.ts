// Serves the built-in web page: index.html at "/", its files under "/ui/".
// The page is TypeScript like the rest of the project; Node's own type
// stripping turns each module into JavaScript once, at start-up, so there is
// no bundler and no build step. The files hold no data (every figure comes
// from the API with the user's token), so they are served without a token.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');

const TYPES: Record<string, string> = {
  '.ts': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Scripts and styles from this origin only, no inline code, no framing; data only from the API. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** Reads the page's files into memory; .ts modules leave as JavaScript. */
export function loadStatic(dir = STATIC_DIR): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of fs.readdirSync(dir).sort()) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const raw = fs.readFileSync(path.join(dir, name), 'utf8');
    let text = raw;
    if (name.endsWith('.ts')) {
      try {
        text = stripTypeScriptTypes(raw, { mode: 'strip', sourceUrl: `/ui/${name}` });
      } catch (err) {
        throw new Error(`web page: cannot strip types from ${name}: ${(err as Error).message}`);
      }
    }
    const body = Buffer.from(text, 'utf8');
    files.set(name, { body, type, etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  if (!files.has('index.html')) throw new Error(`web page: no index.html in ${dir}`);
  return files;
}

export interface WebOptions {
  dir?: string;
}

/** Registers GET / and GET /ui/:file. Register it without fastify-plugin: its headers stay with its routes. */
export async function webPlugin(app: FastifyInstance, opts: WebOptions = {}): Promise<void> {
  const files = loadStatic(opts.dir);
  const send = (file: StaticFile, req: FastifyRequest, reply: FastifyReply) => {
    reply
      .header('content-type', file.type)
      .header('etag', file.etag)
      // Revalidate every time: a cheap 304 on loopback, and an upgrade shows at once.
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY');
    if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.send(file.body);
  };
  app.get('/', { schema: { hide: true } }, (req, reply) => send(files.get('index.html')!, req, reply));
  app.get<{ Params: { file: string } }>('/ui/:file', { schema: { hide: true, params: { type: 'object', properties: { file: { type: 'string', pattern: '^[a-z0-9-]+\\.[a-z]+$' } } } } }, (req, reply) => {
    const file = files.get(req.params.file);
    if (!file || req.params.file === 'index.html') return reply.code(404).send({ error: 'not_found', message: `no file /ui/${req.params.file}` });
    return send(file, req, reply);
  });
}
