import { describe, expect, it } from 'vitest';
import { SourceText } from '../../src/text/source.js';
import { helmTemplateOffset, parseYaml, type YamlDocument } from '../../src/extract/yaml.js';

interface Reported {
  message: string;
  line?: number;
  column?: number;
}

function parse(text: string): { docs: YamlDocument[]; diagnostics: Reported[] } {
  const src = new SourceText(text);
  const diagnostics: Reported[] = [];
  const docs = parseYaml({
    text,
    diagnostic: (message, offset) => diagnostics.push(offset === undefined ? { message } : { message, ...src.position(offset) }),
  });
  return { docs, diagnostics };
}

/** The located scalar at a path, with its text in the file, for asserting exactness. */
function located(text: string, doc: YamlDocument, ...path: string[]) {
  const s = doc.scalar(doc.path(doc.root, ...path));
  return s && { value: s.value, exact: s.loc.exact, written: text.slice(s.loc.start, s.loc.end) };
}

describe('parseYaml', () => {
  it('reports a broken document with its position and reads the others', () => {
    const text = `kind: ConfigMap
data:
  PGSSLMODE: require
---
data: [unclosed, "postgres://app:Sup3rS3cret@db/app"
---
data:
  PGSSLMODE: verify-full
`;
    const { docs, diagnostics } = parse(text);
    expect(docs.map((d) => d.string(d.path(d.root, 'data', 'PGSSLMODE')))).toEqual(['require', 'verify-full']);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]!.message).toMatch(/^invalid YAML, document not scanned: \S/);
    expect(diagnostics[0]!.line).toBeGreaterThanOrEqual(5);
    expect(diagnostics[0]!.line).toBeLessThanOrEqual(6);
    expect(JSON.stringify(diagnostics)).not.toContain('Sup3rS3cret');
  });

  it('never quotes the source in a message (a bad escape inside a password)', () => {
    const { diagnostics } = parse('url: "postgres://app:pa\\qss@db/app"\n');
    expect(diagnostics).toEqual([{ message: 'invalid YAML, document not scanned: Invalid escape sequence', line: 1, column: 24 }]);
  });

  it('caps the number of diagnostics for a hopeless file', () => {
    const text = Array.from({ length: 30 }, (_, i) => `a${i}: [\n---\n`).join('');
    const { diagnostics } = parse(text);
    expect(diagnostics).toHaveLength(11);
    expect(diagnostics[10]!.message).toMatch(/^invalid YAML: \d+ more problems$/);
  });

  it('reports duplicate keys where the second one is written; the last one wins', () => {
    const text = `env:
  PGSSLMODE: disable
  DATABASE_URL: postgresql://app@db/app
  PGSSLMODE: verify-full
`;
    const { docs, diagnostics } = parse(text);
    expect(diagnostics).toEqual([{ message: 'duplicate YAML key `PGSSLMODE` (the last one wins)', line: 4, column: 3 }]);
    const doc = docs[0]!;
    const env = doc.get(doc.root, 'env');
    expect(doc.string(doc.get(env, 'PGSSLMODE'))).toBe('verify-full');
    expect(doc.entries(env).map((e) => e.key)).toEqual(['PGSSLMODE', 'DATABASE_URL', 'PGSSLMODE']);
  });

  it('rejects a billion-laughs document quickly with a diagnostic', () => {
    let text = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i <= 9; i++) text += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`;
    text += 'services:\n  app:\n    environment: *a9\n---\nok: true\n';
    const started = Date.now();
    const { docs, diagnostics } = parse(text);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(diagnostics).toEqual([
      { message: 'YAML aliases expand to more than 100000 extra nodes (an alias bomb?), document not scanned', line: 1, column: 1 },
    ]);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.string(docs[0]!.get(docs[0]!.root, 'ok'))).toBe('true');
  });

  it('accepts a compose file that refers to one anchor from hundreds of services', () => {
    let text = 'x-env: &env\n  PGSSLMODE: verify-full\n  NODE_ENV: production\nservices:\n';
    for (let i = 0; i < 300; i++) text += `  s${i}:\n    <<: *env\n    environment: *env\n`;
    const { docs, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const doc = docs[0]!;
    const s299 = doc.path(doc.root, 'services', 's299');
    expect(doc.string(doc.path(s299, 'environment', 'PGSSLMODE'))).toBe('verify-full');
    expect(doc.string(doc.get(s299, 'NODE_ENV'))).toBe('production');
  });

  it('refuses very deep nesting before yaml recurses into it, however often it comes', () => {
    // Repeated deep parses in one process used to end it with a fatal V8 error, not an exception.
    for (let round = 0; round < 4; round++) {
      expect(parse('a: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n').diagnostics).toEqual([
        { message: 'YAML nested more than 128 levels deep, not scanned', line: 1, column: 132 },
      ]);
      expect(parse('a:\n  ' + '- '.repeat(20000) + 'x\n').diagnostics).toEqual([
        { message: 'YAML nested more than 128 levels deep, not scanned', line: 2, column: 129 },
      ]);
    }
    const nested = parse('a: ' + '{b: '.repeat(100) + '1' + '}'.repeat(100) + '\n');
    expect(nested.diagnostics).toEqual([]);
    expect(nested.docs).toHaveLength(1);
  });

  it('rejects recursive aliases and aliases without an anchor', () => {
    expect(parse('a: &a [1, *a]\n').diagnostics).toEqual([
      { message: 'YAML alias refers to the node that contains it, document not scanned', line: 1, column: 1 },
    ]);
    expect(parse('a: &a { <<: *a, b: 1 }\n').docs).toEqual([]);
    expect(parse('a: 1\nb: *nowhere\n').diagnostics).toEqual([
      { message: 'YAML alias `*nowhere` has no anchor before it, document not scanned', line: 2, column: 4 },
    ]);
  });

  it('applies merge keys: own keys win, then earlier sources, through nested merges', () => {
    const text = `base: &base
  PGSSLMODE: disable
  PGSSLROOTCERT: /etc/ssl/base.pem
tls: &tls
  <<: *base
  PGSSLMODE: verify-full
svc:
  <<: [*tls, {PGSSLMODE: require, EXTRA: x}]
  PGSSLROOTCERT: /etc/ssl/own.pem
`;
    const { docs, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const doc = docs[0]!;
    const svc = doc.get(doc.root, 'svc');
    expect(doc.entries(svc).map((e) => [e.key, doc.string(e.value), e.merged])).toEqual([
      ['PGSSLROOTCERT', '/etc/ssl/own.pem', false],
      ['PGSSLMODE', 'verify-full', true],
      ['EXTRA', 'x', true],
    ]);
    // A merged entry is located where it is written: inside the `tls` anchor.
    const mode = doc.entries(svc).find((e) => e.key === 'PGSSLMODE')!;
    expect(text.slice(mode.keyRange.start, mode.keyRange.end)).toBe('PGSSLMODE');
    expect(new SourceText(text).position(mode.keyRange.start)).toEqual({ line: 6, column: 3 });
  });

  it('locates scalars exactly only when the file text is the value', () => {
    const text = `plain: postgresql://app@db/app
double: "postgresql://app@db/app"
single: 'postgresql://app@db/app'
escaped: "postgresql://app@db/app\\u003Fsslmode=require"
doubled: 'it''s'
"quoted key": x
number: 0
float: 1.10
bool: true
empty:
block: |
  postgresql://app@db/app
folded: >-
  postgresql://app@db/app
  ?sslmode=require
multiline plain: postgresql://app@db/app
  ?sslmode=disable
`;
    const { docs } = parse(text);
    const doc = docs[0]!;
    expect(located(text, doc, 'plain')).toEqual({ value: 'postgresql://app@db/app', exact: true, written: 'postgresql://app@db/app' });
    expect(located(text, doc, 'double')).toEqual({ value: 'postgresql://app@db/app', exact: true, written: 'postgresql://app@db/app' });
    expect(located(text, doc, 'single')).toEqual({ value: 'postgresql://app@db/app', exact: true, written: 'postgresql://app@db/app' });
    expect(located(text, doc, 'escaped')).toMatchObject({ value: 'postgresql://app@db/app?sslmode=require', exact: false });
    expect(located(text, doc, 'doubled')).toEqual({ value: "it's", exact: false, written: "'it''s'" });
    expect(located(text, doc, 'quoted key')).toMatchObject({ value: 'x', exact: true });
    const quotedKey = doc.entries(doc.root).find((e) => e.key === 'quoted key')!;
    expect(text.slice(quotedKey.keyRange.start, quotedKey.keyRange.end)).toBe('quoted key');
    expect(located(text, doc, 'number')).toEqual({ value: '0', exact: true, written: '0' });
    expect(located(text, doc, 'float')).toEqual({ value: '1.10', exact: true, written: '1.10' });
    expect(located(text, doc, 'bool')).toEqual({ value: 'true', exact: true, written: 'true' });
    expect(located(text, doc, 'empty')).toBeUndefined();
    expect(doc.isNull(doc.get(doc.root, 'empty'))).toBe(true);
    expect(located(text, doc, 'block')).toMatchObject({ value: 'postgresql://app@db/app\n', exact: false });
    expect(located(text, doc, 'folded')).toMatchObject({ value: 'postgresql://app@db/app ?sslmode=require', exact: false });
    expect(located(text, doc, 'multiline plain')).toMatchObject({ value: 'postgresql://app@db/app ?sslmode=disable', exact: false });
  });

  it('keeps offsets right with CRLF line endings and a byte order mark', () => {
    const text = '\uFEFFservices:\r\n  db:\r\n    environment:\r\n      PGSSLMODE: "verify-full"\r\n';
    const { docs, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const doc = docs[0]!;
    const s = doc.scalar(doc.path(doc.root, 'services', 'db', 'environment', 'PGSSLMODE'))!;
    expect(s).toMatchObject({ value: 'verify-full', loc: { exact: true } });
    expect(text.slice(s.loc.start, s.loc.end)).toBe('verify-full');
    expect(new SourceText(text).span(s.loc.start, s.loc.end)).toMatchObject({ line: 4, column: 19, endLine: 4, endColumn: 30 });
  });

  it('returns nothing for an empty stream or comments only', () => {
    expect(parse('')).toEqual({ docs: [], diagnostics: [] });
    expect(parse('# nothing here\n')).toEqual({ docs: [], diagnostics: [] });
  });
});

describe('Helm templates', () => {
  it('are detected by a template action outside comments, and not scanned', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "agent.fullname" . }}
`;
    expect(parse(text)).toEqual({ docs: [], diagnostics: [{ message: 'Helm template, not scanned', line: 4, column: 9 }] });
    expect(helmTemplateOffset('{{- if .Values.enabled }}\nkind: Secret\n{{- end }}\n')).toBe(0);
    expect(helmTemplateOffset('env:\n  - name: URL\n    value: {{ .Values.url\n      | quote }}\n')).toBe(30);
  });

  it('ignore commented-out actions and GitHub Actions expressions', () => {
    expect(helmTemplateOffset('# value: {{ .Values.url }}\nkind: ConfigMap # see {{ docs }}\n')).toBeUndefined();
    expect(helmTemplateOffset('token: ${{ secrets.TOKEN }}\n')).toBeUndefined();
    expect(helmTemplateOffset('password: "{{"\n')).toBeUndefined();
  });
});

describe('`{{` outside a chart', () => {
  it('is a value when quoted: compose logging tags, workflow placeholders and annotations are read', () => {
    const text = `services:\n  api:\n    logging:\n      options:\n        tag: "{{.Name}}"\n    environment:\n      DATABASE_URL: postgres://app@db.acme-corp.io/app?sslmode=disable\n`;
    const { docs, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    expect(docs).toHaveLength(1);
  });
});
