// The tools' command line (lib/tools/main.ts, check's options and inputs) on a scripted System:
// where the CIB comes from, exit codes 0/1/2, one-line errors, JSON, colour only on a terminal.
import { describe, expect, it } from 'vitest';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';
import { runToolWith } from '../../../lib/tools/main.ts';

const GOOD = `<cib><configuration><crm_config><cluster_property_set id="p"><nvpair id="p1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<resources><group id="g">
<primitive id="srv" class="ocf" provider="nfsha" type="nfsserver"><instance_attributes id="a"><nvpair id="a1" name="nfs_shared_infodir" value="/srv/info"/></instance_attributes></primitive>
</group></resources><constraints/></configuration></cib>`;

async function run(args: string[], sys = new ScriptedSystem(), env: Record<string, string> = {}): Promise<{ code: number; sys: ScriptedSystem }> {
  const code = await runToolWith('check', args, { sys, env });
  return { code, sys };
}

describe('nfsha check: input', () => {
  it('reads a file', async () => {
    const { code, sys } = await run(['/srv/cib.xml'], new ScriptedSystem().file('/srv/cib.xml', GOOD));
    expect(code).toBe(1);
    expect(sys.stdout).toMatch(/^ERROR +infodir-on-stack-fs +srv {2}nfs_shared_infodir \/srv\/info is not on a Filesystem of the stack/m);
  });
  it('reads standard input for -', async () => {
    const { code, sys } = await run(['-'], new ScriptedSystem().file('/dev/stdin', GOOD));
    expect(code).toBe(1);
    expect(sys.stderr).toBe('');
  });
  it('reads the live CIB with cibadmin --query, and nothing else', async () => {
    const sys = new ScriptedSystem([{ argv: ['cibadmin', '--query'], stdout: GOOD }]);
    const { code } = await run([], sys);
    sys.done();
    expect(code).toBe(1);
  });
  it('says so when cibadmin fails or is missing (exit 2, one line)', async () => {
    let r = await run([], new ScriptedSystem([{ argv: ['cibadmin', '--query'], exitCode: 102, stderr: 'Could not connect to the CIB: Transport endpoint is not connected\nInit failed, could not perform requested operations\n' }]));
    expect(r.code).toBe(2);
    expect(r.sys.stderr).toBe('nfsha check: cibadmin --query failed: Init failed, could not perform requested operations\n');
    r = await run([], new ScriptedSystem([{ argv: ['cibadmin', '--query'], notFound: true, exitCode: 127 }]));
    expect(r.code).toBe(2);
    expect(r.sys.stderr).toMatch(/^nfsha check: cibadmin not found: give a CIB file[^\n]*\n$/);
  });
  it('exit 2 and one line for a missing file, an empty file, not XML, not a CIB', async () => {
    const cases: [string, string | undefined, RegExp][] = [
      ['/nope.xml', undefined, /^nfsha check: cannot read \/nope.xml: no such file\n$/],
      ['/empty.xml', '  \n', /^nfsha check: \/empty.xml is empty\n$/],
      ['/bad.xml', '<cib><configuration>', /^nfsha check: \/bad.xml is not XML: [^\n]+\n$/],
      ['/html.xml', '<html><body/></html>', /^nfsha check: \/html.xml is not a CIB: the root element is <html>, not <cib>\n$/],
    ];
    for (const [path, data, want] of cases) {
      const sys = new ScriptedSystem();
      if (data !== undefined) sys.file(path, data);
      const r = await run([path], sys);
      expect(r.code, path).toBe(2);
      expect(r.sys.stderr, path).toMatch(want);
      expect(r.sys.stdout, path).toBe('');
    }
  });
});

describe('nfsha check: options', () => {
  it('rejects unknown options, a bad --format, two files and unknown rule ids (exit 2, one line)', async () => {
    for (const [args, want] of [
      [['--bogus'], /^nfsha check: unknown option '--bogus'\n$/],
      [['--format', 'yaml', 'x'], /^nfsha check: --format wants text or json, not 'yaml'\n$/],
      [['a.xml', 'b.xml'], /^nfsha check: one CIB at a time \(got 2 arguments\)\n$/],
      [['--ignore', 'fsid-unique,nope', 'x'], /^nfsha check: --ignore: unknown rule 'nope'; rules: order-fs-before-server, [^\n]+\n$/],
    ] as [string[], RegExp][]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.sys.stderr, args.join(' ')).toMatch(want);
    }
  });
  it('--help prints the usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.sys.stdout).toMatch(/^Usage:\n {2}nfsha check /);
  });
  it('--ignore leaves a rule out, and the exit code follows what is left', async () => {
    const r = await run(['--ignore', 'infodir-on-stack-fs', '/c.xml'], new ScriptedSystem().file('/c.xml', GOOD));
    expect(r.sys.stdout).not.toMatch(/infodir-on-stack-fs/);
    expect(r.sys.stdout).toMatch(/^WARNING +fencing +- +stonith-enabled=false/m);
    expect(r.code).toBe(0);
  });
  it('--format json prints stacks and findings as the issue gives them', async () => {
    const r = await run(['--format', 'json', '/c.xml'], new ScriptedSystem().file('/c.xml', GOOD));
    expect(r.code).toBe(1);
    const out = JSON.parse(r.sys.stdout) as { stacks: unknown[]; findings: Record<string, unknown>[] };
    expect(out.stacks).toEqual([{ server: 'srv', agent: 'ocf:nfsha:nfsserver', group: 'g', filesystems: [], exports: [], ips: [], notify: [], portblocks: [] }]);
    const f = out.findings.find((x) => x.rule === 'fencing');
    expect(f).toEqual({ severity: 'warning', rule: 'fencing', resources: [], message: expect.stringMatching(/^stonith-enabled=false: /) as unknown, fix: 'pcs property set stonith-enabled=true' });
    for (const x of out.findings) expect(Object.keys(x)).toEqual(['severity', 'rule', 'resources', 'message', 'fix']);
  });
  it('colours the severity on a terminal only, and not with NO_COLOR', async () => {
    const plain = await run(['/c.xml'], new ScriptedSystem().file('/c.xml', GOOD));
    expect(plain.sys.stdout).not.toContain('\u001b[');
    const tty = new ScriptedSystem().file('/c.xml', GOOD);
    tty.tty = true;
    expect((await run(['/c.xml'], tty)).sys.stdout).toContain('\u001b[31mERROR');
    const noColour = new ScriptedSystem().file('/c.xml', GOOD);
    noColour.tty = true;
    expect((await run(['/c.xml'], noColour, { NO_COLOR: '1' })).sys.stdout).not.toContain('\u001b[');
  });
  it('an internal failure is one line and exit 2, never a stack trace', async () => {
    const sys = new ScriptedSystem();
    sys.readFile = () => Promise.reject(new TypeError('boom'));
    const r = await run(['/c.xml'], sys);
    expect(r.code).toBe(2);
    expect(r.sys.stderr).toBe('nfsha check: cannot read /c.xml: boom\n');
  });
});

describe('nfsha check: a CIB without NFS', () => {
  it('says that nothing was checked, and exits 0', async () => {
    const r = await run(['/c.xml'], new ScriptedSystem().file('/c.xml', '<cib><configuration><resources/></configuration></cib>'));
    expect(r.code).toBe(0);
    expect(r.sys.stdout).toBe('INFO  no-stack  -  no nfsserver resource in this CIB (0 primitives): nothing was checked\n0 NFS stacks checked: 0 errors, 0 warnings\n');
  });
});
