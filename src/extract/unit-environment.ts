import type { EnvironmentInfo } from '../model.js';
import { environmentOfWord } from '../policy/environment.js';

/**
 * The environment named by a unit's own name: an MCP server called `supabase-prod`, a script
 * called `start:production` or `dev`. `what` describes the unit in the reason ("MCP server").
 */
export function environmentOfUnitName(name: string, what: string): EnvironmentInfo | undefined {
  for (const token of name.split(/[\s.:\-_/]+/)) {
    const env = environmentOfWord(token);
    if (env) return { name: env, reason: `${what} \`${name}\`` };
  }
  return undefined;
}
