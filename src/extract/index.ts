import { isTestPath } from '../policy/test-paths.js';
import type { Diagnostic, Fact } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import type { SourceInput } from '../engine/lint.js';
import type { ExtractInput, Extractor, ExtractResult } from './sink.js';
import { classifyPath, type PathKind } from '../discovery/kinds.js';
import { fileFact } from '../discovery/file-facts.js';
import { decodeText } from '../text/decode.js';
import { isPrefiltered, skippedSource, sourceMayHoldFacts } from './prefilter.js';
import { extractEnv } from './env.js';
import { extractCompose } from './compose.js';
import { extractKubernetes } from './kubernetes.js';
import { extractMcp, looksLikeMcpConfig } from './mcp.js';
import { extractSource, hasSourceTriggers } from './source.js';
import { extractPython } from './python/index.js';
import { extractPackageJson } from './package-json.js';
import { extractPrisma } from './prisma.js';
import { certificatesFromBytes, extractInlinePem } from './certificate.js';
import { extractDockerfile } from './dockerfile.js';
import { extractHelmValues } from './helm-values.js';
import { extractWorkflow } from './workflow.js';
import { readManifest, type PackageManifest } from '../packages/readers.js';
import { maskSecrets } from '../connection/mask.js';
import { pushAll } from '../lists.js';

export interface FileExtraction extends ExtractResult {
  /** The decoded text, when the file was read as text (for suppression comments). */
  text?: string;
  /** What the file says of installed package versions (package.json, lockfiles, Python manifests). */
  manifest?: PackageManifest;
}

/** Which extractors read a file of these kinds (decided by path; JSON also by content). */
function extractorsFor(kinds: readonly PathKind[], file: string, text: string): Extractor[] {
  const out: Extractor[] = [];
  if (kinds.includes('env')) out.push(extractEnv);
  if (kinds.includes('compose')) out.push(extractCompose);
  else if (kinds.includes('helm-values')) out.push(extractHelmValues);
  else if (kinds.includes('workflow')) out.push(extractWorkflow);
  else if (kinds.includes('yaml')) out.push(extractKubernetes);
  if (kinds.includes('dockerfile')) out.push(extractDockerfile);
  if (kinds.includes('prisma')) out.push(extractPrisma);
  if (kinds.includes('package-json')) out.push(extractPackageJson);
  else if (kinds.includes('mcp') || (kinds.includes('json') && looksLikeMcpConfig(file, text))) out.push(extractMcp);
  if (kinds.includes('source') && hasSourceTriggers(text)) out.push(extractSource);
  // extractPython tests for its triggers itself before parsing.
  if (kinds.includes('python')) out.push(extractPython);
  return out;
}

/**
 * Everything sslguard learns from one file: its file fact (certificates, keys, env files), the
 * facts of each extractor that reads its format, and inline PEM certificates. An extractor that
 * throws is a bug, but it must not end the scan: it becomes a diagnostic for this file only.
 */
export function extractFile(source: SourceInput, config: ResolvedConfig): FileExtraction {
  const facts: Fact[] = [];
  const diagnostics: Diagnostic[] = [];
  // Links between units and references to other files, for the core's unit views.
  const related: Pick<ExtractResult, 'links' | 'references' | 'units' | 'uses' | 'definitions'> = {};
  const kinds = classifyPath(source.file);
  const guard = (what: string, fn: () => ExtractResult | undefined): void => {
    try {
      const r = fn();
      if (r) {
        pushAll(facts, r.facts);
        pushAll(diagnostics, r.diagnostics);
        if (r.links) pushAll((related.links ??= []), r.links);
        if (r.references) pushAll((related.references ??= []), r.references);
        if (r.units) pushAll((related.units ??= []), r.units);
        if (r.uses) pushAll((related.uses ??= []), r.uses);
        if (r.definitions) pushAll((related.definitions ??= []), r.definitions);
      }
    } catch (error) {
      diagnostics.push({ file: source.file, message: `internal error in the ${what} reader, file skipped: ${(error as Error).message}` });
    }
  };

  // Most files of a large tree are source that never mentions Postgres or TLS: answer for them
  // from the raw bytes, with the diagnostics decoding would have given. Source files have no file fact.
  if (source.text === undefined && source.bytes && isPrefiltered(kinds) && !sourceMayHoldFacts(source.bytes)) {
    return skippedSource(source.file, source.bytes);
  }

  let text = source.text;
  if (text === undefined && source.bytes) {
    const isContainer = kinds.includes('certificate') || kinds.includes('private-key');
    const decoded = decodeText(source.bytes);
    if (decoded.ok) {
      text = decoded.text;
      if (decoded.warning) diagnostics.push({ file: source.file, message: decoded.warning });
    } else if (!isContainer) {
      diagnostics.push({ file: source.file, message: decoded.reason });
    }
  }

  const head = text?.slice(0, 64 * 1024);
  const ff = fileFact(
    {
      abs: source.file,
      rel: source.file,
      ...(source.scopePath !== undefined ? { scopePath: source.scopePath } : {}),
      kinds,
      explicit: true,
      git: source.git ?? { inGit: false },
      size: source.bytes?.length ?? text?.length ?? 0,
      mode: source.mode ?? 0,
    },
    head,
    config,
  );
  if (ff) {
    if (source.mode === undefined) delete ff.mode;
    facts.push(ff);
  }

  if (kinds.includes('certificate')) {
    const bytes = source.bytes ?? Buffer.from(text ?? '', 'utf8');
    guard('certificate', () => certificatesFromBytes(source.file, Buffer.from(bytes), config, source.scopePath));
  }
  if (text === undefined) return { facts, diagnostics };

  let manifest: PackageManifest | undefined;
  if (kinds.includes('manifest')) {
    try {
      manifest = readManifest(source.file, text);
    } catch (error) {
      // package.json's own reader reports invalid JSON; a parser's message may quote the text: masked.
      if (!kinds.includes('package-json')) diagnostics.push({ file: source.file, message: maskSecrets(`cannot read the package versions it records: ${(error as Error).message.split('\n')[0]}`) });
    }
    // A lockfile holds no connection and no certificate: nothing more to read in it.
    if (!kinds.includes('package-json')) return { facts, diagnostics, ...(manifest ? { manifest } : {}) };
  }

  const input: ExtractInput = { file: source.file, text, config, ...(source.scopePath !== undefined ? { scopePath: source.scopePath } : {}), ...(source.program && text === source.text ? { program: source.program } : {}) };
  for (const extractor of extractorsFor(kinds, source.file, text)) guard(extractor.name || 'file', () => extractor(input));
  if (!kinds.includes('certificate')) guard('inline certificate', () => extractInlinePem(input));
  // Keys, certificates and env files of tests are the tests' own (rules read this, not the path).
  if (isTestPath(source.scopePath ?? source.file)) for (const f of facts) if (f.kind === 'file' || f.kind === 'certificate') f.testCode = true;
  return { facts, diagnostics, ...related, text, ...(manifest ? { manifest } : {}) };
}
