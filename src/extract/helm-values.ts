// Helm chart values files (`values.yaml`, `values-prod.yaml`): plain YAML that the chart's templates
// turn into manifests. Database URLs may sit at any key, TLS settings under driver-style keys at any
// depth (`postgresql.ssl.rejectUnauthorized: false`, `externalDatabase.sslMode: disable`) and env
// blocks hold ordinary variables (`env: [{name: PGSSLMODE, value: disable}]`, `extraEnv: {…}`).
// Each key becomes a setting named by its path, so the existing rules judge it; the whole file is
// one unit, and its environment comes from its name (`values-prod.yaml` → production).
import type { YamlNode } from './yaml.js';
import { FactSink, unitOf, type EmitOptions, type Extractor } from './sink.js';
import { parseYaml, type YamlDocument } from './yaml.js';
import { keySettingCategory, settingCategory } from './settings.js';

/** An environment variable name used as a key (`PGSSLMODE`, `DATABASE_URL`), not a chart option. */
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

export const extractHelmValues: Extractor = (input) => {
  const sink = new FactSink(input, 'helm-values');
  const options: EmitOptions = { unit: unitOf(input.file, 'helm-values', input.file) };
  for (const doc of parseYaml(sink, { templateStrings: true })) new ValuesWalker(sink, doc, options).walk(doc.root, '', '');
  // `helm install -f values-prod.yaml` layers the override on the chart's `values.yaml`: what the
  // override leaves out (`externalDatabase.sslmode: disable`) still applies to what it sets.
  const slash = input.file.lastIndexOf('/');
  const base = `${input.file.slice(0, slash + 1)}values.yaml`;
  if (!/(?:^|\/)values\.ya?ml$/i.test(input.file)) {
    sink.reference({ unit: options.unit!, kind: 'helm-values', path: base, written: base, optional: true }, 0);
  }
  return sink.result();
};

class ValuesWalker {
  /** An aliased block is read once, at its anchor: a second path to it would repeat every finding. */
  private readonly seen = new Set<YamlNode>();

  constructor(
    private readonly sink: FactSink,
    private readonly doc: YamlDocument,
    private readonly options: EmitOptions,
  ) {}

  walk(node: YamlNode | null, path: string, parentKey: string): void {
    if (!node || this.seen.has(node)) return;
    this.seen.add(node);
    const doc = this.doc;
    if (doc.isMap(node)) {
      for (const entry of doc.entries(node)) {
        const full = path ? `${path}.${entry.key}` : entry.key;
        const value = entry.value;
        if (doc.isMap(value) || doc.isSeq(value)) {
          this.walk(value, full, entry.key);
          continue;
        }
        if (!value || this.seen.has(value)) continue;
        const s = doc.scalar(value);
        if (!s) continue;
        this.seen.add(value);
        const env = ENV_NAME.test(entry.key);
        const category = env ? settingCategory(entry.key) : this.category(entry.key, parentKey);
        this.sink.assignment(env ? entry.key : full, entry.keyRange, s.value, s.loc, { ...this.options, ...(category ? { category } : {}) });
      }
      return;
    }
    doc.items(node).forEach((item, i) => {
      // A Kubernetes-style env list: `- name: PGSSLMODE` / `value: disable`.
      const name = doc.scalar(doc.get(item, 'name'));
      const value = doc.get(item, 'value');
      const s = doc.scalar(value);
      if (name && s && ENV_NAME.test(name.value) && value && !this.seen.has(value)) {
        this.seen.add(value);
        this.sink.assignment(name.value, name.loc, s.value, s.loc, this.options);
        return;
      }
      if (doc.isMap(item) || doc.isSeq(item)) {
        this.walk(item, `${path}[${i}]`, parentKey);
        return;
      }
      const scalar = doc.scalar(item);
      if (scalar && !this.seen.has(item)) {
        this.seen.add(item);
        this.sink.value(scalar.value, scalar.loc, { ...this.options, variable: `${path}[${i}]` });
      }
    });
  }

  private category(key: string, parentKey: string): ReturnType<typeof keySettingCategory> {
    // `ssl: { enabled: false }` is the client's TLS switch (a `tls:` block configures the server).
    if (/^enabled$/i.test(key) && /^ssl$/i.test(parentKey)) return 'ssl';
    return keySettingCategory(key);
  }
}
