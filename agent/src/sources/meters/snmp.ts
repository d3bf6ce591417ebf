// Rack PDUs over SNMP (net-snmp), v2c community or v3 USM.
//
// APC rPDU2 (PowerNet-MIB), device row <index>:
//   rPDU2DeviceStatusPower  .1.3.6.1.4.1.318.1.1.26.4.3.1.5.<i>  hundredths of kW
//   rPDU2DeviceStatusEnergy .1.3.6.1.4.1.318.1.1.26.4.3.1.9.<i>  tenths of kWh, resettable
// Raritan PDU2-MIB, inlet <pdu>.<inlet>, sensor type 5 activePower (W) and
// 8 activeEnergy (Wh), each scaled by inletSensorDecimalDigits:
//   measurementsInletSensorValue .1.3.6.1.4.1.13742.6.5.2.3.1.4.<pdu>.<inlet>.<type>  Unsigned32
//   inletSensorDecimalDigits     .1.3.6.1.4.1.13742.6.3.3.4.1.7.<pdu>.<inlet>.<type>
import { createRequire } from 'node:module';
import { Source } from '@wattprint/proto';
import { JOULES_PER_KWH, JOULES_PER_WH, MeterError, type Meter, type MeterReading } from './meter.ts';
import { readSecretFile } from './io.ts';

// net-snmp ships no types; this is the part of its API used here.
interface Varbind {
  oid: string;
  type: number;
  value: unknown;
}
interface SnmpSession {
  get(oids: string[], cb: (err: Error | null, varbinds?: Varbind[]) => void): void;
  close(): void;
  on(event: 'error', cb: (err: Error) => void): void;
}
interface NetSnmp {
  createSession(target: string, community: string, opts: Record<string, unknown>): SnmpSession;
  createV3Session(target: string, user: Record<string, unknown>, opts: Record<string, unknown>): SnmpSession;
  isVarbindError(vb: Varbind): boolean;
  varbindError(vb: Varbind): string;
  Version2c: number;
  Version3: number;
  SecurityLevel: Record<string, number>;
  AuthProtocols: Record<string, number>;
  PrivProtocols: Record<string, number>;
  ResponseInvalidCode: Record<string, number>;
}
// Loaded on first use: most hosts have no SNMP meter, and net-snmp costs the agent ~15 MiB RSS.
let netSnmp: NetSnmp | undefined;
const snmpLib = (): NetSnmp => (netSnmp ??= createRequire(import.meta.url)('net-snmp') as NetSnmp);

export type SnmpAuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type SnmpPrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

export interface SnmpMeterConfig {
  kind: 'snmp';
  name: string;
  host: string;
  port: number;
  profile: 'apc' | 'raritan';
  /** APC rPDU2 device row (default 1). */
  index: number;
  /** Raritan PDU id and inlet (default 1, 1). */
  pdu: number;
  inlet: number;
  version: '2c' | '3';
  community: string;
  /** SNMPv3 USM user; auth and priv keys come from files. */
  user?: string;
  authProtocol?: SnmpAuthProtocol;
  authKeyFile?: string;
  privProtocol?: SnmpPrivProtocol;
  privKeyFile?: string;
  timeoutMs: number;
}

export const APC_POWER_OID = '1.3.6.1.4.1.318.1.1.26.4.3.1.5';
export const APC_ENERGY_OID = '1.3.6.1.4.1.318.1.1.26.4.3.1.9';
export const RARITAN_INLET_VALUE_OID = '1.3.6.1.4.1.13742.6.5.2.3.1.4';
export const RARITAN_INLET_DIGITS_OID = '1.3.6.1.4.1.13742.6.3.3.4.1.7';
export const RARITAN_ACTIVE_POWER = 5;
export const RARITAN_ACTIVE_ENERGY = 8;
const UNSIGNED32_MAX = 4294967295;

export function meterOids(cfg: Pick<SnmpMeterConfig, 'profile' | 'index' | 'pdu' | 'inlet'>): string[] {
  if (cfg.profile === 'apc') return [`${APC_POWER_OID}.${cfg.index}`, `${APC_ENERGY_OID}.${cfg.index}`];
  const at = (base: string, type: number) => `${base}.${cfg.pdu}.${cfg.inlet}.${type}`;
  return [at(RARITAN_INLET_VALUE_OID, RARITAN_ACTIVE_POWER), at(RARITAN_INLET_VALUE_OID, RARITAN_ACTIVE_ENERGY), at(RARITAN_INLET_DIGITS_OID, RARITAN_ACTIVE_POWER), at(RARITAN_INLET_DIGITS_OID, RARITAN_ACTIVE_ENERGY)];
}

/** The values of a GET for meterOids(), in order, as a reading. */
export function readingFromValues(profile: 'apc' | 'raritan', values: number[]): MeterReading {
  const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0);
  if (bad >= 0) throw new MeterError('malformed', `value ${values[bad]} at position ${bad} is not an integer >= 0`, 'the PDU does not meter this row (APC answers -1 when unsupported)');
  if (profile === 'apc') {
    const [hundredthsKw, tenthsKwh] = values as [number, number];
    return { watts: hundredthsKw * 10, energyJoules: (tenthsKwh * JOULES_PER_KWH) / 10 };
  }
  const [power, energy, powerDigits, energyDigits] = values as [number, number, number, number];
  if (powerDigits > 9 || energyDigits > 9) throw new MeterError('malformed', `decimal digits ${powerDigits}/${energyDigits} are out of range`);
  const energyScale = JOULES_PER_WH / 10 ** energyDigits;
  return { watts: power / 10 ** powerDigits, energyJoules: energy * energyScale, registerMaxJoules: UNSIGNED32_MAX * energyScale };
}

function create(make: () => SnmpSession): SnmpSession {
  try {
    return make();
  } catch (err) {
    throw new MeterError('config', `cannot open an SNMP session: ${(err as Error).message}`, 'check the meter\'s SNMP settings');
  }
}

export class SnmpMeter implements Meter {
  readonly kind = 'snmp' as const;
  readonly source = Source.SOURCE_SNMP;
  readonly name: string;
  readonly target: string;
  private readonly cfg: SnmpMeterConfig;
  private session: SnmpSession | undefined;

  constructor(cfg: SnmpMeterConfig) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.target = `${cfg.host}:${cfg.port} (${cfg.profile}, v${cfg.version})`;
  }

  async read(signal: AbortSignal): Promise<MeterReading> {
    const oids = meterOids(this.cfg);
    const session = this.open();
    const varbinds = await new Promise<Varbind[]>((resolve, reject) => {
      const onAbort = () => {
        this.drop(); // a late reply must not land on a session we reuse
        reject(new MeterError('timeout', 'SNMP request abandoned (poll timed out)'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      session.get(oids, (err, vbs) => {
        signal.removeEventListener('abort', onAbort);
        if (err) {
          this.drop();
          reject(this.describe(err));
        } else resolve(vbs ?? []);
      });
    });
    const values: number[] = [];
    for (const [i, oid] of oids.entries()) {
      const vb = varbinds[i];
      if (!vb) throw new MeterError('malformed', `reply lacks ${oid}`);
      if (snmpLib().isVarbindError(vb)) throw new MeterError('unavailable', `${snmpLib().varbindError(vb)}`, this.cfg.profile === 'apc' ? `no rPDU2 device row ${this.cfg.index}: check "index" (and that this is an rPDU2 PDU)` : `no inlet ${this.cfg.pdu}.${this.cfg.inlet}: check "pdu" and "inlet" (and that this is a Raritan PX2/PX3)`);
      if (typeof vb.value !== 'number') throw new MeterError('malformed', `${oid} holds ${typeof vb.value} (type ${vb.type}), not an integer`);
      values.push(vb.value);
    }
    return readingFromValues(this.cfg.profile, values);
  }

  async close(): Promise<void> {
    this.drop();
  }

  private open(): SnmpSession {
    if (this.session) return this.session;
    const c = this.cfg;
    // Two tries that end before MeterSource's own limit, so the more telling SNMP error wins.
    const opts = { port: c.port, retries: 1, timeout: Math.max(Math.floor(c.timeoutMs * 0.4), 50), version: c.version === '3' ? snmpLib().Version3 : snmpLib().Version2c, transport: c.host.includes(':') ? 'udp6' : 'udp4' };
    let s: SnmpSession;
    if (c.version === '3') {
      const user: Record<string, unknown> = { name: c.user, level: snmpLib().SecurityLevel.noAuthNoPriv };
      if (c.authProtocol) {
        user.level = snmpLib().SecurityLevel.authNoPriv;
        user.authProtocol = snmpLib().AuthProtocols[c.authProtocol];
        user.authKey = readSecretFile(c.authKeyFile ?? '', 'SNMP_AUTH_KEY');
        if (c.privProtocol) {
          user.level = snmpLib().SecurityLevel.authPriv;
          user.privProtocol = snmpLib().PrivProtocols[c.privProtocol];
          user.privKey = readSecretFile(c.privKeyFile ?? '', 'SNMP_PRIV_KEY');
        }
      }
      s = create(() => snmpLib().createV3Session(c.host, user, opts));
    } else {
      s = create(() => snmpLib().createSession(c.host, c.community, opts));
    }
    s.on('error', () => this.drop()); // socket errors surface on the pending request too
    this.session = s;
    return s;
  }

  private drop(): void {
    const s = this.session;
    this.session = undefined;
    try {
      s?.close();
    } catch {
      // already closed
    }
  }

  private describe(err: Error & { code?: unknown }): MeterError {
    if (err.name === 'RequestTimedOutError') {
      return new MeterError('timeout', 'no SNMP reply', this.cfg.version === '2c' ? 'check host and port, and the community: a PDU silently ignores a wrong one' : 'check host and port, the v3 user and its keys (many agents do not answer a request with a wrong key)');
    }
    if (err.name === 'ResponseInvalidError' && err.code === snmpLib().ResponseInvalidCode.EAuthFailure) {
      return new MeterError('auth', `SNMPv3 authentication failed: ${err.message}`, 'check the v3 user, protocols and the keys in authKeyFile/privKeyFile');
    }
    return new MeterError('unavailable', `SNMP request failed: ${err.message}`);
  }
}
