import { describe, expect, it } from 'vitest';
import type { ConnectionFact, Fact, SettingFact, Span } from '../../src/model.js';
import { extractHelmValues } from '../../src/extract/helm-values.js';
import { classifyPath } from '../../src/discovery/kinds.js';
import { extractFile } from '../../src/extract/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';

const pos = (s: Span | undefined): [number, number, number, number] | undefined => s && [s.line, s.column, s.endLine, s.endColumn];
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');

// Values of an application chart that can use the bundled bitnami postgresql or an external RDS.
const VALUES = `image:
  repository: ghcr.io/acme/api
  tag: "1.4.2"

postgresql:
  enabled: false
  auth:
    username: app
    password: ""
  ssl:
    rejectUnauthorized: false

externalDatabase:
  host: orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com
  port: 5432
  database: orders
  sslMode: disable
  existingSecret: orders-db

migrations:
  databaseUrl: "postgres://migrator@{{ .Release.Name }}-postgresql:5432/orders?sslmode=require"

env:
  - name: PGSSLROOTCERT
    value: certs/rds-ca.pem
extraEnv:
  NODE_TLS_REJECT_UNAUTHORIZED: "0"
defaults: &db
  sslmode: prefer
replica: *db
`;

describe('extractHelmValues', () => {
  const { facts, diagnostics } = extractHelmValues({ file: 'charts/api/values-production.yaml', text: VALUES });
  const byName = (n: string) => settings(facts).filter((s) => s.name === n);

  it('reads a values file with template strings without calling it a template', () => {
    expect(diagnostics).toEqual([]);
  });

  it('names settings by their key path, classified by the last key, in one unit per file', () => {
    const [ru] = byName('postgresql.ssl.rejectUnauthorized');
    expect(ru).toMatchObject({ category: 'reject-unauthorized', value: 'false', format: 'helm-values', unit: { kind: 'helm-values', name: 'charts/api/values-production.yaml' } });
    expect(pos(ru!.nameSpan)).toEqual([11, 5, 11, 23]);
    expect(pos(ru!.valueSpan)).toEqual([11, 25, 11, 30]);
    expect(byName('externalDatabase.sslMode')[0]).toMatchObject({ category: 'sslmode', value: 'disable' });
    expect(byName('postgresql.auth.password')[0]).toMatchObject({ category: 'password', value: '', placeholder: true });
  });

  it('takes the environment from the file name', () => {
    expect(byName('externalDatabase.sslMode')[0]!.environment).toEqual({ name: 'production', reason: 'file name `values-production.yaml`' });
  });

  it('reads env lists and maps under their variable names', () => {
    expect(byName('PGSSLROOTCERT')[0]).toMatchObject({ category: 'sslrootcert', value: 'certs/rds-ca.pem' });
    expect(pos(byName('PGSSLROOTCERT')[0]!.valueSpan)).toEqual([25, 12, 25, 28]);
    expect(byName('NODE_TLS_REJECT_UNAUTHORIZED')[0]).toMatchObject({ category: 'node-tls-reject-unauthorized', value: '0' });
  });

  it('finds URLs at any key, keeping a template action inside the host', () => {
    const c = connections(facts).find((f) => f.variable === 'migrations.databaseUrl')!;
    expect(c.hosts[0]).toMatchObject({ host: '{{ .Release.Name }}-postgresql', class: 'unknown' });
    expect(pos(c.span)).toEqual([21, 17, 21, 95]);
  });

  it('assembles externalDatabase.host / port / database into one connection at the host key', () => {
    const c = connections(facts).find((f) => f.synthesized)!;
    expect(c).toMatchObject({ variable: 'externalDatabase.host', database: 'orders', form: 'dsn' });
    expect(c.hosts[0]).toMatchObject({ host: 'orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com', port: 5432, class: 'remote' });
    expect(pos(c.span)).toEqual([14, 9, 14, 60]);
  });

  it('reads an anchored block once, at the anchor', () => {
    const modes = byName('defaults.sslmode');
    expect(modes).toHaveLength(1);
    expect(byName('replica.sslmode')).toEqual([]);
    expect(pos(modes[0]!.valueSpan)).toEqual([29, 12, 29, 18]);
  });
});

describe('Helm values files', () => {
  it.each([
    ['charts/api/values.yaml', ['helm-values', 'yaml']],
    ['deploy/values-prod.yaml', ['helm-values', 'yaml']],
    ['values.staging.yml', ['helm-values', 'yaml']],
    ['charts/api/templates/values.yaml', ['yaml']],
    ['config/default-values.yaml', ['yaml']],
  ])('%s is read as %j', (file, kinds) => {
    expect(classifyPath(file)).toEqual(kinds);
  });

  it('are not read as Kubernetes manifests, and chart templates stay "template, not scanned"', () => {
    const values = extractFile({ file: 'charts/api/values.yaml', text: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  DATABASE_URL: postgres://app@db.exemplar.io/app\n' }, DEFAULT_CONFIG);
    expect(values.facts.filter((f) => f.kind === 'connection').map((f) => f.format)).toEqual(['helm-values']);
    const template = extractFile({ file: 'charts/api/templates/deployment.yaml', text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n' }, DEFAULT_CONFIG);
    expect(template.diagnostics.map((d) => d.message)).toEqual(['Helm template, not scanned']);
  });
});

describe('Helm values overrides', () => {
  it('inherit the chart values beside them: an override that sets only the host keeps values.yaml’s sslmode', async () => {
    const { lintSources } = await import('../../src/engine/lint.js');
    const base = { file: 'chart/values.yaml', text: 'externalDatabase:\n  host: ""\n  port: 5432\n  sslmode: disable\n' };
    const prod = { file: 'chart/values-prod.yaml', text: 'externalDatabase:\n  host: orders.cluster-c1x2y3.eu-west-1.rds.amazonaws.com\n' };
    const both = lintSources([base, prod]).findings;
    expect(both.map((f) => [f.ruleId, f.file, f.line])).toEqual([['no-ssl-disabled', 'chart/values.yaml', 4]]);
    expect(both[0]!.message).toContain('orders.cluster-c1x2y3.eu-west-1.rds.amazonaws.com');
    // The override alone (values.yaml not scanned) has no sslmode: the usual warning.
    expect(lintSources([prod]).findings.map((f) => f.ruleId)).toEqual(['require-sslmode']);
  });
});

describe('Helm values blocks named for no database', () => {
  it('are a connection when they say sslmode beside the host; `pass` is their password, `smtp.pass` is not', async () => {
    const { lintSources } = await import('../../src/engine/lint.js');
    const text = [
      'data:',
      '  metadataConnection:',
      '    user: airflow',
      '    pass: Xk9-vL2mQ7pR4tZ',
      '    host: airflow-meta.cluster-c1x2y3.eu-west-1.rds.amazonaws.com',
      '    port: 5432',
      '    sslmode: disable',
      'smtp:',
      '  host: smtp.acme-corp.io',
      '  port: 587',
      '  pass: Xk9-vL2mQ7pR4tZ',
      '',
    ].join('\n');
    const findings = lintSources([{ file: 'charts/airflow/values.yaml', text, git: { inGit: true, tracked: true, ignored: false } }]).findings;
    expect(findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['no-plaintext-password', 4],
      ['no-ssl-disabled', 7],
    ]);
  });
});
