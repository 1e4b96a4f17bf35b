import { describe, expect, it } from 'vitest';
import rule from '../../rules/gitignore-env.js';
import { fileFact, runRule } from '../helpers/facts.js';

describe('gitignore-env', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('gitignore-env');
    expect(rule.meta.defaultSeverity).toBe('error');
  });

  it('reports a committed env file with the .gitignore entries and git rm --cached', () => {
    const found = runRule(rule, [fileFact('.env.production', { fileKind: 'env', tracked: true, ignored: false, secret: 'DATABASE_URL' })]);
    expect(found.map((f) => [f.messageId, f.severity])).toEqual([['tracked', 'error']]);
    expect(found[0]!.message).toBe(
      '.env.production is committed to git with `DATABASE_URL` in it. Add `.env`, `.env.*` and `!.env.example` to .gitignore, run `git rm --cached .env.production` and rotate the secrets it held.',
    );
  });

  it('stays silent on a committed env file that holds no secret and no real connection (`.envrc` with `use devenv`)', () => {
    expect(runRule(rule, [fileFact('.envrc', { fileKind: 'env', tracked: true, ignored: false }), fileFact('.env.test', { fileKind: 'env', tracked: true, ignored: true })])).toEqual([]);
  });

  it('reports an env file that is tracked although ignored', () => {
    const [r] = runRule(rule, [fileFact('apps/api/.env', { fileKind: 'env', tracked: true, ignored: true, secret: 'JWT_SECRET' })]);
    expect(r!.messageId).toBe('trackedIgnored');
    expect(r!.message).toContain('Run `git rm --cached apps/api/.env`');
  });

  it('reports an untracked env file that .gitignore does not match, inside and outside git', () => {
    const found = runRule(rule, [
      fileFact('.env', { fileKind: 'env', inGit: true, tracked: false, ignored: false, secret: 'DATABASE_URL' }),
      fileFact('.env.local', { fileKind: 'env', inGit: false, ignored: false, secret: 'API_TOKEN' }),
      fileFact('.envrc', { fileKind: 'env', inGit: true, tracked: false, ignored: false }),
    ]);
    expect(found.map((f) => f.messageId)).toEqual(['untracked', 'untracked']);
    expect(found[0]!.message).toBe('.env holds `DATABASE_URL` and is not matched by .gitignore, so `git add .` would commit it. Add `.env`, `.env.*` and `!.env.example` to .gitignore.');
  });

  it('never reports templates, ignored files or unknown git state', () => {
    expect(
      runRule(rule, [
        fileFact('.env.example', { fileKind: 'env-template', tracked: true, ignored: false }),
        fileFact('.env', { fileKind: 'env', tracked: false, ignored: true }),
        fileFact('.env.local', { fileKind: 'env', inGit: false }),
      ]),
    ).toEqual([]);
  });
});
