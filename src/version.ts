import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read from package.json (works from src/ under vitest and from dist/src/). */
export function toolVersion(): string {
  if (cached) return cached;
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sslguard' && pkg.version) return (cached = pkg.version);
    } catch {
      // try the next location
    }
  }
  return (cached = '0.0.0');
}

export const TOOL_NAME = 'sslguard';
export const HOMEPAGE = 'https://github.com/sslguard/sslguard';

/**
 * Where a rule's documentation lives: docs/rules.md at the tag of the version running, as it was
 * when this version was released (the package ships the same file), not as it is on `main` now.
 */
export function ruleDocsUrl(ruleId: string): string {
  return `${HOMEPAGE}/blob/v${toolVersion()}/docs/rules.md#${ruleId}`;
}
