// The SEA's main script: compiles the bundled agents (asset "app.js") with the V8 code cache
// made for them at build time (asset "app.cache", tools/build.mjs) and runs them. The
// administrator's tools (asset "tools.js") are compiled only when lib/main.ts asks for them
// through globalThis.nfshaTools: an agent action never reads or parses them.
//
// Why not the SEA's own useCodeCache: the executable runs with V8 flags (seaConfig.execArgv) that
// save start-up time, and V8 only accepts a code cache made under the same flags. Node makes the
// SEA's cache in the blob generator without them, so it would be rejected at every start; here
// the cache is made by the same Node binary with the same flags (tools/make-code-cache.cjs).
'use strict';
const { getRawAsset } = require('node:sea');
const { compileFunction } = require('node:vm');

const source = Buffer.from(getRawAsset('app.js')).toString('utf8');
const cachedData = Buffer.from(getRawAsset('app.cache'));
const params = ['exports', 'require', 'module', '__filename', '__dirname'];
const fn = compileFunction(source, params, { filename: 'nfsha.cjs', cachedData });
if (fn.cachedDataRejected === true) {
  // A build defect (flags or Node version differ from the cache's): correct but slower.
  process.stderr.write('nfsha: warning: the built-in code cache was rejected (rebuild the executable)\n');
}
globalThis.nfshaTools = () => {
  const tools = { exports: {} };
  const toolsSource = Buffer.from(getRawAsset('tools.js')).toString('utf8');
  compileFunction(toolsSource, params, { filename: 'nfsha-tools.cjs' }).call(tools.exports, tools.exports, require, tools, __filename, __dirname);
  return tools.exports;
};
fn.call(module.exports, module.exports, require, module, __filename, __dirname);
