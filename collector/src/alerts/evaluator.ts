// The collector's alert evaluator: every intervalS it gathers the running jobs'
// facts from the store, runs the pure evaluate(), and turns its events into
// notifications. A failure (store down, receiver down) is logged and counted
// and never stops the collector.
//
// De-duplication across collectors depends on the notifier:
// - Alertmanager identifies an alert by its label set, which depends only on
//   (rule, job). Every collector posts what it sees; Alertmanager merges the
//   posts into one alert (earliest startsAt, latest update) and one group. No
//   shared state is needed, so none is used.
// - A webhook has no identity of its own: each firing and resolution is sent
//   once across every collector through the shared notification log (log.ts),
//   and an event whose claim failed is tried again on the next tick.
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Store } from '../storage/sink.ts';
import { carbonReaderFor, type CarbonReader } from './carbon-reader.ts';
import { alertKey, evaluate, type AlertEvent, type AlertState } from './evaluate.ts';
import { gatherFacts } from './facts.ts';
import { NotificationLog, claimStoreFor, type ClaimStore } from './log.ts';
import { JOB_LABEL, toNotification, type Notification, type Notifier } from './notifier.ts';
import { AlertmanagerNotifier } from './notifiers/alertmanager.ts';
import { WebhookNotifier } from './notifiers/webhook.ts';
import type { AlertConfig } from './rules.ts';

export interface AlertEvaluatorOptions {
  store: Store;
  config: AlertConfig;
  /** This collector's name in the notification log (default: hostname, pid and a random suffix). */
  owner?: string;
  log?: (m: string) => void;
  /** Defaults: built from config.notifiers. */
  notifiers?: Notifier[];
  carbon?: CarbonReader;
  claims?: ClaimStore;
  /** Clock in µs (tests pass their own). */
  nowUs?: () => number;
}

export interface AlertStats {
  evaluations: number;
  evaluationErrors: number;
  firing: number;
  notificationsSent: number;
  notificationErrors: number;
  lastError: string | undefined;
}

/** What a tick did, for tests and logs. */
export interface TickResult {
  events: AlertEvent[];
  /** Notifications this collector sent (it won the claim), per notifier name. */
  sent: { notifier: string; notification: Notification }[];
}

interface Open {
  /** From the notification log, when webhooks need one. */
  episode: number | undefined;
  startsAtUs: number;
  lastSentMs: Map<string, number>;
  /** What the firing said, so a re-post carries the same annotations. */
  hosts: string[];
  jobLabels: Record<string, string>;
}

export class AlertEvaluator {
  readonly stats: AlertStats = { evaluations: 0, evaluationErrors: 0, firing: 0, notificationsSent: 0, notificationErrors: 0, lastError: undefined };
  private readonly opts: AlertEvaluatorOptions;
  private readonly notifiers: Notifier[];
  private readonly carbon: CarbonReader;
  /** Only when a notifier needs exactly-once delivery (webhooks). */
  private readonly log: NotificationLog | undefined;
  /** Notifiers that de-duplicate by label identity (Alertmanager) and those that need the log. */
  private readonly byLabels: Notifier[];
  private readonly claimed: Notifier[];
  private readonly say: (m: string) => void;
  private readonly nowUs: () => number;
  private state = new Map<string, AlertState>();
  /** Episodes this collector knows are open, by alert key. */
  private readonly open = new Map<string, Open>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(opts: AlertEvaluatorOptions) {
    this.opts = opts;
    this.say = opts.log ?? ((m) => console.error(m));
    this.nowUs = opts.nowUs ?? (() => Date.now() * 1000);
    this.notifiers =
      opts.notifiers ??
      opts.config.notifiers.map((n) => (n.kind === 'alertmanager' ? new AlertmanagerNotifier(n, this.say) : new WebhookNotifier(n, this.say)));
    this.carbon = opts.carbon ?? carbonReaderFor(opts.store);
    this.byLabels = this.notifiers.filter((n) => n.resendIntervalS !== undefined);
    this.claimed = this.notifiers.filter((n) => n.resendIntervalS === undefined);
    const owner = opts.owner ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.log = this.claimed.length > 0 ? new NotificationLog(opts.claims ?? claimStoreFor(opts.store, { settleMs: opts.config.claimSettleMs }), owner) : undefined;
  }

  /** Evaluates every intervalS until stop(); ticks never overlap. */
  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.opts.config.intervalS * 1000);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /** One evaluation. Never throws: failures are logged and counted in stats. */
  async tick(): Promise<TickResult> {
    const result: TickResult = { events: [], sent: [] };
    const cfg = this.opts.config;
    const now = this.nowUs();
    let facts;
    try {
      facts = await gatherFacts(this.opts.store, this.carbon, cfg, now);
    } catch (err) {
      this.stats.evaluationErrors++;
      this.fail(`alerts: cannot read the store: ${(err as Error).message}`);
      return result;
    }
    this.stats.evaluations++;
    const { state, events } = evaluate(cfg.rules, facts, this.state, now);
    result.events = events;
    const deliveries: Promise<void>[] = [];
    for (const e of events) {
      const key = alertKey(e.rule.id, e.jobId);
      try {
        if (e.status === 'firing') {
          // With webhooks, the log numbers the episode and fixes its start for every collector.
          const ep = this.log ? await this.log.open(e.rule.id, e.jobId, e.activeSinceUs) : undefined;
          const open: Open = { episode: ep?.episode, startsAtUs: ep?.startsAtUs ?? e.activeSinceUs, lastSentMs: new Map(), hosts: e.hosts, jobLabels: e.labels };
          this.open.set(key, open);
          const to = [...this.byLabels, ...(ep?.mine ? this.claimed : [])];
          if (to.length) deliveries.push(this.deliver(to, this.content('firing', e, open, undefined), open, result));
        } else {
          const known = this.open.get(key);
          this.open.delete(key);
          const ep = this.log ? await this.log.close(e.rule.id, e.jobId, e.atUs) : undefined;
          const open: Open = {
            episode: ep?.episode ?? known?.episode,
            startsAtUs: ep?.startsAtUs ?? known?.startsAtUs ?? e.activeSinceUs,
            lastSentMs: known?.lastSentMs ?? new Map(),
            hosts: e.hosts.length ? e.hosts : (known?.hosts ?? []),
            jobLabels: Object.keys(e.labels).length ? e.labels : (known?.jobLabels ?? {}),
          };
          const to = [...this.byLabels, ...(ep?.mine ? this.claimed : [])];
          if (to.length) deliveries.push(this.deliver(to, this.content('resolved', { ...e, hosts: open.hosts, labels: open.jobLabels }, open, ep?.endsAtUs ?? e.atUs), open, result));
        }
      } catch (err) {
        this.fail(`alerts: notification log for ${e.rule.id}/${e.jobId} (${e.status}): ${(err as Error).message}; trying again next evaluation`);
        // Undo the transition so the next tick emits the event again.
        const prev = this.state.get(key);
        if (e.status === 'firing') state.set(key, { ...state.get(key)!, firingSinceUs: undefined });
        else if (prev) state.set(key, prev);
      }
    }
    this.state = state;
    this.stats.firing = [...state.values()].filter((s) => s.firingSinceUs !== undefined).length;
    deliveries.push(...this.resend(result));
    await Promise.all(deliveries);
    return result;
  }

  /** Firing alerts go again to notifiers that want it (Alertmanager), once per their resend interval. */
  private resend(result: TickResult): Promise<void>[] {
    const out: Promise<void>[] = [];
    const nowMs = this.nowUs() / 1000;
    for (const [key, open] of this.open) {
      const s = this.state.get(key);
      const rule = this.opts.config.rules.find((r) => r.id === s?.ruleId);
      if (!s || s.firingSinceUs === undefined || !rule) continue;
      const due = this.byLabels.filter((n) => open.lastSentMs.has(n.name) && nowMs - open.lastSentMs.get(n.name)! >= n.resendIntervalS! * 1000);
      if (due.length === 0) continue;
      const n = toNotification('firing', {
        rule,
        jobId: s.jobId,
        episode: open.episode,
        value: s.value,
        hosts: open.hosts,
        jobLabels: open.jobLabels,
        startsAtUs: open.startsAtUs,
        endsAtUs: undefined,
        generatorUrl: this.opts.config.generatorUrl,
      });
      out.push(this.deliver(due, n, open, result));
    }
    return out;
  }

  private content(status: Notification['status'], e: AlertEvent, open: Open, endsAtUs: number | undefined): Notification {
    return toNotification(status, {
      rule: e.rule,
      jobId: e.jobId,
      episode: open.episode,
      value: e.value,
      hosts: e.hosts,
      jobLabels: e.labels,
      startsAtUs: open.startsAtUs,
      endsAtUs,
      generatorUrl: this.opts.config.generatorUrl,
    });
  }

  private deliver(notifiers: Notifier[], n: Notification, open: Open, result: TickResult): Promise<void> {
    return Promise.all(
      notifiers.map(async (notifier) => {
        open.lastSentMs.set(notifier.name, this.nowUs() / 1000);
        try {
          await notifier.send([n]);
          this.stats.notificationsSent++;
          result.sent.push({ notifier: notifier.name, notification: n });
        } catch (err) {
          this.stats.notificationErrors++;
          this.fail(`alerts: ${n.status} ${n.labels.alertname}/${n.labels[JOB_LABEL]} not delivered: ${(err as Error).message}`);
        }
      }),
    ).then(() => {});
  }

  private fail(msg: string): void {
    this.stats.lastError = msg;
    this.say(msg);
  }
}
