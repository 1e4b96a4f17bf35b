import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'key-permissions',
    description: 'Private key files must be readable by their owner only (chmod 600).',
    defaultSeverity: 'warning',
    rationale:
      'A private key readable by the group or by other users can be copied by any process or account on the machine. libpq ' +
      'itself refuses a client key (sslkey) that is group- or world-readable: "private key file has group or world access".',
    messages: {
      mode: 'Private key {{file}} is readable by group/others (mode {{mode}}); run `chmod 600 {{file}}`.',
    },
    looksAt: [
      'permission bits of private key files',
    ],
    examples: {
      good: [{ file: 'certs/client.key', code: '', mode: 0o600, git: { inGit: true, tracked: false, ignored: true } }],
      bad: [{ file: 'certs/client.key', code: '', mode: 0o644, git: { inGit: true, tracked: false, ignored: true }, findings: 1 }],
    },
  },

  check(facts, ctx) {
    for (const f of facts.ofKind('file')) {
      if (f.fileKind !== 'private-key' || f.mode === undefined || (f.mode & 0o077) === 0) continue;
      // Git records no permission bits beyond the executable one: a tracked key is gitignore-certs' finding, and chmod cannot fix it.
      if (f.tracked || f.testCode) continue;
      ctx.report({ fact: f, messageId: 'mode', data: { file: f.file, mode: (f.mode & 0o7777).toString(8).padStart(4, '0') } });
    }
  },
});
