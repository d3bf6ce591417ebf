// The page's files as the collector serves them: JavaScript that parses (no
// types left), strict security headers, revalidation, and nothing else
// reachable under /ui/. No browser needed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../src/api/http.ts';
import { parseTokens } from '../../src/api/auth.ts';
import { SqliteStore } from '../../src/storage/sqlite.ts';
import { CSP, loadStatic, STATIC_DIR } from '../../src/web/plugin.ts';
import { NODE } from '../../../test/helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-web-plugin-'));
let store: SqliteStore;
let app: FastifyInstance;

before(async () => {
  store = new SqliteStore(':memory:');
  app = await buildApi({ store, tokens: parseTokens([{ name: 'r', token: 'r'.repeat(20), scopes: ['read'] }]) });
});
after(async () => {
  await app.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('"/" is the page, public even with tokens on, with a strict CSP', async () => {
  const res = await app.inject({ url: '/' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assert.equal(res.headers['content-security-policy'], CSP);
  assert.match(CSP, /script-src 'self'/);
  assert.doesNotMatch(CSP, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], 'DENY');
  assert.match(res.body, /<script type="module" src="\/ui\/app.ts"><\/script>/);
  assert.doesNotMatch(res.body, /<script>(?!<)/, 'no inline script');
  // The API itself stays closed.
  assert.equal((await app.inject({ url: '/v1/hosts' })).statusCode, 401);
});

test('every module leaves as JavaScript that parses, with the same line numbers as its source', async () => {
  const files = loadStatic();
  const modules = [...files.keys()].filter((f) => f.endsWith('.ts'));
  assert.ok(modules.includes('app.ts') && modules.includes('model.ts'));
  for (const name of modules) {
    const res = await app.inject({ url: `/ui/${name}` });
    assert.equal(res.statusCode, 200, name);
    assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8');
    const out = path.join(dir, name.replace(/\.ts$/, '.mjs'));
    fs.writeFileSync(out, res.body);
    execFileSync(NODE, ['--check', out]); // throws on a syntax error, e.g. a type left behind
    const source = fs.readFileSync(path.join(STATIC_DIR, name), 'utf8');
    // Stripping blanks the types in place (and appends a sourceURL comment): browser errors point at the source's lines.
    const lines = res.body.split('\n');
    assert.match(lines[lines.length - 1]!, new RegExp(`^//# sourceURL=/ui/${name.replace('.', '\\.')}$`));
    source.split('\n').forEach((line, i) => {
      const fn = /^export (?:async )?function (\w+)/.exec(line);
      if (fn) assert.match(lines[i]!, new RegExp(`^export (async )?function ${fn[1]}\\b`), `${name}:${i + 1}`);
    });
  }
  // Every module the page imports is served: follow the import graph from app.ts.
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const body = files.get(name)?.body.toString('utf8');
    assert.ok(body, `imported but not served: ${name}`);
    for (const m of body.matchAll(/^import [^'"]*['"]\.\/([^'"]+)['"]/gm)) visit(m[1]!);
  };
  visit('app.ts');
  assert.ok(seen.size >= 8);
});

test('files revalidate with an ETag; unknown and odd names are refused', async () => {
  const first = await app.inject({ url: '/ui/style.css' });
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['cache-control'], 'no-cache');
  const etag = String(first.headers.etag);
  const again = await app.inject({ url: '/ui/style.css', headers: { 'if-none-match': etag } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  assert.equal((await app.inject({ url: '/ui/nope.ts' })).statusCode, 404);
  assert.equal((await app.inject({ url: '/ui/index.html' })).statusCode, 404, 'the page lives at "/" only');
  for (const odd of ['/ui/..%2Fplugin.ts', '/ui/.hidden', '/ui/a%00.ts']) assert.equal((await app.inject({ url: odd })).statusCode, 400, odd);
  assert.equal((await app.inject({ url: '/ui/../web/plugin.ts' })).statusCode, 404);
  // The page's routes stay out of the OpenAPI document.
  const spec = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
  assert.ok(!Object.keys(spec.paths).some((p) => p === '/' || p.startsWith('/ui')));
});

test('a static directory without index.html is refused at start-up, by name', () => {
  const empty = fs.mkdtempSync(path.join(dir, 'static-'));
  fs.writeFileSync(path.join(empty, 'x.ts'), 'export const x: number = 1;\n');
  assert.throws(() => loadStatic(empty), /no index\.html in/);
  fs.writeFileSync(path.join(empty, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(empty, 'bad.ts'), 'enum E { A }\n');
  assert.throws(() => loadStatic(empty), /cannot strip types from bad\.ts/);
});
