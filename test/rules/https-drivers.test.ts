// Neon's HTTP driver (`neon(url)`) sends queries over HTTPS: the URL's sslmode is never read, but
// its password is as leaked as any (found in a held-out corpus repository).
import { describe, expect, it } from 'vitest';
import { lintSources } from '../../src/engine/lint.js';

describe('connections read by an HTTPS driver', () => {
  it('are judged for their password only', () => {
    const text = `import { neon } from '@neondatabase/serverless';
const DATABASE_URL = process.env.DATABASE_URL ||
  'postgresql://neondb_owner:Xk9vL2mQ7pR4@ep-hidden-paper-ajua0bg2-pooler.c-3.us-east-2.aws.neon.tech/neondb?sslmode=require';
export const sql = neon(DATABASE_URL);
`;
    const { findings } = lintSources([{ file: 'server/db/connection.ts', text }]);
    expect(findings.map((f) => f.ruleId)).toEqual(['no-plaintext-password']);
  });
});
