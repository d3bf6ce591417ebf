// A loopback HTTP(S) server for meter fakes: port 0, a handler, and a close
// that also drops connections a "hang" scenario left open.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

export interface HttpFake {
  url: string;
  close(): Promise<void>;
}

const TLS_DIR = path.join(import.meta.dirname, 'tls');
/** Self-signed certificate for CN=127.0.0.1 (SAN IP:127.0.0.1), as a BMC ships one. */
export const FAKE_TLS = {
  cert: fs.readFileSync(path.join(TLS_DIR, 'bmc-cert.pem'), 'utf8'),
  key: fs.readFileSync(path.join(TLS_DIR, 'bmc-key.pem'), 'utf8'),
  certFile: path.join(TLS_DIR, 'bmc-cert.pem'),
};

export async function startHttpFake(handler: Handler, opts: { tls?: boolean } = {}): Promise<HttpFake> {
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  };
  const server = opts.tls ? https.createServer({ cert: FAKE_TLS.cert, key: FAKE_TLS.key }, listener) : http.createServer(listener);
  // A rejected TLS handshake is the client's business, not a test failure.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
