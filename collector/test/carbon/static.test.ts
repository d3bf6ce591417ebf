import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { averageIntensity } from '@tgwf/co2/data';
import { StaticProvider } from '@wattprint/collector/carbon/static.ts';
import { loadCloudRegions, resolveZone } from '@wattprint/collector/carbon/zones.ts';
import { extractCloudRegions } from '../../data/grid/extract-cloud-regions.ts';

const s = new StaticProvider();

test('static lookups, most specific first, each with its dataset, year and licence', () => {
  const de = s.lookup('DE', 2025);
  assert.equal(de.gPerKwh, averageIntensity.data.DEU);
  assert.match(de.dataset.name, /^Ember yearly country average DEU \(via @tgwf\/co2 \d/);
  assert.match(de.dataset.licence, /CC BY 4\.0.*CC BY-SA 4\.0/);
  assert.equal(de.dataset.year, 2024);
  const se3 = s.lookup('SE-SE3', 2023);
  assert.match(se3.dataset.name, /Electricity Maps yearly zone average SE-SE3 2023/);
  assert.equal(se3.dataset.licence, 'ODbL 1.0 (Electricity Maps, republished by CO2.js)');
  assert.equal(s.lookup('SE-SE3', 2031).dataset.year, 2025, 'nearest shipped year');
  assert.equal(s.lookup('SE-XX9', 2025).gPerKwh, averageIntensity.data.SWE, 'unknown sub-zone: its country');
  const aws = s.lookup('aws:ap-east-1', 2025);
  assert.deepEqual([aws.gPerKwh, aws.basis], [710, 'location_direct']);
  assert.match(aws.dataset.name, /Cloud Carbon Footprint region factor aws\/ap-east-1/);
  assert.equal(s.lookup('ZZ', 2025).gPerKwh, averageIntensity.data.WORLD);
  assert.equal(new StaticProvider({ electricityMapsYearly: false }).lookup('SE-SE3', 2025).gPerKwh, averageIntensity.data.SWE, 'ODbL table can be left out');
});

test('static periods are calendar years and cover any window', async () => {
  const ps = await s.periods('FR', Date.UTC(2024, 11, 31) * 1000, Date.UTC(2025, 0, 2) * 1000);
  assert.deepEqual(ps.map((p) => [new Date(p.startUs / 1000).toISOString(), p.quality]), [['2024-01-01T00:00:00.000Z', 'static_yearly'], ['2025-01-01T00:00:00.000Z', 'static_yearly']]);
});

test('zone precedence: agent config, then cloud region, then collector default, then world', () => {
  assert.deepEqual(resolveZone({ gridZone: 'SE-SE3', cloudProvider: 'aws', cloudRegion: 'us-east-1' }, 'DE'), { zone: 'SE-SE3', source: 'config', problems: [] });
  assert.deepEqual(resolveZone({ cloudProvider: 'AWS', cloudRegion: 'us-east-1' }, 'DE'), { zone: 'US-MIDA-PJM', source: 'cloud', problems: [] });
  assert.equal(resolveZone({ cloudProvider: 'azure', cloudRegion: 'EastUS' }, 'DE').zone, 'US-MIDA-PJM', 'Azure names are case-insensitive');
  const unknown = resolveZone({ cloudProvider: 'aws', cloudRegion: 'mars-1' }, 'DE');
  assert.deepEqual([unknown.zone, unknown.source], ['DE', 'collector']);
  assert.match(unknown.problems[0]!, /aws\/mars-1 is not in the cloud region table/);
  assert.deepEqual(resolveZone(undefined, '').zone, 'WORLD');
  assert.equal(resolveZone({ gridZone: 'FR', gridZoneSource: 'collector' }, 'DE').zone, 'DE', "a zone the agent got from a collector is not the agent's config");
});

test('a broken cloud region table is refused with the file and entry named', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-cr-'));
  const f = path.join(dir, 'cr.json');
  fs.writeFileSync(f, JSON.stringify({ _meta: { source: 'x' }, pue: {}, regions: { aws: { 'us-east-1': { gPerKwh: 'lots', zone: null } } } }));
  assert.throws(() => loadCloudRegions(f), /cr\.json: regions\.aws\.us-east-1 is/);
  fs.rmSync(dir, { recursive: true });
});

test('extract-cloud-regions reads CCF tarballs: enums, nested region objects, NERC references, PUE', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-ccf-'));
  const pack = (name: string, files: Record<string, string>) => {
    const root = path.join(dir, name, 'package');
    fs.mkdirSync(path.join(root, 'src', '__tests__'), { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: `@cloud-carbon-footprint/${name}`, version: '9.9.9' }));
    for (const [p, text] of Object.entries(files)) fs.writeFileSync(path.join(root, 'src', p), text);
    const tgz = path.join(dir, `${name}.tgz`);
    execFileSync('tar', ['czf', tgz, '-C', path.join(dir, name), 'package']);
    return fs.readFileSync(tgz);
  };
  const core = pack('core', { 'FootprintEstimationConstants.ts': 'export const US_NERC_REGIONS_EMISSIONS_FACTORS: { [r: string]: number } = { SERC: 0.0003651277965 }' });
  const aws = pack('aws', {
    'AWSRegions.ts': "export enum AWS_REGIONS { US_EAST_1 = 'us-east-1', EU_NORTH_1 = 'eu-north-1', UNKNOWN = 'Unknown' }\nexport const AWS_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES = { [AWS_REGIONS.US_EAST_1]: 'US-MIDA-PJM', [AWS_REGIONS.EU_NORTH_1]: null }",
    'AwsFootprintEstimationConstants.ts': 'export const AWS_CLOUD_CONSTANTS = { PUE_AVG: 1.135 }\nexport const AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH = { [AWS_REGIONS.US_EAST_1]: US_NERC_REGIONS_EMISSIONS_FACTORS.SERC, [AWS_REGIONS.EU_NORTH_1]: 0.0000088, [AWS_REGIONS.UNKNOWN]: 0.0004 }',
    '__tests__/x.test.ts': "export const AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH = { 'us-east-1': 1 }",
  });
  const azure = pack('azure', {
    'AzureRegions.ts': "export const AZURE_REGIONS = { US_EAST: { name: 'EastUS', options: ['eastus'] } }",
    'C.ts': 'export const AZURE_EMISSIONS_FACTORS_METRIC_TON_PER_KWH = { [AZURE_REGIONS.US_EAST.name]: 0.0003 }',
  });
  const out = extractCloudRegions([core, aws, azure]);
  assert.deepEqual(out.regions, {
    aws: { 'eu-north-1': { gPerKwh: 8.8, zone: null }, 'us-east-1': { gPerKwh: 365.127797, zone: 'US-MIDA-PJM' } },
    azure: { eastus: { gPerKwh: 300, zone: null } },
  });
  assert.deepEqual(out.pue, { aws: 1.135 });
  assert.deepEqual(out._meta.packages, { '@cloud-carbon-footprint/core': '9.9.9', '@cloud-carbon-footprint/aws': '9.9.9', '@cloud-carbon-footprint/azure': '9.9.9' });
  assert.throws(() => extractCloudRegions([core]), /no \*_EMISSIONS_FACTORS_METRIC_TON_PER_KWH table/);
  fs.rmSync(dir, { recursive: true });
  // The shipped file was made by this script.
  const shipped = loadCloudRegions();
  assert.equal(shipped._meta.packages['@cloud-carbon-footprint/aws'], '0.15.0');
  assert.equal(shipped.regions.aws?.['us-east-1']?.gPerKwh, 365.127797);
});
