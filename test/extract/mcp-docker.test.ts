import { describe, expect, it } from 'vitest';
import type { ConnectionFact, Fact, SettingFact, Span } from '../../src/model.js';
import { dockerRunImage, extractMcp, mcpConsumer } from '../../src/extract/mcp.js';

const pos = (s: Span | undefined): [number, number, number, number] | undefined => s && [s.line, s.column, s.endLine, s.endColumn];
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');

// Servers from the Docker MCP catalog and a Windows config, as people write them.
const CONFIG = `{
  "mcpServers": {
    "postgres": {
      "command": "docker",
      "args": [
        "run", "-i", "--rm",
        "-e", "DATABASE_URI=postgresql://mcp_ro@db.abcdefghijklmnop.supabase.co:5432/postgres",
        "--env", "PGSSLMODE=require",
        "--env=PGSSLROOTCERT=certs/supabase-ca.crt",
        "-eNODE_TLS_REJECT_UNAUTHORIZED=0",
        "-e", "PGPASSWORD",
        "--env-file", ".env.mcp",
        "mcp/postgres:latest"
      ],
      "env": { "PGPASSWORD": "\${env:SUPABASE_DB_PASSWORD}" }
    },
    "analytics": {
      "command": "podman",
      "args": ["run", "-i", "--rm", "--env-file=\${workspaceFolder}/config/analytics.env", "ghcr.io/acme/pg-mcp:1.2", "--dsn", "host=analytics.internal.acme.io dbname=events"]
    },
    "windows": {
      "command": "cmd",
      "args": ["/c", "npx", "-y", "@modelcontextprotocol/server-postgres", "postgresql://reporting@10.20.3.17:5432/reports?ssl=true"]
    }
  }
}
`;

describe('extractMcp: servers started with docker run / podman run', () => {
  const { facts, references, diagnostics } = extractMcp({ file: '.cursor/mcp.json', text: CONFIG });
  const server = (name: string) => facts.filter((f) => f.unit?.name === name);

  it('reads -e NAME=value, --env NAME=value, --env=NAME=value and -eNAME=value as the container env', () => {
    expect(diagnostics).toEqual([]);
    const s = settings(server('postgres')).map((f) => [f.name, f.value, pos(f.valueSpan)]);
    expect(s).toEqual([
      ['PGPASSWORD', '${env:SUPABASE_DB_PASSWORD}', [15, 31, 15, 58]],
      ['PGSSLMODE', 'require', [8, 29, 8, 36]],
      ['PGSSLROOTCERT', 'certs/supabase-ca.crt', [9, 30, 9, 51]],
      ['NODE_TLS_REJECT_UNAUTHORIZED', '0', [10, 41, 10, 42]],
    ]);
    const [c] = connections(server('postgres'));
    expect(c).toMatchObject({ variable: 'DATABASE_URI', consumer: 'mcp:docker:mcp/postgres' });
    expect(pos(c!.span)).toEqual([7, 29, 7, 94]);
  });

  it('leaves -e NAME alone: its value is the server env entry, read there', () => {
    expect(settings(server('postgres')).filter((f) => f.name === 'PGPASSWORD')).toHaveLength(1);
  });

  it('records --env-file for the core, resolved from the project root', () => {
    expect(references).toEqual([
      {
        unit: { id: '.cursor/mcp.json#mcp-server:postgres', kind: 'mcp-server', name: 'postgres' },
        kind: 'env-file',
        path: '.env.mcp',
        written: '--env-file .env.mcp',
        file: '.cursor/mcp.json',
        line: 12,
        column: 23,
      },
      {
        unit: { id: '.cursor/mcp.json#mcp-server:analytics', kind: 'mcp-server', name: 'analytics' },
        kind: 'env-file',
        path: 'config/analytics.env',
        written: '--env-file ${workspaceFolder}/config/analytics.env',
        file: '.cursor/mcp.json',
        line: 19,
        column: 37,
      },
    ]);
  });

  it('podman is read like docker, with the image as consumer', () => {
    const [c] = connections(server('analytics'));
    expect(c).toMatchObject({ form: 'dsn', variable: '--dsn', consumer: 'mcp:docker:ghcr.io/acme/pg-mcp', database: 'events' });
  });

  it('unwraps cmd /c to find the package', () => {
    const [c] = connections(server('windows'));
    expect(c).toMatchObject({ consumer: 'mcp:@modelcontextprotocol/server-postgres' });
    expect(c!.ssl?.value).toBe('true');
  });
});

describe('dockerRunImage and mcpConsumer', () => {
  it('skips flags and their values to find the image', () => {
    expect(dockerRunImage(['run', '-i', '--rm', '-e', 'A=b', '-v', '/x:/y', '--network', 'host', 'mcp/postgres', 'postgresql://x'])).toEqual({ image: 'mcp/postgres', index: 9 });
    expect(dockerRunImage(['container', 'run', '-it', '--init', '--name=pg', 'localhost:5000/pg-mcp:2', '--read-only'])).toEqual({ image: 'localhost:5000/pg-mcp:2', index: 5 });
    expect(dockerRunImage(['ps'])).toBeUndefined();
  });

  it('names the image without tag or digest, and unwraps cmd /c and /k', () => {
    expect(mcpConsumer('docker', ['run', '-i', '--rm', 'mcp/postgres@sha256:0123abcd'])).toBe('mcp:docker:mcp/postgres');
    expect(mcpConsumer('podman', ['run', 'localhost:5000/pg-mcp:2'])).toBe('mcp:docker:localhost:5000/pg-mcp');
    expect(mcpConsumer('cmd', ['/c', 'npx', '-y', '@modelcontextprotocol/server-postgres'])).toBe('mcp:@modelcontextprotocol/server-postgres');
    expect(mcpConsumer('C:\\Windows\\System32\\cmd.exe', ['/K', 'uvx', 'postgres-mcp'])).toBe('mcp:postgres-mcp');
    expect(mcpConsumer('cmd', ['/c'])).toBe('mcp:cmd');
  });
});
