// A fake Redfish service (DMTF DSP0266) for one chassis and one rack PDU
// outlet: EnvironmentMetrics, the legacy Power resource, and
// /redfish/v1/PowerEquipment/RackPDUs/1/Outlets/{id}. It enforces Basic or
// session auth (POST /redfish/v1/SessionService/Sessions -> 201, X-Auth-Token,
// Location), answers 401 with a Redfish error body, and can be scripted to
// advance its register, expire sessions, hang, fail or return junk.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { sendJson, startHttpFake, type HttpFake } from './http-fake.ts';

export type RedfishMode = 'ok' | 'hang' | 'error500' | 'not-json' | 'null-readings';

export interface RedfishFakeOptions {
  user?: string;
  password?: string;
  /** Which auth the service accepts for resources (default both). */
  auth?: 'basic' | 'session' | 'both';
  /** False: a BMC older than EnvironmentMetrics (404 there, legacy Power only). */
  environmentMetrics?: boolean;
  tls?: boolean;
}

function redfishError(messageId: string, message: string) {
  return { error: { code: 'Base.1.8.GeneralError', message: 'A general error has occurred. See ExtendedInfo for more information.', '@Message.ExtendedInfo': [{ MessageId: `Base.1.8.${messageId}`, Message: message, Severity: 'Critical' }] } };
}

export class RedfishFake {
  /** Chassis register and power (EnvironmentMetrics, legacy Power). */
  energyKwh = 100;
  watts = 350;
  /** Outlet A1 of RackPDU 1. */
  outletEnergyKwh = 5;
  outletWatts = 120;
  mode: RedfishMode = 'ok';
  /** Every request seen: "METHOD /path". */
  readonly log: string[] = [];
  logins = 0;
  private readonly sessions = new Map<string, string>();
  private nextSession = 1;
  private readonly opts: Required<Omit<RedfishFakeOptions, 'tls'>>;
  private http: HttpFake | undefined;

  constructor(opts: RedfishFakeOptions = {}) {
    this.opts = { user: opts.user ?? 'admin', password: opts.password ?? 'secret', auth: opts.auth ?? 'both', environmentMetrics: opts.environmentMetrics ?? true };
  }

  get url(): string {
    return this.http!.url;
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  static async start(opts: RedfishFakeOptions = {}): Promise<RedfishFake> {
    const f = new RedfishFake(opts);
    f.http = await startHttpFake((req, body, res) => f.handle(req, body, res), { tls: opts.tls });
    return f;
  }

  /** The BMC forgets every session (reboot, timeout): the next request gets 401. */
  expireSessions(): void {
    this.sessions.clear();
  }

  close(): Promise<void> {
    return this.http?.close() ?? Promise.resolve();
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = `${req.method} ${url.pathname}`;
    this.log.push(route);
    if (this.mode === 'hang') return; // never answer
    if (route === 'POST /redfish/v1/SessionService/Sessions') return this.login(body, res);
    if (!this.authorized(req)) {
      return sendJson(res, 401, redfishError('NoValidSession', 'There is no valid session established with the implementation.'), this.opts.auth === 'session' ? {} : { 'www-authenticate': 'Basic realm="Redfish"' });
    }
    const session = /^DELETE \/redfish\/v1\/SessionService\/Sessions\/(\d+)$/.exec(route);
    if (session) {
      for (const [t, id] of this.sessions) if (id === session[1]) this.sessions.delete(t);
      return sendJson(res, 204, '');
    }
    if (this.mode === 'error500') return sendJson(res, 500, redfishError('InternalError', 'The request failed due to an internal service error.  The service is still operational.'));
    if (this.mode === 'not-json') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<html><body>Service Unavailable</body></html>');
    }
    const nul = this.mode === 'null-readings';
    if (url.pathname === '/redfish/v1/Chassis/1/EnvironmentMetrics' && this.opts.environmentMetrics) {
      return sendJson(res, 200, {
        '@odata.id': url.pathname,
        '@odata.type': '#EnvironmentMetrics.v1_3_0.EnvironmentMetrics',
        Id: 'EnvironmentMetrics',
        Name: 'Chassis Environment Metrics',
        PowerWatts: { DataSourceUri: '/redfish/v1/Chassis/1/Sensors/TotalPower', Reading: nul ? null : this.watts },
        EnergykWh: { DataSourceUri: '/redfish/v1/Chassis/1/Sensors/TotalEnergy', Reading: nul ? null : this.energyKwh },
      });
    }
    if (url.pathname === '/redfish/v1/Chassis/1/Power') {
      return sendJson(res, 200, {
        '@odata.id': url.pathname,
        '@odata.type': '#Power.v1_7_1.Power',
        Id: 'Power',
        Name: 'Power',
        PowerControl: [
          {
            '@odata.id': '/redfish/v1/Chassis/1/Power#/PowerControl/0',
            MemberId: '0',
            Name: 'System Power Control',
            PowerConsumedWatts: nul ? null : this.watts,
            PowerMetrics: { IntervalInMin: 1, MinConsumedWatts: this.watts - 20, MaxConsumedWatts: this.watts + 20, AverageConsumedWatts: this.watts },
          },
        ],
      });
    }
    if (url.pathname === '/redfish/v1/PowerEquipment/RackPDUs/1/Outlets/A1') {
      return sendJson(res, 200, {
        '@odata.id': url.pathname,
        '@odata.type': '#Outlet.v1_4_0.Outlet',
        Id: 'A1',
        Name: 'Outlet A1, Branch Circuit A',
        PowerWatts: { DataSourceUri: `${url.pathname}/Sensors/PowerA1`, Reading: nul ? null : this.outletWatts },
        EnergykWh: { DataSourceUri: `${url.pathname}/Sensors/EnergyA1`, Reading: nul ? null : this.outletEnergyKwh },
        CurrentAmps: { Reading: 0.52 },
        Voltage: { Reading: 230.1 },
      });
    }
    sendJson(res, 404, redfishError('ResourceMissingAtURI', `The resource at the URI ${url.pathname} was not found.`));
  }

  private login(body: string, res: http.ServerResponse): void {
    let creds: { UserName?: unknown; Password?: unknown };
    try {
      creds = JSON.parse(body);
    } catch {
      return sendJson(res, 400, redfishError('MalformedJSON', 'The request body submitted was malformed JSON and could not be parsed by the receiving service.'));
    }
    if (creds.UserName !== this.opts.user || creds.Password !== this.opts.password) {
      return sendJson(res, 401, redfishError('ResourceAtUriUnauthorized', 'While accessing the resource at /redfish/v1/SessionService/Sessions, the service received an authorization error unauthorized.'));
    }
    this.logins++;
    const id = String(this.nextSession++);
    const token = randomBytes(16).toString('hex');
    this.sessions.set(token, id);
    const location = `/redfish/v1/SessionService/Sessions/${id}`;
    sendJson(res, 201, { '@odata.id': location, '@odata.type': '#Session.v1_5_0.Session', Id: id, Name: 'User Session', UserName: this.opts.user }, { 'x-auth-token': token, location });
  }

  private authorized(req: http.IncomingMessage): boolean {
    const token = req.headers['x-auth-token'];
    if (this.opts.auth !== 'basic' && typeof token === 'string' && this.sessions.has(token)) return true;
    const basic = req.headers.authorization;
    if (this.opts.auth !== 'session' && basic === 'Basic ' + Buffer.from(`${this.opts.user}:${this.opts.password}`).toString('base64')) return true;
    return false;
  }
}
