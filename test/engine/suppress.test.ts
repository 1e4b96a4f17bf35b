import { describe, expect, it } from 'vitest';
import { parseSuppressions } from '../../src/engine/suppress.js';

describe('parseSuppressions', () => {
  it('reads a # next-line directive in a .env file with one rule id', () => {
    const env = [
      'NODE_ENV=production',
      '# sslguard-disable-next-line require-verify-full',
      'DATABASE_URL=postgres://app:${DB_PASSWORD}@db.prod.internal:5432/app?sslmode=require',
      'REPLICA_URL=postgres://app:${DB_PASSWORD}@replica.prod.internal:5432/app?sslmode=require',
    ].join('\n');
    const s = parseSuppressions(env);
    expect(s.directives).toEqual([
      { kind: 'disable-next-line', line: 2, column: 3, endColumn: 49, targetLine: 3, ruleIds: [{ id: 'require-verify-full', line: 2, column: 30 }] },
    ]);
    expect(s.isSuppressed('require-verify-full', 3)).toEqual({});
    expect(s.isSuppressed('require-verify-full', 4)).toBeUndefined();
    expect(s.isSuppressed('require-verify-full', 2)).toBeUndefined();
    expect(s.isSuppressed('no-ssl-disabled', 3)).toBeUndefined();
  });

  it('reads a trailing # same-line directive in YAML with several ids and a reason', () => {
    const yaml = [
      'services:',
      '  api:',
      '    environment:',
      '      PGSSLMODE: disable # sslguard-disable-line no-ssl-disabled, require-verify-full -- compose network only',
    ].join('\n');
    const s = parseSuppressions(yaml);
    expect(s.directives).toHaveLength(1);
    expect(s.directives[0]).toMatchObject({
      kind: 'disable-line',
      line: 4,
      column: 28,
      targetLine: 4,
      ruleIds: [
        { id: 'no-ssl-disabled', line: 4, column: 50 },
        { id: 'require-verify-full', line: 4, column: 67 },
      ],
      justification: 'compose network only',
    });
    expect(s.isSuppressed('no-ssl-disabled', 4)).toEqual({ justification: 'compose network only' });
    expect(s.isSuppressed('require-verify-full', 4)).toEqual({ justification: 'compose network only' });
    expect(s.isSuppressed('cert-expiry', 4)).toBeUndefined();
  });

  it('reads // and /* */ directives in TypeScript', () => {
    const ts = [
      "import { Pool } from 'pg';",
      '// sslguard-disable-next-line no-reject-unauthorized-false -- self-signed dev db',
      'const dev = new Pool({ ssl: { rejectUnauthorized: false } });',
      'const ci = new Pool({ ssl: false }); /* sslguard-disable-line no-ssl-disabled */ const x = 1;',
      '/** sslguard-disable-next-line */',
      "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';",
    ].join('\n');
    const s = parseSuppressions(ts);
    expect(s.directives.map((d) => [d.kind, d.line, d.column, d.targetLine, d.ruleIds.map((r) => r.id), d.justification])).toEqual([
      ['disable-next-line', 2, 4, 3, ['no-reject-unauthorized-false'], 'self-signed dev db'],
      ['disable-line', 4, 41, 4, ['no-ssl-disabled'], undefined],
      ['disable-next-line', 5, 5, 6, [], undefined],
    ]);
    expect(s.directives[1]!.endColumn).toBe(79);
    expect(s.isSuppressed('no-reject-unauthorized-false', 3)).toEqual({ justification: 'self-signed dev db' });
    expect(s.isSuppressed('no-ssl-disabled', 4)).toEqual({});
    expect(s.isSuppressed('node-tls-reject-unauthorized', 6)).toEqual({});
    expect(s.isSuppressed('anything-at-all', 6)).toEqual({});
  });

  it('reads a directive without ids but with a reason as "all rules"', () => {
    const s = parseSuppressions('# sslguard-disable-next-line -- fixture for the docs\nPGSSLMODE=disable\n');
    expect(s.directives[0]).toMatchObject({ ruleIds: [], justification: 'fixture for the docs', targetLine: 2 });
    expect(s.isSuppressed('no-ssl-disabled', 2)).toEqual({ justification: 'fixture for the docs' });
  });

  it('reads JSONC comments in an MCP config', () => {
    const jsonc = [
      '{',
      '  "mcpServers": {',
      '    "postgres": {',
      '      // sslguard-disable-next-line require-verify-full',
      '      "args": ["postgresql://readonly@localhost:5432/app?sslmode=prefer"]',
      '    }',
      '  }',
      '}',
    ].join('\n');
    expect(parseSuppressions(jsonc).isSuppressed('require-verify-full', 5)).toEqual({});
  });

  it('counts lines across \\r\\n and lone \\r like SourceText', () => {
    const crlf = 'A=1\r\n# sslguard-disable-next-line no-ssl-disabled\r\nPGSSLMODE=disable\r\n';
    expect(parseSuppressions(crlf).isSuppressed('no-ssl-disabled', 3)).toEqual({});
    expect(parseSuppressions(crlf).isSuppressed('no-ssl-disabled', 4)).toBeUndefined();
    const cr = 'A=1\r\rB=2\r# sslguard-disable-next-line\rPGSSLMODE=disable';
    expect(parseSuppressions(cr).directives[0]).toMatchObject({ line: 4, targetLine: 5 });
  });

  it('does not honour the directive text inside a string value or outside a comment', () => {
    const cases = [
      'NOTE="# sslguard-disable-line no-ssl-disabled" PGSSLMODE=disable',
      "const msg = '// sslguard-disable-line';",
      'const url = `/* sslguard-disable-line */`;',
      '  "description": "use # sslguard-disable-next-line to silence",',
      'MESSAGE=sslguard-disable-line',
      'DATABASE_URL=postgres://u@h/db#sslguard-disable-line',
      'DATABASE_URL=postgres://sslguard-disable-line@h/db',
      '# we never write sslguard-disable-line here',
      'ANSWER="it\\"s" # sslguard-disable-lines',
    ];
    for (const line of cases) {
      const s = parseSuppressions(`${line}\nPGSSLMODE=disable\n`);
      expect(s.directives, line).toEqual([]);
      expect(s.isSuppressed('no-ssl-disabled', 1), line).toBeUndefined();
      expect(s.isSuppressed('no-ssl-disabled', 2), line).toBeUndefined();
    }
  });

  it('honours a comment after a closed string and an apostrophe in a plain scalar', () => {
    const s = parseSuppressions(
      [
        "PGSSLMODE='disable' # sslguard-disable-line no-ssl-disabled",
        "  note: don't use this # sslguard-disable-line cert-expiry",
        'const a = "x" + \'y\'; // sslguard-disable-line no-ssl-disabled',
      ].join('\n'),
    );
    expect(s.directives.map((d) => [d.line, d.column, d.ruleIds[0]!.id])).toEqual([
      [1, 23, 'no-ssl-disabled'],
      [2, 26, 'cert-expiry'],
      [3, 25, 'no-ssl-disabled'],
    ]);
  });

  it('exposes unknown ids with their positions for the caller to report', () => {
    const s = parseSuppressions('const pool = new Pool(cfg); // sslguard-disable-line no-ssl-disable,cert-expiry\n');
    expect(s.directives[0]!.ruleIds).toEqual([
      { id: 'no-ssl-disable', line: 1, column: 54 },
      { id: 'cert-expiry', line: 1, column: 69 },
    ]);
  });

  it('prefers the directive with a reason when two cover the same line', () => {
    const s = parseSuppressions('# sslguard-disable-next-line\nPGSSLMODE=disable # sslguard-disable-line no-ssl-disabled -- local only\n');
    expect(s.directives).toHaveLength(2);
    expect(s.isSuppressed('no-ssl-disabled', 2)).toEqual({ justification: 'local only' });
    expect(s.isSuppressed('cert-expiry', 2)).toEqual({});
  });
});
