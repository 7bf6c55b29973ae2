// The seed's resource group as CIB XML, for either provider: "heartbeat" (Debian's shell agents)
// or "nfsha" (ours). Apart from the provider, the two configurations are identical: same
// parameters, same operation timeouts and intervals, so the two runs compare the agents only.

export type Provider = 'heartbeat' | 'nfsha';

export const VIP = '192.168.122.200';
export const VIP_NAME = 'nfsvip.lab.test';
export const CLIENTSPEC = '192.168.122.0/24';
export const SCOPE = VIP_NAME;

// Lab timing parameters (both providers): grace long enough for the slow emulated failover
// (nfsd starts well before nfsnotify runs), lease short so NFSv4 clients notice the move soon.
// 120 s: with 60 s, a loaded 2-core host (two labs at once) stretched nfsserver's start →
// nfsnotify's notification past lockd's grace, and the NFSv3 reclaim was refused (session 4).
export const GRACE_S = 120;
export const LEASE_S = 20;

export interface Rsc {
  id: string;
  type: string; // agent name
  klass?: 'nfsha-or-heartbeat' | 'heartbeat'; // IPaddr2 always comes from heartbeat
  params: [string, string][];
  monitorS: number;
}

export const GROUP = 'nfsgroup';

// The group in start order: fs1, fs2, fs3, nfsserver, export-root, export1, export2, vip1, nfsnotify.
export const RESOURCES: Rsc[] = [
  { id: 'fs1', type: 'Filesystem', params: [['device', '/dev/vdb1'], ['directory', '/mnt/exports/export1'], ['fstype', 'ext4']], monitorS: 20 },
  { id: 'fs2', type: 'Filesystem', params: [['device', '/dev/vdb2'], ['directory', '/mnt/exports/export2'], ['fstype', 'ext4']], monitorS: 20 },
  { id: 'fs3', type: 'Filesystem', params: [['device', '/dev/vdb3'], ['directory', '/mnt/nfsinfo'], ['fstype', 'ext4']], monitorS: 20 },
  { id: 'nfsserver', type: 'nfsserver', params: [['nfs_shared_infodir', '/mnt/nfsinfo/nfs'], ['nfs_no_notify', 'true'], ['nfs_server_scope', SCOPE]], monitorS: 20 },
  // fsid 0: the NFSv4 pseudo root. The seed's figure says fsid=1 for both export-root and
  // export1, which would give two exports the same file handle prefix; each has its own here.
  { id: 'export-root', type: 'exportfs', params: [['clientspec', CLIENTSPEC], ['options', 'rw,sync,no_root_squash'], ['directory', '/mnt/exports'], ['fsid', '0']], monitorS: 30 },
  { id: 'export1', type: 'exportfs', params: [['clientspec', CLIENTSPEC], ['options', 'rw,sync,no_root_squash'], ['directory', '/mnt/exports/export1'], ['fsid', '1']], monitorS: 30 },
  { id: 'export2', type: 'exportfs', params: [['clientspec', CLIENTSPEC], ['options', 'rw,sync,no_root_squash'], ['directory', '/mnt/exports/export2'], ['fsid', '2']], monitorS: 30 },
  { id: 'vip1', type: 'IPaddr2', klass: 'heartbeat', params: [['ip', VIP], ['cidr_netmask', '24'], ['nic', 'eth0']], monitorS: 30 },
  { id: 'nfsnotify', type: 'nfsnotify', params: [['source_host', VIP]], monitorS: 60 },
];

export const FS_OF: Record<string, string> = { fs1: '/dev/vdb1', fs2: '/dev/vdb2', fs3: '/dev/vdb3' };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function resourcesXml(provider: Provider): string {
  const prims = RESOURCES.map((r) => {
    const prov = r.klass === 'heartbeat' ? 'heartbeat' : provider;
    // LAB_TRACE=1: our agents write an OCF_TRACE_RA trace of every action (collected with the
    // logs), to see where an action spends its time. Off by default: the seed's group as it is.
    const params = prov === 'nfsha' && process.env.LAB_TRACE === '1' ? [...r.params, ['trace_ra', '1'] as const] : r.params;
    const nv = params.map(([k, v]) => `        <nvpair id="${r.id}-${k}" name="${k}" value="${esc(v)}"/>`).join('\n');
    return `    <primitive id="${r.id}" class="ocf" provider="${prov}" type="${r.type}">
      <instance_attributes id="${r.id}-ia">
${nv}
      </instance_attributes>
      <operations>
        <op id="${r.id}-start" name="start" interval="0s" timeout="120s"/>
        <op id="${r.id}-stop" name="stop" interval="0s" timeout="120s"/>
        <op id="${r.id}-monitor" name="monitor" interval="${r.monitorS}s" timeout="60s"/>
      </operations>
    </primitive>`;
  }).join('\n');
  return `<group id="${GROUP}">\n${prims}\n  </group>`;
}

// Fencing is enabled, as a two-node NFS cluster must have it (a node that is merely unresponsive
// would otherwise keep the shared filesystems mounted while the other mounts them); the device is
// the lab's own (fence.ts, guest/fence_lab). stonith-timeout leaves room for the emulated guests.
export function propertiesXml(): string {
  return `<cluster_property_set id="lab-options">
  <nvpair id="lab-stonith-enabled" name="stonith-enabled" value="true"/>
  <nvpair id="lab-stonith-timeout" name="stonith-timeout" value="120s"/>
  <nvpair id="lab-dc-deadtime" name="dc-deadtime" value="5s"/>
  <nvpair id="lab-recheck" name="cluster-recheck-interval" value="60s"/>
</cluster_property_set>`;
}

export function rscDefaultsXml(): string {
  return `<meta_attributes id="lab-rsc-defaults">
  <nvpair id="lab-stickiness" name="resource-stickiness" value="100"/>
</meta_attributes>`;
}

export function constraintsXml(): string {
  return `<rsc_location id="${GROUP}-prefers-node1" rsc="${GROUP}" node="node1" score="50"/>`;
}

// A CIB with only the cluster options, placed on both nodes before Pacemaker starts: so the first
// DC election waits 5 s (dc-deadtime) instead of 20 s. The group itself is created with cibadmin.
export function seedCib(): string {
  return `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
${propertiesXml()}
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;
}
