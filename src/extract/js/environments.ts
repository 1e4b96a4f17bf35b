// Code that decides by environment: `process.env.NODE_ENV === 'production' ? { ca } : { rejectUnauthorized: false }`.
// What sits on the non-production side is still reported, tagged with the environment it runs in,
// so that policy (not the extractor) decides how much it matters.
import type { EnvironmentInfo, EnvironmentName } from '../../model.js';
import { environmentOfWord } from '../../policy/environment.js';
import type { Node } from './ast.js';
import type { SourceAnalysis } from './analysis.js';
import { fold, isKnown, resolveNode, unwrapTs } from './fold.js';
import { dottedName } from './names.js';

/** The environments on the two sides of a test; a side is undefined when the test says nothing about it. */
export interface EnvironmentTest {
  whenTrue?: EnvironmentInfo;
  whenFalse?: EnvironmentInfo;
}

/** `process.env.NODE_ENV`, `APP_ENV`, `VERCEL_ENV`, `ENVIRONMENT`, `STAGE`: variables that name the deployment. */
const ENV_VARIABLE = /^(?:[A-Z0-9]+_)?(?:ENV|ENVIRONMENT|STAGE)$/i;

function quote(analysis: SourceAnalysis, node: Node): string {
  const text = analysis.sink.text.slice(node.range[0], node.range[1]).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function isEnvironmentRead(node: Node, analysis: SourceAnalysis, depth: number): boolean {
  const n = unwrapTs(node);
  if (depth > 4) return false;
  if (n.type === 'Identifier') {
    const target = resolveNode(n, analysis.resolver);
    return target !== undefined && target !== n && isEnvironmentRead(target, analysis, depth + 1);
  }
  if (n.type === 'ChainExpression') return isEnvironmentRead(n.expression, analysis, depth + 1);
  const name = dottedName(n);
  if (name === 'import.meta.env.MODE') return true;
  if (name?.startsWith('process.env.')) return ENV_VARIABLE.test(name.slice('process.env.'.length));
  // Deno.env.get('APP_ENV')
  if (n.type === 'CallExpression' && dottedName(n.callee) === 'Deno.env.get') {
    const arg = n.arguments[0];
    const v = arg && arg.type !== 'SpreadElement' ? fold(arg) : undefined;
    return typeof v === 'string' && ENV_VARIABLE.test(v);
  }
  return false;
}

function environmentNamed(word: string): EnvironmentName | undefined {
  const env = environmentOfWord(word);
  // NODE_ENV=test is the test runner on a developer's machine or in CI, not a deployment.
  return word.toLowerCase() === 'test' ? 'development' : env;
}

/** What a test says about the environment, or undefined when it is not about the environment. */
export function environmentTest(test: Node, analysis: SourceAnalysis, depth = 0): EnvironmentTest | undefined {
  const n = unwrapTs(test);
  if (depth > 4) return undefined;
  if (n.type === 'UnaryExpression' && n.operator === '!') {
    const inner = environmentTest(n.argument, analysis, depth + 1);
    return inner && { ...(inner.whenFalse ? { whenTrue: inner.whenFalse } : {}), ...(inner.whenTrue ? { whenFalse: inner.whenTrue } : {}) };
  }
  if (n.type === 'Identifier') {
    const target = resolveNode(n, analysis.resolver);
    return target !== undefined && target !== n ? environmentTest(target, analysis, depth + 1) : undefined;
  }
  const written = quote(analysis, n);
  const holds = (name: EnvironmentName): EnvironmentInfo => ({ name, reason: `\`${written}\` holds here` });
  const fails = (name: EnvironmentName): EnvironmentInfo => ({ name, reason: `\`${written}\` is false here` });
  const name = dottedName(n);
  // Vite: import.meta.env.PROD / DEV.
  if (name === 'import.meta.env.PROD') return { whenTrue: holds('production'), whenFalse: fails('development') };
  if (name === 'import.meta.env.DEV') return { whenTrue: holds('development'), whenFalse: fails('production') };
  if (n.type !== 'BinaryExpression' || !['===', '==', '!==', '!='].includes(n.operator) || n.left.type === 'PrivateIdentifier') return undefined;
  const [read, other] = isEnvironmentRead(n.left, analysis, 0) ? [n.left, n.right] : isEnvironmentRead(n.right, analysis, 0) ? [n.right, n.left] : [];
  if (!read || !other) return undefined;
  const word = fold(other, analysis.resolver);
  if (!isKnown(word) || typeof word !== 'string') return undefined;
  const env = environmentNamed(word);
  if (!env) return undefined;
  const equal: EnvironmentTest = {
    whenTrue: holds(env),
    // Not production: a developer machine, a preview, CI. sslguard calls that development.
    ...(env === 'production' ? { whenFalse: fails('development') } : {}),
  };
  if (n.operator === '===' || n.operator === '==') return equal;
  return {
    ...(equal.whenTrue ? { whenFalse: { name: equal.whenTrue.name, reason: `\`${written}\` is false here` } } : {}),
    ...(equal.whenFalse ? { whenTrue: { name: equal.whenFalse.name, reason: `\`${written}\` holds here` } } : {}),
  };
}

/** The environment a branch runs in, when `child` is one side of an environment test in `parent`. */
export function branchEnvironment(parent: Node, child: Node, analysis: SourceAnalysis): EnvironmentInfo | undefined {
  if (parent.type === 'ConditionalExpression' || parent.type === 'IfStatement') {
    if (parent.test === child) return undefined;
    const test = environmentTest(parent.test, analysis);
    return parent.consequent === child ? test?.whenTrue : test?.whenFalse;
  }
  if (parent.type === 'LogicalExpression' && parent.right === child && (parent.operator === '&&' || parent.operator === '||')) {
    const test = environmentTest(parent.left, analysis);
    return parent.operator === '&&' ? test?.whenTrue : test?.whenFalse;
  }
  return undefined;
}

/** The environment of the innermost environment-dependent branch that contains `node`. */
export function enclosingEnvironment(node: Node, analysis: SourceAnalysis): EnvironmentInfo | undefined {
  let current = node;
  for (let parent = analysis.parents.of(current); parent; current = parent, parent = analysis.parents.of(current)) {
    const env = branchEnvironment(parent, current, analysis);
    if (env) return env;
    // A function body runs wherever the function is called: stop at its boundary.
    if (parent.type === 'FunctionDeclaration' || parent.type === 'FunctionExpression' || parent.type === 'ArrowFunctionExpression') return undefined;
  }
  return undefined;
}

/** One side of an environment-dependent value: `isProd ? true : false`, or the test itself (`rejectUnauthorized: isProd`). */
export interface ValueBranch {
  value: ReturnType<typeof fold>;
  node: Node;
  environment: EnvironmentInfo;
}

/**
 * The values an expression takes by environment, when it depends on one. Only sides whose value
 * is known and whose environment the test names are returned.
 */
export function valueBranches(node: Node, analysis: SourceAnalysis, depth = 0): ValueBranch[] {
  const n = unwrapTs(node);
  if (depth > 4) return [];
  if (n.type === 'ConditionalExpression') {
    const test = environmentTest(n.test, analysis);
    if (!test) return [];
    const out: ValueBranch[] = [];
    for (const [side, env] of [
      [n.consequent, test.whenTrue],
      [n.alternate, test.whenFalse],
    ] as const) {
      if (!env) continue;
      const v = fold(side, analysis.resolver);
      if (isKnown(v)) out.push({ value: v, node: side, environment: env });
    }
    return out;
  }
  if (n.type === 'Identifier') {
    const target = resolveNode(n, analysis.resolver);
    if (!target || target === n || target.type === 'ObjectExpression') return [];
    // The value is written elsewhere; the finding stays on the name used here.
    return valueBranches(target, analysis, depth + 1).map((b) => ({ ...b, node: n }));
  }
  const test = environmentTest(n, analysis);
  if (!test) return [];
  const out: ValueBranch[] = [];
  if (test.whenTrue) out.push({ value: true, node: n, environment: test.whenTrue });
  if (test.whenFalse) out.push({ value: false, node: n, environment: test.whenFalse });
  return out;
}

