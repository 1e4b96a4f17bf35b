import { describe, expect, it, vi } from 'vitest';
import { extractPython, hasPythonTriggers } from '../../src/extract/python/index.js';
import { lintSources } from '../../src/engine/lint.js';
import { classifyPath } from '../../src/discovery/kinds.js';
import type { ConnectionFact, Fact, SettingFact, Span, TlsOptionsFact } from '../../src/model.js';

const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const tls = (facts: Fact[]): TlsOptionsFact[] => facts.filter((f): f is TlsOptionsFact => f.kind === 'tls-options');
const pos = (s: Span) => [s.line, s.column, s.endLine, s.endColumn];
/** Line, column, end line and end column of the `nth` occurrence of `needle` in `text` (1-based, as findings count). */
function at(text: string, needle: string, nth = 1): number[] {
  let start = -1;
  for (let i = 0; i < nth; i++) start = text.indexOf(needle, start + 1);
  if (start < 0) throw new Error(`not in the text: ${needle}`);
  const place = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return [before.length, before.at(-1)!.length + 1];
  };
  return [...place(start), ...place(start + needle.length)];
}
const row = (rule: string, file: string, where: number[], severity: string, consumer: string | null) => [rule, file, ...where, severity, consumer];
const lint = (files: Record<string, string>) => lintSources(Object.entries(files).map(([file, text]) => ({ file, text }))).findings;
const brief = (findings: ReturnType<typeof lint>) => findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.endLine, f.endColumn, f.severity, f.consumer ?? null]);

describe('classifyPath: Python', () => {
  it('reads *.py as Python, and .env.*.py is not an env file', () => {
    expect(classifyPath('server.py')).toEqual(['python']);
    expect(classifyPath('app/db/SESSION.PY')).toEqual(['python']);
    expect(classifyPath('.env.production.py')).toEqual(['python']);
    expect(classifyPath('server.pyc')).toEqual([]);
  });
});

describe('extractPython: asyncpg', () => {
  const text = `import os
import asyncpg as pg

DATABASE_URL = os.getenv('DATABASE_URL', 'postgresql://app@db.abcdefghijkl.supabase.co:5432/postgres?sslmode=disable')

async def make_pool():
    return await pg.create_pool(DATABASE_URL, ssl='require', server_settings={'ssl_min_protocol_version': 'TLSv1.2'})
`;
  const { facts, diagnostics, uses } = extractPython({ file: 'src/db.py', text });

  it('records the call\u2019s TLS keyword arguments with exact positions, and that they replace the DSN\u2019s', () => {
    expect(diagnostics).toEqual([]);
    const [t] = tls(facts);
    expect(tls(facts)).toHaveLength(1);
    expect(t).toMatchObject({ driver: 'asyncpg', sink: 'asyncpg.create_pool', overridesUrl: true });
    expect(t!.options.ssl!.value).toBe('require');
    expect(pos(t!.options.ssl!.span)).toEqual(at(text, "ssl='require'"));
    expect(pos(t!.options.ssl!.valueSpan)).toEqual(at(text, "'require'"));
    expect(t!.options['server_settings.ssl_min_protocol_version']!.value).toBe('TLSv1.2');
    expect(pos(t!.options['server_settings.ssl_min_protocol_version']!.span)).toEqual(at(text, "'ssl_min_protocol_version': 'TLSv1.2'"));
  });

  it('reads the default of os.getenv as the DSN asyncpg gets while the variable is unset, its TLS replaced by ssl=', () => {
    const [c] = connections(facts);
    expect(connections(facts)).toHaveLength(1);
    expect(c).toMatchObject({ consumer: 'asyncpg', variable: 'DATABASE_URL', tlsInCode: true });
    expect(pos(c!.span)).toEqual(at(text, 'postgresql://app@db.abcdefghijkl.supabase.co:5432/postgres?sslmode=disable'));
    expect(pos(c!.sslmode!.span)).toEqual(at(text, 'disable'));
  });

  it('hands the variable to the cross-file resolution with the call\u2019s client', () => {
    expect(uses).toEqual([expect.objectContaining({ scope: 'code', parts: [{ name: 'DATABASE_URL' }], consumer: 'asyncpg', receiverAt: text.indexOf('pg.create_pool') })]);
  });

  it('judges ssl=\'require\' as asyncpg reads it, and the server setting as what it is', () => {
    const findings = lint({ 'src/db.py': text });
    expect(brief(findings)).toEqual([
      row('require-verify-full', 'src/db.py', at(text, "ssl='require'"), 'warning', 'asyncpg'),
      row('tls-min-version', 'src/db.py', at(text, "'ssl_min_protocol_version': 'TLSv1.2'"), 'warning', null),
    ]);
    expect(findings[0]!.message).toContain("asyncpg reads ssl='require' as encryption without certificate checks");
    expect(findings[1]!.message).toContain('not the client\'s minimum TLS version');
  });
});

describe('extractPython: psycopg keyword arguments override the DSN (libpq)', () => {
  it('a verify-full keyword makes the DSN\u2019s sslmode=disable irrelevant', () => {
    const text = `import psycopg\nconn = psycopg.connect("postgresql://app@db.acme-prod.com/app?sslmode=disable", sslmode="verify-full", sslrootcert="/etc/ssl/ca.pem")\n`;
    expect(lint({ 'etl/load.py': text })).toEqual([]);
  });

  it('the default of os.getenv(\'PGSSLMODE\', \'require\') is judged at the default, where it is written', () => {
    const text = `import os
import psycopg2

PGSSLMODE = os.getenv("PGSSLMODE", "require")

def connect():
    return psycopg2.connect(host=os.getenv("PGHOST"), sslmode=PGSSLMODE)
`;
    const findings = lint({ 'mcp_server.py': text });
    expect(brief(findings)).toEqual([row('require-verify-full', 'mcp_server.py', at(text, '"require"'), 'warning', 'libpq')]);
    expect(findings[0]!.message).toContain('`os.getenv("PGSSLMODE", "require")` is the sslmode psycopg (libpq) gets while PGSSLMODE is unset');
  });

  it('psycopg_pool kwargs and sslmode=prefer in production settings', () => {
    const text = `from psycopg_pool import ConnectionPool\npool = ConnectionPool("host=db.acme-prod.com dbname=app", kwargs={"sslmode": "prefer"})\n`;
    expect(brief(lint({ 'deploy/production/pool.py': text }))).toEqual([row('no-ssl-disabled', 'deploy/production/pool.py', at(text, '"sslmode": "prefer"'), 'error', 'libpq')]);
  });
});

describe('extractPython: SQLAlchemy', () => {
  it('reads a postgresql+asyncpg URL as the asyncpg dialect does: sslmode is a TypeError', () => {
    const text = `from sqlalchemy.ext.asyncio import create_async_engine\nengine = create_async_engine("postgresql+asyncpg://app@db.acme-prod.com:5432/app?sslmode=require")\n`;
    const findings = lint({ 'app/db.py': text });
    expect(brief(findings)).toEqual([row('ignored-tls-setting', 'app/db.py', at(text, 'require'), 'warning', 'sqlalchemy-asyncpg')]);
    expect(findings[0]!.message).toContain('which asyncpg does not accept (TypeError)');
  });

  it('?ssl=require in an asyncpg URL is asyncpg\u2019s ssl argument', () => {
    const text = `from sqlalchemy.ext.asyncio import create_async_engine\nengine = create_async_engine("postgresql+asyncpg://app@db.acme-prod.com:5432/app?ssl=require")\n`;
    const findings = lint({ 'app/db.py': text });
    expect(brief(findings)).toEqual([row('require-verify-full', 'app/db.py', at(text, 'require'), 'warning', 'sqlalchemy-asyncpg')]);
    expect(findings[0]!.message).toContain('asyncpg reads ssl=require as encryption without certificate checks');
  });

  it('a psycopg URL is read by libpq; connect_args replace its query', () => {
    const plain = `import sqlalchemy as sa\nengine = sa.create_engine("postgresql+psycopg://app@db.acme-prod.com/app?sslmode=prefer")\n`;
    expect(brief(lint({ 'app/db.py': plain }))).toEqual([row('no-ssl-disabled', 'app/db.py', at(plain, 'prefer'), 'error', 'libpq')]);
    const replaced = `import sqlalchemy as sa\nengine = sa.create_engine("postgresql+psycopg://app@db.acme-prod.com/app?sslmode=prefer", connect_args={"sslmode": "verify-full", "sslrootcert": "/etc/ssl/ca.pem"})\n`;
    expect(lint({ 'app/db.py': replaced })).toEqual([]);
  });

  it('connect_args={"ssl": ctx} with verification off is asyncpg\u2019s', () => {
    const text = `import ssl
from sqlalchemy.ext.asyncio import create_async_engine

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
engine = create_async_engine(URL, connect_args={"ssl": ctx})
`;
    const findings = lint({ 'app/db.py': text });
    expect(brief(findings)).toEqual([row('no-reject-unauthorized', 'app/db.py', at(text, 'ctx.verify_mode = ssl.CERT_NONE'), 'error', 'asyncpg')]);
    expect(findings[0]!.message).toContain('`ctx.verify_mode = ssl.CERT_NONE` switches off certificate verification for asyncpg');
  });
});

describe('extractPython: SSL contexts', () => {
  it('ssl._create_unverified_context() handed to asyncpg', () => {
    const text = `import ssl, asyncpg\nasync def c(dsn):\n    return await asyncpg.connect(dsn, ssl=ssl._create_unverified_context())\n`;
    expect(brief(lint({ 'worker.py': text }))).toEqual([row('no-reject-unauthorized', 'worker.py', at(text, 'ssl._create_unverified_context()'), 'error', 'asyncpg')]);
  });

  it('check_hostname = False alone is a warning (the chain is still checked)', () => {
    const text = `import ssl, asyncpg\nctx = ssl.create_default_context(cafile="/etc/ssl/ca.pem")\nctx.check_hostname = False\nasync def c(dsn):\n    return await asyncpg.connect(dsn, ssl=ctx)\n`;
    expect(brief(lint({ 'worker.py': text }))).toEqual([row('no-reject-unauthorized', 'worker.py', at(text, 'ctx.check_hostname = False'), 'warning', 'asyncpg')]);
  });

  it('a verifying context is not reported; an unverified one that reaches no client is a warning only beside a Postgres client', () => {
    const verified = `import ssl, asyncpg\nctx = ssl.create_default_context(cafile="ca.pem")\nctx.verify_mode = ssl.CERT_REQUIRED\nasync def c(dsn):\n    return await asyncpg.connect(dsn, ssl=ctx)\n`;
    expect(lint({ 'worker.py': verified })).toEqual([]);
    const loose = `import ssl\nimport asyncpg\nctx = ssl.create_default_context()\nctx.verify_mode = ssl.CERT_NONE\n`;
    expect(brief(lint({ 'worker.py': loose }))).toEqual([row('no-reject-unauthorized', 'worker.py', at(loose, 'ctx.verify_mode = ssl.CERT_NONE'), 'warning', null)]);
    const http = `import ssl\nimport requests\nctx = ssl.create_default_context()\nctx.verify_mode = ssl.CERT_NONE\n`;
    expect(lint({ 'crawler.py': http })).toEqual([]);
  });
});

describe('extractPython: Django and dj-database-url', () => {
  it('DATABASES OPTIONS sslmode of a PostgreSQL engine, not of MySQL', () => {
    const text = `DATABASES = {
    "default": {"ENGINE": "django.db.backends.postgresql", "HOST": "db.acme-prod.com", "OPTIONS": {"sslmode": "require"}},
    "legacy": {"ENGINE": "django.db.backends.mysql", "OPTIONS": {"sslmode": "disable"}},
}
`;
    const findings = lint({ 'shop/settings/production.py': text });
    expect(brief(findings)).toEqual([row('require-verify-full', 'shop/settings/production.py', at(text, '"sslmode": "require"'), 'error', 'libpq')]);
  });

  it('a local HOST may use any mode', () => {
    const text = `DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "localhost", "OPTIONS": {"sslmode": "disable"}}}\n`;
    expect(lint({ 'shop/settings/production.py': text })).toEqual([]);
  });

  it('dj_database_url.config(ssl_require=True) is sslmode=require; it reads DATABASE_URL', () => {
    const text = `import dj_database_url\nDATABASES = {"default": dj_database_url.config(conn_max_age=600, ssl_require=True)}\n`;
    const { uses } = extractPython({ file: 'settings.py', text });
    expect(uses).toEqual([expect.objectContaining({ parts: [{ name: 'DATABASE_URL' }], consumer: 'dj-database-url' })]);
    expect(brief(lint({ 'settings/production.py': text }))).toEqual([row('require-verify-full', 'settings/production.py', at(text, 'ssl_require=True'), 'error', 'libpq')]);
  });
});

describe('extractPython: environment variables', () => {
  it('os.environ[...] = ... sets a variable for the process (PGSSLMODE)', () => {
    const text = `import os\nos.environ["PGSSLMODE"] = "disable"\nos.environ.setdefault("PGSSLROOTCERT", "certs/ca.pem")\n`;
    const { facts } = extractPython({ file: 'run.py', text });
    const byName = settings(facts).sort((a, b) => a.span.start - b.span.start);
    expect(byName.map((s) => [s.name, s.value, pos(s.nameSpan), pos(s.valueSpan), s.unit?.kind])).toEqual([
      ['PGSSLMODE', 'disable', at(text, 'PGSSLMODE'), at(text, 'disable'), 'source-file'],
      ['PGSSLROOTCERT', 'certs/ca.pem', at(text, 'PGSSLROOTCERT'), at(text, 'certs/ca.pem'), 'source-file'],
    ]);
    expect(brief(lint({ 'run.py': text + 'import psycopg2\nconn = psycopg2.connect("postgresql://etl@warehouse.acme-prod.com/dw")\n' }))).toEqual([
      row('no-ssl-disabled', 'run.py', at(text, 'disable'), 'error', null),
    ]);
  });

  it('os.environ["X"] and os.environ.get("X") read by a client are judged where the value is written, with that client', () => {
    const code = `import os, asyncpg\nasync def c():\n    return await asyncpg.connect(os.environ.get("DATABASE_URL"))\n`;
    const env = 'DATABASE_URL=postgresql://app@db.acme-prod.com:5432/app?sslmode=require\n';
    const findings = lint({ 'app/db.py': code, '.env': env });
    const own = findings.filter((f) => f.ruleId !== 'gitignore-env');
    expect(brief(own)).toEqual([row('require-verify-full', '.env', at(env, 'require'), 'warning', 'asyncpg')]);
    expect(own[0]!.related?.map((r) => [r.file, r.line])).toEqual([['.env', 1], ['app/db.py', 3]]);
  });

  it('asyncpg defaults to prefer: a URL without sslmode is optional TLS', () => {
    const code = `import os, asyncpg\nPOOL = asyncpg.create_pool(os.environ["DATABASE_URL"])\n`;
    const env = 'DATABASE_URL=postgresql://app@db.acme-prod.com:5432/app\n';
    const findings = lint({ 'app/db.py': code, '.env.production': env }).filter((f) => f.ruleId !== 'gitignore-env');
    expect(brief(findings)).toEqual([row('require-sslmode', '.env.production', at(env, 'postgresql://app@db.acme-prod.com:5432/app'), 'warning', 'asyncpg')]);
    expect(findings[0]!.message).toContain('asyncpg');
  });
});

describe('extractPython: data is not configuration', () => {
  it('no finding for URLs in assertions, mocks, docstrings and comments', () => {
    const test = `from unittest import mock
import asyncpg

def test_parse():
    """Parses postgresql://u:pw@db.acme-prod.com/app?sslmode=disable."""
    # postgresql://u:pw@db.acme-prod.com/app?sslmode=disable
    assert parse("postgresql://u:pw@db.acme-prod.com/app?sslmode=disable").sslmode == "disable"

@mock.patch.dict("os.environ", {"DATABASE_URL": "postgresql://u:pw@db.acme-prod.com/app?sslmode=disable"})
def test_env():
    pool = mock.AsyncMock(spec=asyncpg.Pool)
`;
    expect(extractPython({ file: 'tests/test_db.py', text: test }).facts).toEqual([]);
    const app = `"""Example: postgresql://u:pw@db.acme-prod.com/app?sslmode=disable"""\n# DATABASE_URL = "postgresql://u:pw@db.acme-prod.com/app?sslmode=disable"\nraise ValueError("expected postgresql://user@host/db?sslmode=verify-full")\n`;
    expect(extractPython({ file: 'app/errors.py', text: app }).facts).toEqual([]);
  });

  it('a named database URL in application code is a connection', () => {
    const text = `SQLALCHEMY_DATABASE_URI = "postgresql://app:s3cr3t-Pa55@db.acme-prod.com:5432/app"\n`;
    const [c] = connections(extractPython({ file: 'config.py', text }).facts);
    expect(c).toMatchObject({ variable: 'SQLALCHEMY_DATABASE_URI' });
    expect(pos(c!.span)).toEqual(at(text, 'postgresql://app:s3cr3t-Pa55@db.acme-prod.com:5432/app'));
  });

  it('a literal password in Python is fixed with os.environ, not process.env', () => {
    const text = `import psycopg\nconn = psycopg.connect("postgresql://etl:Wq7-rT2xZ9pK@warehouse.acme-prod.com/dw?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem")\n`;
    const findings = lint({ 'etl/load.py': text });
    expect(brief(findings)).toEqual([row('no-plaintext-password', 'etl/load.py', at(text, 'Wq7-rT2xZ9pK'), 'error', null)]);
    expect(findings[0]!.message).toContain("os.environ['DB_PASSWORD']");
  });

  it('f-strings keep their replacement fields as references, positions exact', () => {
    const text = `import psycopg2\nconn = psycopg2.connect(f"postgresql://{user}:{password}@db.acme-prod.com/app?sslmode=disable")\n`;
    const [c] = connections(extractPython({ file: 'job.py', text }).facts);
    expect(c!.password.placeholder).toBe(true);
    expect(pos(c!.sslmode!.span)).toEqual(at(text, 'disable'));
    expect(pos(c!.hosts[0]!.span!)).toEqual(at(text, 'db.acme-prod.com'));
  });
});

describe('extractPython: prefilter', () => {
  it('only files with a trigger word are parsed', async () => {
    expect(hasPythonTriggers('def add(a, b):\n    return a + b\n')).toBe(false);
    expect(hasPythonTriggers('import asyncpg\n')).toBe(true);
    expect(hasPythonTriggers('context = ssl.create_default_context()\n')).toBe(true);
    expect(hasPythonTriggers('class isSSLValid: pass\n')).toBe(false);
    vi.resetModules();
    const tree = await import('../../src/extract/python/tree.js');
    const fresh = await import('../../src/extract/python/index.js');
    expect(fresh.extractPython({ file: 'math.py', text: 'def add(a, b):\n    return a + b\n' })).toEqual({ facts: [], diagnostics: [] });
    expect(tree.pythonParserLoaded()).toBe(false);
    fresh.extractPython({ file: 'db.py', text: 'import asyncpg\n' });
    expect(tree.pythonParserLoaded()).toBe(true);
  });

  it('never throws on prefixes of a Python file, and every span lies inside the text', () => {
    const full = `import os, ssl, asyncpg\nctx = ssl.create_default_context()\nctx.verify_mode = ssl.CERT_NONE\nDATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"sslmode": "prefer"}}}\nasync def f():\n    return await asyncpg.connect(os.getenv("DATABASE_URL", "postgresql://a@db.acme-prod.com/x?sslmode=disable"), ssl=ctx, server_settings={"ssl_min_protocol_version": "TLSv1"})\n`;
    for (let cut = 0; cut <= full.length; cut += 7) {
      const text = full.slice(0, cut);
      const { facts } = extractPython({ file: 'x.py', text });
      for (const f of facts) expect(f.span.end).toBeLessThanOrEqual(text.length);
    }
  });
});
