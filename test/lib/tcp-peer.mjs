// A TCP server or a client, for tests of what clients see across a failover.
//   tcp-peer.mjs server HOST PORT READYFILE   accepts, reads and discards; READYFILE once listening
//   tcp-peer.mjs client HOST PORT LOGFILE     connects, writes a line every 200 ms; on a reset or
//                                             close reconnects at once (as an NFS client's RPC
//                                             transport does); logs every event as a JSON line
//                                             {t: ms since the epoch, ev, ...} to LOGFILE
import { appendFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';

const [mode, host, port, file] = process.argv.slice(2);
if (mode === 'server') {
  const srv = net.createServer((s) => { s.on('data', () => {}); s.on('error', () => {}); });
  srv.listen({ host, port: Number(port) }, () => { writeFileSync(file, ''); });
} else if (mode === 'client') {
  const log = (ev, extra = {}) => { appendFileSync(file, `${JSON.stringify({ t: Date.now(), ev, ...extra })}\n`); };
  let n = 0;
  const connect = () => {
    const s = net.connect({ host, port: Number(port) });
    let timer;
    s.on('connect', () => {
      log('connected', { localPort: s.localPort });
      timer = setInterval(() => { s.write(`ping ${String(n++)}\n`); }, 200);
    });
    s.on('error', (e) => { log('error', { code: e.code }); });
    s.on('close', () => {
      clearInterval(timer);
      log('closed');
      setTimeout(connect, 20);
    });
  };
  connect();
} else {
  process.stderr.write('usage: tcp-peer.mjs server|client HOST PORT FILE\n');
  process.exit(2);
}
