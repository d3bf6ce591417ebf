// Redfish: a BMC's chassis power or a rack PDU outlet.
//
// Reads, best first: EnvironmentMetrics (EnergyJoules or EnergykWh register,
// PowerWatts), PDU outlets (same properties), and the legacy Power resource
// (PowerControl[0].PowerConsumedWatts, watts only). With "chassis" set the
// meter tries EnvironmentMetrics and falls back to Power on a 404.
// Auth: Basic, or a session (POST SessionService/Sessions -> X-Auth-Token,
// logged in again on a 401). TLS is verified unless insecureTls is set.
import fs from 'node:fs';
import { Source } from '@wattprint/proto';
import { JOULES_PER_KWH, MeterError, nonNegative, type Meter, type MeterReading } from './meter.ts';
import { basicAuth, httpRequest, parseJsonReply, readSecretFile, type HttpReply } from './io.ts';

export interface RedfishMeterConfig {
  kind: 'redfish';
  name: string;
  /** Base URL of the service, e.g. "https://bmc.example". */
  url: string;
  /** Chassis id: EnvironmentMetrics, then legacy Power. */
  chassis?: string;
  /** Rack PDU outlet: /redfish/v1/PowerEquipment/RackPDUs/{pdu}/Outlets/{outlet}. */
  pdu?: string;
  outlet?: string;
  /** Any resource path with the same properties, instead of the above. */
  path?: string;
  auth: 'basic' | 'session' | 'none';
  user?: string;
  /** Env file holding REDFISH_PASSWORD=... (or the password alone). */
  passwordFile?: string;
  insecureTls?: boolean;
  caFile?: string;
}

const SESSIONS = '/redfish/v1/SessionService/Sessions';

/** Reading from the JSON of one resource; which shape decides which properties. */
export function parseRedfishPower(body: unknown, where: string): MeterReading {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MeterError('malformed', `${where}: reply is not a JSON object`);
  const b = body as Record<string, unknown>;
  if ('PowerControl' in b) {
    const pc = Array.isArray(b.PowerControl) ? (b.PowerControl[0] as Record<string, unknown> | undefined) : undefined;
    const w = nonNegative(pc?.PowerConsumedWatts);
    if (w === undefined) throw new MeterError('malformed', `${where}: PowerControl[0].PowerConsumedWatts is ${JSON.stringify(pc?.PowerConsumedWatts)}, not a number >= 0`, 'the BMC has no power reading for this chassis; try another chassis id');
    return { watts: w };
  }
  const reading = (k: string): unknown => (b[k] as Record<string, unknown> | undefined)?.Reading;
  const out: MeterReading = {};
  const j = nonNegative(reading('EnergyJoules'));
  const kwh = nonNegative(reading('EnergykWh'));
  if (j !== undefined) out.energyJoules = j;
  else if (kwh !== undefined) out.energyJoules = kwh * JOULES_PER_KWH;
  const w = nonNegative(reading('PowerWatts'));
  if (w !== undefined) out.watts = w;
  if (out.energyJoules === undefined && out.watts === undefined) {
    const seen = ['EnergyJoules', 'EnergykWh', 'PowerWatts'].map((k) => `${k}.Reading=${JSON.stringify(reading(k))}`).join(', ');
    throw new MeterError('malformed', `${where}: no usable EnergyJoules, EnergykWh or PowerWatts reading (${seen})`, 'check that the path names a resource with power readings (EnvironmentMetrics, an outlet, or legacy Power)');
  }
  return out;
}

export class RedfishMeter implements Meter {
  readonly kind = 'redfish' as const;
  readonly source = Source.SOURCE_REDFISH;
  readonly name: string;
  readonly target: string;
  private readonly cfg: RedfishMeterConfig;
  private readonly base: URL;
  private ca: string | undefined;
  private paths: string[];
  private token: string | undefined;
  private sessionUri: string | undefined;

  constructor(cfg: RedfishMeterConfig) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.base = new URL(cfg.url);
    if (cfg.path) this.paths = [cfg.path];
    else if (cfg.pdu !== undefined && cfg.outlet !== undefined) this.paths = [`/redfish/v1/PowerEquipment/RackPDUs/${encodeURIComponent(cfg.pdu)}/Outlets/${encodeURIComponent(cfg.outlet)}`];
    else {
      const c = encodeURIComponent(cfg.chassis ?? '1');
      this.paths = [`/redfish/v1/Chassis/${c}/EnvironmentMetrics`, `/redfish/v1/Chassis/${c}/Power`];
    }
    this.target = `${this.base.origin}${this.paths[0]}`;
  }

  async read(signal: AbortSignal): Promise<MeterReading> {
    for (;;) {
      const p = this.paths[0]!;
      const res = await this.authorizedGet(p, signal);
      if (res.status === 404 && this.paths.length > 1) {
        this.paths = this.paths.slice(1); // no EnvironmentMetrics on this BMC: legacy Power from now on
        continue;
      }
      const where = `GET ${p}`;
      if (res.status !== 200) throw httpFailure(res, where);
      return parseRedfishPower(parseJsonReply(res.body, where), where);
    }
  }

  async close(): Promise<void> {
    if (!this.token || !this.sessionUri) return;
    const uri = this.sessionUri;
    const token = this.token;
    this.token = this.sessionUri = undefined;
    await this.request('DELETE', uri, AbortSignal.timeout(2000), { 'x-auth-token': token });
  }

  private async authorizedGet(p: string, signal: AbortSignal): Promise<HttpReply> {
    const { auth } = this.cfg;
    if (auth === 'basic') return this.request('GET', p, signal, { authorization: basicAuth(this.cfg.user ?? '', this.password()) });
    if (auth === 'none') return this.request('GET', p, signal);
    if (!this.token) await this.login(signal);
    let res = await this.request('GET', p, signal, { 'x-auth-token': this.token! });
    if (res.status === 401) {
      // Sessions expire (and BMCs reboot): log in once more before giving up.
      this.token = undefined;
      await this.login(signal);
      res = await this.request('GET', p, signal, { 'x-auth-token': this.token! });
    }
    return res;
  }

  private async login(signal: AbortSignal): Promise<void> {
    const res = await this.request('POST', SESSIONS, signal, { 'content-type': 'application/json' }, JSON.stringify({ UserName: this.cfg.user ?? '', Password: this.password() }));
    if (res.status !== 200 && res.status !== 201) throw httpFailure(res, `POST ${SESSIONS} (login)`);
    const token = res.headers['x-auth-token'];
    if (typeof token !== 'string' || token === '') throw new MeterError('malformed', `POST ${SESSIONS} answered ${res.status} without an X-Auth-Token header`, 'use "auth": "basic" for this service');
    this.token = token;
    const loc = res.headers.location;
    this.sessionUri = typeof loc === 'string' ? new URL(loc, this.base).pathname : undefined;
  }

  private password(): string {
    return this.cfg.passwordFile ? readSecretFile(this.cfg.passwordFile, 'REDFISH_PASSWORD') : '';
  }

  private request(method: string, p: string, signal: AbortSignal, headers: Record<string, string> = {}, body?: string): Promise<HttpReply> {
    if (this.cfg.caFile && this.ca === undefined) {
      try {
        this.ca = fs.readFileSync(this.cfg.caFile, 'utf8');
      } catch (err) {
        throw new MeterError('config', `cannot read caFile ${this.cfg.caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'point caFile at a PEM file the agent user can read');
      }
    }
    return httpRequest(new URL(p, this.base), { method, headers, body, signal, insecureTls: this.cfg.insecureTls, ca: this.ca });
  }
}

/** A non-success reply as a MeterError, with the Redfish error message when there is one. */
function httpFailure(res: HttpReply, where: string): MeterError {
  let detail = '';
  try {
    const e = (JSON.parse(res.body) as { error?: { message?: unknown; '@Message.ExtendedInfo'?: { Message?: unknown }[] } }).error;
    const m = e?.['@Message.ExtendedInfo']?.[0]?.Message ?? e?.message;
    if (typeof m === 'string') detail = `: ${m}`;
  } catch {
    // not JSON: the status says enough
  }
  if (res.status === 401 || res.status === 403) {
    return new MeterError('auth', `${where}: HTTP ${res.status}${detail}`, 'check the user and the password file, and that the account has the Login privilege');
  }
  if (res.status === 404) return new MeterError('http', `${where}: HTTP 404${detail}`, 'check the chassis, PDU or outlet id (browse /redfish/v1/Chassis or /redfish/v1/PowerEquipment)');
  return new MeterError('http', `${where}: HTTP ${res.status}${detail}`, res.status >= 500 ? 'the BMC is failing; it usually recovers, reset it if not' : '');
}
