// Where exportfs keeps etab and rmtab: nfs-utils reads `state-directory-path` from the [mountd]
// section of nfs.conf, else from [exportd], else uses its compiled-in /var/lib/nfs (checked with
// exportfs 2.6.2: [exportfs] is ignored). nfs.conf is read first, then /etc/nfs.conf.d/*.conf in
// name order; a later setting wins. Section and key names are case-insensitive.
// Not supported: `include` directives (nfs-utils follows them).

export const NFS_CONF = '/etc/nfs.conf';
export const NFS_CONF_D = '/etc/nfs.conf.d';
export const DEFAULT_STATE_DIR = '/var/lib/nfs';

// The `state-directory-path` settings of [mountd] and [exportd] in nfs.conf texts (in order).
export function stateDirFromConf(texts: readonly string[]): string | undefined {
  const found: Record<string, string> = {};
  for (const text of texts) {
    let section = '';
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
      const sec = /^\[\s*([^\]\s"]+)[^\]]*\]/.exec(line);
      if (sec !== null) {
        section = (sec[1] ?? '').toLowerCase();
        continue;
      }
      const eq = line.indexOf('=');
      if (eq <= 0 || (section !== 'mountd' && section !== 'exportd')) continue;
      if (line.slice(0, eq).trim().toLowerCase() !== 'state-directory-path') continue;
      let value = line.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (value !== '') found[section] = value;
    }
  }
  return found.mountd ?? found.exportd;
}
