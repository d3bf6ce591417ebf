// A local HTTP receiver (127.0.0.1, port 0) that records every request, for
// webhook and Alertmanager notifications. `failNext` answers the next requests
// with a given status, to exercise retries.
import http from 'node:http';

export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface Receiver {
  url: string;
  requests: Received[];
  failNext(status: number, times: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  let failures: { status: number; left: number } | undefined;
  const server = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: data ? JSON.parse(data) : undefined });
      if (failures && failures.left > 0) {
        failures.left--;
        res.writeHead(failures.status, { 'content-type': 'text/plain' }).end(`failing on purpose (${failures.status})`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(status, times) {
      failures = { status, left: times };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
