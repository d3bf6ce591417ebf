// Sets up the fake `ipmitool` and `ipmi-dcmi` executables in a private
// directory with their scenario file, so each test scripts its own BMC.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface IpmiScenario {
  /** ipmitool layout: "1.8.18" or the aligned "1.8.19". */
  format?: '1.8.18' | '1.8.19';
  watts?: number;
  /** BMC timestamp as the tool prints it. */
  stamp?: string;
  mode?: 'ok' | 'deactivated' | 'malformed' | 'hang' | 'nodevice';
  /** Out-of-band login the BMC accepts. */
  host?: string;
  user?: string;
  password?: string;
}

const HERE = import.meta.dirname;

export class IpmiFake {
  readonly dir: string;
  readonly ipmitool: string;
  readonly ipmiDcmi: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-fake-ipmi-'));
    this.ipmitool = path.join(this.dir, 'ipmitool');
    this.ipmiDcmi = path.join(this.dir, 'ipmi-dcmi');
    fs.copyFileSync(path.join(HERE, 'ipmitool'), this.ipmitool);
    fs.copyFileSync(path.join(HERE, 'ipmi-dcmi'), this.ipmiDcmi);
    fs.chmodSync(this.ipmitool, 0o755);
    fs.chmodSync(this.ipmiDcmi, 0o755);
    this.set({});
  }

  set(s: IpmiScenario): void {
    const q = (v: string | number | undefined) => `'${String(v ?? '').replace(/'/g, `'\\''`)}'`;
    const lines = [`WATTS=${q(s.watts ?? 0)}`, `MODE=${q(s.mode ?? 'ok')}`, `BMC_HOST=${q(s.host)}`, `BMC_USER=${q(s.user)}`, `BMC_PASSWORD=${q(s.password)}`];
    if (s.format) lines.push(`FORMAT=${q(s.format)}`);
    if (s.stamp) lines.push(`STAMP=${q(s.stamp)}`);
    fs.writeFileSync(path.join(this.dir, 'scenario'), lines.join('\n') + '\n');
  }

  /** Every command line the fake was started with, one per call. */
  argvLog(): string[] {
    try {
      return fs.readFileSync(path.join(this.dir, 'argv.log'), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
