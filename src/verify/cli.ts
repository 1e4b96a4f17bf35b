// `sslguard verify`: argument handling and exit codes. The work happens in target.ts (what to
// connect to) and verify.ts (connecting).
import { parseArgs } from 'node:util';
import type { EnvironmentName } from '../model.js';
import type { CliIo } from '../cli.js';
import { loadConfig, ConfigError } from '../config/load.js';
import { rules } from '../../rules/index.js';
import { maskSecrets } from '../connection/mask.js';
import { targetFromFile, targetFromString, VerifyUsageError, type TargetOptions } from './target.js';
import { verifyTarget } from './verify.js';
import { formatVerifyJson, formatVerifyText } from './report.js';

export const VERIFY_HELP = `Usage: sslguard verify <connection-string> [options]
       sslguard verify --from FILE[:VAR] [options]

Connects to a live Postgres server the way the connection string would and reports, per host:
whether the server accepts TLS, the TLS version and cipher, the certificate chain, whether it
verifies against sslrootcert and matches the host name, the result of logging in with sslmode
disable, require, verify-ca and verify-full, and a verdict against the policy for the environment.

Options:
      --from <FILE[:VAR]>     Take the connection string from an env, compose, Kubernetes, MCP or
                              source file; VAR picks the variable (or MCP server, compose service,
                              container) that holds it when the file has several
      --environment <name>    production, staging, development or unknown (default: inferred as the
                              scanner does; unknown for a string on the command line)
      --timeout <seconds>     Bound for each connection attempt (default: 10)
  -f, --format <name>         stylish (default) or json
  -c, --config <file>         Config file (localHosts, environments, certExpiryDays)
  -h, --help                  Print this help

The environment applies as libpq applies it: PGHOST, PGHOSTADDR, PGPORT, PGUSER, PGDATABASE,
PGSSLMODE, PGSSLROOTCERT, PGSSLCERT and PGSSLKEY fill in what the connection string leaves out, and
hostaddr is connected to while the certificate is checked against the host name. The password may
come from PGPASSWORD instead of the connection string (a command line is visible to other users of
the machine). Passwords are never printed.

Exit codes: 0 the connection meets the policy and the login works, 1 it does not meet the policy or
the login failed, 2 usage or config error (an sslmode libpq does not accept is one).
`;

const ENVIRONMENTS: readonly EnvironmentName[] = ['production', 'staging', 'development', 'unknown'];

export async function runVerify(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        environment: { type: 'string' },
        timeout: { type: 'string', default: '10' },
        format: { type: 'string', short: 'f', default: 'stylish' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(VERIFY_HELP);
    return 0;
  }
  if (values.format !== 'stylish' && values.format !== 'json') return usage(io, `unknown --format "${values.format}" (expected stylish, json)`);
  const seconds = Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) return usage(io, `--timeout must be a positive number of seconds, not "${values.timeout}"`);
  const environment = values.environment;
  if (environment !== undefined && !(ENVIRONMENTS as readonly string[]).includes(environment)) {
    return usage(io, `--environment must be one of ${ENVIRONMENTS.join(', ')}, not "${environment}"`);
  }
  if (values.from !== undefined && positionals.length > 0) return usage(io, 'give either a connection string or --from, not both');
  if (values.from === undefined && positionals.length !== 1) {
    return usage(io, positionals.length === 0 ? 'a connection string or --from FILE[:VAR] is required' : 'give one connection string (quote it: it contains ? and &)');
  }

  try {
    const { config } = await loadConfig({ cwd: io.cwd, ...(values.config ? { configFile: values.config } : {}), knownRuleIds: rules.map((r) => r.meta.id) });
    const options: TargetOptions = { cwd: io.cwd, config, env: io.env, ...(environment ? { environment: environment as EnvironmentName } : {}) };
    const target = values.from !== undefined ? targetFromFile(values.from, options) : targetFromString(positionals[0]!, options);
    const report = await verifyTarget(target, { cwd: io.cwd, env: io.env, config, timeoutMs: seconds * 1000, now: io.now ?? new Date() });
    io.stdout(values.format === 'json' ? formatVerifyJson(report) : formatVerifyText(report));
    return report.meetsPolicy && !report.loginFailed ? 0 : 1;
  } catch (error) {
    if (error instanceof VerifyUsageError || error instanceof ConfigError) return usage(io, error.message, false);
    throw error;
  }
}

function usage(io: CliIo, message: string, withHelp = true): number {
  io.stderr(`sslguard verify: ${maskSecrets(message)}\n${withHelp ? `\n${VERIFY_HELP}` : ''}`);
  return 2;
}
