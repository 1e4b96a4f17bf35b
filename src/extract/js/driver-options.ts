// A driver configured with separate options rather than a connection string:
// `new Pool({ host: 'db.acme.io', user, password: '…', database })`. With no `ssl` and no
// `connectionString` beside the host, node-postgres connects in plaintext; the options become one
// connection fact (at the host value, the password at its own value), judged like a URL.
import type { TSESTree } from './ast.js';
import type { NodeHandlers, SourceAnalysis } from './analysis.js';
import { fold } from './fold.js';
import { propertyKeyName } from './names.js';
import { flowOf } from './receivers.js';
import { pickEnvironment } from '../../policy/environment.js';
import { isPlaceholder } from '../../connection/placeholder.js';
import { looksGenerated } from '../../policy/env-secrets.js';

/** Keys that hand the driver its TLS or a connection string: the object is then read by other handlers. */
const DECIDED_ELSEWHERE = new Set(['ssl', 'tls', 'connectionString', 'conString', 'url', 'uri', 'connection']);
const PARTS: Record<string, 'host' | 'port' | 'user' | 'password' | 'dbname'> = {
  host: 'host',
  hostname: 'host',
  port: 'port',
  user: 'user',
  username: 'user',
  password: 'password',
  database: 'dbname',
  db: 'dbname',
};

function onObject(node: TSESTree.ObjectExpression, analysis: SourceAnalysis): void {
  const found: Partial<Record<'host' | 'port' | 'user' | 'password' | 'dbname', { value: string; node: TSESTree.Property['value'] }>> = {};
  for (const property of node.properties) {
    // A spread may bring `ssl` or `connectionString`: nothing certain about this object.
    if (property.type !== 'Property') return;
    const name = propertyKeyName(property);
    if (name === undefined) continue;
    if (DECIDED_ELSEWHERE.has(name)) return;
    const part = PARTS[name];
    if (!part) continue;
    const value = fold(property.value, analysis.resolver);
    if (typeof value === 'string' || (part === 'port' && typeof value === 'number')) found[part] = { value: String(value), node: property.value };
  }
  const host = found.host;
  if (!host || host.value.trim() === '' || /[\s'\\]/.test(host.value)) return;
  const flow = flowOf(node, analysis);
  // Only the whole configuration of a Postgres client (not a nested `replication: {…}` or a Redis client's).
  if (!flow.api || !flow.consumer || flow.path.length > 0) return;
  const words = [`host=${host.value}`];
  if (found.port) words.push(`port=${found.port.value}`);
  if (found.user && !/[\s'\\]/.test(found.user.value)) words.push(`user=${found.user.value}`);
  if (found.dbname && !/[\s'\\]/.test(found.dbname.value)) words.push(`dbname=${found.dbname.value}`);
  const { sink } = analysis;
  const before = sink.facts.length;
  sink.connection(words.join(' '), { start: host.node.range[0], end: host.node.range[1], exact: false }, 0, {
    unit: analysis.unit,
    variable: 'host',
    consumer: flow.consumer,
    ...(flow.environment ? { environment: pickEnvironment(sink.fileEnvironment, flow.environment) } : {}),
  });
  const fact = sink.facts[before];
  if (fact?.kind !== 'connection') return;
  fact.synthesized = 'driver-options';
  const password = found.password;
  if (password && password.node.type === 'Literal') {
    const [start, end] = password.node.range;
    fact.password = { present: true, placeholder: isPlaceholder(password.value), ...(looksGenerated(password.value) ? { generated: true } : {}), span: sink.span(start + 1, end - 1) };
  }
}

export const driverOptionHandlers: NodeHandlers = {
  ObjectExpression: onObject,
};
