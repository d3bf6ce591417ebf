// Alertmanager: POST /api/v2/alerts with a list of postable alerts (labels,
// annotations, startsAt, endsAt, generatorURL). Alertmanager groups, dedupes
// and routes; a firing alert is re-posted every resendIntervalS with endsAt a
// few intervals ahead, as Prometheus does, so it does not time out while the
// condition holds and does resolve by itself if every collector goes away.
import type { AlertmanagerNotifierConfig } from '../rules.ts';
import { postJson, type Notification, type Notifier } from '../notifier.ts';

export function alertmanagerBody(alerts: Notification[], nowMs: number, resendIntervalS: number): object[] {
  return alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.status === 'resolved' ? a.endsAt : new Date(nowMs + 4 * resendIntervalS * 1000).toISOString(),
    generatorURL: a.generatorURL,
  }));
}

export class AlertmanagerNotifier implements Notifier {
  readonly name: string;
  readonly resendIntervalS: number;
  private readonly cfg: AlertmanagerNotifierConfig;
  private readonly log: ((m: string) => void) | undefined;

  constructor(cfg: AlertmanagerNotifierConfig, log?: (m: string) => void) {
    this.cfg = cfg;
    this.log = log;
    this.name = `alertmanager ${cfg.url}`;
    this.resendIntervalS = cfg.resendIntervalS;
  }

  async send(alerts: Notification[]): Promise<void> {
    const url = new URL('api/v2/alerts', this.cfg.url.endsWith('/') ? this.cfg.url : `${this.cfg.url}/`).toString();
    await postJson(url, alertmanagerBody(alerts, Date.now(), this.resendIntervalS), { headers: this.cfg.headers, retry: this.cfg.retry, what: this.name, log: this.log });
  }
}
