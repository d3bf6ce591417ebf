// Shared bits of the meter tests: interval contexts and secret files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SampleContext } from '@wattprint/agent/sources/source.ts';

const T0_US = 1_700_000_000_000_000;

/** The interval [startS, endS) seconds after a fixed origin. */
export function interval(startS: number, endS: number): SampleContext {
  return { startUs: T0_US + startS * 1e6, endUs: T0_US + endS * 1e6, cpuBusySeconds: 0, cpuIdleSeconds: 0, cpuCount: 1 };
}

export function secretFile(contents: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-secret-'));
  const file = path.join(dir, 'secret.env');
  fs.writeFileSync(file, contents, { mode: 0o600 });
  return file;
}
