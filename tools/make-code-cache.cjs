// Build step, run by tools/build.mjs with the pinned Node binary and the executable's V8 flags:
//   node <flags> tools/make-code-cache.cjs <bundle.cjs> <out.cache>
// Compiles the bundle exactly as tools/sea-main.cjs does at run time and writes V8's code cache.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { compileFunction } = require('node:vm');

const [bundle, out] = process.argv.slice(2);
if (!bundle || !out) {
  process.stderr.write('usage: node <flags> make-code-cache.cjs <bundle.cjs> <out.cache>\n');
  process.exit(2);
}
const source = readFileSync(bundle, 'utf8');
const params = ['exports', 'require', 'module', '__filename', '__dirname'];
const fn = compileFunction(source, params, { filename: 'nfsha.cjs', produceCachedData: true });
if (!Buffer.isBuffer(fn.cachedData)) {
  process.stderr.write('make-code-cache: V8 produced no code cache\n');
  process.exit(1);
}
writeFileSync(out, fn.cachedData);
