// Fake UK Carbon Intensity API (NESO): /intensity/{from}/{to} and
// /regional/intensity/{from}/{to}/regionid/{id}, times "YYYY-MM-DDThh:mmZ",
// half-hour slots {from, to, intensity: {forecast, actual, index}} (regional:
// forecast only, nested under the region). Reproduces the documented quirk:
// a range also returns the slot that ends at `from`. Errors are
// {"error": {"code": "400 Bad Request", "message": ...}}.
import { startFake, type FakeServer, type Reply } from './server.ts';

export interface UkSlot {
  from: string;
  to: string;
  intensity: { forecast: number | null; actual?: number | null; index?: string };
}

export interface UkFakeOptions {
  national: UkSlot[];
  regions?: Record<number, UkSlot[]>;
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/;

export async function startUkciFake(o: UkFakeOptions): Promise<FakeServer> {
  return startFake((req): Reply => {
    const bad = (message: string): Reply => ({ status: 400, body: { error: { code: '400 Bad Request', message } } });
    const nat = /^\/intensity\/([^/]+)\/([^/]+)$/.exec(req.path);
    const reg = /^\/regional\/intensity\/([^/]+)\/([^/]+)\/regionid\/(\d+)$/.exec(req.path);
    const m = nat ?? reg;
    if (!m) return { status: 404, body: { error: { code: '404 Not Found', message: req.path } } };
    const [from, to] = [m[1]!, m[2]!];
    if (!TIME.test(from) || !TIME.test(to)) return bad('Please enter a valid ISO 8601 datetime (YYYY-MM-DDThh:mmZ)');
    const f = Date.parse(from);
    const t = Date.parse(to);
    if (t - f > 14 * 24 * 3600_000) return bad('Range must be 14 days or less');
    // Every slot that touches [from, to], including the one ending at `from`.
    const pick = (slots: UkSlot[]) => slots.filter((s) => Date.parse(s.to) >= f && Date.parse(s.from) < t);
    if (nat) return { status: 200, body: { data: pick(o.national) } };
    const id = Number(reg![3]);
    const slots = o.regions?.[id];
    if (!slots) return bad(`Region id ${id} is not valid`);
    const data = pick(slots).map((s) => ({ from: s.from, to: s.to, intensity: { forecast: s.intensity.forecast, index: s.intensity.index ?? 'moderate' }, generationmix: [{ fuel: 'gas', perc: 40 }] }));
    return { status: 200, body: { data: [{ regionid: id, dnoregion: 'UKPN London', shortname: 'London', data }] } };
  });
}
