import { defineRule } from '../src/engine/rule.js';
import { VALID_CA_PEM } from '../src/docs/example-manifests.js';
import { gitFix, isTrackedButIgnored, wouldCommit } from '../src/policy/git.js';

// Certificate samples are a real public CA certificate (VALID_CA_PEM); no private key is ever embedded:
// key samples are empty files, sslguard judges keys by path and git state only.

export default defineRule({
  meta: {
    id: 'gitignore-certs',
    description: 'Private keys and certificates must be kept out of git.',
    defaultSeverity: 'error',
    rationale:
      'A committed private key is compromised: everyone with read access to the repository, and its history, can impersonate ' +
      'the client or server it belongs to. Certificates are public, but committing them invites committing the key next to ' +
      'them and pins deployments to files that should be mounted from a secret store. Git keeps both forever once committed.',
    messages: {
      trackedIgnored:
        '{{kind}} {{file}} is matched by .gitignore but git still tracks it: ignoring does not untrack. Run `{{rm}}`{{rotate}}.',
      tracked: '{{kind}} {{file}} is committed to git. Add `{{entry}}` to {{gitignore}} and run `{{rm}}`{{rotate}}.',
      untracked: '{{kind}} {{file}} is not matched by .gitignore, so `git add .` would commit it. Add `{{entry}}` (or its directory) to {{gitignore}}.',
    },
    looksAt: [
      'certificate and key files (`.crt .pem .cer .der .p12 .pfx .key`, by PEM content) and whether git would commit them',
    ],
    examples: {
      good: [
        { file: 'certs/client.key', code: '', git: { inGit: true, tracked: false, ignored: true } },
        { file: 'certs/ca.crt', code: VALID_CA_PEM, git: { inGit: true, tracked: false, ignored: true } },
      ],
      bad: [
        { file: 'certs/client.key', code: '', git: { inGit: true, tracked: true, ignored: false }, findings: 1 },
        { file: 'deploy/postgres/client.key', code: '', git: { inGit: true, tracked: false, ignored: false }, findings: 1 },
        { file: 'certs/ca.crt', code: VALID_CA_PEM, git: { inGit: true, tracked: true, ignored: true }, findings: 1 },
      ],
    },
  },

  check(facts, ctx) {
    for (const f of facts.ofKind('file')) {
      if ((f.fileKind !== 'private-key' && f.fileKind !== 'certificate') || !wouldCommit(f)) continue;
      // Test fixtures hold keys made for the tests; they unlock nothing deployed.
      if (f.testCode) continue;
      // A bundle of public roots (copied into an image by its Dockerfile) is public by definition.
      if (f.fileKind === 'certificate' && facts.ofKind('certificate').filter((c) => c.file === f.file && !c.inline).length >= 5) continue;
      const key = f.fileKind === 'private-key';
      const messageId = isTrackedButIgnored(f) ? 'trackedIgnored' : f.tracked ? 'tracked' : 'untracked';
      ctx.report({
        fact: f,
        messageId,
        severity: key ? 'error' : 'warning',
        data: {
          kind: key ? 'Private key' : 'Certificate',
          file: f.file,
          ...gitFix(f),
          rotate: key ? ', then replace the key: it stays readable in the history' : '',
        },
      });
    }
  },
});
