import { describe, expect, it } from 'vitest';
import { makeLogger, strftime } from '../../../lib/ocf/log.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';

const TAG = 'Filesystem(fs1)[4242]';

function setup(env: Record<string, string>, tty = false) {
  const sys = new ScriptedSystem();
  sys.tty = tty;
  const log = makeLogger({ io: sys, env, tag: TAG });
  return { sys, log };
}

describe('logging sinks', () => {
  it('asks whether stdin is a terminal only once a line is logged, and once (node:tty costs)', () => {
    const sys = new ScriptedSystem();
    const asked: number[] = [];
    const io = { run: sys.run.bind(sys), appendFileSync: sys.appendFileSync.bind(sys), writeStderr: sys.writeStderr.bind(sys), now: sys.now.bind(sys), isatty: (fd: number) => { asked.push(fd); return true; } };
    const log = makeLogger({ io, env: {}, tag: TAG });
    log.debug('not logged without HA_debug');
    log.outcome('not a log line');
    expect(asked).toEqual([]);
    log.info('one');
    log.warn('two');
    expect(asked).toEqual([0]);
    expect(sys.stderr).toBe(`${TAG}: INFO: one\n${TAG}: WARNING: two\n`);
  });

  it('writes "TAG: LEVEL: msg" to stderr only, on a terminal', async () => {
    const { sys, log } = setup({ HA_LOGFACILITY: 'daemon', HA_LOGFILE: '/var/log/x' }, true);
    log.info('hello');
    await log.flush();
    expect(sys.stderr).toBe(`${TAG}: INFO: hello\n`);
    expect(sys.files.has('/var/log/x')).toBe(false);
    sys.done();
  });

  it('waits for a logger that does not return only as long as it is told', async () => {
    const sys = new ScriptedSystem();
    let ran = 0;
    const io = { run: () => { ran++; return new Promise<never>(() => undefined); }, appendFileSync: sys.appendFileSync.bind(sys), writeStderr: sys.writeStderr.bind(sys), now: sys.now.bind(sys), isatty: () => false };
    const log = makeLogger({ io, env: { HA_LOGFACILITY: 'daemon' }, tag: TAG });
    log.err('the last line');
    await log.flush(20);
    expect(ran).toBe(1);
  });

  it('sends to syslog through one logger per action, fed each line with its priority', async () => {
    const { sys, log } = setup({ HA_LOGFACILITY: 'local3' });
    let fed: string | undefined;
    sys.expect({ argv: ['logger', '-t', TAG, '-p', 'local3.info', '--prio-prefix'], check: (o) => { fed = o.input; } });
    log.err('bad');
    log.warn('careful');
    log.crit('worse');
    log.info('two\nlines');
    await log.flush();
    sys.done();
    // syslog.h: crit 2, err 3, warning 4, info 6; each line of a message is a message.
    expect(fed).toBe('<3>ERROR: bad\n<4>WARNING: careful\n<2>CRIT: worse\n<6>INFO: two\n<6>lines\n');
    expect(sys.stderr).toBe('');
  });

  it('starts no logger for an action that logs nothing to syslog, and a new one after a flush', async () => {
    const { sys, log } = setup({ HA_LOGFACILITY: 'daemon' });
    log.debug('dropped without HA_debug');
    await log.flush();
    sys.done();
    const inputs: (string | undefined)[] = [];
    sys.expect(
      { argv: ['logger', '-t', TAG, '-p', 'daemon.info', '--prio-prefix'], check: (o) => { inputs.push(o.input); } },
      { argv: ['logger', '-t', TAG, '-p', 'daemon.info', '--prio-prefix'], check: (o) => { inputs.push(o.input); } },
    );
    log.info('a');
    await log.flush();
    log.info('b');
    await log.flush();
    sys.done();
    expect(inputs).toEqual(['<6>INFO: a\n', '<6>INFO: b\n']);
  });

  it('does not use syslog with HA_LOGFACILITY=none; falls back to stderr with a date', async () => {
    const { sys, log } = setup({ HA_LOGFACILITY: 'none', HA_DATEFMT: '%Y ' });
    log.warn('w');
    await log.flush();
    sys.done();
    expect(sys.stderr).toBe('2026 WARNING: w\n');
  });

  it('appends to HA_LOGFILE in the shell agents format and to a distinct HA_DEBUGLOG', async () => {
    const { sys, log } = setup({ HA_LOGFILE: '/log/pcmk', HA_DEBUGLOG: '/log/debug', HA_DATEFMT: '%Y ' });
    log.info('Running start');
    await log.flush();
    expect(sys.files.get('/log/pcmk')?.data).toBe(`2026  ${TAG}:    INFO: Running start\n`);
    expect(sys.files.get('/log/debug')?.data).toBe(`${TAG}:\t2026 INFO: Running start\n`);
    expect(sys.stderr).toBe('');
  });

  it('drops debug lines unless HA_debug is set and not 0', async () => {
    for (const [env, shown] of [[{}, false], [{ HA_debug: '0' }, false], [{ HA_debug: '1' }, true]] as const) {
      const { sys, log } = setup({ ...env });
      log.debug('details');
      await log.flush();
      expect(sys.stderr.includes('DEBUG: details')).toBe(shown);
    }
  });

  it('sends debug lines to syslog at debug priority and to HA_DEBUGLOG, not to HA_LOGFILE', async () => {
    const { sys, log } = setup({ HA_debug: '1', HA_LOGFACILITY: 'daemon', HA_LOGFILE: '/log/pcmk', HA_DEBUGLOG: '/log/debug' });
    let fed: string | undefined;
    sys.expect({ argv: ['logger', '-t', TAG, '-p', 'daemon.info', '--prio-prefix'], check: (o) => { fed = o.input; } });
    log.debug('d');
    await log.flush();
    sys.done();
    expect(fed).toBe('<7>DEBUG: d\n');
    expect(sys.files.has('/log/pcmk')).toBe(false);
    expect(sys.files.get('/log/debug')?.data).toContain('DEBUG: d');
  });

  it('can keep a line off stderr (exit reasons are already there)', async () => {
    const { sys, log } = setup({});
    log.log('err', 'reason', { noStderr: true });
    await log.flush();
    expect(sys.stderr).toBe('');
  });
});

describe('strftime', () => {
  it('formats the HA_DATEFMT default', () => {
    const d = new Date(2026, 0, 5, 7, 8, 9);
    expect(strftime('%b %d %T ', d)).toBe('Jan 05 07:08:09 ');
    expect(strftime('%F %e %% %Q', d)).toBe('2026-01-05  5 % %Q');
  });
});
