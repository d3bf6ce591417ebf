// A generic webhook: one POST per notification, in the shape of Alertmanager's
// webhook payload (version 4), so receivers written for Alertmanager accept
// it. Retried with backoff on network errors, 429 and 5xx; the
// Idempotency-Key header lets a receiver drop a retry whose first try did land.
import type { WebhookNotifierConfig } from '../rules.ts';
import { JOB_LABEL, postJson, type Notification, type Notifier } from '../notifier.ts';

export function webhookBody(a: Notification): object {
  return {
    version: '4',
    receiver: 'wattprint',
    status: a.status,
    groupKey: `wattprint:${a.fingerprint}`,
    groupLabels: { alertname: a.labels.alertname, [JOB_LABEL]: a.labels[JOB_LABEL] },
    commonLabels: a.labels,
    commonAnnotations: a.annotations,
    alerts: [{ status: a.status, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: a.endsAt ?? '0001-01-01T00:00:00Z', generatorURL: a.generatorURL, fingerprint: a.fingerprint }],
  };
}

export class WebhookNotifier implements Notifier {
  readonly name: string;
  readonly resendIntervalS = undefined;
  private readonly cfg: WebhookNotifierConfig;
  private readonly log: ((m: string) => void) | undefined;

  constructor(cfg: WebhookNotifierConfig, log?: (m: string) => void) {
    this.cfg = cfg;
    this.log = log;
    this.name = `webhook ${cfg.url}`;
  }

  async send(alerts: Notification[]): Promise<void> {
    for (const a of alerts) {
      await postJson(this.cfg.url, webhookBody(a), {
        headers: { 'idempotency-key': `${a.fingerprint}-${a.status}`, ...this.cfg.headers },
        retry: this.cfg.retry,
        what: this.name,
        log: this.log,
      });
    }
  }
}
