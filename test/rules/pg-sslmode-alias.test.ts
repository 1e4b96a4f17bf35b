import { describe, expect, it } from 'vitest';
import rule from '../../rules/pg-sslmode-alias.js';
import { at, connection, runRule } from '../helpers/facts.js';

describe('pg-sslmode-alias', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('pg-sslmode-alias');
    expect(rule.meta.defaultSeverity).toBe('warning');
  });

  it.each([
    ['prefer', "libpq's meaning: TLS only when the server offers it, and no certificate check"],
    ['require', "libpq's meaning: TLS without certificate verification"],
    ['verify-ca', "libpq's meaning: the certificate chain is checked but not the host name"],
    ['REQUIRE', "libpq's meaning: TLS without certificate verification"],
  ])('reports sslmode=%s read by node-postgres, on the sslmode value', (mode, meaning) => {
    const c = connection({ format: 'source', file: 'src/db.ts', consumer: 'node-postgres', params: { sslmode: mode } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => [f.at, f.severity, f.messageId])).toEqual([[at(c.sslmode!.span), 'warning', 'alias']]);
    expect(found[0]!.message).toContain(`node-postgres reads sslmode=${mode.toLowerCase()} as verify-full today`);
    expect(found[0]!.message).toContain(meaning);
    expect(found[0]!.message).toContain('Write sslmode=verify-full to keep today\'s checks (connection to db.abcdefghijklmnop.supabase.co), or add uselibpqcompat=true');
  });

  it('reports the reference MCP Postgres server, which connects through node-postgres', () => {
    const c = connection({ format: 'mcp', file: '.cursor/mcp.json', consumer: 'mcp:@modelcontextprotocol/server-postgres', params: { sslmode: 'require' } });
    expect(runRule(rule, [c])).toHaveLength(1);
  });

  it('leaves verify-full, disable, no-verify, other consumers, unknown consumers, local hosts and uselibpqcompat=true alone', () => {
    const quiet = [
      connection({ consumer: 'node-postgres', params: { sslmode: 'verify-full' } }),
      connection({ consumer: 'node-postgres', params: { sslmode: 'disable' } }),
      connection({ consumer: 'node-postgres', params: { sslmode: 'no-verify' } }),
      connection({ consumer: 'node-postgres' }),
      connection({ consumer: 'postgres.js', params: { sslmode: 'require' } }),
      connection({ consumer: 'libpq', params: { sslmode: 'require' } }),
      connection({ params: { sslmode: 'require' } }),
      connection({ consumer: 'node-postgres', hosts: ['localhost'], params: { sslmode: 'require' } }),
      connection({ consumer: 'node-postgres', params: { uselibpqcompat: 'true', sslmode: 'require' } }),
    ];
    expect(runRule(rule, quiet)).toEqual([]);
    expect(runRule(rule, [connection({ consumer: 'node-postgres', params: { uselibpqcompat: 'false', sslmode: 'require' } })])).toHaveLength(1);
  });
});
