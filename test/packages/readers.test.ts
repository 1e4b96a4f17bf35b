import { describe, expect, it } from 'vitest';
import { manifestKindOf, parseRequirement, readManifest } from '../../src/packages/readers.js';
import { VersionIndex, minVersion } from '../../src/packages/versions.js';

// Lockfiles as the package managers write them (shortened: the integrity hashes and the hundreds
// of unrelated entries of a real file are cut, the structure and quoting are not).

const PACKAGE_LOCK_V3_WORKSPACES = `{
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "shop",
      "version": "1.0.0",
      "workspaces": [
        "apps/*"
      ],
      "devDependencies": {
        "typescript": "^5.9.3"
      }
    },
    "apps/api": {
      "version": "0.1.0",
      "dependencies": {
        "pg": "^9.0.0"
      }
    },
    "apps/worker": {
      "version": "0.1.0",
      "dependencies": {
        "pg": "^8.11.3",
        "postgres": "^3.4.5"
      }
    },
    "apps/api/node_modules/pg": {
      "version": "9.0.0",
      "resolved": "https://registry.npmjs.org/pg/-/pg-9.0.0.tgz",
      "integrity": "sha512-AAAA",
      "license": "MIT",
      "dependencies": {
        "pg-connection-string": "^3.0.0",
        "pg-pool": "^4.0.0",
        "pg-protocol": "^2.0.0"
      }
    },
    "apps/api/node_modules/pg-connection-string": {
      "version": "3.0.0",
      "resolved": "https://registry.npmjs.org/pg-connection-string/-/pg-connection-string-3.0.0.tgz",
      "integrity": "sha512-BBBB",
      "license": "MIT"
    },
    "node_modules/api": {
      "resolved": "apps/api",
      "link": true
    },
    "node_modules/pg": {
      "version": "8.11.3",
      "resolved": "https://registry.npmjs.org/pg/-/pg-8.11.3.tgz",
      "integrity": "sha512-CCCC",
      "dependencies": {
        "buffer-writer": "2.0.0",
        "packet-reader": "1.0.0",
        "pg-connection-string": "^2.6.2",
        "pg-pool": "^3.6.1",
        "pg-protocol": "^1.6.0",
        "pg-types": "^2.1.0",
        "pgpass": "1.x"
      },
      "engines": {
        "node": ">= 8.0.0"
      },
      "optionalDependencies": {
        "pg-cloudflare": "^1.1.1"
      },
      "peerDependencies": {
        "pg-native": ">=3.0.1"
      },
      "peerDependenciesMeta": {
        "pg-native": {
          "optional": true
        }
      }
    },
    "node_modules/pg-connection-string": {
      "version": "2.6.2",
      "resolved": "https://registry.npmjs.org/pg-connection-string/-/pg-connection-string-2.6.2.tgz",
      "integrity": "sha512-DDDD"
    },
    "node_modules/postgres": {
      "version": "3.4.5",
      "resolved": "https://registry.npmjs.org/postgres/-/postgres-3.4.5.tgz",
      "integrity": "sha512-EEEE",
      "engines": {
        "node": ">=12"
      },
      "funding": {
        "type": "individual",
        "url": "https://github.com/sponsors/porsager"
      }
    },
    "node_modules/worker": {
      "resolved": "apps/worker",
      "link": true
    }
  }
}
`;

const PACKAGE_LOCK_V1 = `{
  "name": "legacy-api",
  "version": "2.3.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "knex": {
      "version": "0.21.21",
      "resolved": "https://registry.npmjs.org/knex/-/knex-0.21.21.tgz",
      "integrity": "sha512-FFFF",
      "requires": {
        "pg-connection-string": "2.4.0"
      },
      "dependencies": {
        "pg-connection-string": {
          "version": "2.4.0",
          "resolved": "https://registry.npmjs.org/pg-connection-string/-/pg-connection-string-2.4.0.tgz",
          "integrity": "sha512-GGGG"
        }
      }
    },
    "pg": {
      "version": "7.18.2",
      "resolved": "https://registry.npmjs.org/pg/-/pg-7.18.2.tgz",
      "integrity": "sha512-HHHH",
      "requires": {
        "pg-connection-string": "0.1.3"
      }
    }
  }
}
`;

const PNPM_LOCK_V9 = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    devDependencies:
      prisma:
        specifier: ^7.1.0
        version: 7.1.0(@types/react@19.2.2)(react-dom@19.2.0(react@19.2.0))(react@19.2.0)(typescript@5.9.3)

  apps/web:
    dependencies:
      '@prisma/adapter-pg':
        specifier: ^7.1.0
        version: 7.1.0
      '@prisma/client':
        specifier: ^7.1.0
        version: 7.1.0(prisma@7.1.0(@types/react@19.2.2)(react-dom@19.2.0(react@19.2.0))(react@19.2.0)(typescript@5.9.3))(typescript@5.9.3)
      next:
        specifier: 16.0.3
        version: 16.0.3(react-dom@19.2.0(react@19.2.0))(react@19.2.0)

packages:

  '@prisma/adapter-pg@7.1.0':
    resolution: {integrity: sha512-IIII}

  pg@8.16.3:
    resolution: {integrity: sha512-JJJJ}
    engines: {node: '>= 16.0.0'}
    peerDependencies:
      pg-native: '>=3.0.1'
    peerDependenciesMeta:
      pg-native:
        optional: true

snapshots:

  '@prisma/adapter-pg@7.1.0':
    dependencies:
      '@prisma/driver-adapter-utils': 7.1.0
      pg: 8.16.3
      postgres-array: 3.0.4
`;

const PNPM_LOCK_V6 = `lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  '@prisma/client':
    specifier: ^6.4.1
    version: 6.4.1(prisma@6.4.1)
  pg:
    specifier: ^8.13.3
    version: 8.13.3

devDependencies:
  prisma:
    specifier: ^6.4.1
    version: 6.4.1

packages:

  /pg@8.13.3:
    resolution: {integrity: sha512-KKKK}
    engines: {node: '>= 8.0.0'}
    dependencies:
      pg-connection-string: 2.7.0
    dev: false
`;

const PNPM_LOCK_V54 = `lockfileVersion: 5.4

specifiers:
  pg: ^8.7.3
  postgres: ^3.2.4

dependencies:
  pg: 8.7.3
  postgres: 3.2.4

packages:

  /pg/8.7.3:
    resolution: {integrity: sha512-LLLL}
    engines: {node: '>= 8.0.0'}
    peerDependencies:
      pg-native: '>=2.0.0'
    peerDependenciesMeta:
      pg-native:
        optional: true
    dependencies:
      pg-connection-string: 2.5.0
    dev: false
`;

const YARN_CLASSIC = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0":
  version "7.22.13"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.22.13.tgz#e3c1c099402598483b7a8c46a721d1038803755e"
  integrity sha512-MMMM
  dependencies:
    "@babel/highlight" "^7.22.13"
    chalk "^2.4.2"

"@prisma/client@^5.22.0":
  version "5.22.0"
  resolved "https://registry.yarnpkg.com/@prisma/client/-/client-5.22.0.tgz#da1ca9c133fbefe89e0da781c75e1c59da5f8802"
  integrity sha512-NNNN

pg-connection-string@^2.6.2:
  version "2.6.2"
  resolved "https://registry.yarnpkg.com/pg-connection-string/-/pg-connection-string-2.6.2.tgz#713d82053de4e2bd166fab70cd4f26ad36aab475"
  integrity sha512-OOOO

pg@^8.11.0, pg@^8.11.3:
  version "8.11.3"
  resolved "https://registry.yarnpkg.com/pg/-/pg-8.11.3.tgz#d7db6e3fe268fcedd65b8e4599cda0b8b4bf76cb"
  integrity sha512-PPPP
  dependencies:
    buffer-writer "2.0.0"
    packet-reader "1.0.0"
    pg-connection-string "^2.6.2"
    pg-pool "^3.6.1"
    pg-protocol "^1.6.0"
    pg-types "^2.1.0"
    pgpass "1.x"
  optionalDependencies:
    pg-cloudflare "^1.1.1"
`;

const YARN_BERRY = `# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"api@workspace:packages/api":
  version: 0.0.0-use.local
  resolution: "api@workspace:packages/api"
  dependencies:
    "@prisma/adapter-pg": "npm:^6.16.0"
    "@prisma/client": "npm:^6.16.0"
    pg: "npm:^8.16.0"
  languageName: unknown
  linkType: soft

"pg@npm:^8.11.0, pg@npm:^8.16.0":
  version: 8.16.3
  resolution: "pg@npm:8.16.3"
  dependencies:
    pg-cloudflare: "npm:^1.2.7"
    pg-connection-string: "npm:^2.9.1"
    pg-pool: "npm:^3.10.1"
    pg-protocol: "npm:^1.10.3"
    pg-types: "npm:2.2.0"
    pgpass: "npm:1.0.5"
  peerDependencies:
    pg-native: ">=3.0.1"
  dependenciesMeta:
    pg-cloudflare:
      optional: true
  peerDependenciesMeta:
    pg-native:
      optional: true
  checksum: 10c0/QQQQ
  languageName: node
  linkType: hard

"@prisma/client@npm:^6.16.0":
  version: 6.16.2
  resolution: "@prisma/client@npm:6.16.2"
  checksum: 10c0/RRRR
  languageName: node
  linkType: hard

"shop@workspace:.":
  version: 0.0.0-use.local
  resolution: "shop@workspace:."
  languageName: unknown
  linkType: soft
`;

const UV_LOCK = `version = 1
revision = 2
requires-python = ">=3.11"

[[package]]
name = "asyncpg"
version = "0.30.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/2f/4c/7c991e080e106d854809030d8584e15b2e996e26f16aee6d757e387bc17d/asyncpg-0.30.0.tar.gz", hash = "sha256:c551e9928ab6707602f44811817f82ba3c446e018bfe1d3abecc8ba5f3eac851", size = 957746, upload-time = "2024-10-20T00:30:41.127Z" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/4b/64/9d3e887bb7b01535fdbc45fbd5f0a8447539833b97ee69ecdbb7a79d0cb4/asyncpg-0.30.0-cp311-cp311-macosx_10_9_x86_64.whl", hash = "sha256:c902a60b52e506d38d7e80e0dd5399f657220f24635fee368117b8b5fce1142e", size = 670373, upload-time = "2024-10-20T00:29:55.165Z" },
]

[[package]]
name = "mcp-server-pg"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "asyncpg" },
    { name = "sqlalchemy", extra = ["asyncio"] },
]

[package.metadata]
requires-dist = [
    { name = "asyncpg", specifier = ">=0.30.0" },
    { name = "sqlalchemy", extras = ["asyncio"], specifier = ">=2.0.36" },
]

[[package]]
name = "SQLAlchemy"
version = "2.0.36"
source = { registry = "https://pypi.org/simple" }
`;

const POETRY_LOCK = `# This file is automatically @generated by Poetry 1.8.3 and should not be changed by hand.

[[package]]
name = "psycopg2-binary"
version = "2.9.9"
description = "psycopg2 - The PostgreSQL database adapter for Python"
optional = false
python-versions = ">=3.7"
files = [
    {file = "psycopg2-binary-2.9.9.tar.gz", hash = "sha256:7f01846810177d829c7692f1f5ada8096762d9172af1b1a28d4ab5b77c923c1c"},
]

[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "5e0f7b2a1c"
`;

const PYPROJECT = `[project]
name = "orders-mcp"
version = "0.3.0"
requires-python = ">=3.11"
dependencies = [
    "mcp[cli]>=1.2.0",
    "psycopg[binary,pool]>=3.2.3,<4",
    "SQLAlchemy[asyncio] ~= 2.0",
]

[project.optional-dependencies]
asyncpg = ["asyncpg==0.29.0; python_version >= '3.9'"]

[tool.poetry.dependencies]
psycopg2-binary = { version = "^2.9.9", optional = true }

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
`;

const REQUIREMENTS = `# Generated by pip-compile
asyncpg==0.29.0 \\
    --hash=sha256:0cdd2c1e2f8a7c0b5c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b
fastapi>=0.110
-r requirements-base.txt
psycopg2-binary>=2.9 ; sys_platform != "win32"  # libpq bundled
`;

describe('manifest readers', () => {
  it('names the manifests by file name', () => {
    expect(['package.json', 'apps/api/package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'pyproject.toml', 'uv.lock', 'poetry.lock', 'requirements.txt', 'requirements-dev.txt', 'requirements/base.txt', 'docs/readme.txt'].map(manifestKindOf)).toEqual([
      'package-json', 'package-lock', 'package-lock', 'pnpm-lock', 'yarn-lock', 'pyproject', 'uv-lock', 'poetry-lock', 'requirements', 'requirements', undefined, undefined,
    ]);
  });

  it('reads package-lock.json v3 install paths of the watched packages only', () => {
    const m = readManifest('package-lock.json', PACKAGE_LOCK_V3_WORKSPACES)!;
    expect(m.paths).toEqual({
      'apps/api/node_modules/pg': '9.0.0',
      'apps/api/node_modules/pg-connection-string': '3.0.0',
      'node_modules/pg': '8.11.3',
      'node_modules/pg-connection-string': '2.6.2',
      'node_modules/postgres': '3.4.5',
    });
  });

  it('reads package-lock.json v1 nested dependencies', () => {
    expect(readManifest('package-lock.json', PACKAGE_LOCK_V1)!.paths).toEqual({
      'node_modules/knex': '0.21.21',
      'node_modules/knex/node_modules/pg-connection-string': '2.4.0',
      'node_modules/pg': '7.18.2',
    });
  });

  it('reads pnpm-lock.yaml 9.0 importers, without the peer suffixes', () => {
    expect(readManifest('pnpm-lock.yaml', PNPM_LOCK_V9)!.importers).toEqual({
      '.': { prisma: '7.1.0' },
      'apps/web': { '@prisma/adapter-pg': '7.1.0', '@prisma/client': '7.1.0' },
    });
  });

  it('reads pnpm-lock.yaml 6.0 and 5.4 single projects', () => {
    expect(readManifest('pnpm-lock.yaml', PNPM_LOCK_V6)!.importers).toEqual({ '.': { '@prisma/client': '6.4.1', pg: '8.13.3', prisma: '6.4.1' } });
    expect(readManifest('pnpm-lock.yaml', PNPM_LOCK_V54)!.importers).toEqual({ '.': { pg: '8.7.3', postgres: '3.2.4' } });
  });

  it('reads yarn.lock v1 (classic) descriptors with parseSyml', () => {
    expect(readManifest('yarn.lock', YARN_CLASSIC)!.descriptors).toEqual({
      '@prisma/client@^5.22.0': '5.22.0',
      'pg-connection-string@^2.6.2': '2.6.2',
      'pg@^8.11.0': '8.11.3',
      'pg@^8.11.3': '8.11.3',
    });
  });

  it('reads yarn berry descriptors and workspace entries', () => {
    const m = readManifest('yarn.lock', YARN_BERRY)!;
    expect(m.descriptors).toEqual({ 'pg@^8.11.0': '8.16.3', 'pg@^8.16.0': '8.16.3', '@prisma/client@^6.16.0': '6.16.2' });
    expect(m.importers).toEqual({ 'packages/api': { '@prisma/client': '6.16.2', pg: '8.16.3' }, '.': {} });
  });

  it('reads uv.lock and poetry.lock packages by normalised name', () => {
    expect(readManifest('uv.lock', UV_LOCK)!.importers).toEqual({ '.': { asyncpg: '0.30.0', sqlalchemy: '2.0.36' } });
    expect(readManifest('poetry.lock', POETRY_LOCK)!.importers).toEqual({ '.': { 'psycopg2-binary': '2.9.9' } });
  });

  it('reads pyproject.toml PEP 621 and Poetry dependencies', () => {
    expect(readManifest('pyproject.toml', PYPROJECT)!.declared).toEqual({ psycopg: '>=3.2.3,<4', sqlalchemy: '~=2.0', asyncpg: '==0.29.0', 'psycopg2-binary': '^2.9.9' });
  });

  it('reads requirements.txt pins, ranges, continuations and markers', () => {
    const m = readManifest('requirements.txt', REQUIREMENTS)!;
    expect(m.declared).toEqual({ asyncpg: '==0.29.0', 'psycopg2-binary': '>=2.9' });
    expect(m.importers).toEqual({ '.': { asyncpg: '0.29.0' } });
    expect(parseRequirement('psycopg[binary] (>=3.1)')).toEqual({ name: 'psycopg', spec: '>=3.1' });
  });

  it('reports malformed files by throwing (the caller turns it into a diagnostic)', () => {
    expect(() => readManifest('package-lock.json', '{"packages": ')).toThrow();
    expect(() => readManifest('uv.lock', '[[package]]\nname = "asyncpg"\nversion = 0.30.0\n')).toThrow();
  });
});

describe('version resolution per package root', () => {
  const index = new VersionIndex([
    readManifest('package.json', '{ "name": "shop", "workspaces": ["apps/*"] }')!,
    readManifest('package-lock.json', PACKAGE_LOCK_V3_WORKSPACES)!,
    readManifest('apps/api/package.json', '{ "name": "api", "dependencies": { "pg": "^9.0.0" } }')!,
    readManifest('apps/worker/package.json', '{ "name": "worker", "dependencies": { "pg": "^8.11.3", "postgres": "^3.4.5" } }')!,
    readManifest('tools/package.json', '{ "name": "tools", "dependencies": { "pg": "~8.7.1" } }')!,
    readManifest('services/web/pnpm-lock.yaml', PNPM_LOCK_V9)!,
    readManifest('services/web/apps/web/package.json', '{ "dependencies": { "@prisma/client": "^7.1.0" } }')!,
    readManifest('mcp/pyproject.toml', PYPROJECT)!,
    readManifest('mcp/uv.lock', UV_LOCK)!,
  ]);

  it('follows Node resolution in a package-lock workspace: the nested copy first, then the hoisted one', () => {
    expect(index.versionOf('apps/api/src/db.ts', 'pg')).toEqual({ package: 'pg', version: '9.0.0', how: 'locked', from: 'package-lock.json', range: '^9.0.0' });
    expect(index.versionOf('apps/worker/src/jobs/db.ts', 'pg')).toMatchObject({ version: '8.11.3', how: 'locked' });
    expect(index.versionOf('apps/worker/.env', 'postgres')).toMatchObject({ version: '3.4.5', how: 'locked' });
  });

  it('takes a pnpm importer by the package root relative to the lockfile', () => {
    expect(index.versionOf('services/web/apps/web/lib/prisma.ts', '@prisma/client')).toMatchObject({ version: '7.1.0', how: 'locked', from: 'services/web/pnpm-lock.yaml' });
    expect(index.versionOf('services/web/prisma.config.ts', 'prisma')).toMatchObject({ version: '7.1.0', how: 'locked' });
  });

  it('uses the lowest version of the declared range when the lockfile does not hold the package', () => {
    // tools/ is outside the workspaces: the root lockfile is nearest but installs nothing there.
    expect(index.versionOf('tools/seed.js', 'pg')).toMatchObject({ version: '8.11.3', how: 'locked' });
    const alone = new VersionIndex([readManifest('tools/package.json', '{ "dependencies": { "pg": "~8.7.1" } }')!]);
    expect(alone.versionOf('tools/seed.js', 'pg')).toEqual({ package: 'pg', version: '8.7.1', how: 'declared', from: 'tools/package.json', range: '~8.7.1' });
    expect(alone.versionOf('tools/seed.js', 'postgres')).toBeUndefined();
    expect(alone.versionOf('elsewhere/x.js', 'pg')).toBeUndefined();
  });

  it('reads Python versions from uv.lock before pyproject ranges', () => {
    expect(index.versionOf('mcp/src/server.py', 'asyncpg', 'pypi')).toEqual({ package: 'asyncpg', version: '0.30.0', how: 'locked', from: 'mcp/uv.lock' });
    expect(index.versionOf('mcp/src/server.py', 'psycopg', 'pypi')).toEqual({ package: 'psycopg', how: 'declared', from: 'mcp/pyproject.toml', range: '>=3.2.3,<4' });
    expect(index.versionOf('mcp/src/server.py', 'SQLAlchemy', 'pypi')).toMatchObject({ version: '2.0.36', how: 'locked' });
  });

  it('reads ranges with semver', () => {
    expect([minVersion('^8.11.3'), minVersion('>=7 <9'), minVersion('npm:pg@^8.2.0'), minVersion('workspace:*'), minVersion('latest')]).toEqual(['8.11.3', '7.0.0', '8.2.0', undefined, undefined]);
  });
});
