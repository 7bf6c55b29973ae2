// The lab's machines: qemu under software emulation (TCG), one vCPU each, on the bridge of the
// lab's network namespace (the driver runs inside it). node1 and node2 share one raw data disk
// with three partitions (the seed's vda1-vda3, here vdb1-vdb3); the client has none.
// A crash is SIGKILL of a node's qemu. Every qemu PID is recorded in RUN/pids; lab.sh kills what
// is recorded there (after checking the command line) even if the driver itself dies.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { sleep } from './guest.ts';

// plain: guest/lab-init is PID 1 (no systemd, no udev), the lab starts the services.
// systemd: systemd-sysv is PID 1, the services run from their own units (Debian 12 as installed).
export type Flavour = 'plain' | 'systemd';
export const FLAVOURS: Flavour[] = ['plain', 'systemd'];

export interface BootFiles {
  kernel: string;
  initrd: string;
  image: string;
  flavour: Flavour;
}

export interface MachineDef {
  name: string;
  ip: string;
  mac: string;
  memMb: number;
  sharedDisk: boolean;
}

export const MACHINES: Record<'node1' | 'node2' | 'client', MachineDef> = {
  node1: { name: 'node1', ip: '192.168.122.11', mac: '52:54:00:00:00:11', memMb: 768, sharedDisk: true },
  node2: { name: 'node2', ip: '192.168.122.12', mac: '52:54:00:00:00:12', memMb: 768, sharedDisk: true },
  client: { name: 'client', ip: '192.168.122.21', mac: '52:54:00:00:00:21', memMb: 512, sharedDisk: false },
};

// Partitions of the shared disk: [label, size MiB]. fs1/fs2 are exported, fs3 holds /var/lib/nfs.
export const PARTITIONS: [string, number][] = [['fs1', 128], ['fs2', 128], ['fs3', 64]];

export class Lab {
  readonly run: string;
  readonly boot: BootFiles;
  readonly pidDir: string;
  readonly sharedImage: string;

  constructor(run: string, boot: BootFiles) {
    this.run = run;
    this.boot = boot;
    this.pidDir = join(run, 'pids');
    this.sharedImage = join(run, 'shared.img');
    mkdirSync(this.pidDir, { recursive: true });
    mkdirSync(join(run, 'console'), { recursive: true });
  }

  // A fresh shared disk: MBR with three primary partitions, each an empty ext4 (made on the
  // host with mke2fs -E offset=, so no loop device is involved).
  makeSharedDisk(): void {
    rmSync(this.sharedImage, { force: true });
    const startSector = 2048;
    const total = PARTITIONS.reduce((a, [, mb]) => a + mb, 0) + 2;
    const fd = openSync(this.sharedImage, 'w');
    try {
      const mbr = Buffer.alloc(512);
      let lba = startSector;
      PARTITIONS.forEach(([, mb], i) => {
        const sectors = mb * 2048;
        const e = 446 + i * 16;
        mbr.writeUInt8(0x00, e); // not bootable
        mbr.writeUInt8(0xfe, e + 1); mbr.writeUInt8(0xff, e + 2); mbr.writeUInt8(0xff, e + 3); // CHS: use LBA
        mbr.writeUInt8(0x83, e + 4); // Linux
        mbr.writeUInt8(0xfe, e + 5); mbr.writeUInt8(0xff, e + 6); mbr.writeUInt8(0xff, e + 7);
        mbr.writeUInt32LE(lba, e + 8);
        mbr.writeUInt32LE(sectors, e + 12);
        lba += sectors;
      });
      mbr.writeUInt32LE(0x1ab5e1ab, 440); // disk identifier
      mbr.writeUInt16LE(0xaa55, 510);
      writeSync(fd, mbr, 0, 512, 0);
    } finally {
      closeSync(fd);
    }
    spawnSync('truncate', ['-s', `${total}M`, this.sharedImage]);
    let offset = startSector * 512;
    for (const [label, mb] of PARTITIONS) {
      const r = spawnSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-L', label, '-E', `offset=${offset}`, this.sharedImage, `${mb * 1024}k`], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mke2fs ${label}: ${r.stderr}`);
      offset += mb * 1024 * 1024;
    }
  }

  pidFile(name: string): string {
    return join(this.pidDir, `${name}.pid`);
  }

  consoleLog(name: string): string {
    return join(this.run, 'console', `${name}.log`);
  }

  // Starts a machine (returns once qemu has daemonized; the guest boots on its own).
  start(m: MachineDef): void {
    const args = [
      '-name', m.name, '-nodefaults', '-accel', 'tcg,tb-size=256', '-cpu', 'max', '-smp', '1',
      '-m', String(m.memMb), '-no-reboot',
      '-kernel', this.boot.kernel, '-initrd', this.boot.initrd,
      // mitigations=off: the guests are the lab's own, on an isolated bridge; the kernel's
      // speculative-execution mitigations only cost emulated CPU (10-25% in a guest benchmark of
      // process starts and shell loops, one sample each).
      '-append', `console=ttyS0 quiet panic=-1 mitigations=off root=/dev/vda init=${this.boot.flavour === 'systemd' ? '/sbin/init' : '/sbin/lab-init'} lab.host=${m.name} lab.ip=${m.ip}/24`,
      // Explicit PCI slots: the root disk must stay vda whatever else is attached.
      '-drive', `file=${this.boot.image},format=raw,if=none,id=root,snapshot=on`,
      '-device', 'virtio-blk-pci,drive=root,addr=0x4',
      '-netdev', `tap,id=n0,ifname=tap-${m.name},script=no,downscript=no`,
      '-device', `virtio-net-pci,netdev=n0,mac=${m.mac},addr=0x3,romfile=`,
      '-pidfile', this.pidFile(m.name),
      '-serial', `file:${this.consoleLog(m.name)}`,
      '-monitor', 'none', '-display', 'none', '-daemonize',
    ];
    if (m.sharedDisk) {
      // Both nodes open the same file: no image locking, shareable device, no host-side caching
      // differences between the two (writethrough: every guest flush reaches the file).
      args.push('-drive', `file=${this.sharedImage},format=raw,if=none,id=shared,file.locking=off,cache=writethrough`,
        '-device', 'virtio-blk-pci,drive=shared,share-rw=on,addr=0x5');
    }
    rmSync(this.pidFile(m.name), { force: true });
    const r = spawnSync('qemu-system-x86_64', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`qemu ${m.name}: ${r.stderr || r.error?.message}`);
    this.prioritize(m.name);
  }

  // The emulated CPUs come first on a shared machine: a daemonized qemu is a session of its
  // own, and with the kernel's autogroups (sched_autogroup_enabled) a session's nice value, not
  // its processes', decides its share against other sessions — so `nice` on the other work of
  // the machine does not help the lab. The qemu's autogroup and the process get LAB_NICE
  // (default -10; empty: leave them). Starved guests miss Pacemaker's IPC checks (pacemakerd
  // kills and respawns its daemons) and corosync's token.
  private prioritize(name: string): void {
    const nice = process.env.LAB_NICE ?? '-10';
    const pid = this.pid(name);
    if (nice === '' || pid === undefined || !/^-?\d+$/.test(nice)) return;
    try {
      writeFileSync(`/proc/${pid}/autogroup`, nice);
    } catch {
      // no autogroups in this kernel
    }
    try {
      os.setPriority(pid, Number(nice));
    } catch {
      // not allowed: the lab runs at normal priority
    }
  }

  pid(name: string): number | undefined {
    try {
      const n = Number(readFileSync(this.pidFile(name), 'utf8').trim());
      return n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  }

  // Only a process whose command line names this run's pid file is ours to kill.
  private ours(pid: number, name: string): boolean {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.pidFile(name));
    } catch {
      return false;
    }
  }

  // SIGKILL: the crash of a node. Returns the time of the kill.
  crash(name: string): number {
    const pid = this.pid(name);
    if (pid === undefined || !this.ours(pid, name)) throw new Error(`${name}: no qemu process of this run to kill`);
    const t = Date.now();
    process.kill(pid, 'SIGKILL');
    return t;
  }

  // Whether this run's qemu of that machine is alive.
  running(name: string): boolean {
    const pid = this.pid(name);
    return pid !== undefined && existsSync(`/proc/${pid}`) && this.ours(pid, name);
  }

  // The lab's fence device (fence.ts): SIGKILL of the node's qemu if it runs; false when there
  // was none of this run to kill (already off).
  powerOff(name: string): boolean {
    if (!this.running(name)) return false;
    this.crash(name);
    return true;
  }

  async stop(name: string): Promise<void> {
    const pid = this.pid(name);
    if (pid !== undefined && this.ours(pid, name)) {
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && existsSync(`/proc/${pid}`) && this.ours(pid, name); i++) await sleep(100);
    }
    rmSync(this.pidFile(name), { force: true });
  }

  async stopAll(): Promise<void> {
    for (const name of Object.keys(MACHINES)) await this.stop(name);
  }
}
