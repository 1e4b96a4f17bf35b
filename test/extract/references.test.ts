import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { referenceParts } from '../../src/extract/references.js';

describe('referenceParts', () => {
  it('compose / dotenv syntax: ${VAR}, $VAR, defaults, $$ and the forms that are not VAR’s value', () => {
    expect(referenceParts('postgres://u:${PW}@$DB_HOST:5432/app', 'shell')).toEqual(['postgres://u:', { name: 'PW' }, '@', { name: 'DB_HOST' }, ':5432/app']);
    expect(referenceParts('${MODE:-verify-full}', 'shell')).toEqual([{ name: 'MODE', fallback: { value: 'verify-full', whenEmpty: true } }]);
    expect(referenceParts('${MODE-require}', 'shell')).toEqual([{ name: 'MODE', fallback: { value: 'require', whenEmpty: false } }]);
    expect(referenceParts('${MODE:?set MODE}', 'shell')).toEqual([{ name: 'MODE' }]);
    // `${VAR:+alt}` is alt, not VAR; `$$` is a literal dollar.
    expect(referenceParts('${MODE:+on}', 'shell')).toBeUndefined();
    expect(referenceParts('pa$$word', 'shell')).toBeUndefined();
    expect(referenceParts('plain value', 'shell')).toBeUndefined();
  });

  it('MCP clients: ${VAR} and ${env:VAR}; ${input:…} and the client’s own variables stay literal', () => {
    expect(referenceParts('${env:PG_URL}', 'mcp')).toEqual([{ name: 'PG_URL' }]);
    expect(referenceParts('${PG_URL}', 'mcp')).toEqual([{ name: 'PG_URL' }]);
    expect(referenceParts('${input:pg_password}', 'mcp')).toBeUndefined();
    expect(referenceParts('${workspaceFolder}/.env', 'mcp')).toBeUndefined();
    expect(referenceParts('$PG_URL', 'mcp')).toBeUndefined();
  });

  it('Kubernetes: $(VAR), and $$(VAR) is the escaped literal', () => {
    expect(referenceParts('postgresql://$(DB_USER)@$(DB_HOST)/app', 'k8s')).toEqual(['postgresql://', { name: 'DB_USER' }, '@', { name: 'DB_HOST' }, '/app']);
    expect(referenceParts('$$(DB_HOST)', 'k8s')).toBeUndefined();
    expect(referenceParts('${DB_HOST}', 'k8s')).toBeUndefined();
  });

  it('never throws, and the literal parts are pieces of the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', '(', ')', ':', '-', 'A', 'b', '_', '1', 'env', 'input') , maxLength: 60 }), fc.constantFrom('shell', 'mcp', 'k8s' as const), (value, syntax) => {
        const parts = referenceParts(value, syntax);
        for (const p of parts ?? []) if (typeof p === 'string') expect(value.replace(/\$\$/g, '$')).toContain(p.replace(/\$\$/g, '$'));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear on adversarial input', () => {
    const started = performance.now();
    for (const value of ['${'.repeat(100_000), '${A'.repeat(100_000), '$('.repeat(100_000) + ')', '${A}'.repeat(100_000)]) {
      referenceParts(value, 'shell');
      referenceParts(value, 'k8s');
      referenceParts(value, 'mcp');
    }
    // A quadratic scan of these inputs takes minutes; a linear one well under the 10 s test timeout.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
