// Prints the agents of the registry (agents/index.ts), one name per line, first the one the
// others are linked to: the Makefile, the RPM build, the bats tiers and the lab image take the
// list from here instead of writing it again.
import { AGENTS } from '../agents/index.ts';

process.stdout.write(AGENTS.map((a) => `${a.name}\n`).join(''));
