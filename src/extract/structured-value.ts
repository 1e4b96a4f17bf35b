// Variables whose value is a JSON object of driver options, as several frameworks accept them
// (`DB_SSL='{"rejectUnauthorized":false}'`, `DATABASE_SSL={"ca":"…"}`): each option inside is a
// setting of its own, named by its path (`DB_SSL.rejectUnauthorized`), so the rules that judge
// `*_REJECT_UNAUTHORIZED=false` judge it too, pointing at the option inside the value.
import { createRequire } from 'node:module';
import type * as JsoncParser from 'jsonc-parser';
import type { ValueLocation } from '../text/source.js';
import type { EmitOptions, FactSink } from './sink.js';
import { keySettingCategory } from './settings.js';
import { excessiveJsonNestingOffset } from './jsonc.js';

const require = createRequire(import.meta.url);
let jsonc: typeof JsoncParser | undefined;

/** Objects nest a level or two in real values; deeper ones are not option blocks. */
const MAX_DEPTH = 4;

/** True for a value that may be a JSON object worth parsing (cheap test first). */
export function looksLikeJsonObject(value: string): boolean {
  const v = value.trim();
  return v.length > 2 && v.startsWith('{') && v.endsWith('}') && v.includes('"');
}

/** Emits a setting for every TLS-relevant key of a JSON-object value; nothing for anything else. */
export function structuredSettings(sink: FactSink, name: string, value: string, loc: ValueLocation, options: EmitOptions): void {
  // Deep nesting overflows the parser's stack; no option block nests like that.
  if (!looksLikeJsonObject(value) || excessiveJsonNestingOffset(value) !== undefined) return;
  jsonc ??= require('jsonc-parser') as typeof JsoncParser;
  const errors: JsoncParser.ParseError[] = [];
  const root = jsonc.parseTree(value, errors, { allowTrailingComma: true });
  // Not JSON after all (a template, a shell brace group): not an option block.
  if (!root || errors.length > 0 || root.type !== 'object') return;
  const at = (start: number, end: number): ValueLocation => (loc.exact ? { start: loc.start + start, end: loc.start + end, exact: true } : loc);
  const visit = (node: JsoncParser.Node, path: string, depth: number): void => {
    for (const p of node.children ?? []) {
      const [k, v] = p.children ?? [];
      if (k?.type !== 'string' || !v) continue;
      const key = String(k.value);
      const full = `${path}.${key}`;
      if (v.type === 'object') {
        if (depth < MAX_DEPTH) visit(v, full, depth + 1);
        continue;
      }
      if (v.type !== 'string' && v.type !== 'number' && v.type !== 'boolean') continue;
      const category = keySettingCategory(key);
      if (!category) continue;
      const text = String(v.value);
      // Key without its quotes; a string value without its quotes, others as written.
      const keyLoc = at(k.offset + 1, k.offset + k.length - 1);
      const valueLoc = v.type === 'string' ? at(v.offset + 1, v.offset + v.length - 1) : at(v.offset, v.offset + v.length);
      const exact = loc.exact && value.slice(v.offset + (v.type === 'string' ? 1 : 0), v.offset + v.length - (v.type === 'string' ? 1 : 0)) === text;
      sink.assignment(full, keyLoc, text, { ...valueLoc, exact: valueLoc.exact && exact }, { ...options, category });
    }
  };
  visit(root, name, 1);
}
