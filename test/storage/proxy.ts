// An HTTP proxy in front of a real influxd that can misbehave the way a
// struggling InfluxDB does: answer /write with 503, hold requests (slow
// server), or never answer (hung server). It counts /write requests and lines.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Mode = 'pass' | 'fail503' | 'hold' | 'hang';

export interface Proxy {
  url: string;
  mode: Mode;
  /** Lines in each /write request that reached the proxy, in order. */
  writes: number[];
  /** /write requests held in 'hold' mode. */
  held: number;
  /** Forwards every held request. */
  release(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<Proxy> {
  const waiting: (() => void)[] = [];
  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const up = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: err.message }));
    });
    up.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!req.url?.startsWith('/write')) return forward(req, res, body);
      proxy.writes.push(body.toString('utf8').split('\n').filter(Boolean).length);
      switch (proxy.mode) {
        case 'fail503':
          res.writeHead(503, { 'content-type': 'application/json' });
          return res.end('{"error":"engine: cache-max-memory-size exceeded"}');
        case 'hang':
          return; // never answer
        case 'hold':
          proxy.held++;
          return waiting.push(() => forward(req, res, body));
        default:
          return forward(req, res, body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const proxy: Proxy = {
    url: `http://127.0.0.1:${port}`,
    mode: 'pass',
    writes: [],
    held: 0,
    release() {
      proxy.held = 0;
      for (const w of waiting.splice(0)) w();
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

/** Polls until cond() holds (event-driven checks, not timing assertions). */
export async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Tracks whether a promise has settled, without handling its outcome. */
export function track<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled, promise: p };
}
