// mTLS with certificates from deploy/certs/make-certs.sh: the collector binds
// the host to the client certificate and refuses anything else.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Domain, encodeReport, IngestService, Quality, Source, type CollectorMessage } from '@wattprint/proto';
import { Spool } from '@wattprint/agent/spool/spool.ts';
import { Uplink } from '@wattprint/agent/uplink/uplink.ts';
import { peerCertificateIdentity, startIngestServer, type IngestServer } from '../../src/ingest/server.ts';
import { SqliteStore } from '../../src/storage/sqlite.ts';

const SCRIPT = path.resolve(import.meta.dirname, '../../../deploy/certs/make-certs.sh');
const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-certs-'));
let server: IngestServer;
let store: SqliteStore;
const read = (f: string) => fs.readFileSync(path.join(certs, f));

before(async () => {
  execFileSync('sh', [SCRIPT, certs, 'collector.test', 'gpu-01', 'gpu-02'], { stdio: 'pipe' });
  store = new SqliteStore(path.join(certs, 'c.db'));
  const creds = grpc.ServerCredentials.createSsl(read('ca.pem'), [{ private_key: read('collector.key'), cert_chain: read('collector.pem') }], true);
  server = await startIngestServer('127.0.0.1:0', creds, { sink: store, identityOf: peerCertificateIdentity, log: () => {} });
});
after(async () => {
  await server.stop();
  await store.close();
});

test('make-certs.sh writes a CA, a collector certificate and one per host, and keeps them on a rerun', () => {
  for (const f of ['ca.pem', 'ca.key', 'collector.pem', 'collector.key', 'agent-gpu-01.pem', 'agent-gpu-01.key', 'agent-gpu-02.pem']) assert.ok(fs.existsSync(path.join(certs, f)), f);
  const before = read('agent-gpu-01.pem');
  execFileSync('sh', [SCRIPT, certs, 'collector.test', 'gpu-01', 'gpu-03'], { stdio: 'pipe' });
  assert.deepEqual(read('agent-gpu-01.pem'), before);
  assert.ok(fs.existsSync(path.join(certs, 'agent-gpu-03.pem')));
  assert.throws(() => execFileSync('sh', [SCRIPT, certs, 'c', 'bad host'], { stdio: 'pipe' }), /is not a host name/);
});

async function deliver(host: string, certName: string, file = `agent-${certName}`) {
  const spool = new Spool({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'wp-tls-spool-')), log: () => {} });
  const start = Date.now() * 1000 - 10e6;
  spool.append((seq) => encodeReport({ host, seq, startUs: start, endUs: start + 1e6, energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 42 }] }));
  const log: string[] = [];
  const uplink = new Uplink({
    addresses: [`127.0.0.1:${server.port}`],
    spool,
    hello: () => ({ host, resumeSeq: spool.firstPendingSeq }),
    tls: { ca: path.join(certs, 'ca.pem'), cert: path.join(certs, `${file}.pem`), key: path.join(certs, `${file}.key`), serverName: 'collector.test' },
    backoffBaseMs: 50,
    backoffMaxMs: 100,
    log: (m) => log.push(m),
  });
  uplink.start();
  for (let i = 0; i < 300 && spool.pending > 0 && !log.some((l) => l.includes('PERMISSION_DENIED')); i++) await new Promise((r) => setTimeout(r, 10));
  uplink.stop();
  spool.close();
  return { pending: spool.pending, log };
}

test('an agent whose certificate names its host is accepted', async () => {
  const r = await deliver('gpu-01', 'gpu-01');
  assert.equal(r.pending, 0, r.log.join('\n'));
  assert.equal((await store.hostEnergy('gpu-01'))[0]?.joules, 42);
});

test('a Hello for another host than the certificate names is refused: PERMISSION_DENIED wrong_host', async () => {
  const r = await deliver('gpu-02', 'gpu-01');
  assert.equal(r.pending, 1, 'the report stays in the spool');
  assert.match(r.log.join('\n'), /PERMISSION_DENIED: wrong_host: the client certificate is for "gpu-01", not "gpu-02"/);
  assert.deepEqual(await store.hostEnergy('gpu-02'), []);
  assert.ok((server.counters.streamsRefused.wrong_host ?? 0) >= 1);
});

test('a certificate without the clientAuth EKU speaks for no host, whatever its names', async () => {
  // The collector's own certificate: signed by the same CA, SAN collector.test, serverAuth only.
  const r = await deliver('collector.test', 'collector', 'collector');
  assert.equal(r.pending, 1, 'the report stays in the spool');
  // The TLS handshake already refuses it (OpenSSL checks the purpose); certificateHostNames would too.
  assert.match(r.log.join('\n'), /PERMISSION_DENIED|UNAVAILABLE/, r.log.join('\n'));
  assert.deepEqual(await store.hostEnergy('collector.test'), []);
});

test('a client without a certificate, or in plaintext, never gets a stream', async () => {
  for (const creds of [grpc.credentials.createSsl(read('ca.pem')), grpc.credentials.createInsecure()]) {
    const client = new (grpc.makeGenericClientConstructor(IngestService, 'Ingest'))(`127.0.0.1:${server.port}`, creds, { 'grpc.ssl_target_name_override': 'collector.test' });
    const call = (client as unknown as { stream: () => grpc.ClientDuplexStream<unknown, CollectorMessage> }).stream();
    const acks: unknown[] = [];
    call.on('data', (m: unknown) => acks.push(m));
    const status = await new Promise<grpc.StatusObject>((resolve) => {
      call.on('error', () => {});
      call.on('status', resolve);
      call.write({ hello: { host: 'gpu-01', resumeSeq: 1 } });
    });
    assert.equal(status.code, grpc.status.UNAVAILABLE);
    assert.deepEqual(acks, []);
    client.close();
  }
});
