// Object literals that configure TLS: `{ rejectUnauthorized: false }`, `{ ssl: false }`,
// `{ minVersion: 'TLSv1' }`. One fact per object; rules point at the offending property.
import type { TlsOption, TlsOptionsFact } from '../../model.js';
import type { TSESTree } from './ast.js';
import type { NodeHandlers, SourceAnalysis } from './analysis.js';
import { fold, toLiteralValue } from './fold.js';
import { propertyKeyName } from './names.js';
import { receivingCall } from './receivers.js';

export const TLS_OPTION_KEYS = new Set(['rejectUnauthorized', 'ssl', 'sslmode', 'minVersion', 'maxVersion', 'secureProtocol', 'ca', 'checkServerIdentity']);

function onObject(node: TSESTree.ObjectExpression, analysis: SourceAnalysis): void {
  const { sink } = analysis;
  const options: Record<string, TlsOption> = {};
  let found = false;
  for (const property of node.properties) {
    if (property.type !== 'Property') continue;
    const name = propertyKeyName(property);
    if (name === undefined || !TLS_OPTION_KEYS.has(name)) continue;
    // Later duplicates win, as they do at run time.
    options[name] = {
      value: property.method || property.kind !== 'init' ? { unknown: true } : toLiteralValue(fold(property.value)),
      span: sink.span(property.range[0], property.range[1]),
      valueSpan: sink.span(property.value.range[0], property.value.range[1]),
    };
    found = true;
  }
  if (!found) return;
  const receiver = receivingCall(node, analysis.parents);
  const fact: TlsOptionsFact = {
    kind: 'tls-options',
    file: sink.file,
    format: sink.format,
    span: sink.span(node.range[0], node.range[1]),
    environment: sink.environmentFor({}),
    unit: analysis.unit,
    options,
    ...(receiver ? { sink: receiver.name } : {}),
  };
  sink.facts.push(fact);
}

export const tlsOptionHandlers: NodeHandlers = {
  ObjectExpression: onObject,
};
