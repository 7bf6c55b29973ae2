// exportfs and nfsserver find the exports' state directory (etab, rmtab) through the one nfs.conf
// reader: on layouts where a simpler reader goes wrong, both agents name the same directory.
import { describe, expect, it } from 'vitest';
import { nfsStateDir } from '../../../lib/exportfs/validate.ts';
import { exportsStateDir } from '../../../lib/nfsserver/host.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';

const LAYOUTS: Record<string, { files: Record<string, string>; want: string }> = {
  'no nfs.conf': { files: {}, want: '/var/lib/nfs' },
  'vendor file only (/usr/etc)': { files: { '/usr/etc/nfs.conf': '[mountd]\nstate-directory-path=/srv/vendor\n' }, want: '/srv/vendor' },
  '/etc over /usr/etc': {
    files: { '/usr/etc/nfs.conf': '[mountd]\nstate-directory-path=/srv/vendor\n', '/etc/nfs.conf': '[mountd]\nstate-directory-path=/srv/admin\n' },
    want: '/srv/admin',
  },
  'vendor drop-in under an /etc file': {
    files: { '/etc/nfs.conf': '[mountd]\nstate-directory-path=/srv/admin\n', '/usr/etc/nfs.conf.d/50-v.conf': '[mountd]\nstate-directory-path=/srv/vendor-d\n' },
    want: '/srv/admin',
  },
  'conf.d in version order (10 after 9)': {
    files: {
      '/etc/nfs.conf': '[mountd]\nstate-directory-path=/srv/main\n',
      '/etc/nfs.conf.d/9-a.conf': '[mountd]\nstate-directory-path=/srv/nine\n',
      '/etc/nfs.conf.d/10-b.conf': '[mountd]\nstate-directory-path=/srv/ten\n',
    },
    want: '/srv/ten',
  },
  'conf.d skips hidden and non-.conf names': {
    files: {
      '/etc/nfs.conf': '[mountd]\nstate-directory-path=/srv/main\n',
      '/etc/nfs.conf.d/.z.conf': '[mountd]\nstate-directory-path=/srv/hidden\n',
      '/etc/nfs.conf.d/z.conf.off': '[mountd]\nstate-directory-path=/srv/off\n',
    },
    want: '/srv/main',
  },
  'include, relative to the including file': {
    files: { '/etc/nfs.conf': '[mountd]\ninclude = nfs-site.conf\n', '/etc/nfs-site.conf': 'state-directory-path = "/srv/included"\n' },
    want: '/srv/included',
  },
  '[exportd] when [mountd] says nothing; an empty value overrides nothing': {
    files: { '/etc/nfs.conf': '[exportd]\nstate-directory-path=/srv/exportd\n', '/etc/nfs.conf.d/z.conf': '[exportd]\nstate-directory-path=\n' },
    want: '/srv/exportd',
  },
};

describe('exportfs and nfsserver resolve the same state directory', () => {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    it(name, async () => {
      const sys = new ScriptedSystem();
      for (const [path, text] of Object.entries(layout.files)) sys.file(path, text);
      const exportfs = await nfsStateDir(sys);
      const nfsserver = await exportsStateDir(sys);
      expect({ exportfs, nfsserver }).toEqual({ exportfs: layout.want, nfsserver: layout.want });
    });
  }
});
