import type { Rule } from '../src/engine/rule.js';
import noSslDisabled from './no-ssl-disabled.js';
import requireSslmode from './require-sslmode.js';
import requireVerifyFull from './require-verify-full.js';
import noRejectUnauthorized from './no-reject-unauthorized.js';
import requireRootCert from './require-root-cert.js';
import absoluteCertPath from './absolute-cert-path.js';
import verifyFullIpHost from './verify-full-ip-host.js';
import tlsMinVersion from './tls-min-version.js';
import pgSslmodeAlias from './pg-sslmode-alias.js';
import prismaSsl from './prisma-ssl.js';
import ignoredTlsSetting from './ignored-tls-setting.js';
import noPlaintextPassword from './no-plaintext-password.js';
import gitignoreCerts from './gitignore-certs.js';
import gitignoreEnv from './gitignore-env.js';
import certExpiry from './cert-expiry.js';
import keyPermissions from './key-permissions.js';

/** Every rule, in catalogue order (the order of the documentation and of `--list-rules`). */
export const rules: readonly Rule[] = [
  noSslDisabled,
  requireSslmode,
  requireVerifyFull,
  noRejectUnauthorized,
  requireRootCert,
  absoluteCertPath,
  verifyFullIpHost,
  tlsMinVersion,
  pgSslmodeAlias,
  prismaSsl,
  ignoredTlsSetting,
  noPlaintextPassword,
  gitignoreCerts,
  gitignoreEnv,
  certExpiry,
  keyPermissions,
];
