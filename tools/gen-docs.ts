// Writes metadata/<Agent>.xml (checked in) and the man pages ocf_nfsha_<Agent>.7 from the agent
// registry, and nfsha.8 (the front end and its tools) from lib/tools/help.ts. `--check` fails when a checked-in meta-data file differs from what the code says.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { AGENTS } from '../agents/index.ts';
import { metadataXml } from '../lib/ocf/metadata.ts';
import { manPage } from '../lib/ocf/manpage.ts';
import { frontEndManPage } from '../lib/tools/manpage.ts';

const args = process.argv.slice(2);
const check = args.includes('--check');
const manDir = args.find((a) => a.startsWith('--man='))?.slice(6);
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
let stale = 0;
for (const agent of AGENTS) {
  const path = `metadata/${agent.name}.xml`;
  const xml = metadataXml(agent);
  if (check) {
    let have = '';
    try {
      have = readFileSync(path, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (have !== xml) {
      process.stderr.write(`${path} is out of date: run make metadata\n`);
      stale++;
    }
  } else {
    writeFileSync(path, xml);
  }
  if (manDir !== undefined) {
    mkdirSync(manDir, { recursive: true });
    writeFileSync(`${manDir}/ocf_nfsha_${agent.name}.7`, manPage(agent, { version, date: process.env.SOURCE_DATE_EPOCH }));
  }
}
if (manDir !== undefined) writeFileSync(`${manDir}/nfsha.8`, frontEndManPage(AGENTS, { version, date: process.env.SOURCE_DATE_EPOCH }));
process.exit(stale === 0 ? 0 : 1);
