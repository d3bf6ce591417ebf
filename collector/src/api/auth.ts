// Bearer tokens with scopes. Tokens are configured by their SHA-256 digest, so
// the config file never holds a usable secret; comparison is constant-time.
import crypto from 'node:crypto';
import fs from 'node:fs';

export type Scope = 'read' | 'jobs:write' | 'admin';
export const SCOPES: Scope[] = ['read', 'jobs:write', 'admin'];

export interface TokenEntry {
  name: string;
  sha256: Buffer;
  scopes: Set<Scope>;
}

export function sha256(token: string): Buffer {
  return crypto.createHash('sha256').update(token, 'utf8').digest();
}

/** Parses a tokens file: [{"name", "sha256" (hex) | "token", "scopes": [...]}]. */
export function parseTokens(raw: unknown, where = 'tokens'): TokenEntry[] {
  if (!Array.isArray(raw)) throw new Error(`${where}: expected a list of {name, sha256, scopes}`);
  return raw.map((t, i) => {
    const e = t as Record<string, unknown>;
    const at = `${where}[${i}]`;
    if (typeof e?.name !== 'string' || !e.name) throw new Error(`${at}: "name" must be a non-empty string`);
    let digest: Buffer;
    if (typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(e.sha256)) digest = Buffer.from(e.sha256, 'hex');
    else if (typeof e.token === 'string' && e.token.length >= 16) digest = sha256(e.token);
    else throw new Error(`${at}: give "sha256" (64 hex digits) or "token" (at least 16 characters)`);
    if (!Array.isArray(e.scopes) || e.scopes.length === 0 || e.scopes.some((s) => !SCOPES.includes(s as Scope))) throw new Error(`${at}: "scopes" must list some of ${SCOPES.join(', ')}`);
    return { name: e.name, sha256: digest, scopes: new Set(e.scopes as Scope[]) };
  });
}

export function loadTokens(file: string): TokenEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read tokens file ${file}: ${(err as Error).message}`);
  }
  try {
    return parseTokens(JSON.parse(text), file);
  } catch (err) {
    throw new Error(err instanceof SyntaxError ? `tokens file ${file} is not valid JSON: ${err.message}` : (err as Error).message);
  }
}

export type AuthResult = { ok: true; name: string } | { ok: false; status: 401 | 403; code: string; message: string };

/** Checks an Authorization header against the tokens for a scope; admin implies every scope. */
export function authorize(tokens: TokenEntry[], header: string | undefined, scope: Scope): AuthResult {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!m) return { ok: false, status: 401, code: 'unauthenticated', message: 'send "Authorization: Bearer <token>"' };
  const digest = sha256(m[1]!);
  const entry = tokens.find((t) => crypto.timingSafeEqual(t.sha256, digest));
  if (!entry) return { ok: false, status: 401, code: 'unauthenticated', message: 'unknown token' };
  if (!entry.scopes.has(scope) && !entry.scopes.has('admin')) return { ok: false, status: 403, code: 'forbidden', message: `token "${entry.name}" lacks scope "${scope}"` };
  return { ok: true, name: entry.name };
}
