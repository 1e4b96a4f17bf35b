import { describe, expect, it } from 'vitest';
import type { TlsOptionsFact } from '../../src/model.js';
import { extractSource } from '../../src/extract/source.js';
import { lintSources } from '../../src/engine/lint.js';

const text = `import { Pool } from 'pg';

export const a = new Pool({
  connectionString: process.env.DATABASE_URL,
  ssl: process.env.PG_SSL_ALLOW_SELF_SIGNED === "true" ? { rejectUnauthorized: false } : undefined,
});
export const b = new Pool({ ssl: process.env.STRICT !== "false" ? { rejectUnauthorized: true } : { rejectUnauthorized: false } });
export const c = new Pool({ ssl: process.env.INSECURE && { rejectUnauthorized: false } });
export const d = new Pool({ ssl: { rejectUnauthorized: false } });
`;

describe('TLS options behind an environment variable (issue: env-gated escape hatches)', () => {
  it('say which test guards the side an unset variable never reaches', () => {
    const facts = extractSource({ file: 'src/db.ts', text }).facts.filter((f): f is TlsOptionsFact => f.kind === 'tls-options' && f.options.rejectUnauthorized?.value === false);
    expect(facts.map((f) => [f.span.line, f.options.rejectUnauthorized!.onlyWhen])).toEqual([
      [5, 'process.env.PG_SSL_ALLOW_SELF_SIGNED === "true"'],
      [7, 'process.env.STRICT !== "false"'],
      [8, 'process.env.INSECURE'],
      [9, undefined],
    ]);
  });

  it('are a warning naming the variable; an unconditional one stays an error', () => {
    const findings = lintSources([{ file: 'src/db.ts', text }]).findings.filter((f) => f.ruleId === 'no-reject-unauthorized');
    expect(findings.map((f) => [f.line, f.severity])).toEqual([
      [5, 'warning'],
      [7, 'warning'],
      [8, 'warning'],
      [9, 'error'],
    ]);
    expect(findings[0]!.message).toContain('applies only while `process.env.PG_SSL_ALLOW_SELF_SIGNED === "true"`');
  });
});

describe('TLS options assigned after the object is built (issue: property assignment)', () => {
  it('are judged as if written inside it', () => {
    const code = `import { Pool } from 'pg';
const ssl: Record<string, unknown> = { ca: process.env.DB_CA };
ssl.checkServerIdentity = () => undefined;
ssl.rejectUnauthorized = false;
export const pool = new Pool({ connectionString: process.env.DATABASE_URL, ssl });
const smtp = { host: 'smtp.acme-corp.io', tls: {} };
smtp.tls.rejectUnauthorized = false;
`;
    const findings = lintSources([{ file: 'src/db.ts', text: code }]).findings;
    expect(findings.map((f) => [f.ruleId, f.line, f.severity])).toEqual([
      ['no-reject-unauthorized', 3, 'warning'],
      ['no-reject-unauthorized', 4, 'error'],
    ]);
  });
});

describe('TLS options built by a static method (issue: static class method)', () => {
  it('reach the client that calls it, like a plain function', () => {
    const code = `import { Pool } from 'pg';
class Db {
  static sslOptions() {
    return { rejectUnauthorized: false };
  }
}
export const pool = new Pool({ connectionString: process.env.DATABASE_URL, ssl: Db.sslOptions() });
`;
    const facts = extractSource({ file: 'src/db.ts', text: code }).facts.filter((f): f is TlsOptionsFact => f.kind === 'tls-options' && f.options.rejectUnauthorized !== undefined);
    expect(facts.map((f) => [f.span.line, f.sink])).toEqual([[4, 'pg.Pool']]);
  });
});

describe('ssl from a function that ends in `return false` (issue 20: computed ssl: false)', () => {
  it('is plaintext for every mode the function does not recognise; a local host may', () => {
    const code = (host: string) => `import { Pool } from 'pg';
function toPgSsl(mode: string | undefined) {
  if (mode === 'verify-full') return { rejectUnauthorized: true };
  return false;
}
export const pool = new Pool({ host: '${host}', ssl: toPgSsl(process.env.PGSSLMODE) });
`;
    const remote = lintSources([{ file: 'src/db.ts', text: code('db.acme-corp.io') }]).findings;
    expect(remote.map((f) => [f.ruleId, f.line, f.severity])).toEqual([['no-ssl-disabled', 6, 'error']]);
    expect(remote[0]!.message).toContain('`toPgSsl(process.env.PGSSLMODE)` ends in `return false`');
    expect(lintSources([{ file: 'src/db.ts', text: code('localhost') }]).findings).toEqual([]);
  });
});
