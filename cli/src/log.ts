// One structured, leveled logger for the daemons (start, agent, collector),
// through pino: JSON lines under systemd or any non-terminal stderr, readable
// lines on a terminal. The agent and collector modules log plain strings
// ("carbon: host vm: ..."); `daemonLog` turns them into records with a
// component and a level, and logs a repeating condition once, then as a count.
import pino, { type Logger, type LevelWithSilent } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A repeat window: a message seen again within it is counted, not printed. */
export const REPEAT_WINDOW_MS = Number(process.env.WATTPRINT_LOG_REPEAT_MS) > 0 ? Number(process.env.WATTPRINT_LOG_REPEAT_MS) : 10 * 60_000;

/** Keys whose values never reach a log line (pino redact paths). */
export const REDACT_PATHS = ['authorization', 'password', 'token', 'secret', '*.authorization', '*.password', '*.token', '*.secret', 'headers.authorization', '*.headers.authorization'];

/** Hook for message text (issue 17's redaction rule plugs in here); identity by default. */
let redactMessage: (m: string) => string = (m) => m;
export function setMessageRedactor(fn: (m: string) => string): void {
  redactMessage = fn;
}

/** JSON when nobody reads the terminal: under systemd (JOURNAL_STREAM) or when stderr is not a TTY. */
export function wantsJson(env: NodeJS.ProcessEnv = process.env, tty = Boolean(process.stderr.isTTY)): boolean {
  if (env.WATTPRINT_LOG_FORMAT === 'json') return true;
  if (env.WATTPRINT_LOG_FORMAT === 'pretty') return false;
  return Boolean(env.JOURNAL_STREAM) || !tty;
}

const LABEL: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

/** "12:00:01 WARN  carbon: host vm: ..." from one pino JSON line. */
export function readableLine(json: string): string {
  try {
    const { level, time, component, msg, ...rest } = JSON.parse(json) as { level: number | string; time: number; component?: string; msg?: string; [k: string]: unknown };
    delete rest.pid;
    delete rest.hostname;
    const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
    const label = typeof level === 'number' ? (LABEL[level] ?? String(level)) : level.toUpperCase().padEnd(5);
    return `${new Date(time).toISOString().slice(11, 23)} ${label} ${component ? component + ': ' : ''}${msg ?? ''}${extra}\n`;
  } catch {
    return json;
  }
}

export function createLogger(level: LogLevel = 'info', json = wantsJson(), out: { write(s: string): unknown } = process.stderr): Logger {
  const dest = json ? (out === process.stderr ? pino.destination({ fd: 2, sync: true }) : { write: (line: string) => void out.write(line) }) : { write: (line: string) => void out.write(readableLine(line)) };
  return pino(
    {
      level: level as LevelWithSilent,
      base: undefined, // pid and hostname: the journal has them
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: json ? { level: (label) => ({ level: label }) } : {},
      timestamp: json ? pino.stdTimeFunctions.isoTime : pino.stdTimeFunctions.epochTime,
    },
    dest,
  );
}

/**
 * Level of a module's plain message. The modules say what went wrong in words,
 * so the words decide: data lost → error, something degraded → warn, else info.
 */
export function levelOf(message: string): 'error' | 'warn' | 'info' {
  if (/sampling failed|no carbon (stored|figure)|dropped \d+ unacknowledged|not written before shutdown/.test(message)) return 'error';
  if (/^agent: source /.test(message)) return 'info'; // probe results, found or not
  if (/\b(cannot|failed|refused|rejected|corrupt|torn|unavailable|too large|ignored|world average|no tokens configured|not in the cloud region table|retrying|restatement failed|skipped)\b/i.test(message)) return 'warn';
  return 'info';
}

const span = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

/** Repeats are recognised with the numbers taken out (seq, counts, timestamps). */
const repeatKey = (m: string) => m.replace(/\d+(\.\d+)?/g, '#');

/**
 * A `(message) => void` for startAgent/startCollector: "component: text" becomes
 * {component, msg} at the message's level; a message seen again within the
 * repeat window is counted and reported as "(repeated N times in the last 10 min)".
 */
export function daemonLog(logger: Logger, windowMs = REPEAT_WINDOW_MS): { log: (m: string) => void; flush: () => void } {
  const seen = new Map<string, { first: string; count: number; since: number }>();
  const emit = (m: string, suffix = '') => {
    const text = redactMessage(m);
    const match = /^([a-z][a-z0-9 _-]{0,30}?): ([\s\S]*)$/i.exec(text);
    const record = match ? { component: match[1] } : {};
    logger[levelOf(m)](record, (match ? match[2]! : text) + suffix);
  };
  const flush = (now = Date.now(), all = false) => {
    for (const [key, s] of seen) {
      if (!all && now - s.since < windowMs) continue;
      if (s.count > 0) {
        // Still happening: one line with the count, and keep counting.
        emit(s.first, ` (repeated ${s.count} times in the last ${span(now - s.since)})`);
        Object.assign(s, { count: 0, since: now });
        if (!all) continue;
      }
      seen.delete(key);
    }
  };
  const timer = setInterval(() => flush(), Math.min(windowMs, 60_000));
  timer.unref();
  return {
    log(m) {
      const key = repeatKey(m);
      const s = seen.get(key);
      if (s) {
        s.count++;
        return;
      }
      if (seen.size >= 1000) flush(Date.now(), true); // bounded: a burst of distinct messages starts afresh
      seen.set(key, { first: m, count: 0, since: Date.now() });
      emit(m);
    },
    flush: () => flush(Date.now(), true),
  };
}
