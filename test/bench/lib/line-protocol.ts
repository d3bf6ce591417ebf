// Raw InfluxDB line protocol, written from the documented format with no
// client library: the baseline the InfluxDB benches compare the sink against.
import http from 'node:http';
import type { IPoint } from 'influx';
import { FieldType } from 'influx';
import { SCHEMAS } from '@wattprint/collector/storage/influx-schema.ts';

const INTEGER_FIELDS = new Set(SCHEMAS.flatMap((s) => Object.entries(s.fields).filter(([, t]) => t === FieldType.INTEGER).map(([f]) => `${s.measurement}.${f}`)));
const escKey = (s: string) => s.replace(/[ ,=]/g, (c) => `\\${c}`);
const escStr = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

export function line(p: IPoint): string {
  let s = p.measurement!.replace(/[ ,]/g, (c) => `\\${c}`);
  for (const k of Object.keys(p.tags ?? {}).sort()) s += `,${escKey(k)}=${escKey(p.tags![k]!)}`;
  const fields = Object.entries(p.fields ?? {}).map(([k, v]) => {
    const value = typeof v === 'string' ? escStr(v) : typeof v === 'boolean' ? String(v) : INTEGER_FIELDS.has(`${p.measurement}.${k}`) ? `${Math.floor(v as number)}i` : String(v);
    return `${escKey(k)}=${value}`;
  });
  return `${s} ${fields.join(',')} ${p.timestamp}`;
}

export function post(port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

