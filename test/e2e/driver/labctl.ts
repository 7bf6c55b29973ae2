// Debugging aid for a lab kept running (lab.sh --keep): runs a script in a guest and prints its
// output. Must run inside the lab's network namespace; lab.sh sh HOST 'script' does that.
import { sh } from './guest.ts';
import { MACHINES } from './vm.ts';

const [host, ...rest] = process.argv.slice(2);
const m = Object.values(MACHINES).find((x) => x.name === host);
if (!m || rest.length === 0) {
  console.error('usage: labctl.ts node1|node2|client SCRIPT...');
  process.exit(2);
}
const r = await sh(m.ip, m.name, rest.join(' '), 600_000);
process.stdout.write(r.out.endsWith('\n') || r.out === '' ? r.out : `${r.out}\n`);
process.exit(r.rc === 0 ? 0 : 1);
