// Providers chained per zone. For a window, each provider in turn fills what
// is still uncovered; a provider that fails, times out or has no data for a
// stretch leaves it to the next. An average chain ends at the static dataset,
// so every joule gets an intensity; a marginal chain may end with gaps (and
// then no marginal figure is given). Bases are never blended silently: each
// period keeps its own, and marginal providers cannot join an average chain.
import { clipPeriods, coverageGaps, fillShortGaps, type Gap } from './compute.ts';
import { HOUR_US, type IntensityPeriod, type IntensityProvider } from './provider.ts';

export interface ChainLink {
  provider: IntensityProvider;
  /** Zones this link serves; all when absent. */
  zones?: string[];
}

export interface ChainOptions {
  kind?: 'average' | 'marginal';
  /** The provider that covers everything (static) for an average chain. */
  final?: IntensityProvider;
  /** Longest wait for one provider before falling through (the provider's fetch carries on and fills its cache). */
  timeoutMs?: number;
  /** Gaps up to this long between two periods of one provider are interpolated. */
  maxInterpolateGapUs?: number;
  /** A gap newer than this may still be filled by its provider: the figure stays provisional. */
  settleUs?: number;
  now?: () => number;
}

export interface ChainAnswer {
  /** Clipped to the window, sorted, not overlapping. */
  periods: IntensityPeriod[];
  /** What is still uncovered (only without a final provider). */
  gaps: Gap[];
  /** "provider: message" for each failure or timeout. */
  failures: string[];
  /** A lower provider stood in where a higher one failed or may yet have data. */
  fellBack: boolean;
  /** The providers' own periods that were used, uncut (to store the intensity series as published). */
  sources: IntensityPeriod[];
}

export class ProviderChain {
  readonly kind: 'average' | 'marginal';
  private readonly links: ChainLink[];
  private readonly o: Required<Omit<ChainOptions, 'final'>> & { final?: IntensityProvider };

  constructor(links: (IntensityProvider | ChainLink)[], opts: ChainOptions = {}) {
    this.links = links.map((l) => ('provider' in l ? l : { provider: l }));
    this.o = { kind: 'average', timeoutMs: 3000, maxInterpolateGapUs: 2 * HOUR_US, settleUs: 2 * HOUR_US, now: () => Date.now() * 1000, ...opts };
    this.kind = this.o.kind;
    const all = [...this.links.map((l) => l.provider), ...(this.o.final ? [this.o.final] : [])];
    for (const p of all) {
      if ((p.basis === 'marginal') !== (this.kind === 'marginal')) throw new Error(`carbon chain: ${p.id} has basis ${p.basis} and cannot join a ${this.kind} chain (marginal is never summed into accounting)`);
    }
  }

  get providerIds(): string[] {
    return [...this.links.map((l) => l.provider.id), ...(this.o.final ? [this.o.final.id] : [])];
  }

  async periods(zone: string, startUs: number, endUs: number): Promise<ChainAnswer> {
    let covered: IntensityPeriod[] = [];
    const sources: IntensityPeriod[] = [];
    let gaps: Gap[] = [{ startUs, endUs }];
    const failures: string[] = [];
    let fellBack = false;
    const now = this.o.now();
    const steps: { provider: IntensityProvider; final: boolean }[] = this.links.filter((l) => !l.zones || l.zones.includes(zone)).map((l) => ({ provider: l.provider, final: false }));
    if (this.o.final) steps.push({ provider: this.o.final, final: true });
    for (const [i, step] of steps.entries()) {
      if (gaps.length === 0) break;
      // A lower provider stands in: provisional if a higher one failed or may still publish this stretch.
      if (i > 0 && (failures.length > 0 || gaps.some((g) => g.endUs > now - this.o.settleUs))) fellBack = true;
      const next: Gap[] = [];
      for (const gap of gaps) {
        let got: IntensityPeriod[];
        try {
          got = await this.ask(step.provider, zone, gap);
        } catch (err) {
          failures.push(`${step.provider.id}: ${(err as Error).message}`);
          next.push(gap);
          continue;
        }
        const whole = fillShortGaps(got, this.o.maxInterpolateGapUs);
        const filled = clipPeriods(whole, gap.startUs, gap.endUs);
        covered = covered.concat(filled);
        sources.push(...whole.filter((p) => p.endUs > gap.startUs && p.startUs < gap.endUs));
        next.push(...coverageGaps(filled, gap.startUs, gap.endUs));
      }
      gaps = next;
    }
    return { periods: covered.sort((a, b) => a.startUs - b.startUs), gaps, failures, fellBack, sources };
  }

  private async ask(p: IntensityProvider, zone: string, gap: Gap): Promise<IntensityPeriod[]> {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new Error(`no answer within ${this.o.timeoutMs} ms`));
      }, this.o.timeoutMs);
    });
    try {
      return await Promise.race([p.periods(zone, gap.startUs, gap.endUs, ac.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
