import { describe, expect, it } from 'vitest';
import { isKeptOutOfGit, isTrackedButIgnored, wouldCommit } from '../../src/policy/git.js';
import { createFactSet } from '../../src/engine/lint.js';
import { fileFact } from '../helpers/facts.js';

describe('git policy', () => {
  it('wouldCommit: tracked, or not ignored (inside or outside a work tree)', () => {
    const f = (spec: { tracked?: boolean; ignored?: boolean; inGit?: boolean }) => wouldCommit(fileFact('.env', { fileKind: 'env', ...spec }));
    expect(f({ tracked: true, ignored: true })).toBe(true);
    expect(f({ tracked: true, ignored: false })).toBe(true);
    expect(f({ tracked: false, ignored: false })).toBe(true);
    expect(f({ inGit: false, ignored: false })).toBe(true);
    expect(f({ tracked: false, ignored: true })).toBe(false);
    expect(f({ inGit: false, ignored: true })).toBe(false);
    expect(f({ inGit: false })).toBe(false);
  });

  it('isTrackedButIgnored', () => {
    expect(isTrackedButIgnored(fileFact('.env', { fileKind: 'env', tracked: true, ignored: true }))).toBe(true);
    expect(isTrackedButIgnored(fileFact('.env', { fileKind: 'env', tracked: true, ignored: false }))).toBe(false);
  });

  it('isKeptOutOfGit: an ignored, untracked file fact for the same path', () => {
    const set = createFactSet([fileFact('.env', { fileKind: 'env', ignored: true, tracked: false }), fileFact('.env.prod', { fileKind: 'env', ignored: true, tracked: true })]);
    expect(isKeptOutOfGit(set, '.env')).toBe(true);
    expect(isKeptOutOfGit(set, '.env.prod')).toBe(false);
    expect(isKeptOutOfGit(set, 'src/db.ts')).toBe(false);
  });
});
