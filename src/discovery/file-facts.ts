import type { FileFact, FileFormat, FileKind, Span } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import { environmentOfPath } from '../policy/environment.js';
import { fileKindOf } from './kinds.js';
import { envSecretOf } from '../policy/env-secrets.js';
import type { DiscoveredFile } from './walk.js';

/** A finding about a whole file sits at its first character. */
const WHOLE_FILE: Readonly<Span> = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };

const FORMAT: Record<FileKind, FileFormat> = {
  certificate: 'certificate',
  'private-key': 'certificate',
  env: 'env',
  'env-template': 'env',
};

/**
 * The file fact of a certificate, private key, env file or env template; undefined for any other
 * file. `head` is the start of the decoded content, which decides between certificate and key.
 */
export function fileFact(file: DiscoveredFile, head?: string, config?: ResolvedConfig): FileFact | undefined {
  const fileKind = fileKindOf(file.rel, head);
  if (!fileKind) return undefined;
  const fact: FileFact = {
    kind: 'file',
    file: file.rel,
    format: FORMAT[fileKind],
    span: { ...WHOLE_FILE },
    environment: environmentOfPath(file.rel, config, file.scopePath),
    fileKind,
    inGit: file.git.inGit,
  };
  if (file.git.tracked !== undefined) fact.tracked = file.git.tracked;
  if (file.git.ignored !== undefined) fact.ignored = file.git.ignored;
  if (file.git.repository) fact.repository = file.git.repository;
  if (fileKind === 'env' && head !== undefined) {
    const secret = envSecretOf(head);
    if (secret) fact.secret = secret;
  }
  // Windows reports made-up permission bits; only POSIX file systems have real ones.
  if (process.platform !== 'win32') fact.mode = file.mode & 0o7777;
  return fact;
}
