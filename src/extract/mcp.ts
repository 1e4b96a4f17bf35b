// MCP client configurations (Claude Desktop, Claude Code, Cursor, VS Code, Cline, Windsurf, Gemini
// CLI): every server's env, command line, URL and headers may carry a Postgres connection string
// or a TLS setting, and the server package tells which program will read it.
import { referenceParts } from './references.js';
import { posix } from 'node:path';
import type { ValueLocation } from '../text/source.js';
import { FactSink, unitOf, type EmitOptions, type Extractor } from './sink.js';
import { nodeLocation, keyRange, parseJsonc, parseJsoncQuietly, properties, property, type JsonNode } from './jsonc.js';
import { environmentOfUnitName } from './unit-environment.js';

/** Files that are MCP configs by name alone (matched against the end of the POSIX path). */
const MCP_FILE_SUFFIXES = [
  '.mcp.json',
  '.cursor/mcp.json',
  '.vscode/mcp.json',
  'claude_desktop_config.json',
  'cline_mcp_settings.json',
  'mcp_config.json', // Windsurf
  '.gemini/settings.json',
];

/** Keys only an MCP server entry has; a `servers` map of objects without any is something else. */
const SERVER_KEYS = new Set(['command', 'args', 'url', 'serverUrl', 'httpUrl', 'env', 'type', 'transport', 'headers']);

const URL_KEYS = ['url', 'serverUrl', 'httpUrl'];

/** Flags of database MCP servers whose value is a connection string. */
const CONNECTION_FLAGS = new Set([
  '--connection-string',
  '--dsn',
  '--database-url',
  '--database-uri',
  '--db-url',
  '--postgres-url',
  '--url',
]);

function isNamedMcpConfig(file: string): boolean {
  const path = file.replace(/\\/g, '/');
  return MCP_FILE_SUFFIXES.some((s) => path === s || path.endsWith('/' + s));
}

/** The maps of server entries: `mcpServers`, `servers`, VS Code settings' `mcp.servers`. */
function serverMaps(root: JsonNode | undefined): JsonNode[] {
  const maps = [property(root, 'mcpServers'), property(root, 'servers'), property(property(root, 'mcp'), 'servers'), property(root, 'mcp.servers')];
  return maps.filter((m): m is JsonNode => m?.type === 'object');
}

function isServerEntry(node: JsonNode): boolean {
  return properties(node).some((p) => SERVER_KEYS.has(p.key));
}

function servers(root: JsonNode | undefined): Array<{ name: string; node: JsonNode }> {
  const out: Array<{ name: string; node: JsonNode }> = [];
  for (const map of serverMaps(root)) {
    for (const p of properties(map)) if (p.value.type === 'object' && isServerEntry(p.value)) out.push({ name: p.key, node: p.value });
  }
  return out;
}

/**
 * True for a file that is an MCP client config: by its well-known name, or a JSON file whose top
 * level holds a map of MCP server entries.
 */
export function looksLikeMcpConfig(file: string, text: string): boolean {
  if (isNamedMcpConfig(file)) return true;
  if (!/\.jsonc?$/i.test(file)) return false;
  // Parsing is the expensive part; only files naming a server map can qualify.
  if (!text.includes('"mcpServers"') && !text.includes('"servers"') && !text.includes('"mcp.servers"')) return false;
  return servers(parseJsoncQuietly(text)).length > 0;
}

/** Runners that fetch and start a package, with the flags naming the package and the flags taking a value. */
interface Runner {
  packageFlags: string[];
  valueFlags: string[];
}

const NPM_RUNNER: Runner = { packageFlags: ['-p', '--package'], valueFlags: ['--registry', '--cache', '--userconfig', '-c', '--call'] };
const UV_RUNNER: Runner = { packageFlags: ['--from'], valueFlags: ['--with', '--python', '-p', '--index-url', '--index', '--extra-index-url'] };
const PIPX_RUNNER: Runner = { packageFlags: ['--spec'], valueFlags: ['--python', '--index-url', '--pip-args'] };

const RUNNERS: Record<string, Runner> = { npx: NPM_RUNNER, bunx: NPM_RUNNER, pnpx: NPM_RUNNER, uvx: UV_RUNNER };
/** `pnpm dlx pkg`, `npm exec pkg`, `pipx run pkg`. */
const SUBCOMMAND_RUNNERS: Record<string, Record<string, Runner>> = {
  pnpm: { dlx: NPM_RUNNER },
  yarn: { dlx: NPM_RUNNER },
  npm: { exec: NPM_RUNNER },
  bun: { x: NPM_RUNNER },
  pipx: { run: PIPX_RUNNER },
};

function basename(command: string): string {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base.replace(/\.(cmd|exe|bat)$/i, '');
}

/** `@scope/pkg@1.2.3` → `@scope/pkg`, `postgres-mcp==0.3.0` → `postgres-mcp`. */
function packageName(spec: string): string {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const npm = at > 0 ? spec.slice(0, at) : spec;
  // Cut at the first version operator (`replace(/(…).*$/, '')` rescanned the rest from each one).
  const operator = /\[|==|>=|<=|~=|!=|[<>]/.exec(npm);
  return operator ? npm.slice(0, operator.index) : npm;
}

function runnerPackage(runner: Runner, args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') continue;
    const eq = a.indexOf('=');
    const flag = a.startsWith('-') && eq > 0 ? a.slice(0, eq) : a;
    if (runner.packageFlags.includes(flag)) return eq > 0 && flag !== a ? a.slice(eq + 1) : args[i + 1];
    if (a.startsWith('-')) {
      if (runner.valueFlags.includes(a)) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

/**
 * Some configs put a whole command line into `command` (`npx -y pkg`), others a path with spaces
 * (`C:\Program Files\nodejs\npx.cmd`): a path starts before the first space and its last
 * segment has none.
 */
function commandWords(command: string): string[] {
  const space = command.search(/\s/);
  if (space < 0) return [command];
  const separator = command.search(/[\\/]/);
  const last = command.slice(Math.max(command.lastIndexOf('/'), command.lastIndexOf('\\')) + 1);
  if (separator >= 0 && separator < space && !/\s/.test(last)) return [command];
  return command.split(/\s+/);
}

/** Container runtimes whose `run` starts the server in a container (same flags). */
const CONTAINER_RUNTIMES = new Set(['docker', 'podman']);

/** `docker run` flags that take no value; every other flag without `=` takes the next argument. */
const DOCKER_BOOLEAN_FLAGS = new Set([
  '--rm', '--init', '--privileged', '--interactive', '--tty', '--detach', '--publish-all', '--read-only', '--no-healthcheck',
  '--oom-kill-disable', '--sig-proxy', '--quiet', '--replace',
]);
/** Combined single-letter boolean flags: `-i`, `-t`, `-d`, `-P`, `-q`, `-it`, `-dit`. */
const DOCKER_SHORT_BOOLEANS = /^-[itdPq]+$/;

/** The image of `docker run [flags] image [command…]`, and the index of its argument. */
export function dockerRunImage(args: readonly string[]): { image: string; index: number } | undefined {
  const run = args.findIndex((a) => !a.startsWith('-'));
  // `docker run …` or `docker container run …`.
  let i = args[run] === 'run' ? run + 1 : args[run] === 'container' && args[run + 1] === 'run' ? run + 2 : -1;
  if (i < 0) return undefined;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') continue;
    if (!a.startsWith('-')) return { image: a, index: i };
    if (a.includes('=') || DOCKER_BOOLEAN_FLAGS.has(a) || DOCKER_SHORT_BOOLEANS.test(a)) continue;
    // `-eNAME=value`: a short flag with its value attached.
    if (/^-[a-zA-Z]./.test(a) && !a.startsWith('--')) continue;
    i++;
  }
  return undefined;
}

/** `ghcr.io/acme/pg-mcp:1.2` → `ghcr.io/acme/pg-mcp`; a registry port stays. */
function imageName(image: string): string {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * `cmd /c npx -y pkg` (and `/k`, `/s /c`): Windows configs start the real command through cmd.exe.
 * Returns the wrapped command line, or undefined when `words` is not such a wrapper.
 */
function unwrapCmd(base: string, rest: readonly string[]): string[] | undefined {
  if (base.toLowerCase() !== 'cmd') return undefined;
  const at = rest.findIndex((a) => /^\/[ck]$/i.test(a));
  return at >= 0 && at + 1 < rest.length ? rest.slice(at + 1) : undefined;
}

/**
 * `mcp:<package>` for package runners (`npx -y @modelcontextprotocol/server-postgres`),
 * `mcp:docker:<image>` for `docker run` / `podman run`, else `mcp:<command>`.
 */
export function mcpConsumer(command: string, args: string[]): string | undefined {
  const words = commandWords(command.trim());
  const base = basename(words[0] ?? '');
  if (!base) return undefined;
  const all = [...words.slice(1), ...args];
  const wrapped = unwrapCmd(base, all);
  if (wrapped) return mcpConsumer(wrapped[0]!, wrapped.slice(1));
  if (CONTAINER_RUNTIMES.has(base.toLowerCase())) {
    const image = dockerRunImage(all);
    return `mcp:${base.toLowerCase() === 'podman' ? 'docker' : base.toLowerCase()}${image ? `:${imageName(image.image)}` : ''}`;
  }
  let runner = RUNNERS[base.toLowerCase()];
  let rest = all;
  const sub = SUBCOMMAND_RUNNERS[base.toLowerCase()]?.[all[0] ?? ''];
  if (sub) {
    runner = sub;
    rest = all.slice(1);
  }
  const pkg = runner ? runnerPackage(runner, rest) : undefined;
  return `mcp:${pkg ? packageName(pkg) : base}`;
}

const DOCKER_ENV_FLAGS = new Set(['-e', '--env']);
const ENV_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** The location of value[from, to) of a located string. */
function within(loc: ValueLocation, from: number, to: number): ValueLocation {
  return loc.exact ? { start: loc.start + from, end: loc.start + to, exact: true } : loc;
}

/**
 * The directory relative paths of a server's arguments start from: the project the config belongs
 * to (`.cursor/mcp.json` → its parent), which is where MCP clients start project servers.
 */
function projectRoot(file: string): string {
  const dir = posix.dirname(file);
  return ['.cursor', '.vscode', '.gemini', '.claude'].includes(posix.basename(dir)) ? posix.dirname(dir) : dir;
}

/** `--env-file` path → path relative to the working directory (`${workspaceFolder}` is the project root). */
function envFilePath(configFile: string, written: string): string {
  const root = projectRoot(configFile);
  const p = written.replace(/^\$\{(workspaceFolder|workspaceRoot)\}[\\/]?/, '').replace(/\\/g, '/');
  if (p !== written.replace(/\\/g, '/')) return posix.normalize(posix.join(root, p));
  // Absolute and home paths are outside any scanned tree; they stay as written.
  if (posix.isAbsolute(p) || /^[A-Za-z]:\//.test(p) || p.startsWith('~')) return p;
  return posix.normalize(posix.join(root, p));
}

function extractArgs(sink: FactSink, argsNode: JsonNode, options: EmitOptions): void {
  const items = argsNode.children ?? [];
  for (let i = 0; i < items.length; i++) {
    const node = items[i]!;
    if (node.type !== 'string') continue;
    const arg = String(node.value);
    const loc = nodeLocation(sink.text, node, arg);
    const prev = items[i - 1];
    const prevArg = prev?.type === 'string' ? String(prev.value) : undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      const flag = arg.slice(0, eq);
      if (CONNECTION_FLAGS.has(flag)) {
        sink.value(arg.slice(eq + 1), within(loc, eq + 1, arg.length), { ...options, variable: flag });
        continue;
      }
      // docker run --env=NAME=value
      if (flag === '--env') {
        emitEnvArg(sink, arg.slice(eq + 1), loc, eq + 1, options);
        continue;
      }
      if (flag === '--env-file') {
        envFile(sink, arg.slice(eq + 1), node.offset, options);
        continue;
      }
    }
    if (prevArg !== undefined && CONNECTION_FLAGS.has(prevArg)) {
      sink.value(arg, loc, { ...options, variable: prevArg });
    } else if (prevArg !== undefined && DOCKER_ENV_FLAGS.has(prevArg)) {
      // docker run -e NAME=value: an env entry of the server's container. `-e NAME` alone passes
      // the client's own variable through: its value is the server's `env` entry, read there.
      if (ENV_ASSIGNMENT.test(arg)) emitEnvArg(sink, arg, loc, 0, options);
    } else if (prevArg === '--env-file') {
      envFile(sink, arg, node.offset, options);
    } else if (/^-e[A-Za-z_]/.test(arg) && ENV_ASSIGNMENT.test(arg.slice(2))) {
      // docker run -eNAME=value (value attached to the short flag).
      emitEnvArg(sink, arg.slice(2), loc, 2, options);
    } else {
      sink.value(arg, loc, options);
    }
  }
}

/** `--env-file <path>`: recorded for the core, which uses the file only if it was scanned. */
function envFile(sink: FactSink, written: string, offset: number, options: EmitOptions, flag = '--env-file'): void {
  if (!options.unit || written.trim() === '') return;
  const label = flag === 'envFile' ? `"envFile": "${written.trim()}"` : `${flag} ${written.trim()}`;
  sink.reference({ unit: options.unit, kind: 'env-file', path: envFilePath(sink.file, written.trim()), written: label }, offset);
}

/**
 * `${VAR}` / `${env:VAR}` in an env value or argument: the client substitutes its own environment,
 * which for a project server is the project's `.env` as loaded into the developer's shell. The core
 * resolves it against the project's env files; `${input:…}` prompts are never resolved (they are
 * the safe way to pass a password).
 */
function environmentUse(sink: FactSink, value: string, loc: ValueLocation, options: EmitOptions, as?: { name: string; range: { start: number; end: number } }): void {
  const parts = referenceParts(value, 'mcp');
  if (!parts || !options.unit) return;
  sink.use({
    unit: options.unit,
    scope: 'mcp',
    parts,
    ...(as ? { as: as.name, nameRange: as.range } : {}),
    valueRange: { start: loc.start, end: loc.end },
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.consumer ? { consumer: options.consumer } : {}),
    written: value,
  });
}

function emitEnvArg(sink: FactSink, assignment: string, loc: ValueLocation, offset: number, options: EmitOptions): void {
  const m = ENV_ASSIGNMENT.exec(assignment);
  if (!m) {
    sink.value(assignment, within(loc, offset, offset + assignment.length), options);
    return;
  }
  const name = m[1]!;
  const nameLoc = within(loc, offset, offset + name.length);
  const valueLoc = within(loc, offset + name.length + 1, offset + assignment.length);
  sink.assignment(name, nameLoc, assignment.slice(name.length + 1), valueLoc, options);
}

function extractServer(sink: FactSink, name: string, server: JsonNode): void {
  const text = sink.text;
  const commandNode = property(server, 'command');
  const command = commandNode?.type === 'string' ? String(commandNode.value) : undefined;
  const argsNode = property(server, 'args');
  const args = argsNode?.type === 'array' ? (argsNode.children ?? []).filter((n) => n.type === 'string').map((n) => String(n.value)) : [];
  const consumer = command !== undefined ? mcpConsumer(command, args) : undefined;
  const environment = environmentOfUnitName(name, 'MCP server');
  const options: EmitOptions = {
    unit: unitOf(sink.file, 'mcp-server', name),
    ...(consumer ? { consumer } : {}),
    ...(environment ? { environment } : {}),
  };

  for (const p of properties(property(server, 'env'))) {
    const v = p.value;
    if (v.type !== 'string' && v.type !== 'number' && v.type !== 'boolean') continue;
    const value = String(v.value);
    const loc = nodeLocation(text, v, value);
    sink.assignment(p.key, keyRange(text, p.keyNode), value, loc, options);
    environmentUse(sink, value, loc, options, { name: p.key, range: keyRange(text, p.keyNode) });
  }

  // VS Code: `"envFile": "${workspaceFolder}/.env"` gives the server every variable of the file.
  const envFileNode = property(server, 'envFile');
  if (envFileNode?.type === 'string') envFile(sink, String(envFileNode.value), envFileNode.offset, options, 'envFile');

  if (commandNode && command !== undefined) sink.value(command, nodeLocation(text, commandNode, command), options);
  if (argsNode?.type === 'array') {
    extractArgs(sink, argsNode, options);
    for (const node of argsNode.children ?? []) {
      if (node.type === 'string') environmentUse(sink, String(node.value), nodeLocation(text, node, String(node.value)), options);
    }
  }

  for (const key of URL_KEYS) {
    const node = property(server, key);
    if (node?.type !== 'string') continue;
    const url = String(node.value);
    sink.value(url, nodeLocation(text, node, url), { ...options, variable: key });
  }

  for (const p of properties(property(server, 'headers'))) {
    if (p.value.type !== 'string') continue;
    const value = String(p.value.value);
    sink.value(value, nodeLocation(text, p.value, value), { ...options, variable: p.key });
  }
}

export const extractMcp: Extractor = (input) => {
  const sink = new FactSink(input, 'mcp');
  const root = parseJsonc(sink);
  for (const { name, node } of servers(root)) extractServer(sink, name, node);
  return sink.result();
};
