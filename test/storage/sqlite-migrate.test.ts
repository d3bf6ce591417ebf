// SQLite schema migrations: user_version counts the migrations run; opening
// again runs none; a version-1 file (with the old jobs table) is upgraded
// with its labels kept; a file from a newer collector is refused clearly.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { SCHEMA_VERSION, SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { fixtureResults } from './fixtures.ts';

function tmpFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-sqlite-'));
  return path.join(dir, 'store.db');
}

const version = (file: string) => {
  const db = new DatabaseSync(file);
  const v = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  db.close();
  return v;
};

test('a new file gets every migration; opening it again is a no-op that keeps the data', async () => {
  const file = tmpFile();
  const s1 = new SqliteStore(file);
  await s1.write(fixtureResults());
  const before = await s1.listJobs({});
  await s1.close();
  assert.equal(version(file), SCHEMA_VERSION);
  const s2 = new SqliteStore(file);
  assert.deepEqual(await s2.listJobs({}), before);
  await s2.close();
  assert.equal(version(file), SCHEMA_VERSION);
  fs.rmSync(path.dirname(file), { recursive: true });
});

test('a version-1 file is upgraded and its job labels survive', async () => {
  const file = tmpFile();
  const db = new DatabaseSync(file);
  // The shipped version-1 tables this migration touches, with one job in them.
  db.exec(`
    CREATE TABLE job_interval (
      host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, job_id TEXT NOT NULL,
      software_j REAL NOT NULL, wall_j REAL NOT NULL, dynamic_j REAL NOT NULL, idle_j REAL NOT NULL,
      cpu_j REAL NOT NULL, dram_j REAL NOT NULL, gpu_j REAL NOT NULL, other_j REAL NOT NULL,
      estimated INTEGER NOT NULL, cpu_seconds REAL NOT NULL, tokens REAL NOT NULL, examples REAL NOT NULL, steps REAL NOT NULL,
      PRIMARY KEY (host, job_id, start_us));
    CREATE TABLE jobs (job_id TEXT PRIMARY KEY, labels TEXT NOT NULL);
    CREATE TABLE hosts (host TEXT PRIMARY KEY, agent_version TEXT NOT NULL, inventory TEXT NOT NULL, first_seen_us INTEGER NOT NULL, last_seen_us INTEGER NOT NULL);
    CREATE TABLE reports (host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, seq INTEGER NOT NULL, software_j REAL NOT NULL, wall_j REAL, PRIMARY KEY (host, start_us));
    CREATE TABLE host_energy (host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, domain TEXT NOT NULL, device TEXT NOT NULL, source TEXT NOT NULL, quality TEXT NOT NULL, joules REAL NOT NULL, flags TEXT NOT NULL, PRIMARY KEY (host, domain, device, start_us));
    CREATE TABLE job_energy (host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, job_id TEXT NOT NULL, domain TEXT NOT NULL, device TEXT NOT NULL, component TEXT NOT NULL, modality TEXT NOT NULL, joules REAL NOT NULL, method TEXT NOT NULL, flags TEXT NOT NULL, PRIMARY KEY (host, job_id, domain, device, modality, start_us));
    CREATE TABLE process_energy (host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, pid INTEGER NOT NULL, start_time_us INTEGER NOT NULL, job_id TEXT NOT NULL, domain TEXT NOT NULL, device TEXT NOT NULL, modality TEXT NOT NULL, joules REAL NOT NULL, method TEXT NOT NULL, PRIMARY KEY (host, pid, start_time_us, domain, device, modality, start_us));
    CREATE TABLE unattributed (host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, domain TEXT NOT NULL, device TEXT NOT NULL, reason TEXT NOT NULL, modality TEXT NOT NULL, joules REAL NOT NULL, PRIMARY KEY (host, domain, device, reason, modality, start_us));
    INSERT INTO job_interval VALUES ('h', 10, 20, 'old-job', 5, 6, 4, 1, 3, 2, 0, 0, 0, 1.5, 100, 1, 1);
    INSERT INTO job_interval VALUES ('h', 20, 30, 'old-job', 5, 6, 4, 1, 3, 2, 0, 0, 0, 1.5, 100, 1, 1);
    INSERT INTO jobs VALUES ('old-job', '{"task":"cola"}');
    PRAGMA user_version = 1;
  `);
  db.close();
  const store = new SqliteStore(file);
  const t = await store.jobTotals('old-job');
  assert.deepEqual(t?.labels, { task: 'cola' });
  assert.equal(t?.softwareJoules, 10);
  assert.equal(t?.startUs, 10);
  assert.equal(t?.endUs, 30);
  assert.equal(store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'jobs'").get()!.n, 0);
  await store.close();
  assert.equal(version(file), SCHEMA_VERSION);
  fs.rmSync(path.dirname(file), { recursive: true });
});

/** What migration 6 adds, removed again (back to a version-5 file). */
const UNDO_6 = `
  DROP TRIGGER job_interval_added; DROP TRIGGER job_interval_restated; DROP TRIGGER job_meta_labels;
  DROP TABLE job_summary; DROP TABLE job_host; DROP TABLE job_label; DROP INDEX job_interval_start; DROP INDEX job_energy_job;
  PRAGMA user_version = 5;`;

test('a version-5 file gets job summaries equal to summing its intervals; later writes and replays keep them equal', async () => {
  const file = tmpFile();
  const all = fixtureResults();
  const s1 = new SqliteStore(file);
  await s1.write(all.slice(0, 6));
  const sums = () =>
    s1.db.prepare(`SELECT job_id, min(start_us) AS s, max(end_us) AS e, sum(software_j) AS sw, sum(wall_j) AS w, sum(tokens) AS t, sum(estimated) AS n FROM job_interval GROUP BY job_id ORDER BY job_id`).all();
  const summary = (st: SqliteStore) => st.db.prepare('SELECT job_id, start_us AS s, end_us AS e, software_j AS sw, wall_j AS w, tokens AS t, estimated_n AS n FROM job_summary ORDER BY job_id').all();
  const direct = sums();
  await s1.close();
  const db = new DatabaseSync(file);
  db.exec(UNDO_6);
  db.close();
  const s2 = new SqliteStore(file);
  assert.equal(version(file), SCHEMA_VERSION);
  assert.deepEqual(summary(s2).map((r) => ({ ...r })), direct.map((r) => ({ ...r })), 'backfilled from the interval rows');
  const labelsBefore = (await s2.jobTotals('ft-sst2'))!.labels;
  await s2.write(all.slice(6));
  await s2.write([...all].reverse()); // a replay of everything: same rows, so the same summary
  const s3rows = s2.db.prepare(`SELECT job_id, min(start_us) AS s, max(end_us) AS e, sum(software_j) AS sw, sum(wall_j) AS w, sum(tokens) AS t, sum(estimated) AS n FROM job_interval GROUP BY job_id ORDER BY job_id`).all();
  const got = summary(s2);
  assert.equal(got.length, s3rows.length);
  got.forEach((g, i) => {
    for (const k of ['s', 'e', 'n']) assert.equal(g[k], s3rows[i]![k], k);
    for (const k of ['sw', 'w', 't']) assert.ok(Math.abs(Number(g[k]) - Number(s3rows[i]![k])) <= 1e-9 * Math.abs(Number(s3rows[i]![k])), `${k}: ${g[k]} vs ${s3rows[i]![k]}`);
  });
  // Labels: the union, a later interval's value winning; "phase" arrived half-way.
  assert.deepEqual((await s2.jobTotals('ft-sst2'))!.labels, { ...labelsBefore, phase: 'eval' });
  await s2.close();
  fs.rmSync(path.dirname(file), { recursive: true });
});

test('a file from a newer collector is refused, not rewritten', () => {
  const file = tmpFile();
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(() => new SqliteStore(file), new RegExp(`schema version ${SCHEMA_VERSION + 1} is newer than this collector \\(${SCHEMA_VERSION}\\)`));
  assert.equal(version(file), SCHEMA_VERSION + 1);
  fs.rmSync(path.dirname(file), { recursive: true });
});

test('a version-2 file gets the carbon columns; an old carbon row keeps its figure as both bases', async () => {
  const file = tmpFile();
  const s = new SqliteStore(file);
  await s.close();
  // Back to version 2 by hand: what migrations 3 and 4 add, removed again.
  const db = new DatabaseSync(file);
  db.exec(UNDO_6);
  db.exec(`
    ALTER TABLE job_interval DROP COLUMN tokens_unpadded;
    DROP TABLE host_carbon; DROP INDEX job_carbon_job; DROP TABLE job_carbon; DROP TABLE grid_intensity;
    CREATE TABLE job_carbon (
      host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, job_id TEXT NOT NULL,
      zone TEXT NOT NULL, joules REAL NOT NULL, pue REAL NOT NULL, gco2e REAL NOT NULL, basis TEXT NOT NULL,
      share_measured REAL NOT NULL, share_estimated REAL NOT NULL, share_forecast REAL NOT NULL, share_static REAL NOT NULL,
      provisional INTEGER NOT NULL,
      PRIMARY KEY (host, job_id, start_us));
    CREATE TABLE grid_intensity (
      zone TEXT NOT NULL, source TEXT NOT NULL, basis TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL,
      gco2e_per_kwh REAL NOT NULL, quality TEXT NOT NULL,
      PRIMARY KEY (zone, source, basis, start_us));
    INSERT INTO job_carbon VALUES ('h', 10, 20, 'old-job', 'FR', 3600000, 1, 56, 'location_lifecycle', 1, 0, 0, 0, 0);
    INSERT INTO grid_intensity VALUES ('FR', 'static', 'location_lifecycle', 0, 100, 56, 'static_yearly');
    PRAGMA user_version = 2;
  `);
  db.close();
  const store = new SqliteStore(file);
  assert.equal(version(file), SCHEMA_VERSION);
  const c = await store.jobCarbon('old-job');
  assert.equal(c?.gco2e, 56);
  assert.equal(c?.gco2eSoftware, 56);
  assert.equal(c?.gco2eWall, 56);
  assert.deepEqual(c?.kwhShareByQuality, { measured: 1 });
  assert.equal(c?.provisional, false);
  assert.deepEqual({ ...store.db.prepare('SELECT share_interpolated, sources FROM job_carbon').get() }, { share_interpolated: 0, sources: '[]' });
  assert.deepEqual({ ...store.db.prepare('SELECT dataset FROM grid_intensity').get() }, { dataset: '' });
  assert.deepEqual(await store.provisionalCarbon(0), []);
  await store.close();
  fs.rmSync(path.dirname(file), { recursive: true });
});

test('a version-4 file gets tokens_unpadded (0 for old rows) and reads as before', async () => {
  const file = tmpFile();
  const s = new SqliteStore(file);
  await s.close();
  const db = new DatabaseSync(file);
  db.exec(UNDO_6.replace('PRAGMA user_version = 5;', ''));
  db.exec(`
    ALTER TABLE job_interval DROP COLUMN tokens_unpadded;
    INSERT INTO job_interval VALUES ('h', 10, 20, 'old-job', 100, 110, 80, 20, 30, 10, 60, 10, 0, 1, 5000, 40, 2);
    PRAGMA user_version = 4;
  `);
  db.close();
  const again = new SqliteStore(file);
  assert.equal(version(file), SCHEMA_VERSION);
  const t = await again.jobTotals('old-job');
  await again.close();
  assert.equal(t?.tokens, 5000);
  assert.equal(t?.tokensUnpadded, 0);
});

