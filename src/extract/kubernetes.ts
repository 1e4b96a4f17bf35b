// Kubernetes manifests in any YAML file: container env, args and command of workloads, ConfigMap
// data and Secret data / stringData. A document is a manifest only if it has `apiVersion` and
// `kind`, so other YAML files (CI pipelines, OpenAPI specs) yield nothing.
import type { EnvironmentInfo } from '../model.js';
import { environmentOfNamespace } from '../policy/environment.js';
import type { ValueLocation } from '../text/source.js';
import { FactSink, unitOf, type EmitOptions, type Extractor } from './sink.js';
import { parseYaml, type YamlDocument, type YamlNode } from './yaml.js';

/** Where each workload kind keeps its pod spec. */
const POD_SPEC: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** `kind: List` (what `kubectl get -o yaml` prints) nests manifests; real files nest once. */
const MAX_LIST_DEPTH = 3;

export const extractKubernetes: Extractor = (input) => {
  const sink = new FactSink(input, 'kubernetes');
  for (const doc of parseYaml(sink)) manifest(sink, doc, doc.root, 0);
  return sink.result();
};

function manifest(sink: FactSink, doc: YamlDocument, node: YamlNode | null, depth: number): void {
  const kind = doc.string(doc.get(node, 'kind'));
  if (!kind || doc.string(doc.get(node, 'apiVersion')) === undefined) return;
  if (kind === 'List' || kind.endsWith('List')) {
    if (depth < MAX_LIST_DEPTH) for (const item of doc.items(doc.get(node, 'items'))) manifest(sink, doc, item, depth + 1);
    return;
  }
  const metadata = doc.get(node, 'metadata');
  const name = doc.string(doc.get(metadata, 'name')) ?? doc.string(doc.get(metadata, 'generateName')) ?? '(unnamed)';
  const namespace = doc.string(doc.get(metadata, 'namespace'));
  const environment = namespace ? environmentOfNamespace(namespace) : undefined;
  const podSpec = POD_SPEC[kind];
  if (podSpec) workload(sink, doc, kind, name, doc.path(node, ...podSpec), environment);
  else if (kind === 'ConfigMap') configMap(sink, doc, node, name, environment);
  else if (kind === 'Secret') secret(sink, doc, node, name, environment);
}

function withEnvironment(options: EmitOptions, environment: EnvironmentInfo | undefined): EmitOptions {
  return environment ? { ...options, environment } : options;
}

function workload(sink: FactSink, doc: YamlDocument, kind: string, name: string, spec: YamlNode | null, environment: EnvironmentInfo | undefined): void {
  const containers = [...doc.items(doc.get(spec, 'initContainers')), ...doc.items(doc.get(spec, 'containers'))];
  containers.forEach((container, index) => {
    const containerName = doc.string(doc.get(container, 'name')) ?? `#${index + 1}`;
    const options = withEnvironment({ unit: unitOf(sink.file, 'k8s-container', `${kind}/${name}/${containerName}`) }, environment);
    for (const env of doc.items(doc.get(container, 'env'))) {
      const key = doc.scalar(doc.get(env, 'name'));
      // `valueFrom` (ConfigMap, Secret, field references) points into other documents: not a literal here.
      const value = doc.scalar(doc.get(env, 'value'));
      if (!key || !value) continue;
      sink.assignment(key.value, key.loc, value.value, value.loc, options);
    }
    for (const field of ['command', 'args']) {
      for (const item of doc.items(doc.get(container, field))) {
        const s = doc.scalar(item);
        if (s) sink.value(s.value, s.loc, options);
      }
    }
  });
}

function configMap(sink: FactSink, doc: YamlDocument, node: YamlNode | null, name: string, environment: EnvironmentInfo | undefined): void {
  const options = withEnvironment({ unit: unitOf(sink.file, 'k8s-configmap', name) }, environment);
  for (const entry of doc.entries(doc.get(node, 'data'))) {
    const s = doc.scalar(entry.value);
    if (s) sink.assignment(entry.key, entry.keyRange, s.value, s.loc, options);
  }
}

/** Standard base64 with padding, as the API server decodes `data` (line breaks allowed). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function secret(sink: FactSink, doc: YamlDocument, node: YamlNode | null, name: string, environment: EnvironmentInfo | undefined): void {
  const options = withEnvironment({ unit: unitOf(sink.file, 'k8s-secret', name) }, environment);
  for (const entry of doc.entries(doc.get(node, 'stringData'))) {
    const s = doc.scalar(entry.value);
    if (s) sink.assignment(entry.key, entry.keyRange, s.value, s.loc, options);
  }
  for (const entry of doc.entries(doc.get(node, 'data'))) {
    const s = doc.scalar(entry.value);
    if (!s) continue;
    const encoded = s.value.replace(/[\r\n]/g, '');
    if (!BASE64.test(encoded)) {
      sink.diagnostic(`Secret \`${name}\`: \`data.${entry.key}\` is not valid base64, not scanned`, s.loc.start);
      continue;
    }
    let decoded: string;
    try {
      decoded = utf8.decode(Buffer.from(encoded, 'base64'));
    } catch {
      // Binary material (a keystore, a DER key) is not an environment value.
      continue;
    }
    // Positions inside the decoded text have no counterpart in the file: point at the whole scalar.
    const loc: ValueLocation = { start: s.loc.start, end: s.loc.end, exact: false };
    sink.assignment(entry.key, entry.keyRange, decoded, loc, options);
  }
}
