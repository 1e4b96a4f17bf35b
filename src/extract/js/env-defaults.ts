// Options read from the environment with a default: `env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', false)`
// (Strapi's config helper), `process.env.DB_SSL_REJECT_UNAUTHORIZED === 'true'` (true only when set
// to `true`), `process.env.X ?? false`, `process.env.X || false`, `Boolean(process.env.X)`. The
// value in code is unknown, but what runs when nobody sets the variable is not: a default that
// switches verification off is the configuration every deployment gets unless it remembers.
import type { Node } from './ast.js';
import type { SourceAnalysis } from './analysis.js';
import { fold, isKnown, resolveNode, unwrapTs, type Folded } from './fold.js';
import { dottedName } from './names.js';

export interface EnvDefault {
  /** The value when the variable is not set. */
  value: Folded;
  variable: string;
}

/** `env.bool`, `env.int`, `env` (Strapi) and the common `getEnv`-style helper names. */
const HELPERS = /^(env|env\.(bool|boolean|int|float|str|string|json)|getEnv|getEnvVar)$/;

/** `process.env.NAME`, `process.env['NAME']`, `import.meta.env.NAME`, `Deno.env.get('NAME')`: the variable read. */
function envRead(node: Node, analysis: SourceAnalysis, depth = 0): string | undefined {
  const n = unwrapTs(node);
  if (depth > 4) return undefined;
  if (n.type === 'ChainExpression') return envRead(n.expression, analysis, depth + 1);
  if (n.type === 'Identifier') {
    const target = resolveNode(n, analysis.resolver);
    return target && target !== n ? envRead(target, analysis, depth + 1) : undefined;
  }
  const name = dottedName(n);
  for (const prefix of ['process.env.', 'import.meta.env.']) if (name?.startsWith(prefix)) return name.slice(prefix.length);
  if (n.type === 'CallExpression' && dottedName(n.callee) === 'Deno.env.get') {
    const v = n.arguments[0] && n.arguments[0].type !== 'SpreadElement' ? fold(n.arguments[0]) : undefined;
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** The value `node` takes when the environment variable it reads is not set; undefined when it reads none. */
export function envDefault(node: Node, analysis: SourceAnalysis, depth = 0): EnvDefault | undefined {
  const n = unwrapTs(node);
  if (depth > 4) return undefined;
  if (n.type === 'Identifier') {
    const target = resolveNode(n, analysis.resolver);
    return target && target !== n ? envDefault(target, analysis, depth + 1) : undefined;
  }
  if (n.type === 'CallExpression') {
    const callee = dottedName(n.callee);
    const [first, second] = n.arguments;
    if (callee && HELPERS.test(callee) && first && first.type !== 'SpreadElement') {
      const variable = fold(first, analysis.resolver);
      if (typeof variable !== 'string') return undefined;
      // `env.bool('X')` without a default is undefined when X is unset: the option's own default applies.
      if (!second || second.type === 'SpreadElement') return undefined;
      const value = fold(second, analysis.resolver);
      return isKnown(value) ? { value, variable } : undefined;
    }
    // Boolean(process.env.X): an unset variable is false.
    if (callee === 'Boolean' && first && first.type !== 'SpreadElement') {
      const variable = envRead(first, analysis);
      return variable ? { value: false, variable } : undefined;
    }
    return undefined;
  }
  if (n.type === 'LogicalExpression' && (n.operator === '??' || n.operator === '||')) {
    const variable = envRead(n.left, analysis);
    const value = fold(n.right, analysis.resolver);
    return variable && isKnown(value) ? { value, variable } : undefined;
  }
  if (n.type === 'BinaryExpression' && ['===', '==', '!==', '!='].includes(n.operator) && n.left.type !== 'PrivateIdentifier') {
    const [read, other] = envRead(n.left, analysis) ? [n.left, n.right] : envRead(n.right, analysis) ? [n.right, n.left] : [];
    if (!read || !other) return undefined;
    const compared = fold(other, analysis.resolver);
    if (!isKnown(compared) || compared === undefined) return undefined;
    // An unset variable is `undefined`: loosely equal to null, strictly equal to nothing written.
    const loose = n.operator === '==' || n.operator === '!=';
    const unsetMatches = loose && compared === null;
    const equal = n.operator === '===' || n.operator === '==';
    return { value: equal ? unsetMatches : !unsetMatches, variable: envRead(read, analysis)! };
  }
  return undefined;
}
