// Which version of its client each connection is read with, once every value is resolved: the
// package root of the code that reads the connection (`readBy`, else the file it is written in)
// names the version in its lockfile or package.json, or nothing does and the latest major is
// assumed (`ConnectionFact.client.how === 'assumed'`). Where the version changes the client itself,
// the consumer changes: Prisma 7, and Prisma 6 with `previewFeatures = ["driverAdapters"]` and
// @prisma/adapter-pg installed, hand the URL to node-postgres (`prisma:adapter-pg`).
import type { ConnectionFact, Fact } from '../model.js';
import { assumedLatest, majorOf, type VersionIndex } from './versions.js';
import type { ClientVersion } from '../model.js';

/** Consumers of Prisma's URL: its engine, and the schema that asks for driver adapters (prisma.ts). */
export const PRISMA_DRIVER_ADAPTERS_CONSUMER = 'prisma:driver-adapters';
/** Prisma through @prisma/adapter-pg: node-postgres reads the URL (consumers.ts maps it so). */
export const PRISMA_ADAPTER_PG_CONSUMER = 'prisma:adapter-pg';

/** prisma.config.ts (also .js, .mjs, .cts …): Prisma 7's home of the datasource URL. */
export const PRISMA_CONFIG = /(?:^|\/)prisma\.config\.[cm]?[jt]s$/;

/** The package whose version decides how each consumer (from the project's own code) reads a URL. */
const PACKAGE_OF: Record<string, readonly string[]> = {
  // pg hands the string to its pg-connection-string; pg 9 comes with pg-connection-string 3.
  'node-postgres': ['pg', 'pg-connection-string'],
  'postgres.js': ['postgres'],
  prisma: ['@prisma/client', 'prisma'],
  [PRISMA_DRIVER_ADAPTERS_CONSUMER]: ['@prisma/client', 'prisma'],
};

/** The file whose package installs the client: the code that reads the value, else where it is written. */
function readerFile(c: ConnectionFact): string {
  return c.readBy?.file ?? c.file;
}

/** The version of the client `consumer` that code in `file` runs with, assumed when nothing names one. */
export function clientVersionOf(index: VersionIndex, file: string, consumer: string): ClientVersion | undefined {
  const packages = PACKAGE_OF[consumer];
  if (!packages) return undefined;
  for (const p of packages) {
    const v = index.versionOf(file, p);
    if (v) return v;
  }
  const assumed = assumedLatest(packages[0]!);
  // Prisma 7 refuses a schema datasource `url` and PrismaClient's `datasources` /
  // `datasourceUrl`: when nothing pins the version, only prisma.config.ts is Prisma 7.
  if (PACKAGE_OF[consumer] === PACKAGE_OF['prisma'] && !PRISMA_CONFIG.test(file)) {
    return { ...assumed, version: '6.x', reason: 'a URL in the schema or in PrismaClient options, which Prisma 7 no longer reads' };
  }
  return assumed;
}

/** The clients whose version `--print-config` reports, by the consumer that stands for them. */
export const VERSIONED_CLIENTS = ['node-postgres', 'postgres.js', 'prisma'] as const;

/**
 * Sets `client` on every connection whose client comes from the project (MCP servers and images
 * bring their own dependencies) and moves Prisma connections that node-postgres reads to
 * `prisma:adapter-pg`. Returns the facts to judge: a Prisma connection read through the adapter
 * is dropped when the same value also reaches the project's own `new PrismaPg(…)` call, whose TLS
 * options then decide.
 */
export function applyClientVersions(facts: readonly Fact[], index: VersionIndex): Fact[] {
  const out: Fact[] = [];
  const adapterRead: ConnectionFact[] = [];
  for (const f of facts) {
    if (f.kind !== 'connection' || !f.consumer || !PACKAGE_OF[f.consumer]) {
      out.push(f);
      continue;
    }
    const file = readerFile(f);
    let next: ConnectionFact = { ...f, client: clientVersionOf(index, file, f.consumer)! };
    if (f.consumer === 'prisma' || f.consumer === PRISMA_DRIVER_ADAPTERS_CONSUMER) {
      const major = majorOf(next.client);
      const seven = major !== undefined && major >= 7;
      const adapter = index.versionOf(file, '@prisma/adapter-pg');
      const sixWithAdapter = f.consumer === PRISMA_DRIVER_ADAPTERS_CONSUMER && adapter !== undefined;
      if (seven || sixWithAdapter) {
        next = { ...next, consumer: PRISMA_ADAPTER_PG_CONSUMER, ...(next.via ? { via: relabel(next.via, next.client) } : {}) };
        adapterRead.push(next);
      }
    }
    out.push(next);
  }
  if (adapterRead.length === 0) return out;
  // The same value read by the project's code through node-postgres (PrismaPg, Pool) with that call's options.
  const byCode = new Set(
    out
      .filter((f): f is ConnectionFact => f.kind === 'connection' && f.consumer === 'node-postgres' && f.readBy !== undefined && f.format !== 'prisma')
      .map((f) => originKey(f)),
  );
  const drop = new Set(adapterRead.filter((f) => f.readBy !== undefined && byCode.has(originKey(f))));
  return drop.size ? out.filter((f) => !(f.kind === 'connection' && drop.has(f))) : out;
}

function originKey(c: ConnectionFact): string {
  return `${c.file}\0${c.span.start}\0${c.unit?.id ?? ''}`;
}

function relabel(via: NonNullable<ConnectionFact['via']>, client: ClientVersion | undefined): NonNullable<ConnectionFact['via']> {
  const who = `Prisma ${client?.version ?? ''}`.trim();
  return via.map((r) => (r.message.startsWith('read by prisma') ? { ...r, message: r.message.replace(/^read by prisma(?::driver-adapters)?/, `read by ${who} through @prisma/adapter-pg (node-postgres)`) } : r));
}
