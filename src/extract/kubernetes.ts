// Kubernetes manifests in any YAML file: container env, args and command of workloads, ConfigMap
// data and Secret data / stringData. A document is a manifest only if it has `apiVersion` and
// `kind`, so other YAML files (CI pipelines, OpenAPI specs) yield nothing.
import type { EnvironmentInfo, ValueRef } from '../model.js';
import { referenceParts } from './references.js';
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

/**
 * A manifest names its `apiVersion` and `kind`; YAML that names neither (OpenAPI specs, lockfiles,
 * CI configs, translations) holds no manifest, and is not parsed: in a large repository it is most
 * of the YAML, and parsing it was most of a scan's time.
 */
const MANIFEST_KEYS = [/apiVersion['"]?\s*:/, /\bkind['"]?\s*:/];

export const extractKubernetes: Extractor = (input) => {
  const sink = new FactSink(input, 'kubernetes');
  if (!MANIFEST_KEYS.every((re) => re.test(input.text))) return sink.result();
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
  if (podSpec) workload(sink, doc, kind, name, doc.path(node, ...podSpec), environment, namespace);
  else if (kind === 'ConfigMap') configMap(sink, doc, node, name, environment, namespace);
  else if (kind === 'Secret') secret(sink, doc, node, name, environment, namespace);
}

function withEnvironment(options: EmitOptions, environment: EnvironmentInfo | undefined): EmitOptions {
  return environment ? { ...options, environment } : options;
}

function workload(
  sink: FactSink,
  doc: YamlDocument,
  kind: string,
  name: string,
  spec: YamlNode | null,
  environment: EnvironmentInfo | undefined,
  namespace: string | undefined,
): void {
  const containers = [...doc.items(doc.get(spec, 'initContainers')), ...doc.items(doc.get(spec, 'containers'))];
  containers.forEach((container, index) => {
    const containerName = doc.string(doc.get(container, 'name')) ?? `#${index + 1}`;
    const options = withEnvironment({ unit: unitOf(sink.file, 'k8s-container', `${kind}/${name}/${containerName}`) }, environment);
    const useEnvironment = environment ?? (sink.fileEnvironment.name !== 'unknown' ? sink.fileEnvironment : undefined);
    const use = (parts: Array<string | ValueRef>, valueRange: { start: number; end: number }, written: string, as?: { name: string; range: { start: number; end: number } }) =>
      sink.use({
        unit: options.unit!,
        scope: 'k8s',
        parts,
        ...(as ? { as: as.name, nameRange: as.range } : {}),
        valueRange,
        ...(useEnvironment ? { environment: useEnvironment } : {}),
        written,
      });
    // What each variable holds so far, for `$(VAR)`: Kubernetes expands only variables defined before.
    const defined = new Map<string, string | ValueRef>();
    for (const from of doc.items(doc.get(container, 'envFrom'))) {
      const prefix = doc.string(doc.get(from, 'prefix'));
      for (const [key, refKind] of [['secretRef', 'k8s-secret'], ['configMapRef', 'k8s-configmap']] as const) {
        const target = doc.string(doc.path(from, key, 'name'));
        const range = doc.range(from);
        if (!target || !range) continue;
        use([{ name: '*', from: { kind: refKind, name: target, ...(namespace ? { namespace } : {}), ...(prefix ? { prefix } : {}) } }], range, `envFrom ${key} ${target}`);
      }
    }
    for (const env of doc.items(doc.get(container, 'env'))) {
      const key = doc.scalar(doc.get(env, 'name'));
      if (!key) continue;
      const value = doc.scalar(doc.get(env, 'value'));
      if (value) {
        const expanded = expandDependent(value.value, defined);
        const loc = expanded.value === value.value ? value.loc : { ...value.loc, exact: false };
        defined.set(key.value, expanded.value);
        sink.assignment(key.value, key.loc, expanded.value, loc, options);
        if (expanded.parts) use(expanded.parts, { start: value.loc.start, end: value.loc.end }, value.value, { name: key.value, range: key.loc });
        continue;
      }
      // `valueFrom` reads a Secret or ConfigMap key: resolved by the core against the scanned manifests.
      const valueFrom = doc.get(env, 'valueFrom');
      for (const [field, refKind] of [['secretKeyRef', 'k8s-secret'], ['configMapKeyRef', 'k8s-configmap']] as const) {
        const ref = doc.get(valueFrom, field);
        const target = doc.string(doc.get(ref, 'name'));
        const refKey = doc.string(doc.get(ref, 'key'));
        const range = doc.range(valueFrom);
        if (!target || !refKey || !range) continue;
        const part: ValueRef = { name: refKey, from: { kind: refKind, name: target, ...(namespace ? { namespace } : {}) } };
        defined.set(key.value, part);
        use([part], range, `${field} ${target}/${refKey}`, { name: key.value, range: key.loc });
      }
    }
    for (const field of ['command', 'args']) {
      for (const item of doc.items(doc.get(container, field))) {
        const s = doc.scalar(item);
        if (!s) continue;
        const expanded = expandDependent(s.value, defined);
        sink.value(expanded.value, expanded.value === s.value ? s.loc : { ...s.loc, exact: false }, options);
        if (expanded.parts) use(expanded.parts, { start: s.loc.start, end: s.loc.end }, s.value);
      }
    }
  });
}

/**
 * `$(VAR)` with the variables defined so far: literals are substituted here; a variable read from a
 * Secret or ConfigMap stays a reference (`parts`) for the core to resolve. Undefined variables stay
 * as written, as Kubernetes leaves them.
 */
function expandDependent(value: string, defined: ReadonlyMap<string, string | ValueRef>): { value: string; parts?: Array<string | ValueRef> } {
  const raw = referenceParts(value, 'k8s');
  if (!raw) return { value };
  let text = '';
  let unresolved = false;
  const parts: Array<string | ValueRef> = [];
  for (const p of raw) {
    const v = typeof p === 'string' ? p : (defined.get(p.name) ?? `$(${p.name})`);
    if (typeof v === 'string') {
      text += v;
      if (typeof parts.at(-1) === 'string') parts[parts.length - 1] += v;
      else parts.push(v);
    } else {
      text += `$(${(p as ValueRef).name})`;
      parts.push(v);
      unresolved = true;
    }
  }
  return unresolved ? { value: text, parts } : { value: text };
}

function configMap(sink: FactSink, doc: YamlDocument, node: YamlNode | null, name: string, environment: EnvironmentInfo | undefined, namespace: string | undefined): void {
  const options = withEnvironment({ unit: unitOf(sink.file, 'k8s-configmap', name) }, environment);
  for (const entry of doc.entries(doc.get(node, 'data'))) {
    const s = doc.scalar(entry.value);
    if (!s) continue;
    sink.assignment(entry.key, entry.keyRange, s.value, s.loc, options);
    define(sink, options, entry.key, entry.keyRange, s.value, s.loc, namespace);
  }
}

/** A ConfigMap or Secret key, for containers that read it (`configMapKeyRef`, `secretKeyRef`, `envFrom`). */
function define(sink: FactSink, options: EmitOptions, name: string, nameRange: { start: number; end: number }, value: string, loc: ValueLocation, namespace: string | undefined): void {
  sink.define({ unit: options.unit!, name, value, nameRange, valueLoc: loc, ...(namespace ? { namespace } : {}) });
}

/** Standard base64 with padding, as the API server decodes `data` (line breaks allowed). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function secret(sink: FactSink, doc: YamlDocument, node: YamlNode | null, name: string, environment: EnvironmentInfo | undefined, namespace: string | undefined): void {
  const options = withEnvironment({ unit: unitOf(sink.file, 'k8s-secret', name) }, environment);
  for (const entry of doc.entries(doc.get(node, 'stringData'))) {
    const s = doc.scalar(entry.value);
    if (!s) continue;
    sink.assignment(entry.key, entry.keyRange, s.value, s.loc, options);
    define(sink, options, entry.key, entry.keyRange, s.value, s.loc, namespace);
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
    define(sink, options, entry.key, entry.keyRange, decoded, loc, namespace);
  }
}
