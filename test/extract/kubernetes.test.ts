import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConnectionFact, Fact, SettingFact, Span } from '../../src/model.js';
import { extractKubernetes } from '../../src/extract/kubernetes.js';

const pos = (s: Span | undefined): [number, number, number, number] | undefined => s && [s.line, s.column, s.endLine, s.endColumn];
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

// ConfigMap + Secret + Deployment of one agent in namespace production, as `kubectl apply -f` takes it.
const MANIFESTS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: agent-config
  namespace: production
data:
  DATABASE_URL: postgresql://agent@db.prod.exemplar.io:5432/agent?sslmode=verify-full&sslrootcert=/etc/pg/ca.crt
  PGSSLMODE: verify-full
  STAGING_DATABASE_URL: postgresql://agent@db.staging.exemplar.io:5432/agent?sslmode=require
---
apiVersion: v1
kind: Secret
metadata:
  name: agent-db
  namespace: production
type: Opaque
stringData:
  DB_PASSWORD: Str1ngDataPw
data:
  DATABASE_URL: ${b64('postgresql://agent:B64Secret@db.prod.exemplar.io:5432/agent?sslmode=disable')}
  tls.key: MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ==
  BROKEN: "not base64!"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  namespace: production
spec:
  replicas: 2
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      initContainers:
        - name: migrate
          image: registry.exemplar.io/agent-migrate:1.4.2
          args: ["--database", "postgresql://migrator@db.prod.exemplar.io:5432/agent?sslmode=verify-ca&sslrootcert=/etc/pg/ca.crt"]
      containers:
        - name: agent
          image: registry.exemplar.io/agent:1.4.2
          command:
            - node
            - dist/agent.js
          env:
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: agent-db
                  key: DATABASE_URL
            - name: PGSSLMODE
              value: require
            - name: NODE_TLS_REJECT_UNAUTHORIZED
              value: "0"
            - name: "ANALYTICS_URL"
              value: 'postgres://analytics@warehouse.exemplar.io/analytics?sslmode=prefer'
`;

describe('extractKubernetes on a ConfigMap + Secret + Deployment file', () => {
  const { facts, diagnostics } = extractKubernetes({ file: 'deploy/agent.yaml', text: MANIFESTS });
  const production = { name: 'production', reason: 'namespace `production`' };

  it('takes the environment from the namespace, unless a variable prefix says otherwise', () => {
    expect(facts.length).toBeGreaterThan(0);
    for (const f of facts) {
      if (f.kind === 'connection' && f.variable === 'STAGING_DATABASE_URL') expect(f.environment).toEqual({ name: 'staging', reason: 'variable prefix `STAGING_`' });
      else expect(f.environment).toEqual(production);
    }
  });

  it('reads ConfigMap data with exact spans', () => {
    const [url] = connections(facts);
    expect(url).toMatchObject({
      format: 'kubernetes',
      variable: 'DATABASE_URL',
      unit: { id: 'deploy/agent.yaml#k8s-configmap:agent-config', kind: 'k8s-configmap', name: 'agent-config' },
      sslmode: { value: 'verify-full' },
      sslrootcert: { value: '/etc/pg/ca.crt' },
      hosts: [{ host: 'db.prod.exemplar.io', class: 'remote' }],
    });
    expect(pos(url!.span)).toEqual([7, 17, 7, 113]);
    expect(pos(url!.sslmode!.span)).toEqual([7, 75, 7, 86]);
    const sslmode = settings(facts).find((s) => s.unit?.kind === 'k8s-configmap')!;
    expect(sslmode).toMatchObject({ category: 'sslmode', value: 'verify-full' });
    expect(pos(sslmode.nameSpan)).toEqual([8, 3, 8, 12]);
    expect(pos(sslmode.valueSpan)).toEqual([8, 14, 8, 25]);
  });

  it('reads Secret stringData exactly and base64 data at the encoded scalar', () => {
    const password = settings(facts).find((s) => s.category === 'password')!;
    expect(password).toMatchObject({ name: 'DB_PASSWORD', value: 'Str1ngDataPw', placeholder: false, unit: { id: 'deploy/agent.yaml#k8s-secret:agent-db' } });
    expect(pos(password.valueSpan)).toEqual([18, 16, 18, 28]);
    const decoded = connections(facts).find((c) => c.unit?.kind === 'k8s-secret')!;
    expect(decoded).toMatchObject({ variable: 'DATABASE_URL', sslmode: { value: 'disable' }, password: { present: true, placeholder: false } });
    expect(decoded.masked).toBe('postgresql://agent:****@db.prod.exemplar.io:5432/agent?sslmode=disable');
    // Decoded positions have no place in the file: the whole base64 scalar.
    expect(pos(decoded.span)).toEqual([20, 17, 20, 117]);
    expect(pos(decoded.sslmode!.span)).toEqual([20, 17, 20, 117]);
  });

  it('reports invalid base64 and skips binary data silently', () => {
    expect(diagnostics).toEqual([{ file: 'deploy/agent.yaml', message: 'Secret `agent-db`: `data.BROKEN` is not valid base64, not scanned', line: 22, column: 12 }]);
    expect(facts.filter((f) => f.unit?.kind === 'k8s-secret')).toHaveLength(2);
  });

  it('reads container env values, args and command per container; valueFrom yields nothing', () => {
    const agent = facts.filter((f) => f.unit?.id === 'deploy/agent.yaml#k8s-container:Deployment/agent/agent');
    expect(settings(agent).map((s) => [s.name, s.value])).toEqual([
      ['PGSSLMODE', 'require'],
      ['NODE_TLS_REJECT_UNAUTHORIZED', '0'],
    ]);
    expect(connections(agent).map((c) => c.variable)).toEqual(['ANALYTICS_URL']);
    const reject = settings(agent)[1]!;
    expect(pos(reject.nameSpan)).toEqual([57, 21, 57, 49]);
    expect(pos(reject.valueSpan)).toEqual([58, 23, 58, 24]);
    // A quoted env name is located without its quotes; a single-quoted value too.
    const analytics = connections(agent)[0]!;
    expect(pos(analytics.span)).toEqual([60, 23, 60, 90]);
    const migrate = connections(facts).find((c) => c.unit?.name === 'Deployment/agent/migrate')!;
    expect(migrate).toMatchObject({ sslmode: { value: 'verify-ca' }, unit: { kind: 'k8s-container' } });
    expect(migrate.variable).toBeUndefined();
    expect(pos(migrate.span)).toEqual([42, 33, 42, 130]);
  });
});

describe('extractKubernetes workloads and files', () => {
  it('finds CronJob containers under jobTemplate, environment from the directory', () => {
    const text = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.exemplar.io/report:2.0.0
              env:
                - name: REPORT_DB_URL
                  value: postgresql://report@db.prod.exemplar.io:5432/agent?sslmode=verify-full&sslrootcert=/etc/pg/ca.crt
                - name: PGSSLROOTCERT
                  value: /etc/pg/ca.crt
`;
    const { facts, diagnostics } = extractKubernetes({ file: 'k8s/production/cronjob.yaml', text });
    expect(diagnostics).toEqual([]);
    expect(facts.map((f) => [f.kind, f.unit?.id, f.environment.name])).toEqual([
      ['connection', 'k8s/production/cronjob.yaml#k8s-container:CronJob/nightly-report/report', 'production'],
      ['setting', 'k8s/production/cronjob.yaml#k8s-container:CronJob/nightly-report/report', 'production'],
    ]);
    expect(facts[0]!.environment.reason).toBe('directory `k8s/production`');
    expect(settings(facts)[0]).toMatchObject({ category: 'sslrootcert', value: '/etc/pg/ca.crt' });
    expect(pos(settings(facts)[0]!.valueSpan)).toEqual([19, 26, 19, 40]);
  });

  it('reads the items of a List (kubectl get -o yaml) and Pods, StatefulSets, Jobs', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: psql-debug
      namespace: dev-tools
    spec:
      containers:
        - name: psql
          image: postgres:16
          command: ["psql", "postgresql://admin@10.0.12.7:5432/postgres?sslmode=disable"]
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: pgbouncer
    spec:
      template:
        spec:
          containers:
            - env:
                - name: PGSSLMODE
                  value: allow
  - apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
      namespace: staging
    spec:
      template:
        spec:
          containers:
            - name: migrate
              env:
                - name: DB_SSL_MODE
                  value: disable
`;
    const { facts } = extractKubernetes({ file: 'cluster-dump.yaml', text });
    expect(facts.map((f) => [f.kind, f.unit?.name, f.environment.name])).toEqual([
      ['connection', 'Pod/psql-debug/psql', 'development'],
      ['setting', 'StatefulSet/pgbouncer/#1', 'unknown'],
      ['setting', 'Job/migrate/migrate', 'staging'],
    ]);
    expect(connections(facts)[0]!.hosts[0]).toMatchObject({ host: '10.0.12.7', class: 'remote', ip: 'v4' });
    expect(facts[0]!.environment.reason).toBe('namespace `dev-tools`');
  });

  it('yields nothing for YAML that is not a manifest (a GitHub workflow with ${{ }} expressions)', () => {
    const text = `name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
    env:
      DATABASE_URL: postgresql://postgres:postgres@localhost:5432/test?sslmode=disable
      API_TOKEN: \${{ secrets.API_TOKEN }}
    steps:
      - uses: actions/checkout@v4
`;
    expect(extractKubernetes({ file: '.github/workflows/ci.yml', text })).toEqual({ facts: [], diagnostics: [] });
  });

  it('reports a Helm template once and scans nothing', () => {
    const text = readFileSync(new URL('../../fixtures/k8s-app/charts/agent/templates/deployment.yaml', import.meta.url), 'utf8');
    const { facts, diagnostics } = extractKubernetes({ file: 'charts/agent/templates/deployment.yaml', text });
    expect(facts).toEqual([]);
    expect(diagnostics).toEqual([{ file: 'charts/agent/templates/deployment.yaml', message: 'Helm template, not scanned', line: 4, column: 9 }]);
  });

  it('keeps positions right with CRLF line endings and a byte order mark', () => {
    const text = '\uFEFF' + MANIFESTS.split('---\n')[0]!.replace(/\n/g, '\r\n');
    const { facts } = extractKubernetes({ file: 'deploy/agent.yaml', text });
    const url = connections(facts)[0]!;
    // Same lines and columns as with LF; the BOM is one more column on line 1 only.
    expect(pos(url.span)).toEqual([7, 17, 7, 113]);
    expect(pos(url.sslmode!.span)).toEqual([7, 75, 7, 86]);
    expect(pos(settings(facts)[0]!.valueSpan)).toEqual([8, 14, 8, 25]);
  });

  it('reads the other documents of a file when one is broken', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: broken
data:
  PGSSLMODE: disable
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: fine
data:
  PGSSLMODE: verify-full
`;
    const { facts, diagnostics } = extractKubernetes({ file: 'cm.yaml', text });
    expect(settings(facts).map((s) => [s.unit?.name, s.value, s.valueSpan.line])).toEqual([['fine', 'verify-full', 12]]);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.message.startsWith('invalid YAML, document not scanned: ') && d.line! <= 6)).toBe(true);
  });
});

describe('extractKubernetes: YAML that is no manifest', () => {
  it('is not parsed: an OpenAPI spec or an alias bomb without apiVersion and kind yields nothing, quickly', () => {
    const bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + 'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`).join('\n') + '\n';
    const spec = 'openapi: 3.0.0\npaths:\n  /db:\n    get:\n      description: "postgres://u:pw@db.acme-corp.io/app?sslmode=disable"\n';
    for (const text of [bomb, spec]) expect(extractKubernetes({ file: 'specs/openapi.yaml', text })).toEqual({ facts: [], diagnostics: [] });
  });
});
