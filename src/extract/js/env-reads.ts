// Code that hands an environment variable to a driver: `new Pool({ connectionString:
// process.env.DATABASE_URL, ssl })`, `postgres(Deno.env.get('DATABASE_URL'))`. The value is written
// elsewhere (an env file, a compose service, a Kubernetes Secret); the core pairs every value the
// variable gets in the project with this call's consumer and TLS options (issue 5, issue 8).
import type { Node, TSESTree } from './ast.js';
import type { NodeHandlers, SourceAnalysis } from './analysis.js';
import { dottedName, isProcessEnv, memberName } from './names.js';
import { flowOf } from './receivers.js';
import { unwrapTs } from './fold.js';
import { moduleOrigin } from './bindings.js';

/** Where in a driver's configuration a connection string goes (the argument itself: an empty path). */
// `conString`: connect-pg-simple's.
// `directUrl`, `shadowDatabaseUrl`: prisma.config.ts's datasource.
const CONNECTION_STRING_KEYS = new Set(['connectionString', 'conString', 'url', 'uri', 'connection', 'databaseUrl', 'datasourceUrl', 'dsn', 'directUrl', 'shadowDatabaseUrl']);

function onMember(node: TSESTree.MemberExpression, analysis: SourceAnalysis): void {
  // process.env.X and import.meta.env.X (Vite, Astro).
  if (!isProcessEnv(node.object) && dottedName(node.object) !== 'import.meta.env') return;
  const parent = analysis.parents.of(node);
  if (parent?.type === 'AssignmentExpression' && parent.left === node) return;
  const member = memberName(analysis.sink.text, node);
  if (member) read(member.name, node, analysis);
}

/** `Deno.env.get('X')`; prisma.config.ts's `env('X')` (from `prisma/config`). */
function onCall(node: TSESTree.CallExpression, analysis: SourceAnalysis): void {
  if (dottedName(node.callee) !== 'Deno.env.get' && !isPrismaEnv(node.callee, analysis)) return;
  const arg = node.arguments[0] ? unwrapTs(node.arguments[0]) : undefined;
  if (arg?.type === 'Literal' && typeof arg.value === 'string') read(arg.value, node, analysis);
}

function isPrismaEnv(callee: Node, analysis: SourceAnalysis): boolean {
  if (callee.type !== 'Identifier' || callee.name !== 'env') return false;
  const origin = moduleOrigin(callee, analysis.resolver);
  return origin?.module === 'prisma/config' && origin.path.join('.') === 'env';
}

function read(name: string, node: Node, analysis: SourceAnalysis): void {
  const flow = flowOf(node, analysis);
  if (!flow.api || flow.consumer === undefined) return;
  const last = flow.path.at(-1);
  if (flow.path.length > 0 && (last === undefined || !CONNECTION_STRING_KEYS.has(last))) return;
  const { sink } = analysis;
  sink.use({
    unit: analysis.unit,
    scope: 'code',
    parts: [{ name }],
    valueRange: { start: node.range[0], end: node.range[1] },
    consumer: flow.consumer,
    ...(flow.callAt !== undefined ? { receiverAt: flow.callAt } : {}),
    written: sink.text.slice(node.range[0], node.range[1]),
  });
}

export const envReadHandlers: NodeHandlers = {
  MemberExpression: onMember,
  CallExpression: onCall,
};
