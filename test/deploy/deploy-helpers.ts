// Shared by the deploy tests: paths, running shell scripts, reading unit files.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEPLOY = path.join(REPO, 'deploy');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop (a test server may have to answer it). */
export function run(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { env: opts.env ?? process.env, cwd: opts.cwd ?? os.tmpdir(), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export function runSync(file: string, args: string[]): RunResult {
  const r = spawnSync(file, args, { encoding: 'utf8', cwd: os.tmpdir() });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A unit file as a map from "Section.Key" to its values in order (a key may
 * repeat; an empty assignment resets the list, as systemd does).
 */
export function parseUnit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = line.match(/^\[(.+)\]$/);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`unit line without "=": ${line}`);
    const key = `${section}.${line.slice(0, eq).trim()}`;
    const value = line.slice(eq + 1).trim();
    const values = out.get(key) ?? [];
    if (value === '') values.length = 0;
    else values.push(value);
    out.set(key, values);
  }
  return out;
}

/** "→ Overall exposure level for x.service: 1.8 OK" → 1.8 */
export function parseExposure(output: string): number {
  const m = output.match(/Overall exposure level for \S+: (\d+(?:\.\d+)?)/);
  if (!m) throw new Error(`no overall exposure level in systemd-analyze output:\n${output.slice(-500)}`);
  return Number(m[1]);
}
