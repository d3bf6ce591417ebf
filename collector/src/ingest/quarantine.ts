// A bad reading is quarantined, not the report: the report is attributed
// without it, and the reading is then stored apart in the same result,
// flagged "quarantined" plus its code, with its joules (when they are a
// number at all) left unattributed under the reason "implausible". The
// host's software total leaves it out, and the ledger still balances.
import { domainName, qualityName, sourceName, type Report } from '@wattprint/proto';
import { componentOf } from '../attribution/attribute.ts';
import type { AttributionResult } from '../attribution/types.ts';
import type { QuarantinedReading } from './validate.ts';

/** The report without its quarantined readings (the same object when none). */
export function withoutQuarantined(r: Report, q: readonly QuarantinedReading[]): Report {
  if (q.length === 0) return r;
  const drop = new Set(q.map((x) => x.index));
  return { ...r, energy: (r.energy ?? []).filter((_, i) => !drop.has(i)) };
}

/** Adds the quarantined readings to an attribution result, stored apart and flagged. */
export function addQuarantined(result: AttributionResult, r: Report, q: readonly QuarantinedReading[]): AttributionResult {
  if (q.length === 0) return result;
  const measured = [...result.measured];
  const unattributed = [...result.unattributed];
  const flags = [...result.flags];
  for (const x of q) {
    const e = (r.energy ?? [])[x.index]!;
    const domain = domainName(e.domain);
    const device = e.device ?? '';
    const j = e.joules ?? 0;
    const joules = Number.isFinite(j) && j >= 0 ? j : 0; // NaN or negative: nothing to keep but the flag
    // A key attribution already holds (a duplicate) keeps the good reading.
    if (measured.some((m) => m.domain === domain && m.device === device)) {
      flags.push(`quarantined:${domain}/${device}`);
      continue;
    }
    const rowFlags = [...(e.flags ?? []), 'quarantined', x.code].sort();
    measured.push({ domain, device, source: sourceName(e.source), quality: qualityName(e.quality), joules, flags: rowFlags });
    if (joules > 0) unattributed.push({ domain, device, component: componentOf(domain), modality: 'other', joules, method: 'quarantine', flags: rowFlags, reason: 'implausible' });
    flags.push(`quarantined:${domain}/${device}`);
  }
  return { ...result, measured, unattributed, flags };
}
