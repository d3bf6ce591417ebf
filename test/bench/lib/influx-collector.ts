// A collector that stores in InfluxDB, as its own process (the CLI has no
// InfluxDB flags yet). Prints the same "listening" line as `wattprint collector`.
//   node .../influx-collector.ts --influx-url http://127.0.0.1:PORT --database DB --state-dir DIR
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startCollector } from '@wattprint/collector/collector.ts';

const { values } = parseArgs({ options: { 'influx-url': { type: 'string' }, database: { type: 'string' }, 'state-dir': { type: 'string' } }, strict: true });
const url = values['influx-url'];
const database = values.database;
const stateDir = values['state-dir'];
if (!url || !database || !stateDir) {
  console.error('influx-collector: --influx-url, --database and --state-dir are required');
  process.exit(2);
}
const c = await startCollector({
  grpcAddress: '127.0.0.1:0',
  httpHost: '127.0.0.1',
  httpPort: 0,
  dbPath: path.join(stateDir, 'registry.db'), // job registrations only; energy goes to InfluxDB
  influx: { url, database },
  plaintext: true,
});
console.log(JSON.stringify({ event: 'listening', grpcPort: c.grpcPort, httpPort: c.httpPort }));
await new Promise<void>((resolve) => {
  process.once('SIGTERM', resolve);
  process.once('SIGINT', resolve);
});
await c.stop();
