// Lazy access to the TypeScript/JavaScript parser. typescript-estree pulls in the whole TypeScript
// compiler, so it is loaded only when a file passed the cheap trigger prefilter, and synchronously,
// because extractors also run inside ESLint rules.
import { createRequire } from 'node:module';
import type * as Estree from '@typescript-eslint/typescript-estree';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type * as VisitorKeysModule from '@typescript-eslint/visitor-keys';

const require = createRequire(import.meta.url);

export type { TSESTree };
export type Node = TSESTree.Node;

let estree: typeof Estree | undefined;
let keysModule: typeof VisitorKeysModule | undefined;

function loadParser(): typeof Estree {
  estree ??= require('@typescript-eslint/typescript-estree') as typeof Estree;
  return estree;
}

export function loadVisitorKeys(): typeof VisitorKeysModule {
  keysModule ??= require('@typescript-eslint/visitor-keys') as typeof VisitorKeysModule;
  return keysModule;
}

/** Whether this module instance has loaded the parser yet (the prefilter's whole point). */
export function parserLoaded(): boolean {
  return estree !== undefined;
}

export type ParseOutcome =
  | { ok: true; program: TSESTree.Program }
  /** `syntax` is false when the parser failed otherwise (its recursion overflowed on generated code). */
  | { ok: false; syntax: boolean; message: string; offset?: number };

/** JSX is legal in .tsx and .jsx, and in plain JavaScript files as TypeScript itself treats them. */
export function jsxForFile(file: string): boolean {
  return /\.(tsx|jsx|js|mjs|cjs)$/i.test(file);
}

export function parseSource(text: string, jsx: boolean): ParseOutcome {
  const parser = loadParser();
  try {
    const program = parser.parse(text, {
      range: true,
      loc: false,
      jsx,
      comment: false,
      tokens: false,
      errorOnUnknownASTType: false,
      // Semantic slips (a duplicate `default`, an anonymous class) should not hide the rest of the file.
      allowInvalidAST: true,
      jsDocParsingMode: 'none',
      suppressDeprecatedPropertyWarnings: true,
    });
    return { ok: true, program };
  } catch (e) {
    if (e instanceof parser.TSError) return { ok: false, syntax: true, message: e.message, offset: e.location.start.offset };
    return { ok: false, syntax: false, message: e instanceof Error ? e.message : String(e) };
  }
}
