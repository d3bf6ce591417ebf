// IPMI DCMI power reading through ipmitool or FreeIPMI's ipmi-dcmi, in-band
// (/dev/ipmi0) or out-of-band (lanplus). DCMI gives watts only: MeterSource
// integrates them and flags it.
//
// The BMC password never goes on the command line (where ps and logs show it):
// ipmitool gets it through IPMI_PASSWORD with -E; ipmi-dcmi through a private
// FreeIPMI config file (--config-file) written with mode 0600.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Source } from '@wattprint/proto';
import { MeterError, type Meter, type MeterReading } from './meter.ts';
import { readSecretFile, runCommand } from './io.ts';

export interface IpmiMeterConfig {
  kind: 'ipmi';
  name: string;
  /** "ipmitool" (default) or "freeipmi". */
  tool: 'ipmitool' | 'freeipmi';
  /** Executable path; defaults to "ipmitool" or "ipmi-dcmi" on PATH. */
  command?: string;
  /** BMC address for out-of-band reads; absent means in-band. */
  host?: string;
  user?: string;
  /** Env file holding IPMI_PASSWORD=... (or the password alone). */
  passwordFile?: string;
  /** ipmitool interface for out-of-band reads (default "lanplus"). */
  interface?: string;
}

export interface DcmiPower {
  watts: number;
  active: boolean;
  /** ms since the epoch (the BMC's clock, read as UTC). */
  timestampMs?: number;
  samplingPeriodMs?: number;
}

/** "key : value" lines, keys lower-cased with runs of spaces collapsed. */
function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim().toLowerCase().replace(/\s+/g, ' ');
    if (key) out.set(key, line.slice(i + 1).trim());
  }
  return out;
}

function watts(v: string | undefined): number | undefined {
  const m = v === undefined ? null : /^(\d+(?:\.\d+)?)\s*watts?\b/i.exec(v);
  return m ? Number(m[1]) : undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** "Thu Feb 15 08:36:01 2024" (ipmitool) -> ms, read as UTC. */
export function parseIpmitoolTime(v: string): number | undefined {
  const m = /^\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/.exec(v.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!.toLowerCase());
  if (month < 0) return undefined;
  return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

/** "11/03/2023 - 08:36:29" (FreeIPMI, month first) -> ms, read as UTC. */
export function parseFreeipmiTime(v: string): number | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})\s*-\s*(\d{2}):(\d{2}):(\d{2})$/.exec(v.trim());
  if (!m) return undefined;
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** "00000001 Seconds." (1.8.18), "1000 Milliseconds" (1.8.19), "2685198000 milliseconds" (FreeIPMI). */
function periodMs(v: string | undefined): number | undefined {
  const m = v === undefined ? null : /^(\d+)\s*(seconds?|milliseconds?)/i.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * (m[2]!.toLowerCase().startsWith('milli') ? 1 : 1000);
}

/** `ipmitool dcmi power reading`, both the 1.8.18 and the aligned 1.8.19 layouts. */
export function parseIpmitoolDcmi(text: string): DcmiPower {
  const f = fields(text);
  const raw = f.get('instantaneous power reading');
  const w = watts(raw);
  if (w === undefined) throw new MeterError('malformed', `ipmitool output has no "Instantaneous power reading: N Watts" line${raw !== undefined ? ` (got ${JSON.stringify(raw)})` : ''}: ${JSON.stringify(text.trim().slice(0, 120))}`, 'check that this ipmitool supports "dcmi power reading" and the BMC supports DCMI');
  const state = [...f.entries()].find(([k]) => k.startsWith('power reading state'))?.[1];
  const ts = f.get('ipmi timestamp');
  return { watts: w, active: state === undefined || /^activated?$/i.test(state), timestampMs: ts ? parseIpmitoolTime(ts) : undefined, samplingPeriodMs: periodMs(f.get('sampling period')) };
}

/** `ipmi-dcmi --get-system-power-statistics` (FreeIPMI). */
export function parseFreeipmiDcmi(text: string): DcmiPower {
  const f = fields(text);
  const raw = f.get('current power');
  const w = watts(raw);
  if (w === undefined) throw new MeterError('malformed', `ipmi-dcmi output has no "Current Power : N Watts" line${raw !== undefined ? ` (got ${JSON.stringify(raw)})` : ''}: ${JSON.stringify(text.trim().slice(0, 120))}`, 'check that the BMC supports DCMI power statistics');
  const state = f.get('power measurement');
  const ts = f.get('time stamp');
  return { watts: w, active: state === undefined || /^active$/i.test(state), timestampMs: ts ? parseFreeipmiTime(ts) : undefined, samplingPeriodMs: periodMs(f.get('statistics reporting time period')) };
}

export class IpmiMeter implements Meter {
  readonly kind = 'ipmi' as const;
  readonly source = Source.SOURCE_IPMI;
  readonly name: string;
  readonly target: string;
  private readonly cfg: IpmiMeterConfig;
  private readonly command: string;
  private configDir: string | undefined;

  constructor(cfg: IpmiMeterConfig) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.command = cfg.command ?? (cfg.tool === 'freeipmi' ? 'ipmi-dcmi' : 'ipmitool');
    this.target = cfg.host ? `${this.command} -> ${cfg.host}` : `${this.command} (in-band)`;
  }

  /** The argv and environment for one poll; the password only ever in env or a 0600 file. */
  invocation(): { argv: string[]; env: NodeJS.ProcessEnv } {
    const c = this.cfg;
    const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C' };
    if (c.tool === 'freeipmi') {
      const argv = [this.command];
      if (c.host) {
        argv.push('-h', c.host, '-D', 'LAN_2_0');
        if (c.user) argv.push('-u', c.user);
        if (c.passwordFile) argv.push(`--config-file=${this.freeipmiConfig(readSecretFile(c.passwordFile, 'IPMI_PASSWORD'))}`);
      }
      argv.push('--get-system-power-statistics');
      return { argv, env };
    }
    const argv = [this.command];
    if (c.host) {
      argv.push('-I', c.interface ?? 'lanplus', '-H', c.host);
      if (c.user) argv.push('-U', c.user);
      if (c.passwordFile) {
        env.IPMI_PASSWORD = readSecretFile(c.passwordFile, 'IPMI_PASSWORD');
        argv.push('-E');
      }
    }
    argv.push('dcmi', 'power', 'reading');
    return { argv, env };
  }

  async read(signal: AbortSignal): Promise<MeterReading> {
    const { argv, env } = this.invocation();
    const r = await runCommand(argv, { env, signal });
    if (r.code !== 0) {
      const msg = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(0, 2).join(' / ').slice(0, 200);
      const auth = /unable to establish|password|authenticat|username|privilege|rakp|invalid user/i.test(msg);
      throw new MeterError(
        auth ? 'auth' : 'exec',
        `${path.basename(this.command)} exited with ${r.code ?? r.signal}: ${msg || '(no output)'}`,
        auth
          ? `check the BMC user and the password in ${this.cfg.passwordFile ?? '(no passwordFile set)'}, and that the user may use IPMI over LAN`
          : this.cfg.host
            ? 'check the BMC address and that IPMI over LAN is enabled'
            : 'in-band needs the ipmi_si and ipmi_devintf modules and read access to /dev/ipmi0 (udev rule: KERNEL=="ipmi*", GROUP="wattprint", MODE="0660")',
      );
    }
    const p = this.cfg.tool === 'freeipmi' ? parseFreeipmiDcmi(r.stdout) : parseIpmitoolDcmi(r.stdout);
    if (!p.active) {
      throw new MeterError('unavailable', 'the BMC says power reading state is deactivated, so its watts are not measurements', 'enable DCMI power monitoring in the BMC settings, or use another meter (Redfish, a PDU)');
    }
    return { watts: p.watts, meterTimeMs: p.timestampMs };
  }

  async close(): Promise<void> {
    if (this.configDir) fs.rmSync(this.configDir, { recursive: true, force: true });
    this.configDir = undefined;
  }

  private freeipmiConfig(password: string): string {
    if (!this.configDir) this.configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-ipmi-'));
    const file = path.join(this.configDir, 'freeipmi.conf');
    // The config file format has no quoting; a password with whitespace cannot be written.
    if (/\s/.test(password)) throw new MeterError('config', 'the BMC password contains whitespace, which a FreeIPMI config file cannot hold', 'use the ipmitool tool for this BMC');
    fs.writeFileSync(file, `password ${password}\n`, { mode: 0o600 });
    return file;
  }
}
