// The TypeScript/JavaScript parser. The CLI parses with oxc-parser (native, prebuilt bindings;
// its `astType: 'ts'` AST is TS-ESTree-shaped, so every handler reads it as TSESTree). The ESLint
// plugin hands over the AST ESLint already has (typescript-eslint's parser or espree) and parses
// nothing. typescript-estree remains the fallback: where no oxc binding loads (said once on stderr),
// and for files nested too deep for oxc's native recursion (see nestingDepthBound). It is loaded
// lazily, synchronously (extractors also run inside ESLint rules), only when needed.
import { createRequire } from 'node:module';
import type * as Estree from '@typescript-eslint/typescript-estree';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type * as VisitorKeysModule from '@typescript-eslint/visitor-keys';
import type * as OxcModule from 'oxc-parser';

const require = createRequire(import.meta.url);

export type { TSESTree };
export type Node = TSESTree.Node;

let estree: typeof Estree | undefined;
let keysModule: typeof VisitorKeysModule | undefined;
let oxc: typeof OxcModule | null | undefined;

function loadEstree(): typeof Estree {
  estree ??= require('@typescript-eslint/typescript-estree') as typeof Estree;
  return estree;
}

/** oxc-parser, or null where its native binding does not load (an unsupported platform); then once a note on stderr. */
function loadOxc(): typeof OxcModule | null {
  if (oxc !== undefined) return oxc;
  try {
    if (process.env.SSLGUARD_PARSER === 'typescript-estree') throw new Error('SSLGUARD_PARSER=typescript-estree');
    oxc = require('oxc-parser') as typeof OxcModule;
  } catch (e) {
    oxc = null;
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (process.env.SSLGUARD_PARSER !== 'typescript-estree') process.stderr.write(`sslguard: oxc-parser is not available here (${reason}); parsing TS/JS with typescript-estree, which is slower\n`);
  }
  return oxc;
}

export function loadVisitorKeys(): typeof VisitorKeysModule {
  keysModule ??= require('@typescript-eslint/visitor-keys') as typeof VisitorKeysModule;
  return keysModule;
}

/** Whether this module instance has loaded a parser yet (the prefilter's whole point). */
export function parserLoaded(): boolean {
  return estree !== undefined || (oxc !== undefined && oxc !== null);
}

export type ParseOutcome =
  | { ok: true; program: TSESTree.Program }
  /** `syntax` is false when the parser failed otherwise (its recursion overflowed on generated code). */
  | { ok: false; syntax: boolean; message: string; offset?: number };

/** JSX is legal in .tsx and .jsx, and in plain JavaScript files as TypeScript itself treats them. */
export function jsxForFile(file: string): boolean {
  return /\.(tsx|jsx|js|mjs|cjs)$/i.test(file);
}

/**
 * oxc recurses on the native stack and a stack overflow kills the process (seen at ~4,400 nested
 * type arguments, ~7,600 nested arrays). Above this bound a file goes to typescript-estree, whose
 * overflow is a catchable RangeError (a "cannot parse" diagnostic).
 */
const OXC_DEPTH_LIMIT = 1000;

export function parseSource(text: string, file: string): ParseOutcome {
  const parser = nestingDepthBound(text) <= OXC_DEPTH_LIMIT ? loadOxc() : null;
  return parser ? parseWithOxc(parser, text, file) : parseWithEstree(text, jsxForFile(file));
}

function oxcLang(file: string): 'js' | 'jsx' | 'ts' | 'tsx' {
  if (/\.tsx$/i.test(file)) return 'tsx';
  if (/\.[cm]?ts$/i.test(file)) return 'ts';
  return 'jsx';
}

function parseWithOxc(parser: typeof OxcModule, text: string, file: string): ParseOutcome {
  const lang = oxcLang(file);
  const sourceType = /\.c[jt]s$/i.test(file) ? 'commonjs' : lang === 'jsx' && !/\.mjs$/i.test(file) ? 'unambiguous' : 'module';
  const result = parser.parseSync(file, text, { lang, sourceType, astType: 'ts', range: true, preserveParens: false, showSemanticErrors: false });
  const error = result.errors.find((e) => e.severity === 'Error');
  if (error) return { ok: false, syntax: true, message: error.message, ...(error.labels[0] ? { offset: error.labels[0].start } : {}) };
  return { ok: true, program: result.program as unknown as TSESTree.Program };
}

/** typescript-estree, as the ESLint plugin's typescript-eslint parser reads the file; also the conformance test's reference. */
export function parseWithEstree(text: string, jsx: boolean): ParseOutcome {
  const parser = loadEstree();
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

/**
 * An upper bound of how deep the parser will recurse, from one linear pass: the bracket depth
 * (`( [ {`) outside strings, comments, template text and regular expressions, plus, for every open
 * bracket, the operators and keywords that nest without a bracket since that level's last statement
 * or list separator (`!!!x`, `a => b => c`, `a ? b : c ? …`, `A<B<C>>`, `else if …`, `new new X`).
 * Written by hand because no tokenizer on npm is both linear and this cheap; erring high only costs
 * speed (the file then goes to typescript-estree).
 */
export function nestingDepthBound(text: string): number {
  // chain[d]: unbracketed nesting tokens pending at depth d; elses[d]: `else`s since d's last `;`.
  const chain: number[] = [0];
  const elses: number[] = [0];
  let depth = 0;
  let pending = 0;
  let max = 0;
  // Template literals: the bracket depth at which each open `${` returns to template text.
  const templates: number[] = [];
  let regexAllowed = true;
  let newline = false;
  // A statement head's parentheses (`if (…)`, `while (…)`): the statement goes on after `)`.
  let headNext = false;
  const heads: boolean[] = [false];
  const open = (): void => {
    depth++;
    chain[depth] = 0;
    elses[depth] = 0;
    heads[depth] = headNext;
    headNext = false;
  };
  const close = (): void => {
    if (depth === 0) {
      pending -= chain[0]! + elses[0]!;
      chain[0] = 0;
      elses[0] = 0;
      return;
    }
    pending -= chain[depth]! + elses[depth]!;
    depth--;
  };
  const endOfList = (): void => {
    pending -= chain[depth]!;
    chain[depth] = 0;
  };
  const nest = (): void => {
    chain[depth]!++;
    pending++;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      // A line break ends a statement (ASI) unless the next token continues the expression.
      if (!regexAllowed) newline = true;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    const operator = OPERATOR.has(c) && !(c === 0x2f && (text.charCodeAt(i + 1) === 0x2f || text.charCodeAt(i + 1) === 0x2a));
    if (newline) {
      newline = false;
      if (!operator) endOfList();
    }
    switch (c) {
      case 0x27: case 0x22: // ' "
        i = skipQuoted(text, i, c);
        regexAllowed = false;
        continue;
      case 0x60: // `
        i = skipTemplateText(text, i + 1, templates, depth);
        regexAllowed = false;
        continue;
      case 0x2f: { // /
        const next = text.charCodeAt(i + 1);
        if (next === 0x2f || next === 0x2a) { i = commentEnd(text, i) - 1; continue; }
        if (regexAllowed) { i = skipRegex(text, i); regexAllowed = false; continue; }
        nest();
        regexAllowed = true;
        break;
      }
      case 0x28: case 0x5b: case 0x7b: // ( [ {
        open();
        regexAllowed = true;
        break;
      case 0x29: case 0x5d: // ) ]
        regexAllowed = heads[depth] === true;
        close();
        continue;
      case 0x7d: // }
        if (templates.length > 0 && templates[templates.length - 1] === depth - 1) {
          close();
          templates.pop();
          i = skipTemplateText(text, i + 1, templates, depth);
          regexAllowed = false;
          continue;
        }
        close();
        regexAllowed = true;
        continue;
      case 0x3b: // ;
        endOfList();
        pending -= elses[depth]!;
        elses[depth] = 0;
        regexAllowed = true;
        continue;
      case 0x2c: // ,
        endOfList();
        regexAllowed = true;
        continue;
      default:
        if (operator) {
          nest();
          regexAllowed = true;
          break;
        }
        if (isWordChar(c)) {
          let j = i + 1;
          while (j < n && isWordChar(text.charCodeAt(j))) j++;
          const word = text.slice(i, j);
          if (word === 'else') {
            elses[depth]!++;
            pending++;
            regexAllowed = true;
          } else if (PREFIX_WORDS.has(word)) {
            nest();
            regexAllowed = true;
            headNext = STATEMENT_HEADS.has(word);
          } else regexAllowed = false;
          i = j - 1;
          break;
        }
        regexAllowed = false;
        continue;
    }
    if (depth + pending > max) max = depth + pending;
  }
  return max;
}

/** Operators that may nest an expression or type without a bracket: ! ~ + - * / % = < > ? : & | ^ @ */
const OPERATOR = new Set([0x21, 0x7e, 0x2b, 0x2d, 0x2a, 0x2f, 0x25, 0x3d, 0x3c, 0x3e, 0x3f, 0x3a, 0x26, 0x7c, 0x5e, 0x40]);
const STATEMENT_HEADS = new Set(['if', 'while', 'for', 'with']);
const PREFIX_WORDS = new Set(['if', 'new', 'typeof', 'void', 'delete', 'await', 'yield', 'return', 'throw', 'case', 'do', 'in', 'of', 'instanceof', 'keyof', 'extends', 'while', 'for', 'with']);

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24 || c > 0x7f;
}

/** Where the comment starting at `i` ends: a line comment at its line break, a block comment just after its closing star and slash. */
function commentEnd(text: string, i: number): number {
  if (text.charCodeAt(i + 1) === 0x2f) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  }
  const close = text.indexOf('*/', i + 2);
  return close < 0 ? text.length : close + 2;
}

function skipQuoted(text: string, i: number, quote: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === quote || c === 0x0a) return j;
  }
  return text.length;
}

/** From inside template text: to the closing backtick, or to a `${` (pushed on `templates`, at `depth`). */
function skipTemplateText(text: string, i: number, templates: number[], depth: number): number {
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x60) return j;
    else if (c === 0x24 && text.charCodeAt(j + 1) === 0x7b) {
      templates.push(depth);
      // The `{` of `${` is counted by the caller's loop on its next step.
      return j;
    }
  }
  return text.length;
}

function skipRegex(text: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x0a) return j;
    else if (c === 0x5b) inClass = true;
    else if (c === 0x5d) inClass = false;
    else if (c === 0x2f && !inClass) return j;
  }
  return text.length;
}

/** A `/` where a regular expression may start: not after a name, a number or a closing bracket. */
function regexMayStart(text: string, at: number): boolean {
  let j = at - 1;
  while (j >= 0 && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09 || text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d)) j--;
  if (j < 0) return true;
  const p = text.charCodeAt(j);
  return !(isWordChar(p) || p === 0x29 || p === 0x5d || p === 0x7d);
}

/**
 * Whether any match of `pattern` (global) lies outside comments: a file that says `postgres` or
 * `SSL` only in its comments is not worth a parse. One linear pass over strings, template text,
 * regular expressions and comments, and only when the text matches at all.
 */
export function matchesOutsideComments(text: string, pattern: RegExp): boolean {
  // The first match not known to be inside a comment; the scan stops as soon as it passes one (a
  // match in code or in a string literal counts) or runs out of comments before it.
  const find = (from: number): number => {
    pattern.lastIndex = from;
    const m = pattern.exec(text);
    return m ? m.index : -1;
  };
  let match = find(0);
  if (match < 0) return false;
  const templates: number[] = [];
  let depth = 0;
  const n = text.length;
  // Jump from one character that can open a string, comment, regular expression or template part to the next.
  const special = /[/'"`{}]/g;
  let i = 0;
  while (i < n) {
    if (match < i) return true;
    special.lastIndex = i;
    const m = special.exec(text);
    // No comment can follow: the match is in code.
    if (!m) return true;
    i = m.index;
    if (match < i) return true;
    const c = text.charCodeAt(i);
    if (c === 0x2f && (text.charCodeAt(i + 1) === 0x2f || text.charCodeAt(i + 1) === 0x2a)) {
      const end = commentEnd(text, i);
      // The match is inside this comment (it starts at or after the comment's start): look for the next one after it.
      if (match < end) {
        match = find(end);
        if (match < 0) return false;
      }
      i = end;
      continue;
    }
    if (c === 0x27 || c === 0x22) i = skipQuoted(text, i, c) + 1;
    else if (c === 0x60) i = skipTemplateText(text, i + 1, templates, depth) + 1;
    else if (c === 0x2f) i = regexMayStart(text, i) ? skipRegex(text, i) + 1 : i + 1;
    else if (c === 0x7b) {
      depth++;
      i++;
    } else if (templates.length > 0 && templates[templates.length - 1] === depth - 1) {
      depth--;
      templates.pop();
      i = skipTemplateText(text, i + 1, templates, depth) + 1;
    } else {
      depth = Math.max(0, depth - 1);
      i++;
    }
  }
  return match < n;
}
