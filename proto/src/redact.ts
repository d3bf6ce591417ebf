// One redaction rule for everything Wattprint logs, agent and collector alike:
// URL userinfo, Authorization headers, bearer and API tokens, passwords, and
// every secret value the configs registered (webhook URLs with a secret path,
// header values, carbon API tokens, meter and InfluxDB passwords). A logger
// (console, pino) runs each line through redact() before writing it.
//
// Secrets come from the config inline, from a file or from the environment:
// readSecret() takes "value", {"file": PATH} or {"env": NAME} and registers
// what it read, so it can never be logged afterwards.
import fs from 'node:fs';

export const REDACTED = '[redacted]';

const registered = new Set<string>();

/** Marks a value as secret: redact() replaces it wherever it appears. Short values would redact noise. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= 6) registered.add(value);
}

/** A URL whose path is itself a credential (a Slack or Teams webhook): the path and query are secret. */
export function registerSecretUrl(url: string): void {
  try {
    const u = new URL(url);
    if (u.pathname.length > 1) registerSecret(u.pathname + u.search);
    if (u.search.length > 1) registerSecret(u.search);
    if (u.password) registerSecret(decodeURIComponent(u.password));
    if (u.username) registerSecret(decodeURIComponent(u.username));
  } catch {
    registerSecret(url);
  }
}

const RULES: [RegExp, string | ((...m: string[]) => string)][] = [
  // scheme://user:password@host -> scheme://[redacted]@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"<>]+@/gi, `$1${REDACTED}@`],
  // Authorization / Proxy-Authorization headers, as text or JSON.
  [/\b((?:proxy-)?authorization"?\s*[:=]\s*"?)(?:(?:bearer|basic|token|digest)\s+)?[^\s",}]+/gi, `$1${REDACTED}`],
  // Bearer tokens anywhere.
  [/\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${REDACTED}`],
  // key=value and "key": "value" for the names secrets go by.
  [/\b((?:access_?|api_?|auth_?|private_?|refresh_?|secret_?)?(?:token|key|apikey|password|passwd|secret|auth-token|x-api-key)"?\s*[:=]\s*"?)[^\s"&,}]+/gi, `$1${REDACTED}`],
];

/** The text with every secret replaced by [redacted]. Pure apart from the registered secrets. */
export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret containing another is replaced whole.
  for (const s of [...registered].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  for (const [re, to] of RULES) out = out.replace(re, to as string);
  return out;
}

/** Wraps a log function so every line it writes is redacted. */
export function redactingLog(log: (m: string) => void): (m: string) => void {
  return (m) => log(redact(m));
}

/**
 * A secret from a config: a string (inline), {"file": PATH} (trailing newline
 * dropped) or {"env": NAME}. Throws an Error naming `where` when it cannot be
 * read; registers the value for redaction.
 */
export function readSecret(v: unknown, where: string, env: NodeJS.ProcessEnv = process.env): string {
  let value: string;
  if (typeof v === 'string') value = v;
  else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { file?: unknown }).file === 'string') {
    const file = (v as { file: string }).file;
    try {
      value = fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new Error(`${where}: cannot read the secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { env?: unknown }).env === 'string') {
    const name = (v as { env: string }).env;
    const got = env[name];
    if (got === undefined || got === '') throw new Error(`${where}: the environment variable ${name} is not set`);
    value = got;
  } else {
    throw new Error(`${where}: expected a string, {"file": PATH} or {"env": NAME}`);
  }
  if (value === '') throw new Error(`${where}: the secret is empty`);
  registerSecret(value);
  return value;
}
