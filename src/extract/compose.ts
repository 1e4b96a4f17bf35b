// docker-compose files: each service's environment (map or `KEY=value` list), its command,
// entrypoint and health check, with the names under which other services reach it counted as local.
// An environment block shared through a YAML anchor is read once, as a unit of its own that the
// services using it inherit; `build:` is recorded so the core can apply the image's Dockerfile.
import { posix } from 'node:path';
import type { Unit, ValueUse } from '../model.js';
import type { ValueLocation } from '../text/source.js';
import { FactSink, unitOf, type EmitOptions, type Extractor } from './sink.js';
import { parseYaml, type YamlDocument, type YamlEntry, type YamlNode } from './yaml.js';
import { closingBrace, referenceParts } from './references.js';
import { commandValue, execFormRanges, libpqRanges } from './libpq-commands.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Compose interpolation as far as the file alone decides it: `$$` is a literal `$`,
 * `${VAR:-default}` and `${VAR-default}` become their default (which is what runs unless the
 * shell or a `.env` file sets VAR; nested defaults are interpolated too), and every other
 * reference (`${VAR}`, `$VAR`, `${VAR:?error}`, `${VAR:+alt}`) stays as written, a placeholder.
 * Written by hand: the reference implementation is Go (compose-go's template package) and no
 * maintained JavaScript library implements this grammar.
 */
export function interpolateCompose(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const dollar = value.indexOf('$', i);
    if (dollar < 0) break;
    out += value.slice(i, dollar);
    const next = value[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next === '{') {
      const close = closingBrace(value, dollar + 2);
      if (close < 0) {
        out += value.slice(dollar);
        return out;
      }
      const inner = value.slice(dollar + 2, close);
      const name = NAME.exec(inner)?.[0];
      const rest = name ? inner.slice(name.length) : '';
      const fallback = /^:?-/.exec(rest);
      out += fallback ? interpolateCompose(rest.slice(fallback[0].length)) : value.slice(dollar, close + 1);
      i = close + 1;
      continue;
    }
    out += '$';
    i = dollar + 1;
  }
  return out + value.slice(i);
}

/** The location of an interpolated value: still exact only if interpolation changed nothing. */
function interpolated(raw: string, loc: ValueLocation): { value: string; loc: ValueLocation } {
  const value = interpolateCompose(raw);
  return { value, loc: value === raw ? loc : { ...loc, exact: false } };
}

export const extractCompose: Extractor = (input) => {
  const sink = new FactSink(input, 'compose');
  for (const doc of parseYaml(sink)) extractServices(sink, doc);
  return sink.result();
};

function extractServices(sink: FactSink, doc: YamlDocument): void {
  const services = doc.entries(doc.get(doc.root, 'services'));
  const localNames = serviceNames(doc, services);
  const shared = new SharedBlocks(sink, doc, services);
  for (const service of services) {
    const options: EmitOptions = { unit: unitOf(sink.file, 'compose-service', service.key), localNames };
    environment(sink, doc, doc.get(service.value, 'environment'), options, shared);
    envFiles(sink, doc, doc.get(service.value, 'env_file'), options);
    build(sink, doc, service.value, options.unit!);
    for (const node of [
      doc.get(service.value, 'command'),
      doc.get(service.value, 'entrypoint'),
      doc.path(service.value, 'healthcheck', 'test'),
    ]) {
      const values = (doc.isSeq(node) ? doc.items(node) : [node]).map((item) => {
        const s = doc.scalar(item);
        return s && interpolated(s.value, s.loc);
      });
      // `pg_isready -d …`, `["CMD", "pg_isready", …]`, `sh -c "pg_dump …"`: libpq's programs read those strings.
      const ranges = doc.isSeq(node) ? execFormRanges(values.map((v) => v?.value ?? '')) : [libpqRanges(values[0]?.value ?? '')];
      values.forEach((v, x) => {
        if (v) commandValue(sink, v.value, v.loc, options, ranges[x] ?? []);
      });
    }
  }
}

/** Every name under which containers of this file reach a service: its key, container_name, hostname, network aliases and link aliases. */
function serviceNames(doc: YamlDocument, services: ReturnType<YamlDocument['entries']>): Map<string, string> {
  const names = new Map<string, string>();
  for (const service of services) {
    const reason = `service \`${service.key}\` of this compose file`;
    const add = (name: string | undefined): void => {
      const n = name === undefined ? '' : interpolateCompose(name).trim();
      if (n && !names.has(n)) names.set(n, reason);
    };
    add(service.key);
    add(doc.string(doc.get(service.value, 'container_name')));
    add(doc.string(doc.get(service.value, 'hostname')));
    for (const network of doc.entries(doc.get(service.value, 'networks'))) {
      for (const alias of doc.items(doc.get(network.value, 'aliases'))) add(doc.string(alias));
    }
    // `links: ["db:database"]` makes the service reachable as `database` too.
    for (const link of doc.items(doc.get(service.value, 'links'))) add(doc.string(link)?.split(':')[1]);
  }
  return names;
}

/**
 * Environment blocks that several services use through an alias or a `<<` merge. Their entries are
 * emitted once, in a `yaml-anchor` unit that each using service inherits, so a problem in the block
 * is reported once, at the anchor, instead of once per service.
 */
class SharedBlocks {
  /** Holder of entries (a map, or a list) → services that use it, and a label for it. */
  private readonly users = new Map<YamlNode, { services: string[]; label: string }>();
  private readonly emitted = new Set<YamlNode>();

  constructor(
    private readonly sink: FactSink,
    private readonly doc: YamlDocument,
    services: YamlEntry[],
  ) {
    for (const service of services) {
      const envEntry = [...doc.entries(service.value)].reverse().find((e) => e.key === 'environment');
      if (!envEntry?.value) continue;
      // `<<: *common` at service level: the environment belongs to the anchored service template.
      const outer = envEntry.merged ? doc.anchor(envEntry.origin) : undefined;
      const holders = doc.isMap(envEntry.value) ? new Set(doc.entries(envEntry.value).map((e) => e.origin as YamlNode)) : new Set([envEntry.value]);
      for (const holder of holders) {
        const label = doc.anchor(holder) ?? outer ?? service.key;
        const u = this.users.get(holder) ?? { services: [], label };
        if (!u.services.includes(service.key)) u.services.push(service.key);
        this.users.set(holder, u);
      }
    }
  }

  /** The unit an entry held by `holder` belongs to, for `service`; undefined when the service has it alone. */
  unitFor(holder: YamlNode, service: Unit): Unit | undefined {
    const u = this.users.get(holder);
    if (!u || u.services.length < 2) return undefined;
    const anchor = unitOf(this.sink.file, 'yaml-anchor', `&${u.label}`);
    this.sink.link(service, anchor);
    return anchor;
  }

  /** True the first time an entry (by its key node) is seen: shared entries are emitted once. */
  first(node: YamlNode): boolean {
    if (this.emitted.has(node)) return false;
    this.emitted.add(node);
    return true;
  }
}

/** `build: ./api` or `build: { context, dockerfile, target }`: the service runs the image its Dockerfile builds. */
function build(sink: FactSink, doc: YamlDocument, service: YamlNode | null, unit: Unit): void {
  const node = doc.get(service, 'build');
  const short = doc.scalar(node);
  const context = short ?? doc.scalar(doc.get(node, 'context'));
  const contextPath = context ? interpolateCompose(context.value).trim() : '.';
  // Remote contexts (git URLs, tarballs) are not in the repository.
  if (!doc.isMap(node) && !short) return;
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@|\.git(#|$)/i.test(contextPath) || posix.isAbsolute(contextPath)) return;
  const dockerfile = doc.isMap(node) ? doc.string(doc.get(node, 'dockerfile')) : undefined;
  const file = dockerfile ? interpolateCompose(dockerfile).trim() : 'Dockerfile';
  if (posix.isAbsolute(file)) return;
  const target = doc.isMap(node) ? doc.string(doc.get(node, 'target')) : undefined;
  const path = posix.normalize(posix.join(posix.dirname(sink.file), contextPath, file));
  const at = context?.loc.start ?? doc.range(node)?.start ?? 0;
  sink.reference({ unit, kind: 'dockerfile', path, ...(target ? { target: interpolateCompose(target).trim() } : {}), written: `build: ${contextPath}` }, at);
}

function environment(sink: FactSink, doc: YamlDocument, node: YamlNode | null, serviceOptions: EmitOptions, shared: SharedBlocks): void {
  const service = serviceOptions.unit!;
  if (doc.isSeq(node)) {
    const anchor = shared.unitFor(node!, service);
    if (anchor && !shared.first(node!)) return;
    environmentList(sink, doc, node, anchor ? { ...serviceOptions, unit: anchor } : serviceOptions);
    return;
  }
  if (doc.isMap(node)) {
    for (const entry of doc.entries(node)) {
      const anchor = shared.unitFor(entry.origin, service);
      if (anchor && !shared.first(entry.keyNode)) continue;
      const options = anchor ? { ...serviceOptions, unit: anchor } : serviceOptions;
      const s = doc.scalar(entry.value);
      if (!s) {
        // `KEY:` without a value passes the variable through from the shell: not a literal.
        if (doc.isNull(entry.value)) {
          sink.assignment(entry.key, entry.keyRange, undefined, { start: entry.keyRange.end, end: entry.keyRange.end, exact: true }, options);
        }
        continue;
      }
      const v = interpolated(s.value, s.loc);
      sink.assignment(entry.key, entry.keyRange, v.value, v.loc, options);
      interpolationUse(sink, entry.key, entry.keyRange, s.value, s.loc, options);
    }
  }
}

/**
 * `KEY: ${VAR}` takes VAR from the `.env` beside the compose file (or the shell): recorded for the
 * core, which judges the value found there as this service's.
 */
function interpolationUse(sink: FactSink, name: string, nameRange: { start: number; end: number }, raw: string, loc: ValueLocation, options: EmitOptions): void {
  const parts = referenceParts(raw, 'shell');
  if (!parts || !options.unit) return;
  sink.use({ unit: options.unit, scope: 'compose', parts, as: name, nameRange, valueRange: { start: loc.start, end: loc.end }, ...serviceContext(sink, options, name), written: raw });
}

/** What a use takes from its service: the environment, when one is known, and the service's local host names. */
function serviceContext(sink: FactSink, options: EmitOptions, variable?: string): Pick<ValueUse, 'environment' | 'localNames'> {
  const environment = sink.environmentFor(options, variable);
  return {
    ...(environment.name !== 'unknown' ? { environment } : {}),
    ...(options.localNames ? { localNames: Object.fromEntries(options.localNames) } : {}),
  };
}

/**
 * `env_file: .env.db` (string, list, or `{ path, required }` entries): every variable of the file is
 * the service's, judged with the service's names and environment (the core resolves it).
 */
function envFiles(sink: FactSink, doc: YamlDocument, node: YamlNode | null, options: EmitOptions): void {
  for (const item of doc.isSeq(node) ? doc.items(node) : [node]) {
    const short = doc.scalar(item);
    const path = short ?? doc.scalar(doc.get(item, 'path'));
    if (!path || !options.unit) continue;
    const written = interpolateCompose(path.value).trim();
    if (!written || posix.isAbsolute(written)) continue;
    const optional = !short && doc.string(doc.get(item, 'required')) === 'false';
    sink.use({
      unit: options.unit,
      scope: 'compose',
      parts: [{ name: '*', from: { kind: 'env-file', name: posix.normalize(posix.join(posix.dirname(sink.file), written)), ...(optional ? { optional } : {}) } }],
      valueRange: { start: path.loc.start, end: path.loc.end },
      ...serviceContext(sink, options),
      written: `env_file: ${written}`,
    });
  }
}

function environmentList(sink: FactSink, doc: YamlDocument, node: YamlNode | null, options: EmitOptions): void {
  for (const item of doc.items(node)) {
    const s = doc.scalar(item);
    if (!s) continue;
    const eq = s.value.indexOf('=');
    const name = (eq < 0 ? s.value : s.value.slice(0, eq)).trim();
    if (!name) continue;
    const { loc } = s;
    const nameRange = loc.exact ? { start: loc.start, end: loc.start + (eq < 0 ? s.value.length : eq) } : { start: loc.start, end: loc.end };
    if (eq < 0) {
      // `- KEY` alone passes the variable through from the shell.
      sink.assignment(name, nameRange, undefined, { start: nameRange.end, end: nameRange.end, exact: loc.exact }, options);
      continue;
    }
    const raw = s.value.slice(eq + 1);
    const valueLoc: ValueLocation = loc.exact ? { start: loc.start + eq + 1, end: loc.end, exact: true } : loc;
    const v = interpolated(raw, valueLoc);
    sink.assignment(name, nameRange, v.value, v.loc, options);
    interpolationUse(sink, name, nameRange, raw, valueLoc, options);
  }
}
