import { describe, expect, it } from 'vitest';
import { isTrue, isDecimal } from '../../../lib/ocf/bool.ts';
import { Deadline, budgetFor, parseDuration } from '../../../lib/ocf/deadline.ts';
import { parseParams } from '../../../lib/ocf/params.ts';
import { childEnv, readOcfEnv } from '../../../lib/ocf/env.ts';
import { traceTarget, makeTracer } from '../../../lib/ocf/trace.ts';
import { withPolicy } from '../../../lib/ocf/policy.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';
import { noTracer } from '../../../lib/ocf/trace.ts';
import { OcfError } from '../../../lib/ocf/codes.ts';

describe('isTrue (ocf_is_true)', () => {
  it.each(['yes', 'true', '1', 'YES', 'TRUE', 'True', 'ja', 'on', 'ON'])('%s is true', (v) => {
    expect(isTrue(v)).toBe(true);
  });
  it.each(['', 'no', '0', 'Yes', 'y', 'On', 'false', ' yes', undefined])('%s is false', (v) => {
    expect(isTrue(v)).toBe(false);
  });
  it('isDecimal wants a non-empty digit string', () => {
    expect(isDecimal('042')).toBe(true);
    expect(isDecimal('')).toBe(false);
    expect(isDecimal('-1')).toBe(false);
    expect(isDecimal('1.5')).toBe(false);
  });
});

describe('Deadline', () => {
  it('keeps a reserve and counts down with the clock', () => {
    const sys = new ScriptedSystem();
    const d = new Deadline(sys, 20000);
    expect(d.reserveMs).toBe(2000);
    expect(d.remaining()).toBe(18000);
    sys.advance(17000);
    expect(d.remaining()).toBe(1000);
    sys.advance(5000);
    expect(d.remaining()).toBe(0);
    expect(d.expired()).toBe(true);
    expect(() => { d.check('waiting for nfsd'); }).toThrow(OcfError);
  });
  it('counts from a given start, never from the future', () => {
    const sys = new ScriptedSystem();
    expect(new Deadline(sys, 20000, sys.now() - 3000).remaining()).toBe(15000);
    expect(new Deadline(sys, 20000, sys.now() + 3000).remaining()).toBe(18000);
  });
  it('keeps at least 0.3 s on short budgets, at most 5 s on long ones', () => {
    expect(new Deadline(new ScriptedSystem(), 1000).reserveMs).toBe(300);
    expect(new Deadline(new ScriptedSystem(), 30000).reserveMs).toBe(3000);
    expect(new Deadline(new ScriptedSystem(), 120000).reserveMs).toBe(5000);
    expect(new Deadline(new ScriptedSystem(), 600000).reserveMs).toBe(5000);
  });
  it('leaves the last writes until half of the reserve is left', () => {
    const sys = new ScriptedSystem();
    const d = new Deadline(sys, 120000);
    sys.advance(115000);
    expect(d.remaining()).toBe(0);
    expect(d.flushWindow()).toBe(2500);
    sys.advance(3000);
    expect(d.flushWindow()).toBe(0);
  });
  it('takes the budget from Pacemaker, else from the advertised timeout, else 20 s', () => {
    expect(budgetFor(5000, '60s')).toBe(5000);
    expect(budgetFor(undefined, '60s')).toBe(60000);
    expect(budgetFor(undefined, undefined)).toBe(20000);
    expect(parseDuration('2m')).toBe(120000);
    expect(parseDuration('90')).toBe(90000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('soon')).toBeUndefined();
  });
  it('bounds every external command and sleep by what is left', async () => {
    const sys = new ScriptedSystem();
    const d = new Deadline(sys, 10000);
    const seen: (number | undefined)[] = [];
    sys.expect(
      { argv: ['fast'], check: (o) => seen.push(o.timeoutMs) },
      { argv: ['slow'], takesMs: 60000, check: (o) => seen.push(o.timeoutMs) },
    );
    const s = withPolicy(sys, d, noTracer);
    expect((await s.run(['fast'])).exitCode).toBe(0);
    const slow = await s.run(['slow']);
    expect(slow.timedOut).toBe(true);
    expect(seen).toEqual([9000, 8999]);
    // Nothing left: the command is not even started.
    const never = await s.run(['never']);
    expect(never.timedOut).toBe(true);
    sys.done();
    const before = sys.now();
    await s.sleep(5000);
    expect(sys.now()).toBe(before);
  });
});

describe('parseParams', () => {
  const specs = {
    dev: { type: 'string', required: true, shortdesc: '', longdesc: '' },
    on: { type: 'boolean', default: 'false', shortdesc: '', longdesc: '' },
    n: { type: 'integer', default: '', shortdesc: '', longdesc: '' },
    pfx: { type: 'string', default: '.st/', shortdesc: '', longdesc: '' },
    delay: { type: 'string', default: '1', emptyIsDefault: true, shortdesc: '', longdesc: '' },
    retry: { type: 'integer', pattern: /^[0-9]+$/, shortdesc: '', longdesc: '' },
  } as const;
  it('applies defaults only when unset, and types values', () => {
    const r = parseParams(specs, { OCF_RESKEY_dev: '/dev/x', OCF_RESKEY_on: 'ja', OCF_RESKEY_n: ' 12 ', OCF_RESKEY_pfx: '' });
    expect(r.params).toEqual({ dev: '/dev/x', on: true, n: 12, pfx: '', delay: '1', retry: undefined });
    expect(r.problems).toEqual([]);
    expect(parseParams(specs, { OCF_RESKEY_dev: 'd' }).params.pfx).toBe('.st/');
    expect(parseParams(specs, { OCF_RESKEY_dev: 'd', OCF_RESKEY_delay: '' }).params.delay).toBe('1');
    expect(parseParams(specs, { OCF_RESKEY_dev: 'd', OCF_RESKEY_delay: '2' }).params.delay).toBe('2');
  });
  it('lists values a pattern rejects, as given', () => {
    expect(parseParams(specs, { OCF_RESKEY_dev: 'd', OCF_RESKEY_retry: '-5' }).invalid).toEqual({ retry: '-5' });
    expect(parseParams(specs, { OCF_RESKEY_dev: 'd', OCF_RESKEY_retry: '' }).invalid).toEqual({});
    expect(parseParams(specs, { OCF_RESKEY_dev: 'd', OCF_RESKEY_retry: '7' }).invalid).toEqual({});
  });
  it('reports missing required and bad integers', () => {
    expect(parseParams(specs, { OCF_RESKEY_n: '1e3' }).problems).toEqual(['dev: required parameter not set', "n must be an integer, got '1e3'"]);
  });
});

describe('environment', () => {
  it('applies the ocf-shellfuncs defaults', () => {
    const e = readOcfEnv({}, 'Filesystem', 'monitor');
    expect(e).toMatchObject({ instance: 'default', resourceType: 'Filesystem', isProbe: true, checkLevel: 0, rsctmp: '/run/resource-agents', isClone: false, timeoutMs: undefined });
    const c = readOcfEnv({ OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_clone: '1', HA_RSCTMP: '/tmp/r', OCF_RESKEY_CRM_meta_timeout: '30000' }, 'Filesystem', 'start');
    expect(c).toMatchObject({ isClone: true, cloneNumber: '1', rsctmp: '/tmp/r', timeoutMs: 30000, isProbe: false });
  });
  it('gives children the C locale, the sbin dirs and no NODE_OPTIONS', () => {
    const env = childEnv({ PATH: '/opt/bin', LANG: 'de_DE.UTF-8', LANGUAGE: 'de', NODE_OPTIONS: '--inspect', OCF_ROOT: '/usr/lib/ocf' });
    expect(env).toEqual({ PATH: '/opt/bin:/sbin:/bin:/usr/sbin:/usr/bin', LC_ALL: 'C', OCF_ROOT: '/usr/lib/ocf' });
  });
});

describe('tracing', () => {
  const now = new Date(2026, 10, 25, 1, 2, 3);
  it('is off unless OCF_TRACE_RA or trace_ra is true', () => {
    expect(traceTarget({}, 'Filesystem', 'fs1', 'start', () => false, now)).toBeUndefined();
    expect(traceTarget({ OCF_RESKEY_trace_ra: '0' }, 'Filesystem', 'fs1', 'start', () => false, now)).toBeUndefined();
  });
  it('follows OCF_TRACE_FILE (fd or absolute path), the terminal, else trace_dir', () => {
    expect(traceTarget({ OCF_TRACE_RA: '1', OCF_TRACE_FILE: '5' }, 'T', 'i', 'a', () => false, now)).toEqual({ kind: 'fd', fd: 5 });
    expect(traceTarget({ OCF_TRACE_RA: '1', OCF_TRACE_FILE: '/dev/stderr' }, 'T', 'i', 'a', () => false, now)).toEqual({ kind: 'fd', fd: 2 });
    expect(traceTarget({ OCF_TRACE_RA: '1', OCF_TRACE_FILE: '/tmp/t' }, 'T', 'i', 'a', () => false, now)).toEqual({ kind: 'file', path: '/tmp/t' });
    expect(traceTarget({ OCF_RESKEY_trace_ra: '1' }, 'T', 'i', 'a', () => true, now)).toEqual({ kind: 'fd', fd: 2 });
    expect(traceTarget({ OCF_RESKEY_trace_ra: '1', HA_VARLIB: '/v' }, 'Filesystem', 'fs1', 'start', () => false, now)).toEqual({ kind: 'file', path: '/v/trace_ra/Filesystem/fs1.start.2026-11-25.01:02:03' });
    expect(traceTarget({ OCF_RESKEY_trace_ra: '1', OCF_RESKEY_trace_dir: '/td' }, 'F', 'x', 'stop', () => false, now)?.kind).toBe('file');
  });
  it('records every command with argv, status and duration through the policy wrapper', async () => {
    const lines: string[] = [];
    const tracer = makeTracer({ write: (t) => lines.push(t) }, { OCF_ROOT: '/usr/lib/ocf', SECRET: 'x' }, 'Filesystem start');
    const sys = new ScriptedSystem([{ argv: ['mount', '/dev/a', '/mnt'], exitCode: 32, stderr: 'no', takesMs: 7 }]);
    await withPolicy(sys, new Deadline(sys, 20000), tracer).run(['mount', '/dev/a', '/mnt']);
    const text = lines.join('');
    expect(text).toContain('env OCF_ROOT="/usr/lib/ocf"');
    expect(text).not.toContain('SECRET');
    expect(text).toMatch(/run \["mount","\/dev\/a","\/mnt"\] -> rc=32 in 7 ms/);
    expect(text).toContain('stderr: "no"');
  });
});
