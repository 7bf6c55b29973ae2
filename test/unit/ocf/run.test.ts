import { describe, expect, it } from 'vitest';
import { runAgent, oneLine } from '../../../lib/ocf/run.ts';
import { defineAgent, builtin } from '../../../lib/ocf/define.ts';
import { OCF, OcfError } from '../../../lib/ocf/codes.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';

const seen: { probe?: boolean; level?: number; budget?: number; left?: number; flag?: boolean; port?: number | undefined; problems?: readonly string[] } = {};

const demo = defineAgent({
  name: 'Demo',
  version: '1.0',
  shortdesc: 'demo',
  longdesc: 'A demo agent.',
  parameters: {
    name: { type: 'string', required: true, shortdesc: 'name', longdesc: 'name' },
    flag: { type: 'boolean', default: 'false', shortdesc: 'flag', longdesc: 'flag' },
    port: { type: 'integer', shortdesc: 'port', longdesc: 'port' },
  },
  tools: {},
  actions: {
    start: { timeout: '40s', run: () => { throw new OcfError(OCF.ERR_CONFIGURED, 'bad\nconfig'); } },
    stop: { timeout: '20s', run: () => { throw new Error('boom'); } },
    monitor: {
      timeout: '20s', interval: '10s', depth: '0',
      run: (ctx) => {
        seen.probe = ctx.env.isProbe;
        seen.level = ctx.env.checkLevel;
        seen.budget = ctx.deadline.budgetMs;
        seen.left = ctx.deadline.remaining();
        seen.flag = ctx.params.flag;
        seen.port = ctx.params.port;
        seen.problems = ctx.paramProblems;
        return OCF.NOT_RUNNING;
      },
    },
    status: { timeout: '20s', advertise: false, run: (ctx) => { ctx.log.info('all is well'); ctx.log.debug('not this'); return OCF.SUCCESS; } },
    'meta-data': { timeout: '5s', run: builtin },
  },
});

async function run(args: string[], env: Record<string, string> = {}, startupMs = 0, tty: boolean | number[] = false) {
  const sys = new ScriptedSystem();
  sys.tty = tty;
  sys.startupMs = startupMs;
  sys.file('/usr/lib/ocf', '', 'dir');
  const code = await runAgent({ agent: demo, args, env: { OCF_ROOT: '/usr/lib/ocf', ...env }, sys, invokedAs: '/usr/lib/ocf/resource.d/nfsha/Demo' });
  return { code, sys };
}

describe('the closing line at a terminal', () => {
  it('says the result in words and why, as the last line on stderr', async () => {
    const start = await run(['start'], { OCF_RESKEY_name: 'x' }, 0, true);
    expect(start.code).toBe(6);
    expect(start.sys.stderr.endsWith('start: not configured (6): bad config\n')).toBe(true);
    const stop = await run(['stop'], { OCF_RESKEY_name: 'x' }, 0, true);
    expect(stop.sys.stderr.endsWith('stop: failed (1): internal error in stop: boom\n')).toBe(true);
    const bogus = await run(['bogus'], {}, 0, true);
    expect(bogus.sys.stderr.endsWith('bogus: not implemented (3): bogus: action not supported by Demo\n')).toBe(true);
  });

  it('uses the last message logged when the action gives no outcome of its own', async () => {
    const status = await run(['status'], { OCF_RESKEY_name: 'x', HA_debug: '1' }, 0, [2]);
    expect(status.sys.stderr).toMatch(/INFO: all is well\n.*DEBUG: not this\nstatus: running \(0\): all is well\n$/);
    const monitor = await run(['monitor'], { OCF_RESKEY_name: 'x' }, 0, [2]);
    expect(monitor.sys.stderr).toBe('monitor: not running (7)\n');
  });

  it('is written only when stderr is a terminal: not for a terminal on stdin alone, nor without one', async () => {
    for (const tty of [false, [0], [0, 1]]) {
      const { sys } = await run(['start'], { OCF_RESKEY_name: 'x' }, 0, tty);
      expect(sys.stderr).toBe('ocf-exit-reason:bad config\n');
    }
    const plain = await run(['monitor'], { OCF_RESKEY_name: 'x' });
    expect(plain.sys.stderr).toBe('');
  });
});

describe('runAgent', () => {
  it('prints meta-data and exits 0 without any parameter', async () => {
    const { code, sys } = await run(['meta-data']);
    expect(code).toBe(0);
    expect(sys.stdout).toContain('<resource-agent name="Demo" version="1.0">');
    expect(sys.stderr).toBe('');
  });

  it.each(['promote', 'demote', 'notify', 'migrate_to', 'migrate_from', 'reload', 'bogus'])('answers 3 to unsupported action %s with one exit reason', async (action) => {
    const { code, sys } = await run([action]);
    expect(code).toBe(OCF.ERR_UNIMPLEMENTED);
    expect(sys.stderr.match(/ocf-exit-reason:/g)).toHaveLength(1);
  });

  it('turns an OcfError into its code and exactly one one-line exit reason', async () => {
    const { code, sys } = await run(['start'], { OCF_RESKEY_name: 'x' });
    expect(code).toBe(OCF.ERR_CONFIGURED);
    expect(sys.stderr).toMatch(/^ocf-exit-reason:bad config\n/);
    expect(sys.stderr.match(/ocf-exit-reason:/g)).toHaveLength(1);
  });

  it('turns an unexpected exception into 1 with a one-line reason and no stack', async () => {
    const { code, sys } = await run(['stop']);
    expect(code).toBe(OCF.ERR_GENERIC);
    expect(sys.stderr).toContain('ocf-exit-reason:internal error in stop: boom');
    expect(sys.stderr).not.toMatch(/\n\s+at /);
  });

  it('honours OCF_EXIT_REASON_PREFIX', async () => {
    const { sys } = await run(['start'], { OCF_EXIT_REASON_PREFIX: 'WHY:' });
    expect(sys.stderr).toMatch(/^WHY:bad config/);
  });

  it.each([
    [{}, true],
    [{ OCF_RESKEY_CRM_meta_interval: '0' }, true],
    [{ OCF_RESKEY_CRM_meta_interval: '10000' }, false],
  ])('detects a probe from the interval %o', async (env, probe) => {
    await run(['monitor'], env);
    expect(seen.probe).toBe(probe);
  });

  it('takes the budget from CRM_meta_timeout, else the advertised timeout', async () => {
    await run(['monitor'], { OCF_RESKEY_CRM_meta_timeout: '12345' });
    expect(seen.budget).toBe(12345);
    await run(['monitor']);
    expect(seen.budget).toBe(20000);
  });

  it('counts the budget from the process start, as Pacemaker counts its timeout from the fork', async () => {
    // 30 s budget, 3 s reserve; the runtime took 1.5 s to start before the agent's code ran.
    await run(['monitor'], { OCF_RESKEY_CRM_meta_timeout: '30000' }, 1500);
    expect(seen.left).toBe(25500);
    await run(['monitor'], { OCF_RESKEY_CRM_meta_timeout: '30000' });
    expect(seen.left).toBe(27000);
  });

  it('reads the check level from OCF_CHECK_LEVEL or OCF_RESKEY_OCF_CHECK_LEVEL', async () => {
    await run(['monitor'], { OCF_CHECK_LEVEL: '20' });
    expect(seen.level).toBe(20);
    await run(['monitor'], { OCF_RESKEY_OCF_CHECK_LEVEL: '10' });
    expect(seen.level).toBe(10);
    await run(['monitor'], { OCF_CHECK_LEVEL: 'x' });
    expect(seen.level).toBe(0);
  });

  it('types parameters and reports problems without failing the action itself', async () => {
    await run(['monitor'], { OCF_RESKEY_flag: 'yes', OCF_RESKEY_port: 'abc' });
    expect(seen.flag).toBe(true);
    expect(seen.port).toBeUndefined();
    expect(seen.problems).toEqual(['name: required parameter not set', "port must be an integer, got 'abc'"]);
  });

  it('exits 2 when run under a cluster manager without an instance name', async () => {
    const { code, sys } = await run(['monitor'], { OCF_RA_VERSION_MAJOR: '1' });
    expect(code).toBe(OCF.ERR_ARGS);
    expect(sys.stderr).toContain('OCF_RESOURCE_INSTANCE');
  });

  it('exits 1 when OCF_ROOT is not a directory', async () => {
    const { code } = await run(['monitor'], { OCF_ROOT: '/nonexistent' });
    expect(code).toBe(OCF.ERR_GENERIC);
  });

  it('prints usage and exits 2 with no action', async () => {
    const { code, sys } = await run([]);
    expect(code).toBe(OCF.ERR_ARGS);
    expect(sys.stdout).toContain('usage: /usr/lib/ocf/resource.d/nfsha/Demo {start|stop|monitor|meta-data}');
  });
});

describe('oneLine', () => {
  it('flattens and cuts reasons to 128 characters', () => {
    expect(oneLine('a\n  b\r\nc')).toBe('a b c');
    const long = oneLine('x'.repeat(300));
    expect(long).toHaveLength(128);
  });
});
