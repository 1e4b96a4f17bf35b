import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { rules } from '../../rules/index.js';

const CORE = ['no-ssl-disabled', 'require-sslmode', 'require-verify-full', 'no-reject-unauthorized', 'require-root-cert', 'absolute-cert-path', 'verify-full-ip-host', 'tls-min-version', 'no-plaintext-password', 'gitignore-certs', 'gitignore-env', 'cert-expiry', 'key-permissions'];

async function listRules(): Promise<string> {
  let out = '';
  const code = await main(['--list-rules'], { cwd: process.cwd(), stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
  expect(code).toBe(0);
  return out;
}

describe('where each rule looks', () => {
  it('every core rule says where it looks, in its metadata', () => {
    for (const id of CORE) expect(rules.find((r) => r.meta.id === id)?.meta.looksAt?.length, id).toBeGreaterThan(0);
  });

  it('--list-rules prints each place on an indented line under the rule', async () => {
    const lines = (await listRules()).split('\n');
    for (const rule of rules.filter((r) => CORE.includes(r.meta.id))) {
      const at = lines.findIndex((l) => l.startsWith(`${rule.meta.id} `));
      expect(lines.slice(at + 1, at + 1 + rule.meta.looksAt!.length)).toEqual(rule.meta.looksAt!.map((l) => expect.stringMatching(new RegExp(`^ +looks at: ${l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))));
    }
    expect(lines).toContainEqual(expect.stringMatching(/^ +looks at: .*Dockerfiles and Helm values$/));
  });

  it('docs/rules.md has a "Where it looks" section with the same places', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
    for (const rule of rules.filter((r) => CORE.includes(r.meta.id))) {
      const section = docs.slice(docs.indexOf(`## ${rule.meta.id}\n`));
      expect(section).toContain(`### Where it looks\n\n${rule.meta.looksAt!.map((l) => `- ${l}`).join('\n')}\n`);
    }
  });
});
