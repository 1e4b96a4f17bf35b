import { describe, expect, it } from 'vitest';
import rule from '../../rules/gitignore-certs.js';
import { certificate, fileFact, runRule } from '../helpers/facts.js';

describe('gitignore-certs', () => {
  it('has the contracted id and default severity', () => {
    expect(rule.meta.id).toBe('gitignore-certs');
    expect(rule.meta.defaultSeverity).toBe('error');
  });

  it('reports a tracked private key as an error with git rm --cached and .gitignore', () => {
    const [r, ...rest] = runRule(rule, [fileFact('certs/client.key', { fileKind: 'private-key', tracked: true, ignored: false })]);
    expect(rest).toEqual([]);
    expect(r!.severity).toBe('error');
    expect(r!.message).toBe(
      'Private key certs/client.key is committed to git. Add `certs/client.key` to .gitignore and run `git rm --cached certs/client.key`, then replace the key: it stays readable in the history.',
    );
  });

  it('reports a tracked certificate as a warning', () => {
    const [r] = runRule(rule, [fileFact('certs/ca.crt', { fileKind: 'certificate', tracked: true, ignored: false })]);
    expect(r!.severity).toBe('warning');
    expect(r!.message).toBe('Certificate certs/ca.crt is committed to git. Add `certs/ca.crt` to .gitignore and run `git rm --cached certs/ca.crt`.');
  });

  it('says git rm --cached when the file is tracked although ignored', () => {
    const [r] = runRule(rule, [fileFact('certs/client.key', { fileKind: 'private-key', tracked: true, ignored: true })]);
    expect(r!.messageId).toBe('trackedIgnored');
    expect(r!.message).toContain('is matched by .gitignore but git still tracks it: ignoring does not untrack. Run `git rm --cached certs/client.key`');
  });

  it('asks for a .gitignore entry for untracked, unignored files inside and outside git', () => {
    const inGit = fileFact('deploy/client.key', { fileKind: 'private-key', inGit: true, tracked: false, ignored: false });
    const outside = fileFact('deploy/ca.pem', { fileKind: 'certificate', inGit: false, ignored: false });
    const found = runRule(rule, [inGit, outside]);
    expect(found.map((f) => [f.messageId, f.severity])).toEqual([
      ['untracked', 'error'],
      ['untracked', 'warning'],
    ]);
    expect(found[0]!.message).toBe(
      'Private key deploy/client.key is not matched by .gitignore, so `git add .` would commit it. Add `deploy/client.key` (or its directory) to .gitignore.',
    );
  });

  it('accepts ignored untracked files, unknown git state, and other file kinds', () => {
    expect(
      runRule(rule, [
        fileFact('certs/client.key', { fileKind: 'private-key', tracked: false, ignored: true }),
        fileFact('certs/ca.crt', { fileKind: 'certificate', inGit: false, ignored: true }),
        fileFact('certs/other.crt', { fileKind: 'certificate', inGit: false }),
        fileFact('.env', { fileKind: 'env', tracked: true, ignored: false }),
      ]),
    ).toEqual([]);
  });
});

describe('gitignore-certs on a bundle of public roots', () => {
  it('is silent: a CA bundle copied into an image is public, a single committed CA is still a warning', () => {
    const bundle = [fileFact('docker/ca-certificates.crt', { fileKind: 'certificate', tracked: true, ignored: false }), ...Array.from({ length: 6 }, (_, i) => certificate({ file: 'docker/ca-certificates.crt', subject: `CN=Root ${i}`, notAfter: '2035-01-01T00:00:00.000Z' }))];
    expect(runRule(rule, bundle)).toEqual([]);
    const single = [fileFact('certs/ca.crt', { fileKind: 'certificate', tracked: true, ignored: false }), certificate({ file: 'certs/ca.crt', notAfter: '2035-01-01T00:00:00.000Z' })];
    expect(runRule(rule, single).map((f) => f.severity)).toEqual(['warning']);
  });
});
