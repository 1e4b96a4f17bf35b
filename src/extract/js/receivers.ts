// Which call an object literal (or a string) ends up in: `new Pool({ ssl: { … } })` hands the
// inner object to node-postgres. Only value positions the object flows through unchanged count.
import type { Node } from './ast.js';
import type { Parents } from './walk.js';
import { dottedName } from './names.js';
import { TS_WRAPPERS } from './analysis.js';

/** Callee as written → the API that receives the options. */
const RECEIVERS: Record<string, string> = {
  Pool: 'pg.Pool',
  'pg.Pool': 'pg.Pool',
  'pg.native.Pool': 'pg.Pool',
  Client: 'pg.Client',
  'pg.Client': 'pg.Client',
  'pg.native.Client': 'pg.Client',
  'tls.connect': 'tls.connect',
  'tls.createSecureContext': 'tls.createSecureContext',
  'https.Agent': 'https.Agent',
  Agent: 'https.Agent',
  'https.request': 'https.request',
  'https.get': 'https.get',
  // Other Postgres clients, by their conventional import names.
  postgres: 'postgres',
  Sequelize: 'Sequelize',
  knex: 'knex',
};

/** The program that reads a connection string handed to a receiver. */
const CONSUMERS: Record<string, string> = { 'pg.Pool': 'node-postgres', 'pg.Client': 'node-postgres' };

export interface Receiver {
  /** Normalized API name (`pg.Pool`). */
  name: string;
  call: Node;
}

/**
 * The recognised call that receives `node`, directly as an argument or nested inside object
 * literals (`{ ssl: { rejectUnauthorized } }`) and conditionals (`isProd ? {…} : false`).
 * The first call on the way up decides: an object nested in an unknown call belongs to that call.
 */
export function receivingCall(node: Node, parents: Parents): Receiver | undefined {
  let current = node;
  for (;;) {
    const parent = parents.of(current);
    if (!parent) return undefined;
    if (TS_WRAPPERS.has(parent.type) || parent.type === 'ObjectExpression') {
      current = parent;
    } else if (parent.type === 'Property') {
      if (parent.value !== current) return undefined;
      current = parent;
    } else if (parent.type === 'ConditionalExpression') {
      if (parent.test === current) return undefined;
      current = parent;
    } else if (parent.type === 'LogicalExpression') {
      current = parent;
    } else if (parent.type === 'CallExpression' || parent.type === 'NewExpression') {
      if (!parent.arguments.includes(current as (typeof parent.arguments)[number])) return undefined;
      const callee = dottedName(parent.callee);
      const name = callee === undefined ? undefined : RECEIVERS[callee];
      return name ? { name, call: parent } : undefined;
    } else {
      return undefined;
    }
  }
}

export function consumerOf(receiver: Receiver | undefined): string | undefined {
  return receiver ? CONSUMERS[receiver.name] : undefined;
}
