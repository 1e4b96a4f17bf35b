// package.json scripts: `NODE_TLS_REJECT_UNAUTHORIZED=0 node dist/server.js`,
// `cross-env PGSSLMODE=disable tsx src/index.ts`, `psql "postgresql://…"`. The top-level
// "sslguard" key is configuration and belongs to the config loader, not to this extractor.
import type { ValueLocation } from '../text/source.js';
import { FactSink, unitOf, type EmitOptions, type Extractor } from './sink.js';
import { JsonStringMap, parseJsonc, properties, property } from './jsonc.js';
import { ASSIGNMENT, COMMAND_SEPARATORS, shellTokens, wordRange, type ShellWord } from './shell-words.js';
import { environmentOfUnitName } from './unit-environment.js';
import { isLibpqTool } from './libpq-commands.js';

/** Words that run the rest of the command with extra environment variables. */
const ENV_PREFIXES = new Set(['cross-env', 'cross-env-shell', 'env', 'set', 'export']);

interface ScriptContext {
  sink: FactSink;
  command: string;
  map: JsonStringMap;
  options: EmitOptions;
}

/** File location of value[from, to) of a word. */
function locate(ctx: ScriptContext, word: ShellWord, from: number, to: number): ValueLocation {
  const inCommand = wordRange(ctx.command, word, from, to);
  const inFile = ctx.map.location(inCommand.start, inCommand.end);
  return inCommand.exact ? inFile : { ...inFile, exact: false };
}

function extractScript(ctx: ScriptContext): void {
  const tokens = shellTokens(ctx.command);
  let atCommandStart = true;
  let afterPrefix = false;
  let consumer: string | undefined;
  // Assignments are emitted once the command they apply to is known.
  let pending: ShellWord[] = [];

  const flush = (): void => {
    for (const word of pending) {
      const eq = word.value.indexOf('=');
      const nameLoc = ctx.map.location(word.start, word.start + eq);
      ctx.sink.assignment(word.value.slice(0, eq), nameLoc, word.value.slice(eq + 1), locate(ctx, word, eq + 1, word.value.length), {
        ...ctx.options,
        ...(consumer ? { consumer } : {}),
      });
    }
    pending = [];
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'operator') {
      if (COMMAND_SEPARATORS.has(token.op)) {
        flush();
        atCommandStart = true;
        afterPrefix = false;
        consumer = undefined;
      }
      continue;
    }
    if (atCommandStart) {
      // A name must be written unquoted for the shell to see an assignment.
      if (ASSIGNMENT.test(ctx.command.slice(token.start, token.end)) && ASSIGNMENT.test(token.value)) {
        pending.push(token);
        continue;
      }
      const next = tokens[i + 1];
      if (ENV_PREFIXES.has(token.value) || (token.value === 'npx' && next?.kind === 'word' && ENV_PREFIXES.has(next.value))) {
        afterPrefix = true;
        continue;
      }
      // `env -i`, `env -u NAME`.
      if (afterPrefix && token.value.startsWith('-')) {
        if (token.value === '-u' || token.value === '--unset') i++;
        continue;
      }
      atCommandStart = false;
      // libpq's own command-line tools: connection strings passed to them follow libpq semantics.
      consumer = isLibpqTool(token.value) ? 'libpq' : undefined;
      flush();
      continue;
    }
    const options = { ...ctx.options, ...(consumer ? { consumer } : {}) };
    const eq = token.value.indexOf('=');
    if (token.value.startsWith('-') && eq > 0) {
      // `--dbname=host=db sslmode=disable`: the value alone may be a DSN.
      ctx.sink.value(token.value.slice(eq + 1), locate(ctx, token, eq + 1, token.value.length), { ...options, variable: token.value.slice(0, eq) });
    } else {
      ctx.sink.value(token.value, locate(ctx, token, 0, token.value.length), options);
    }
  }
  flush();
}

/**
 * Whether no script can yield a fact: a fact needs an assignment or a DSN (`=`) or a URL (`://`).
 * Most package.json files of a monorepo have none; the native JSON.parse answers that for them
 * without the located parse (undefined when the file is not plain JSON: then the full read decides).
 */
function scriptsAreInert(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null) return false;
  const scripts = (parsed as { scripts?: unknown }).scripts;
  if (scripts === undefined) return true;
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) return false;
  return Object.values(scripts).every((s) => typeof s !== 'string' || (!s.includes('=') && !s.includes('://')));
}

export const extractPackageJson: Extractor = (input) => {
  if (scriptsAreInert(input.text)) return { facts: [], diagnostics: [] };
  const sink = new FactSink(input, 'package-json');
  const root = parseJsonc(sink);
  for (const script of properties(property(root, 'scripts'))) {
    if (script.value.type !== 'string') continue;
    const environment = environmentOfUnitName(script.key, 'script');
    const map = new JsonStringMap(sink.text, script.value);
    extractScript({
      sink,
      command: map.decoded,
      map,
      options: { unit: unitOf(input.file, 'package-script', script.key), ...(environment ? { environment } : {}) },
    });
  }
  return sink.result();
};
