// Which rpc.statd the last notification was sent for, kept in HA_RSCTMP/nfsnotify_<instance>/
// (tmpfs: gone after a reboot, so a probe then says "not started"):
//   rpc.statd_<instance>.pid       statd's pid, as upstream writes it (admins and scripts read it)
//   statd.id                       "<pid> <start time>": tells a restarted statd that got the
//                                  same pid apart (likely in small PID namespaces)
//   *.prev                         the same after stop: a start for the same statd re-notifies
//   private-dirs                   the private copies handed to sm-notify (stop removes them)

import type { System } from '../system/types.ts';
import { stateDir } from './settings.ts';

export interface StatdRecord {
  readonly pid: number;
  // Undefined when only a pid file is there (written by an older version or by hand).
  readonly startTime: string | undefined;
}

export interface RecordPaths {
  readonly dir: string;
  readonly pidFile: string;
  readonly idFile: string;
  readonly privateList: string;
}

export function recordPaths(rsctmp: string, instance: string): RecordPaths {
  const dir = stateDir(rsctmp, instance);
  return { dir, pidFile: `${dir}/rpc.statd_${instance.replace(/\//g, '_')}.pid`, idFile: `${dir}/statd.id`, privateList: `${dir}/private-dirs` };
}

export function parseId(text: string): StatdRecord | undefined {
  const m = /^\s*([0-9]+)(?:\s+([0-9]+))?\s*$/.exec(text);
  if (!m) return undefined;
  const pid = Number(m[1]);
  return pid > 0 ? { pid, startTime: m[2] } : undefined;
}

async function readRecordAt(sys: System, idFile: string, pidFile: string): Promise<StatdRecord | undefined> {
  const id = await sys.readFileIfExists(idFile);
  if (id !== null) return parseId(id);
  const pid = await sys.readFileIfExists(pidFile);
  // A pid file with several lines (upstream's pgrep found several statds) matches nothing.
  return pid === null ? undefined : (parseId(pid) ?? { pid: 0, startTime: undefined });
}

export function readRecord(sys: System, p: RecordPaths, which: 'current' | 'prev'): Promise<StatdRecord | undefined> {
  return which === 'current' ? readRecordAt(sys, p.idFile, p.pidFile) : readRecordAt(sys, `${p.idFile}.prev`, `${p.pidFile}.prev`);
}

export async function writeRecord(sys: System, p: RecordPaths, rec: { pid: number; startTime: string }): Promise<void> {
  await sys.mkdirp(p.dir);
  await sys.writeFile(p.pidFile, `${String(rec.pid)}\n`);
  await sys.writeFile(p.idFile, `${String(rec.pid)} ${rec.startTime}\n`);
}

// stop: the current record becomes the previous one.
export async function retireRecord(sys: System, p: RecordPaths): Promise<void> {
  for (const f of [p.pidFile, p.idFile]) {
    await sys.remove(`${f}.prev`);
    if ((await sys.lstat(f)) !== null) await sys.rename(f, `${f}.prev`);
  }
}

// A notification that did not happen: no record, so monitor says 7 and start notifies afresh.
export async function forgetRecord(sys: System, p: RecordPaths): Promise<void> {
  await sys.remove(p.pidFile);
  await sys.remove(p.idFile);
}

export async function readPrivateList(sys: System, p: RecordPaths): Promise<string[]> {
  const text = await sys.readFileIfExists(p.privateList);
  return text === null ? [] : text.split('\n').filter((l) => l !== '');
}

export async function writePrivateList(sys: System, p: RecordPaths, dirs: readonly string[]): Promise<void> {
  await sys.mkdirp(p.dir);
  await sys.writeFile(p.privateList, dirs.map((d) => `${d}\n`).join(''));
}

export function sameStatd(a: StatdRecord | undefined, b: { pid: number; startTime: string }): boolean {
  return a !== undefined && a.pid === b.pid && (a.startTime === undefined || a.startTime === b.startTime);
}
