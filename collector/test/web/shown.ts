// Reads a figure back from the page's text ("12.34 Wh", "1,204 W",
// "0.5 gCO₂e") so tests compare what a reader sees with the API's number,
// independently of the page's own formatting code.
import assert from 'node:assert/strict';

const UNITS: Record<string, number> = {
  MWh: 1e3, kWh: 1, Wh: 1e-3, mWh: 1e-6, // to kWh
  kW: 1e3, W: 1, // to W
  kgCO2e: 1e3, gCO2e: 1, // to g
};

/** Number and unit of a shown figure, converted to kWh, W or g. */
export function shown(text: string): { value: number; unit: string } {
  const m = /(-?[\d,]+(?:\.\d+)?(?:e-?\d+)?)\s*(MWh|kWh|mWh|Wh|kW|W|kgCO₂e|gCO₂e)/.exec(text);
  if (!m) throw new Error(`no figure with a unit in ${JSON.stringify(text)}`);
  const unit = m[2]!.replace('₂', '2');
  return { value: Number(m[1]!.replaceAll(',', '')) * UNITS[unit]!, unit };
}

/** The shown figure equals `expected` to the 4 significant digits the page prints. */
export function assertShows(text: string | null, expected: number, what: string): void {
  assert.ok(text !== null, `${what}: nothing shown`);
  const { value } = shown(text);
  const tol = Math.max(Math.abs(expected) * 6e-4, 1e-12);
  assert.ok(Math.abs(value - expected) <= tol, `${what}: page shows ${JSON.stringify(text)} (${value}), API says ${expected}`);
}

/** RFC 3339 with up to µs digits -> µs since the epoch (Date.parse stops at ms). */
export function usOf(iso: string): number {
  const m = /^(.*?)(?:\.(\d{1,6}))?Z$/.exec(iso);
  assert.ok(m, `not an RFC 3339 UTC time: ${iso}`);
  return Date.parse(m[1] + 'Z') * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}
