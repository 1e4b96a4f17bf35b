// Whether a connection's traffic stays on this machine. Private ranges (10/8, 172.16/12,
// 192.168/16) are deliberately *remote*: the packets leave the host and cross a network.
import { isIPv4, isIPv6 } from 'node:net';
import type { HostClass } from '../model.js';
import { isReference } from './placeholder.js';

/**
 * Node's IPv6 test compiles a large regular expression on first use (about 9 ms): host names,
 * nearly every host a scan meets, have no colon and never need it.
 */
function isIPv6Address(text: string): boolean {
  return text.includes(':') && isIPv6(text);
}

export interface HostClassification {
  class: HostClass;
  reason: string;
}

export interface ClassifyOptions {
  socket: boolean;
  /** Config `localHosts`: exact names (case-insensitive) or `*.suffix` patterns. */
  localHosts: string[];
  /** Names local to the unit (compose services), with the reason to report. */
  localNames?: ReadonlyMap<string, string>;
  /**
   * Compose files, env files and Dockerfiles run on a container network where a single-label name
   * (`db`, `postgres`, `hoppscotch-db`) is a container of the project, also one defined in an
   * overlay or another compose file the env file feeds. A managed database always has a dotted name.
   */
  containerNetwork?: boolean;
}

const LOCAL_NAMES: ReadonlyMap<string, string> = new Map([
  ['localhost', 'localhost'],
  ['host.docker.internal', 'the Docker host (`host.docker.internal`)'],
]);

/**
 * An IPv6 address without its zone (`fe80::1%eth0`). `replace(/%.*$/, '')` did this and rescanned
 * the rest from every `%` of `%%%…` (quadratic).
 */
function withoutZone(address: string): string {
  const percent = address.indexOf('%');
  return percent < 0 ? address : address.slice(0, percent);
}

/** `{{ … }}` anywhere: `/\{\{[\s\S]*?\}\}/` rescanned the rest from every `{{` of `{{{{…` (quadratic). */
function hasTemplateAction(text: string): boolean {
  const open = text.indexOf('{{');
  return open >= 0 && text.indexOf('}}', open + 2) >= 0;
}

export function classifyHost(host: string, opts: ClassifyOptions): HostClassification {
  if (opts.socket || host.trim() === '') return { class: 'local', reason: 'Unix-domain socket' };
  const raw = host.trim();
  // `[200z:db8::1234]` is no IPv6 address, and no placeholder either: libpq looks the text up as a host name.
  if (/^\[[^\]:]*:[^\]]*\]$/.test(raw) && !isIPv6Address(withoutZone(raw.slice(1, -1)))) {
    return { class: 'remote', reason: `\`${raw}\` is not an IPv6 address: libpq resolves it as a host name` };
  }
  if (isReference(raw) && !isIPv6Address(raw.slice(1, -1))) {
    return { class: 'unknown', reason: `host is a variable reference (\`${raw}\`)` };
  }
  // A host built in code around an interpolation (`${region}.pooler.supabase.com`): only the run knows.
  if (raw.includes('${')) return { class: 'unknown', reason: `host is built from a value (\`${raw}\`)` };
  // Helm values name in-cluster services by template (`{{ .Release.Name }}-postgresql`): only the render knows.
  if (hasTemplateAction(raw)) return { class: 'unknown', reason: `host is a template (\`${raw}\`)` };
  // DNS names are case-insensitive and may be written fully qualified (`localhost.`).
  const name = raw.toLowerCase().replace(/\.$/, '');
  const local = LOCAL_NAMES.get(name);
  if (local) return { class: 'local', reason: local };
  if (name.endsWith('.localhost')) return { class: 'local', reason: '`*.localhost` resolves to loopback' };
  const loopback = loopbackReason(name);
  if (loopback) return { class: 'local', reason: loopback };
  if (opts.localNames) {
    for (const [n, reason] of opts.localNames) if (n.toLowerCase() === name) return { class: 'local', reason };
  }
  if (opts.localHosts.some((pattern) => matchesHostPattern(name, pattern))) {
    return { class: 'local', reason: 'listed in config localHosts' };
  }
  if (opts.containerNetwork && /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/.test(name) && !/^\d+$/.test(name)) {
    return { class: 'local', reason: `\`${name}\` is a container name on the project's network` };
  }
  return { class: 'remote', reason: remoteReason(name) };
}

function loopbackReason(name: string): string | undefined {
  if (isIPv4(name)) {
    if (name.startsWith('127.')) return 'loopback address';
    if (name === '0.0.0.0') return '0.0.0.0 connects to this machine';
    return undefined;
  }
  const v6 = withoutZone(name.replace(/^\[(.*)\]$/, '$1'));
  if (!isIPv6Address(v6)) return undefined;
  // The WHATWG URL parser canonicalises IPv6 (`0:0:0:0:0:0:0:1` → `::1`, `::ffff:127.0.0.1` →
  // `::ffff:7f00:1`), so each check below only has to know one spelling.
  let canonical: string;
  try {
    canonical = new URL(`http://[${v6}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  if (canonical === '::1') return 'loopback address';
  if (canonical === '::') return ':: connects to this machine';
  if (/^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical)) return 'IPv4-mapped loopback address';
  return undefined;
}

function matchesHostPattern(name: string, pattern: string): boolean {
  const p = pattern.trim().toLowerCase().replace(/\.$/, '');
  if (p.startsWith('*.')) return name.endsWith(p.slice(1)) && name.length > p.length - 1;
  return p === name;
}

function remoteReason(name: string): string {
  if (isIPv4(name) || isIPv6Address(withoutZone(name))) return 'remote address';
  return 'remote host';
}

/** Reserved for documentation (RFC 2606, RFC 6761, RFC 5737): no such host is ever really connected to. */
const EXAMPLE_DOMAIN = /(?:^|\.)(?:example(?:\.com|\.net|\.org)?|test|invalid)$/;
const TEST_NET = /^(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/;
/** Labels that say the host is made up: `mock.db.url`, `fake-db.internal`, `dummy-host`. */
const STAND_IN_LABELS = new Set(['mock', 'mocked', 'fake', 'dummy', 'stub', 'bogus', 'nonexistent', 'doesnotexist']);
/** Host names that name the thing instead of a value (`host`, `placeholder`, `your-db-host`). */
const PLACEHOLDER_HOST = /^(?:(?:your|my)[-_]?)?(?:db[-_]?|database[-_]?|postgres[-_]?|pg[-_]?)?(?:host(?:name)?|server|placeholder|endpoint|address)(?:[-_]?here)?$/;

/**
 * Why `host` is a stand-in rather than a machine: a documentation domain (`db.example.com`,
 * `*.test`), a TEST-NET address, a placeholder word (`host`, `your-db-host`) or a bracketed slot
 * (`db.[YOUR-PROJECT-REF].supabase.co`). Undefined for every other host.
 */
export function exampleHostReason(host: string): string | undefined {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  if (EXAMPLE_DOMAIN.test(name)) return `\`${name}\` is a domain reserved for documentation`;
  if (TEST_NET.test(name)) return `\`${name}\` is an address reserved for documentation`;
  if (PLACEHOLDER_HOST.test(name)) return `\`${name}\` is a placeholder`;
  // The innermost `[` or `<` of a slot: from each `[` of `[[[…` the slot search rescanned the rest.
  if (/\[[^\]:[]*\]|<[^<>]*>/.test(name)) return `\`${name}\` holds a placeholder`;
  if (name.split(/[.-]/).some((label) => STAND_IN_LABELS.has(label))) return `\`${name}\` names a stand-in`;
  return undefined;
}

/**
 * A host that test code could only reach across a network it does not own: a dotted name or an
 * address, neither local nor a stand-in. A single-label name (`db`, `postgres`, `source-cluster-rw`)
 * is a service of the test's own compose project, CI job or cluster namespace.
 */
export function isOffMachine(host: { host: string; class: HostClass }): boolean {
  if (host.class !== 'remote') return false;
  if (exampleHostReason(host.host)) return false;
  const name = host.host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return name.includes('.') || name.includes(':');
}
