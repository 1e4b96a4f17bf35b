// A deliberately small constant folder: enough to read `false`, `'TLSv1'`, `!1`, `void 0` and
// `'0' as const` as written. Values flowing through variables are left to later work (it would
// extend `fold` with a scope lookup).
import type { LiteralValue } from '../../model.js';
import type { Node } from './ast.js';

export const UNKNOWN: { unknown: true } = { unknown: true };

/** A folded value; `undefined` is JavaScript's undefined (`undefined`, `void 0`). */
export type Folded = LiteralValue | undefined;

export function isKnown(value: Folded): value is string | number | boolean | null | undefined {
  return value === undefined || value === null || typeof value !== 'object';
}

/** `undefined` and `null` both mean "not set" to tls, https and pg options, and the model has only null. */
export function toLiteralValue(value: Folded): LiteralValue {
  return value === undefined ? null : value;
}

/** Strips TypeScript-only wrappers: `x as T`, `x satisfies T`, `x!`, `<T>x`. */
export function unwrapTs(node: Node): Node {
  let n = node;
  while (n.type === 'TSAsExpression' || n.type === 'TSSatisfiesExpression' || n.type === 'TSNonNullExpression' || n.type === 'TSTypeAssertion') {
    n = n.expression;
  }
  return n;
}

export function fold(node: Node | null | undefined): Folded {
  if (!node) return UNKNOWN;
  const n = unwrapTs(node);
  switch (n.type) {
    case 'Literal':
      if ('regex' in n || 'bigint' in n) return UNKNOWN;
      return n.value as string | number | boolean | null;
    case 'Identifier':
      return n.name === 'undefined' ? undefined : UNKNOWN;
    case 'TemplateLiteral':
      return n.expressions.length === 0 && n.quasis[0]?.value.cooked != null ? n.quasis[0].value.cooked : UNKNOWN;
    case 'UnaryExpression': {
      if (n.operator === 'void') return undefined;
      const arg = fold(n.argument);
      if (!isKnown(arg)) return UNKNOWN;
      if (n.operator === '!') return !arg;
      if (n.operator === '-' && typeof arg === 'number') return -arg;
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}
