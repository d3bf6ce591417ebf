// The I/O edges the meters share: one HTTP(S) request, one child process, one
// secret file. Each honours an AbortSignal so a hung BMC or plug cannot stall
// the sampler, and each failure is a MeterError that says what to fix.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { spawn } from 'node:child_process';
import { MeterError } from './meter.ts';
import { registerSecret } from '@wattprint/proto';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Accept self-signed certificates (opt-in; BMCs often ship one). */
  insecureTls?: boolean;
  /** PEM CA bundle to trust instead of the system store. */
  ca?: string;
  signal: AbortSignal;
  /** Replies larger than this are refused: a meter answers in a few kB. */
  maxBytes?: number;
}

export function httpRequest(url: URL, opts: HttpOptions): Promise<HttpReply> {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: { accept: 'application/json', ...opts.headers },
        signal: opts.signal,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: !opts.insecureTls, ca: opts.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy(new MeterError('malformed', `reply from ${url.origin}${url.pathname} exceeds ${maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => reject(describeHttpError(url, err)));
    req.end(opts.body);
  });
}

const TLS_CODES = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']);

function describeHttpError(url: URL, err: NodeJS.ErrnoException): Error {
  if (err instanceof MeterError) return err;
  if (err.name === 'AbortError') return new MeterError('timeout', `no reply from ${url.origin} in time`, 'check that the device is reachable, or raise timeoutMs');
  const code = err.code ?? '';
  if (TLS_CODES.has(code)) {
    return new MeterError('tls', `TLS certificate of ${url.origin} not trusted (${code})`, 'give the device\'s CA in "caFile", or set "insecureTls": true for a self-signed BMC certificate on a trusted network');
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND' || code === 'ECONNRESET') {
    return new MeterError('unavailable', `cannot reach ${url.origin}: ${code}`, 'check the address and that the device is powered and on the network');
  }
  return new MeterError('unavailable', `request to ${url.origin} failed: ${err.message}`);
}

/** Parses a JSON reply body, or says where it is not JSON. */
export function parseJsonReply(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new MeterError('malformed', `${what} is not JSON (${(err as Error).message}): ${JSON.stringify(body.slice(0, 80))}`, 'check that the URL points at the device\'s API');
  }
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs argv[0] with argv[1..] (no shell), in its own process group so a
 * timeout kills the whole tree, not just a wrapper script.
 */
export function runCommand(argv: string[], opts: { env?: NodeJS.ProcessEnv; signal: AbortSignal; maxBytes?: number }): Promise<CommandResult> {
  const maxBytes = opts.maxBytes ?? 256 * 1024;
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new MeterError('config', 'empty command'));
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(new MeterError('timeout', `${file} was not started: poll already timed out`));
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    const killTree = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const onAbort = () => {
      killTree();
      finish(new MeterError('timeout', `${file} did not finish in time; killed`, 'check the device answers, or raise timeoutMs'));
    };
    const finish = (e: Error | undefined, r?: CommandResult) => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', onAbort);
      if (e) reject(e);
      else resolve(r!);
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const collect = (sink: Buffer[]) => (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        killTree();
        finish(new MeterError('malformed', `${file} printed more than ${maxBytes} bytes`));
        return;
      }
      sink.push(c);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (e: NodeJS.ErrnoException) => {
      const fix = e.code === 'ENOENT' ? `install it or set the meter's command path` : e.code === 'EACCES' ? 'make it executable by the agent user' : '';
      finish(new MeterError('exec', `cannot run ${file}: ${e.code ?? e.message}`, fix));
    });
    child.on('close', (code, signal) => {
      finish(undefined, { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, signal });
    });
  });
}

/**
 * Reads a secret from a file so it never appears in config, argv or logs.
 * The file is either systemd EnvironmentFile style (`KEY=value`, where KEY is
 * `key`) or holds the secret alone on its first line.
 */
export function readSecretFile(file: string, key: string): string {
  // "env:NAME": the secret is in the agent's environment instead (systemd LoadCredential=, an EnvironmentFile).
  if (file.startsWith('env:')) {
    const v = process.env[file.slice(4)];
    if (!v) throw new MeterError('config', `the environment variable ${file.slice(4)} (for ${key}) is not set`, `set it in the agent's environment, or name a file`);
    registerSecret(v);
    return v;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new MeterError('config', `cannot read secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'make it readable by the agent user (mode 0640, group wattprint-agent)');
  }
  const secret = parseSecret(text, key);
  if (secret === undefined) throw new MeterError('config', `secret file ${file} holds neither ${key}=... nor a bare secret`, `write "${key}=<secret>" into it`);
  registerSecret(secret);
  return secret;
}

export function parseSecret(text: string, key: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const re = new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=(.*)$`);
  for (const line of lines) {
    const m = re.exec(line);
    if (m) return unquote(m[1]!.trim());
  }
  const first = lines.find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (first === undefined || /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/.test(first)) return undefined;
  return first.trim();
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}

export function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}
