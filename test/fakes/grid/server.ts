// A loopback HTTP server for the grid API fakes: records every request and
// lets a test queue faults (status, Retry-After, delay) ahead of the normal answer.
import http from 'node:http';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface Fault {
  status: number;
  body?: unknown;
  retryAfter?: string;
  /** Milliseconds to wait before answering (for timeouts). */
  delayMs?: number;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeServer {
  url: string;
  requests: Recorded[];
  /** Faults answered, in order, before normal replies resume. */
  faults: Fault[];
  close(): Promise<void>;
}

export async function startFake(route: (req: Recorded) => Reply): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const faults: Fault[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://fake');
    const rec: Recorded = { method: req.method ?? 'GET', path: decodeURIComponent(u.pathname), query: u.searchParams, headers: req.headers };
    requests.push(rec);
    const send = (r: Reply) => {
      res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    };
    const fault = faults.shift();
    if (fault) {
      const reply = () => send({ status: fault.status, body: fault.body ?? { message: `fault ${fault.status}` }, headers: fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {} });
      if (fault.delayMs) setTimeout(reply, fault.delayMs).unref();
      else reply();
      return;
    }
    send(route(rec));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
