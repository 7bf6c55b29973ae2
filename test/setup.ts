// Every test starts from a clean OCF environment: nothing from the caller's shell or from a
// Pacemaker that started the test run leaks into the code under test. After every test, each
// scripted System it made must have seen all its expected calls.
import { afterEach, beforeEach } from 'vitest';
import { checkScripts } from '../lib/system/scripted.ts';

const saved = { ...process.env };

beforeEach(() => {
  for (const k of Object.keys(process.env)) {
    if (/^(OCF_|HA_|PCMK_|NODE_OPTIONS$|__OCF_)/.test(k)) Reflect.deleteProperty(process.env, k);
  }
  for (const [k, v] of Object.entries(saved)) {
    if (!/^(OCF_|HA_|PCMK_|NODE_OPTIONS$|__OCF_)/.test(k) && process.env[k] !== v) process.env[k] = v;
  }
});

afterEach(() => {
  checkScripts();
});
