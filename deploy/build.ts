// `npm run build`: the TypeScript sources as plain JavaScript in build/, laid
// out as a release root (package.json, bin/wattprint, proto/ agent/ collector/
// cli/ with their data and the web page's static modules).
//
// The transform is Node's own type stripping (node:module stripTypeScriptTypes),
// the one that runs the sources in development, done once ahead of time: the
// code cannot differ from what the tests run, positions stay as in the sources
// (stack traces point at the right lines), and no bundler is needed. Types are
// checked by `npm run typecheck`, not here. Import specifiers become .js, and
// @wattprint/* imports become relative paths, so the build needs no workspace links.
import fs from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['proto', 'agent', 'collector', 'cli'] as const;
/** Copied as they are: the page's modules are stripped when the collector starts. */
const VERBATIM = [path.join('collector', 'src', 'web', 'static')];

/** Where an import of `spec` from `fromFile` (a path under build/) lands, as a .js specifier. */
export function rewriteSpecifier(spec: string, fromFile: string, out: string): string {
  let target: string | undefined;
  const m = /^@wattprint\/(proto|agent|collector)(?:\/(.+))?$/.exec(spec);
  if (m) target = path.join(out, m[1]!, 'src', m[2] ? m[2].replace(/\.ts$/, '.js') : 'index.js');
  else if (spec.startsWith('.') && spec.endsWith('.ts')) return spec.replace(/\.ts$/, '.js');
  if (!target) return spec;
  const rel = path.relative(path.dirname(fromFile), target).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Type-stripped JavaScript with its imports rewritten. */
export function toJs(source: string, fromFile: string, out: string): string {
  const js = stripTypeScriptTypes(source, { mode: 'strip' });
  return js.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\2/g, (_all, head: string, q: string, spec: string) => `${head}${q}${rewriteSpecifier(spec, fromFile, out)}${q}`);
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, filter: (f) => !f.endsWith('.test.ts') });
}

function buildDir(srcDir: string, outDir: string, out: string): number {
  let n = 0;
  fs.mkdirSync(outDir, { recursive: true });
  for (const e of fs.readdirSync(srcDir, { withFileTypes: true })) {
    const from = path.join(srcDir, e.name);
    const rel = path.relative(REPO, from);
    if (e.isDirectory()) {
      if (VERBATIM.includes(rel)) copyTree(from, path.join(outDir, e.name));
      else n += buildDir(from, path.join(outDir, e.name), out);
    } else if (e.name.endsWith('.d.ts')) continue;
    else if (e.name.endsWith('.ts')) {
      const dest = path.join(outDir, e.name.replace(/\.ts$/, '.js'));
      try {
        fs.writeFileSync(dest, toJs(fs.readFileSync(from, 'utf8'), dest, out));
      } catch (err) {
        throw new Error(`build: ${rel}: ${(err as Error).message}`);
      }
      n++;
    } else fs.copyFileSync(from, path.join(outDir, e.name));
  }
  return n;
}

export function build(out = path.join(REPO, 'build')): { files: number } {
  fs.rmSync(out, { recursive: true, force: true });
  let files = 0;
  for (const p of PACKAGES) files += buildDir(path.join(REPO, p, 'src'), path.join(out, p, 'src'), out);
  copyTree(path.join(REPO, 'proto', 'gen'), path.join(out, 'proto', 'gen'));
  for (const p of ['agent', 'collector']) if (fs.existsSync(path.join(REPO, p, 'data'))) copyTree(path.join(REPO, p, 'data'), path.join(out, p, 'data'));
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; license?: string; description?: string; engines?: unknown };
  fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, description: pkg.description, license: pkg.license, private: true, type: 'module', engines: pkg.engines }, null, 2) + '\n');
  fs.mkdirSync(path.join(out, 'bin'));
  fs.copyFileSync(path.join(REPO, 'cli', 'bin', 'wattprint'), path.join(out, 'bin', 'wattprint'));
  fs.chmodSync(path.join(out, 'bin', 'wattprint'), 0o755);
  // What an import left in .ts would be: a build that cannot run.
  const left = [...listJs(out)].filter((f) => /from\s*['"][^'"]+\.ts['"]/.test(fs.readFileSync(f, 'utf8')));
  if (left.length) throw new Error(`build: .ts imports left in ${left.join(', ')}`);
  return { files };
}

function* listJs(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!f.endsWith(path.join('web', 'static'))) yield* listJs(f);
    } else if (f.endsWith('.js')) yield f;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : path.join(REPO, 'build');
  const { files } = build(out);
  console.log(`build: ${files} modules in ${path.relative(process.cwd(), out) || '.'}`);
}
