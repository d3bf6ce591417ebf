// Where shares are written down. `give` divides an amount among holders by
// fraction and writes one row per process and one per job; what it did not
// give is left to the caller as unattributed, so every (domain, device)
// balances by construction.
import type { Holder } from './identity.ts';
import type { Component, JobShare, Measured, Modality, ProcessShare, Unattributed } from './types.ts';

/** What remains of `total` after `given`; float dust below 1e-12 of the total is not a row. */
export function residue(total: number, given: number): number {
  const r = total - given;
  return r > total * 1e-12 ? r : 0;
}

/** Sorted union of flag lists; returns `a` itself when `b` adds nothing. */
export function unionFlags(a: readonly string[], b: readonly string[]): string[] {
  if (b.length === 0) return a as string[];
  const s = new Set(a);
  let added = false;
  for (const f of b) {
    if (s.has(f)) continue;
    s.add(f);
    added = true;
  }
  return added ? [...s].sort() : (a as string[]);
}

export class Ledger {
  readonly processShares: ProcessShare[] = [];
  readonly jobShares: JobShare[] = [];
  readonly unattributed: Unattributed[] = [];
  /** Counted (software) joules per holder: the basis for sharing wall `other`. */
  readonly holderSoftware: Float64Array;
  private readonly holders: readonly Holder[];
  private readonly jobIds: readonly string[];
  private readonly jobAcc: Float64Array;
  private readonly jobHit: Uint8Array;
  private readonly jobExtra: (string[] | undefined)[];
  private readonly touched: number[] = [];

  constructor(holders: readonly Holder[], jobIds: readonly string[]) {
    this.holders = holders;
    this.jobIds = jobIds;
    this.holderSoftware = new Float64Array(holders.length);
    this.jobAcc = new Float64Array(jobIds.length);
    this.jobHit = new Uint8Array(jobIds.length);
    this.jobExtra = new Array(jobIds.length).fill(undefined);
  }

  /**
   * Gives `amount` of reading `m` to the holders `idx[k]` by `fractions[k]`
   * (holders outside any job are skipped: their part stays with the caller).
   * Returns the joules given to jobs.
   */
  give(
    m: Measured,
    component: Component,
    modality: Modality,
    method: string,
    jobFlags: string[],
    processFlags: string[],
    amount: number,
    idx: ArrayLike<number>,
    fractions: ArrayLike<number>,
    counted: boolean,
    extraFlags?: readonly (string[] | undefined)[],
  ): number {
    if (!(amount > 0)) return 0;
    const { domain, device } = m;
    for (let k = 0; k < idx.length; k++) {
      const f = fractions[k]!;
      const hi = idx[k]!;
      const h = this.holders[hi]!;
      if (h.job < 0 || !(f > 0)) continue;
      const joules = amount * f;
      const extra = extraFlags?.[k];
      const flags = extra ? unionFlags(processFlags, extra) : processFlags;
      this.processShares.push({ domain, device, component, modality, joules, method, flags, pid: h.pid, startTimeUs: h.startTimeUs, jobId: h.jobId });
      const j = h.job;
      if (this.jobHit[j] === 0) {
        this.jobHit[j] = 1;
        this.touched.push(j);
      }
      this.jobAcc[j]! += joules;
      if (extra) this.jobExtra[j] = unionFlags(this.jobExtra[j] ?? [], extra);
      if (counted) this.holderSoftware[hi]! += joules;
    }
    const touched = this.touched.sort((a, b) => a - b);
    let given = 0;
    for (const j of touched) {
      const joules = this.jobAcc[j]!;
      const extra = this.jobExtra[j];
      this.jobShares.push({ jobId: this.jobIds[j]!, domain, device, component, modality, joules, method, flags: extra ? unionFlags(jobFlags, extra) : jobFlags });
      given += joules;
      this.jobAcc[j] = 0;
      this.jobHit[j] = 0;
      this.jobExtra[j] = undefined;
    }
    touched.length = 0;
    return given;
  }

  /** Records energy no job owns; zero amounts leave no row. */
  leave(m: Measured, component: Component, modality: Modality, method: string, flags: string[], reason: string, joules: number): void {
    if (joules > 0) this.unattributed.push({ domain: m.domain, device: m.device, component, modality, joules, method, flags, reason });
  }
}
