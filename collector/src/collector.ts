// The collector: gRPC ingest -> attribution -> storage, plus the HTTP API.
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { buildApi } from './api/http.ts';
import { startIngestServer, type IngestServer } from './ingest/server.ts';
import { SqliteStore } from './storage/sqlite.ts';

export interface CollectorConfig {
  grpcAddress: string;
  httpHost: string;
  httpPort: number;
  dbPath: string;
  plaintext: boolean;
  tls?: { ca: string; cert: string; key: string };
}

export interface RunningCollector {
  ingest: IngestServer;
  api: FastifyInstance;
  store: SqliteStore;
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

export async function startCollector(cfg: CollectorConfig, log: (m: string) => void = (m) => console.error(m)): Promise<RunningCollector> {
  if (!cfg.tls && !cfg.plaintext) throw new Error('collector: set TLS files (ca, cert, key) or, for loopback and trusted networks only, plaintext');
  const store = new SqliteStore(cfg.dbPath);
  const creds = cfg.tls
    ? grpc.ServerCredentials.createSsl(fs.readFileSync(cfg.tls.ca), [{ private_key: fs.readFileSync(cfg.tls.key), cert_chain: fs.readFileSync(cfg.tls.cert) }], true)
    : grpc.ServerCredentials.createInsecure();
  const ingest = await startIngestServer(cfg.grpcAddress, creds, { sink: store, log });
  const api = await buildApi({ store });
  await api.listen({ host: cfg.httpHost, port: cfg.httpPort });
  const addr = api.server.address();
  const httpPort = typeof addr === 'object' && addr ? addr.port : cfg.httpPort;
  return {
    ingest,
    api,
    store,
    grpcPort: ingest.port,
    httpPort,
    async stop() {
      await api.close();
      await ingest.stop();
      await store.close();
    },
  };
}
