// A fresh npm project that installs with `npm ci --offline`: its package-lock.json is cut from this
// checkout's, so every package comes from npm's cache, filled by the checkout's own `npm ci` (which
// caches tarballs, not the registry's package documents that `npm install <name>@<version>` would
// need). Packages this checkout does not lock cannot be installed so.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

const root = join(import.meta.dirname, '..', '..');

/** Where Node would find `name` from the package at lockfile path `from` ('' is the project). */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/**
 * Adds `dependencies` (names locked by this checkout, at their locked versions) and sslguard, from
 * its packed tarball or a `git+file:` URL with a commit, to the project's package.json, and writes
 * the matching package-lock.json.
 */
export function lockOfflineProject(project: string, sslguard: string, dependencies: string[]): void {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages = lock.packages;
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
  const packed = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as LockEntry & { name: string; bin: Record<string, string>; engines: Record<string, string>; license: string };
  const git = sslguard.startsWith('git+');
  const spec = git ? sslguard : `file:../${basename(sslguard)}`;
  const wanted: Record<string, string> = { sslguard: spec };
  for (const name of dependencies) wanted[name] = packages[`node_modules/${name}`]!.version!;

  const out: Record<string, LockEntry> = {};
  const visit = (path: string) => {
    if (out[path]) return;
    const entry = { ...packages[path]! };
    delete entry.dev;
    delete entry.devOptional;
    delete entry.peer;
    out[path] = entry;
    const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n));
    const deps = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeers.has(n))];
    for (const name of deps) {
      const found = resolveIn(packages, path, name);
      // Optional dependencies for other platforms are locked; ones never installed anywhere are not.
      if (found) visit(found);
    }
  };
  for (const name of dependencies) visit(`node_modules/${name}`);
  for (const name of Object.keys(packed.dependencies ?? {})) visit(`node_modules/${name}`);
  out['node_modules/sslguard'] = {
    version: packed.version,
    resolved: spec,
    ...(git ? { hasInstallScript: true } : { integrity: `sha512-${createHash('sha512').update(readFileSync(sslguard)).digest('base64')}` }),
    license: packed.license,
    dependencies: packed.dependencies,
    bin: packed.bin,
    engines: packed.engines,
    peerDependencies: packed.peerDependencies,
    peerDependenciesMeta: packed.peerDependenciesMeta,
  };

  manifest.dependencies = wanted;
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const name = manifest.name as string;
  writeFileSync(
    join(project, 'package-lock.json'),
    `${JSON.stringify({ name, version: manifest.version, lockfileVersion: 3, requires: true, packages: { '': { name, version: manifest.version, license: manifest.license, dependencies: wanted }, ...out } }, null, 2)}\n`,
  );
}
