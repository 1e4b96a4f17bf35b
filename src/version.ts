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

/** Where a rule's documentation lives. */
export function ruleDocsUrl(ruleId: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules.md#${ruleId}`;
}
