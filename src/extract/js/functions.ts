// What a function always returns, for callbacks whose return value is the decision:
// `checkServerIdentity: () => undefined` accepts every host name, as `sslmode=verify-ca` does.
import type { LiteralValue } from '../../model.js';
import type { Node, TSESTree } from './ast.js';
import { fold, isKnown, toLiteralValue } from './fold.js';
import type { Resolver } from './scope.js';

type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.FunctionDeclaration;

/**
 * The value every call of `fn` returns, when each `return` folds to the same known value (a body
 * that returns nothing returns undefined, given as null). Undefined when it cannot be told: a
 * return that depends on the arguments, or a `throw` (a check that rejects by throwing).
 */
export function functionReturns(fn: FunctionNode, resolver: Resolver): LiteralValue | undefined {
  if (fn.async || fn.generator) return undefined;
  if (fn.body.type !== 'BlockStatement') {
    const v = fold(fn.body, resolver);
    return isKnown(v) ? toLiteralValue(v) : undefined;
  }
  const returns: Array<TSESTree.Expression | null> = [];
  let throws = false;
  const visit = (node: Node): void => {
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'ClassBody') return;
    if (node.type === 'ThrowStatement') throws = true;
    if (node.type === 'ReturnStatement') returns.push(node.argument);
    for (const [key, value] of Object.entries(node)) {
      // A tree from another parser (ESLint's) links parents: following them would never end.
      if (key === 'parent') continue;
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) visit(item);
      } else if (isNode(value) && value !== node) visit(value);
    }
  };
  for (const statement of fn.body.body) visit(statement);
  if (throws) return undefined;
  let result: LiteralValue | undefined;
  // Falling off the end returns undefined; only reachable when the last statement is not a return.
  const last = fn.body.body.at(-1);
  const values = returns.map((r) => (r ? fold(r, resolver) : undefined));
  if (!last || last.type !== 'ReturnStatement') values.push(undefined);
  for (const v of values) {
    if (!isKnown(v)) return undefined;
    const literal = toLiteralValue(v);
    if (result !== undefined && result !== literal) return undefined;
    result = literal;
  }
  return result;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && (value as { range?: unknown }).range !== undefined;
}
