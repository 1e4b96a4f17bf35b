import { describe, expect, it } from 'vitest';
import rule from '../../rules/absolute-cert-path.js';
import { isRelativePath } from '../../src/policy/paths.js';
import type { FileFormat } from '../../src/model.js';
import { at, connection, runRule, setting, unit } from '../helpers/facts.js';

describe('isRelativePath', () => {
  it.each(['certs/ca.crt', './certs/ca.crt', '../ca.pem', 'ca.crt', '.postgresql\\root.crt'])('%s is relative', (p) => {
    expect(isRelativePath(p)).toBe(true);
  });
  it.each(['/etc/ssl/ca.crt', 'C:\\certs\\ca.crt', 'd:/certs/ca.crt', '\\\\server\\share\\ca.crt', '~/.postgresql/root.crt', 'system', 'SYSTEM', '${CERT_DIR}/ca.crt', '$CERT', '${workspaceFolder}/certs/ca.crt', ''])(
    '%s is not relative',
    (p) => {
      expect(isRelativePath(p)).toBe(false);
    },
  );
});

describe('absolute-cert-path', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('absolute-cert-path');
    expect(rule.meta.defaultSeverity).toBe('warning');
  });

  it('reports relative sslrootcert, sslcert and sslkey parameters in any format, on the value', () => {
    const c = connection({ file: '.cursor/mcp.json', format: 'mcp', params: { sslmode: 'verify-full', sslrootcert: 'certs/ca.crt', sslcert: './client.crt', sslkey: 'client.key' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.sslrootcert!.span), at(c.sslcert!.span), at(c.sslkey!.span)]);
    expect(found[0]!.message).toBe(
      "sslrootcert=certs/ca.crt is a relative path: libpq resolves it against the MCP client's working directory, which is not the repository. " +
        'Write an absolute path (e.g. sslrootcert=/etc/ssl/postgres/ca.crt).',
    );
    expect(found[2]!.message).toContain('(e.g. sslkey=/etc/ssl/postgres/client.key)');
    const env = runRule(rule, [connection({ params: { sslrootcert: 'ca.crt' } })]);
    expect(env[0]!.message).toContain('against the working directory of the process that connects');
  });

  it('accepts absolute, home, system and variable paths in parameters', () => {
    const ok = ['/etc/ssl/ca.crt', '~/.postgresql/root.crt', 'system', '${CA_FILE}', 'C:/certs/ca.crt'].map((v) => connection({ params: { sslrootcert: v } }));
    expect(runRule(rule, ok)).toEqual([]);
  });

  it('reports relative PGSSLROOTCERT / PGSSLCERT / PGSSLKEY settings in mcp, compose and kubernetes files, on the value', () => {
    const formats: FileFormat[] = ['mcp', 'compose', 'kubernetes'];
    const settings = formats.map((format) => setting({ file: `x.${format}`, format, category: 'sslrootcert', name: 'PGSSLROOTCERT', value: './certs/ca.crt' }));
    const found = runRule(rule, settings);
    expect(found.map((f) => f.at)).toEqual(settings.map((s) => at(s.valueSpan)));
    expect(found[1]!.message).toContain("against the container's working directory");
    const keys = runRule(rule, [
      setting({ format: 'compose', category: 'sslcert', name: 'PGSSLCERT', value: 'client.crt' }),
      setting({ format: 'compose', category: 'sslkey', name: 'PGSSLKEY', value: 'client.key' }),
    ]);
    expect(keys).toHaveLength(2);
  });

  it('reports relative certificate path variables (*SSL_CERT_PATH*, *_SSL_CA*) in mcp, compose, kubernetes, Dockerfiles and Helm values', () => {
    const formats: FileFormat[] = ['mcp', 'compose', 'kubernetes', 'dockerfile', 'helm-values'];
    const settings = formats.map((format) => setting({ file: `x.${format}`, format, category: 'cert-path', name: 'DB_SSL_CERT_PATH', value: 'certs/ca.crt' }));
    const found = runRule(rule, settings);
    expect(found.map((f) => f.at)).toEqual(settings.map((s) => at(s.valueSpan)));
    expect(found[0]!.message).toBe(
      "DB_SSL_CERT_PATH=certs/ca.crt is a relative path: the program that reads it resolves it against the MCP client's working directory, which is not the repository. " +
        'Write an absolute path (e.g. DB_SSL_CERT_PATH=/etc/ssl/postgres/client.crt).',
    );
    expect(found[3]!.message).toContain("against the container's working directory");
    const named = runRule(rule, [
      setting({ format: 'compose', category: 'cert-path', name: 'DB_SSL_CA', value: 'ca.pem' }),
      setting({ format: 'compose', category: 'cert-path', name: 'DB_SSL_KEY_PATH', value: 'client.key' }),
    ]);
    expect(named.map((f) => f.message.match(/e\.g\. (\S+)\)/)?.[1])).toEqual(['DB_SSL_CA=/etc/ssl/postgres/ca.crt', 'DB_SSL_KEY_PATH=/etc/ssl/postgres/client.key']);
  });

  it('does not report relative settings in env and source files, other categories, or non-literal values', () => {
    expect(
      runRule(rule, [
        setting({ format: 'env', category: 'sslrootcert', name: 'PGSSLROOTCERT', value: 'certs/ca.crt' }),
        setting({ format: 'source', category: 'sslrootcert', name: 'PGSSLROOTCERT', value: 'certs/ca.crt' }),
        setting({ format: 'env', category: 'cert-path', name: 'DB_SSL_CA', value: 'certs/ca.crt' }),
        setting({ format: 'compose', category: 'password', name: 'DB_PASSWORD', value: 'certs/ca.crt' }),
        setting({ format: 'compose', category: 'sslrootcert', name: 'PGSSLROOTCERT' }),
        setting({ format: 'kubernetes', category: 'sslrootcert', name: 'PGSSLROOTCERT', value: '/etc/ssl/ca.crt', unit: unit('k8s/deploy.yaml', 'k8s-container', 'api') }),
      ]),
    ).toEqual([]);
  });
});
