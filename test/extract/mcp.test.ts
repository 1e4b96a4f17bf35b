import { describe, expect, it } from 'vitest';
import { extractMcp, looksLikeMcpConfig, mcpConsumer } from '../../src/extract/mcp.js';
import type { ConnectionFact, Fact, SettingFact, Span } from '../../src/model.js';

const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const pos = (s: Span) => [s.line, s.column, s.endLine, s.endColumn];

const SUPABASE_PASSWORD = 'hT7qL2vR9xWz';

const CLAUDE_DESKTOP = `{
  "mcpServers": {
    "supabase-prod": {
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-postgres",
        "postgresql://postgres.abcdefghijklmnopqrst:${SUPABASE_PASSWORD}@aws-0-us-east-1.pooler.supabase.com:6543/postgres?sslmode=disable"
      ]
    },
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/dana/Desktop"]
    }
  }
}
`;

describe('extractMcp: Claude Desktop', () => {
  const { facts, diagnostics } = extractMcp({ file: 'claude_desktop_config.json', text: CLAUDE_DESKTOP });

  it('finds the positional Supabase URL with its package as consumer', () => {
    expect(diagnostics).toEqual([]);
    expect(facts).toHaveLength(1);
    const [c] = connections(facts);
    expect(c!.consumer).toBe('mcp:@modelcontextprotocol/server-postgres');
    expect(c!.unit).toEqual({ id: 'claude_desktop_config.json#mcp-server:supabase-prod', kind: 'mcp-server', name: 'supabase-prod' });
    expect(c!.format).toBe('mcp');
    expect(c!.sslmode?.value).toBe('disable');
    expect(pos(c!.sslmode!.span)).toEqual([8, 124, 8, 131]);
    expect(pos(c!.span)).toEqual([8, 10, 8, 131]);
    expect(c!.hosts[0]).toMatchObject({ host: 'aws-0-us-east-1.pooler.supabase.com', port: 6543, class: 'remote' });
    expect(c!.password.present).toBe(true);
    expect(c!.masked).not.toContain(SUPABASE_PASSWORD);
    expect(pos(c!.password.span!)).toEqual([8, 53, 8, 65]);
  });

  it('takes the environment from the server name', () => {
    expect(facts[0]!.environment).toEqual({ name: 'production', reason: 'MCP server `supabase-prod`' });
  });
});

const CURSOR = `{
  "mcpServers": {
    "postgres": {
      "command": "uvx",
      "args": ["postgres-mcp", "--access-mode=restricted"],
      "env": {
        "DATABASE_URI": "postgresql://app_ro:Zr8pQ4mWc1@orders-db.c9akciq32.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require",
        "PGSSLROOTCERT": "./certs/rds-global-bundle.pem",
        "NODE_TLS_REJECT_UNAUTHORIZED": "0"
      }
    },
    "neon": {
      "url": "https://mcp.neon.tech/mcp",
      "headers": { "Authorization": "Bearer \${NEON_API_KEY}" }
    }
  }
}
`;

describe('extractMcp: Cursor .cursor/mcp.json', () => {
  const { facts, diagnostics } = extractMcp({ file: '.cursor/mcp.json', text: CURSOR });

  it('reads env entries as assignments with exact name and value spans', () => {
    expect(diagnostics).toEqual([]);
    const s = settings(facts);
    expect(s.map((f) => [f.name, f.category, f.value])).toEqual([
      ['PGSSLROOTCERT', 'sslrootcert', './certs/rds-global-bundle.pem'],
      ['NODE_TLS_REJECT_UNAUTHORIZED', 'node-tls-reject-unauthorized', '0'],
    ]);
    const tls = s[1]!;
    expect(pos(tls.nameSpan)).toEqual([9, 10, 9, 38]);
    expect(pos(tls.valueSpan)).toEqual([9, 42, 9, 43]);
    expect(tls.unit?.id).toBe('.cursor/mcp.json#mcp-server:postgres');
  });

  it('reads a connection string in env with variable, consumer and unit', () => {
    const [c] = connections(facts);
    expect(c).toMatchObject({ variable: 'DATABASE_URI', consumer: 'mcp:postgres-mcp', database: 'orders', user: 'app_ro' });
    expect(c!.sslmode?.value).toBe('require');
    expect(pos(c!.span)).toEqual([7, 26, 7, 132]);
    expect(c!.unit?.name).toBe('postgres');
  });

  it('yields nothing for a remote server without connection strings', () => {
    expect(facts.filter((f) => f.unit?.name === 'neon')).toEqual([]);
  });
});

const VSCODE = `{
  // Shared with the team; the password comes from a prompt.
  "inputs": [
    { "type": "promptString", "id": "db-password", "description": "Staging DB password", "password": true },
  ],
  "servers": {
    "staging-db": {
      "type": "stdio",
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-postgres",
        "--connection-string",
        "postgres://reporting:\${input:db-password}@10.20.0.15:5432/analytics?sslmode=prefer", // internal VPC
      ],
      "env": { "PGSSLMODE": "disable", },
    },
  },
}
`;

describe('extractMcp: VS Code .vscode/mcp.json with comments and trailing commas', () => {
  const { facts, diagnostics } = extractMcp({ file: '.vscode/mcp.json', text: VSCODE });

  it('parses JSONC without diagnostics', () => {
    expect(diagnostics).toEqual([]);
  });

  it('takes the value after --connection-string, with an input reference as password', () => {
    const [c] = connections(facts);
    expect(c).toMatchObject({ variable: '--connection-string', consumer: 'mcp:@modelcontextprotocol/server-postgres', user: 'reporting' });
    expect(c!.password).toMatchObject({ present: true, placeholder: true });
    expect(c!.hosts[0]).toMatchObject({ host: '10.20.0.15', ip: 'v4' });
    expect(pos(c!.span)).toEqual([14, 10, 14, 92]);
    expect(c!.environment.name).toBe('staging');
  });

  it('reads PGSSLMODE from env', () => {
    const [s] = settings(facts);
    expect(s).toMatchObject({ name: 'PGSSLMODE', category: 'sslmode', value: 'disable' });
    expect(pos(s!.nameSpan)).toEqual([16, 17, 16, 26]);
    expect(pos(s!.valueSpan)).toEqual([16, 30, 16, 37]);
  });

  it('emits each argument once', () => {
    expect(connections(facts)).toHaveLength(1);
  });
});

const SETTINGS = `{
  "editor.formatOnSave": true,
  "mcp": {
    "servers": {
      "orders-db": {
        "command": "docker",
        "args": ["run", "-i", "--rm", "-e", "PGSSLMODE=allow", "crystaldba/postgres-mcp", "--dsn=host=orders.internal.exemplar.io dbname=orders sslmode=allow"]
      }
    }
  }
}
`;

describe('extractMcp: VS Code settings.json with mcp.servers', () => {
  it('is recognised by content', () => {
    expect(looksLikeMcpConfig('.vscode/settings.json', SETTINGS)).toBe(true);
  });

  const { facts } = extractMcp({ file: '.vscode/settings.json', text: SETTINGS });

  it('reads docker -e NAME=value as an env entry', () => {
    const [s] = settings(facts);
    expect(s).toMatchObject({ name: 'PGSSLMODE', value: 'allow', unit: { kind: 'mcp-server', name: 'orders-db' } });
    expect(pos(s!.nameSpan)).toEqual([7, 46, 7, 55]);
    expect(pos(s!.valueSpan)).toEqual([7, 56, 7, 61]);
  });

  it('reads a DSN after --dsn=', () => {
    const [c] = connections(facts);
    expect(c).toMatchObject({ form: 'dsn', variable: '--dsn', consumer: 'mcp:docker:crystaldba/postgres-mcp', database: 'orders' });
    expect(c!.sslmode?.value).toBe('allow');
    expect(pos(c!.span)).toEqual([7, 98, 7, 158]);
  });
});

describe('extractMcp: broken JSON', () => {
  const text = `{
  "mcpServers": {
    "pg": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://admin:N0tS0Secret@db.exemplar.io/app"]
      "env": { "PGSSLMODE": "disable" }
    }
`;
  const { facts, diagnostics } = extractMcp({ file: '.mcp.json', text });

  it('reports the errors with positions', () => {
    expect(diagnostics[0]).toEqual({ file: '.mcp.json', line: 6, column: 7, message: 'invalid JSON: CommaExpected' });
    expect(diagnostics.at(-1)).toMatchObject({ line: 8, column: 1, message: 'invalid JSON: CloseBraceExpected' });
  });

  it('keeps extracting from the recovered tree', () => {
    expect(connections(facts).map((c) => c.hosts[0]?.host)).toEqual(['db.exemplar.io']);
    expect(settings(facts).map((s) => s.value)).toEqual(['disable']);
  });

  it('does not throw on garbage', () => {
    expect(() => extractMcp({ file: '.mcp.json', text: '\u0000}{]["' })).not.toThrow();
    expect(extractMcp({ file: '.mcp.json', text: '' }).facts).toEqual([]);
  });
});

describe('extractMcp: remote servers and headers', () => {
  const text = `{
  "mcpServers": {
    "db-proxy": {
      "serverUrl": "https://mcp.internal.exemplar.io/sse",
      "headers": { "X-Database-Url": "postgresql://svc:Qw3rty9@pg.internal.exemplar.io:5432/main?sslmode=verify-full" }
    },
    "legacy": { "httpUrl": "postgres://legacy.exemplar.io/old?sslmode=disable" }
  }
}`;
  const { facts } = extractMcp({ file: 'mcp_config.json', text });

  it('reads headers and URL keys with the key as variable', () => {
    expect(connections(facts).map((c) => [c.unit?.name, c.variable, c.sslmode?.value, c.consumer])).toEqual([
      ['db-proxy', 'X-Database-Url', 'verify-full', undefined],
      ['legacy', 'httpUrl', 'disable', undefined],
    ]);
    expect(pos(connections(facts)[1]!.span)).toEqual([7, 29, 7, 78]);
  });
});

describe('extractMcp: escapes', () => {
  it('points at the whole string, quotes included, when a JSON escape shifts offsets', () => {
    const text = '{"mcpServers":{"pg":{"command":"npx","args":["postgresql://u@db.exemplar.io/app?application_name=a\\u0062c&sslmode=disable"]}}}';
    const [c] = connections(extractMcp({ file: '.mcp.json', text }).facts);
    expect(c!.sslmode?.value).toBe('disable');
    expect(pos(c!.sslmode!.span)).toEqual([1, 46, 1, 123]);
  });
});

describe('looksLikeMcpConfig', () => {
  it('knows MCP configs by name', () => {
    for (const file of ['.mcp.json', 'tools/.mcp.json', '.cursor/mcp.json', 'app/.vscode/mcp.json', 'claude_desktop_config.json', 'cline_mcp_settings.json', 'mcp_config.json', '.gemini/settings.json']) {
      expect(looksLikeMcpConfig(file, '{}'), file).toBe(true);
    }
  });

  it('recognises server maps by content, and only those', () => {
    expect(looksLikeMcpConfig('config/agents.json', '{"mcpServers": {"pg": {"command": "npx", "args": []}}}')).toBe(true);
    expect(looksLikeMcpConfig('mcp.json', '{"servers": {"pg": {"type": "http", "url": "https://x.exemplar.io"}}}')).toBe(true);
    expect(looksLikeMcpConfig('settings.json', '{"mcp": {"servers": {"pg": {"command": "uvx"}}}}')).toBe(true);
    expect(looksLikeMcpConfig('hosts.json', '{"servers": {"web-1": {"ip": "10.0.0.1"}}}')).toBe(false);
    expect(looksLikeMcpConfig('tsconfig.json', '{"compilerOptions": {"strict": true}}')).toBe(false);
    expect(looksLikeMcpConfig('.mcp.yaml', 'mcpServers: {}')).toBe(false);
    expect(looksLikeMcpConfig('.vscode/settings.json', '{"editor.tabSize": 2}')).toBe(false);
  });
});

describe('mcpConsumer', () => {
  it('names the package started by a runner', () => {
    expect(mcpConsumer('npx', ['-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/db'])).toBe('mcp:@modelcontextprotocol/server-postgres');
    expect(mcpConsumer('npx', ['-y', '@supabase/mcp-server-supabase@latest', '--read-only'])).toBe('mcp:@supabase/mcp-server-supabase');
    expect(mcpConsumer('uvx', ['postgres-mcp', '--access-mode=unrestricted'])).toBe('mcp:postgres-mcp');
    expect(mcpConsumer('uvx', ['--python', '3.12', 'postgres-mcp==0.3.0'])).toBe('mcp:postgres-mcp');
    expect(mcpConsumer('uvx', ['--from', 'mcp-server-pg[binary]', 'mcp-server-pg'])).toBe('mcp:mcp-server-pg');
    expect(mcpConsumer('C:\\Program Files\\nodejs\\npx.cmd', ['-y', 'pg-mcp-server'])).toBe('mcp:pg-mcp-server');
    expect(mcpConsumer('pnpm', ['dlx', '@neondatabase/mcp-server-neon', 'start'])).toBe('mcp:@neondatabase/mcp-server-neon');
    expect(mcpConsumer('npx -y @modelcontextprotocol/server-postgres', [])).toBe('mcp:@modelcontextprotocol/server-postgres');
  });

  it('falls back to the command name', () => {
    expect(mcpConsumer('/usr/local/bin/node', ['dist/index.js'])).toBe('mcp:node');
    expect(mcpConsumer('docker', ['ps'])).toBe('mcp:docker');
  });
});

describe('extractMcp: robustness', () => {
  it('never throws on any prefix of a config, and every span lies inside the text', () => {
    for (const full of [CLAUDE_DESKTOP, CURSOR, VSCODE, SETTINGS]) {
      for (let cut = 0; cut <= full.length; cut++) {
        const text = full.slice(0, cut);
        const { facts } = extractMcp({ file: '.mcp.json', text });
        for (const f of facts) expect(f.span.start <= f.span.end && f.span.end <= text.length).toBe(true);
      }
    }
  });
});
