// Prisma schema files: the connection strings written in a `datasource` block
// (`url = "postgresql://…?sslmode=require&sslaccept=accept_invalid_certs"`, `directUrl`,
// `shadowDatabaseUrl`). Prisma reads these itself: its sslmode and sslaccept semantics apply.
//
// Written by hand: the only maintained parsers of the schema language ship inside Prisma's engines or
// pull in a parser generator, and all sslguard needs is the string values of one kind of block.
import { locateValue } from '../text/source.js';
import { FactSink, unitOf, type Extractor } from './sink.js';
import { PRISMA_DRIVER_ADAPTERS_CONSUMER } from '../packages/clients.js';

export const PRISMA_CONSUMER = 'prisma';

interface Token {
  kind: 'word' | 'string' | 'punct';
  text: string;
  /** The decoded value of a string token. */
  value: string;
  start: number;
  end: number;
}

/** Tokens of a schema: words, double-quoted strings, and single punctuation; comments skipped. */
function tokenize(text: string, sink: FactSink): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '"') {
      const start = i++;
      let value = '';
      let closed = false;
      while (i < text.length && text[i] !== '\n') {
        const ch = text[i]!;
        if (ch === '\\' && i + 1 < text.length) {
          const e = text[i + 1]!;
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          i += 2;
          continue;
        }
        i++;
        if (ch === '"') {
          closed = true;
          break;
        }
        value += ch;
      }
      if (!closed) {
        sink.diagnostic('unterminated string in Prisma schema', start);
        continue;
      }
      tokens.push({ kind: 'string', text: text.slice(start, i), value, start, end: i });
    } else if (/[A-Za-z0-9_]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), value: text.slice(start, i), start, end: i });
    } else {
      tokens.push({ kind: 'punct', text: c, value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

/** Whether the datasource block starting at token `from` names a provider other than Postgres (`provider = env(…)`: unknown, judged). */
function otherProvider(tokens: readonly Token[], from: number): boolean {
  let depth = 1;
  for (let j = from; j < tokens.length && depth > 0; j++) {
    const t = tokens[j]!;
    if (t.text === '{') depth++;
    else if (t.text === '}') depth--;
    else if (depth === 1 && t.text === 'provider' && tokens[j + 1]?.text === '=' && tokens[j + 2]?.kind === 'string') {
      return !['postgresql', 'postgres', 'cockroachdb'].includes(tokens[j + 2]!.value);
    }
  }
  return false;
}

/** A generator asks for driver adapters: `previewFeatures = ["driverAdapters"]` (Prisma 5.4 to 6). */
function asksForDriverAdapters(tokens: readonly Token[]): boolean {
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i]!.text !== 'previewFeatures' || tokens[i + 1]!.text !== '=' || tokens[i + 2]!.text !== '[') continue;
    for (let j = i + 3; j < tokens.length && tokens[j]!.text !== ']'; j++) if (tokens[j]!.kind === 'string' && tokens[j]!.value === 'driverAdapters') return true;
  }
  return false;
}

export const extractPrisma: Extractor = (input) => {
  const sink = new FactSink(input, 'prisma');
  const unit = unitOf(input.file, 'source-file', input.file);
  const tokens = tokenize(input.text, sink);
  // With driver adapters the client may hand the URL to node-postgres: decided once the installed
  // packages are known (src/packages/clients.ts); until then Prisma's engine reads it.
  const consumer = asksForDriverAdapters(tokens) ? PRISMA_DRIVER_ADAPTERS_CONSUMER : PRISMA_CONSUMER;
  for (let i = 0; i < tokens.length; i++) {
    // `datasource <name> {` … `}`
    if (tokens[i]!.text !== 'datasource' || tokens[i + 1]?.kind !== 'word' || tokens[i + 2]?.text !== '{') continue;
    let j = i + 3;
    let depth = 1;
    // `provider = "sqlite"` (or mysql, sqlserver, mongodb): not a Postgres datasource, nothing in it is judged.
    const other = otherProvider(tokens, j);
    for (; j < tokens.length && depth > 0; j++) {
      const t = tokens[j]!;
      if (t.text === '{') depth++;
      else if (t.text === '}') depth--;
      // `key = "value"`; `env("X")` and other expressions are not literals.
      else if (other) continue;
      else if (depth === 1 && t.kind === 'word' && tokens[j + 1]?.text === '=' && tokens[j + 2]?.kind === 'string') {
        const value = tokens[j + 2]!;
        sink.value(value.value, locateValue(input.text, value.start, value.end, value.value), { unit, consumer, variable: t.text });
      } else if (
        depth === 1 &&
        (t.text === 'url' || t.text === 'directUrl') &&
        tokens[j + 1]?.text === '=' &&
        tokens[j + 2]?.text === 'env' &&
        tokens[j + 3]?.text === '(' &&
        tokens[j + 4]?.kind === 'string' &&
        tokens[j + 5]?.text === ')'
      ) {
        // `url = env("DATABASE_URL")`: Prisma's engine reads whatever DATABASE_URL holds where it runs.
        const call = tokens[j + 2]!;
        const end = tokens[j + 5]!.end;
        sink.use({
          unit,
          scope: 'code',
          parts: [{ name: tokens[j + 4]!.value }],
          valueRange: { start: call.start, end },
          consumer,
          written: input.text.slice(call.start, end),
        });
      }
    }
    if (depth > 0) sink.diagnostic('unterminated datasource block in Prisma schema', tokens[i]!.start);
    i = j - 1;
  }
  return sink.result();
};
