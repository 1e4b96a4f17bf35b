// Path checks for certificate and key settings.

/**
 * A path that depends on the working directory. Absolute POSIX paths, Windows drive paths, home
 * paths, libpq's `system` and variable references (resolved elsewhere) are not.
 */
export function isRelativePath(value: string): boolean {
  const v = value.trim();
  if (v === '') return false;
  if (v.startsWith('/') || v.startsWith('~')) return false;
  if (/^[A-Za-z]:[\\/]/.test(v)) return false;
  // UNC paths (\\server\share) are absolute too.
  if (v.startsWith('\\\\')) return false;
  if (v.toLowerCase() === 'system') return false;
  if (/^\$(\{[^}]*\}|[A-Za-z_]\w*)/.test(v)) return false;
  return true;
}
