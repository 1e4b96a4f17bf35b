import { describe, expect, it } from 'vitest';
import type { ConnectionFact, SettingFact } from '../../src/model.js';
import { extractWorkflow } from '../../src/extract/workflow.js';
import { classifyPath } from '../../src/discovery/kinds.js';

const text = `name: deploy
on: [push]
env:
  NODE_TLS_REJECT_UNAUTHORIZED: "0"
jobs:
  test:
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
    env:
      DATABASE_URL: postgresql://postgres:postgres@postgres:5432/test?sslmode=disable
    steps:
      - run: npm test
        env:
          PGSSLMODE: disable
  migrate:
    environment:
      name: production
    steps:
      - run: pg_dump "postgresql://app:\${{ secrets.DB_PASSWORD }}@db.acme-corp.io:5432/app?sslmode=require" > dump.sql
`;

describe('extractWorkflow', () => {
  it('is the extractor of .github/workflows files only', () => {
    expect(classifyPath('.github/workflows/deploy.yml')).toEqual(['workflow', 'yaml']);
    expect(classifyPath('apps/api/.github/workflows/ci.yaml')).toEqual(['workflow', 'yaml']);
    expect(classifyPath('.github/dependabot.yml')).toEqual(['yaml']);
  });

  it('reads the workflow, job and step env and run commands, with service containers local and the job environment', () => {
    const { facts, diagnostics } = extractWorkflow({ file: '.github/workflows/deploy.yml', text });
    expect(diagnostics).toEqual([]);
    const settings = facts.filter((f): f is SettingFact => f.kind === 'setting').map((s) => [s.name, s.value, s.unit?.name]);
    expect(settings).toEqual([
      ['NODE_TLS_REJECT_UNAUTHORIZED', '0', '(workflow)'],
      ['POSTGRES_PASSWORD', 'postgres', 'test/services/postgres'],
      ['PGSSLMODE', 'disable', 'test'],
    ]);
    const connections = facts.filter((f): f is ConnectionFact => f.kind === 'connection');
    expect(connections.map((c) => [c.hosts[0]!.host, c.hosts[0]!.class, c.consumer, c.environment.name])).toEqual([
      ['postgres', 'local', undefined, 'unknown'],
      ['db.acme-corp.io', 'remote', 'libpq', 'production'],
    ]);
    expect(connections[1]!.password).toMatchObject({ present: true, placeholder: true });
    expect(connections[1]!.environment.reason).toBe('job `migrate` deploys to environment `production`');
  });
});
