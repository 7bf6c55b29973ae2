// A stand-in for the client kernel's lockd: registers NLM (100021 v4 udp)
// with the local rpcbind and records every call statd makes to it, one JSON line per call, in LOG.
// statd's callback after a matching SM_NOTIFY is what makes a real client reclaim its locks, so
// a line here is the oracle for "this client would reclaim". Writes READY once registered.
// Usage: node fake-nlm.mjs LOG READY
import dgram from 'node:dgram';
import { appendFileSync, writeFileSync } from 'node:fs';

const [log, ready] = process.argv.slice(2);
const NLM = 100021;
const PMAP = 100000;

const sock = dgram.createSocket('udp4');

function bindReserved(port) {
  return new Promise((resolve, reject) => {
    const onError = (e) => {
      sock.off('listening', onListening);
      if (port < 1000) resolve(bindReserved(port + 1));
      else reject(e);
    };
    const onListening = () => {
      sock.off('error', onError);
      resolve(port);
    };
    sock.once('error', onError);
    sock.once('listening', onListening);
    sock.bind(port, '127.0.0.1');
  });
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

// An RPC call header with AUTH_NONE credentials and verifier.
function callHeader(xid, prog, vers, proc) {
  return Buffer.concat([u32(xid), u32(0), u32(2), u32(prog), u32(vers), u32(proc), u32(0), u32(0), u32(0), u32(0)]);
}

// An accepted, successful reply with no results (void).
function voidReply(xid) {
  return Buffer.concat([u32(xid), u32(1), u32(0), u32(0), u32(0), u32(0)]);
}

function opaqueAt(buf, off) {
  const len = buf.readUInt32BE(off);
  return { bytes: buf.subarray(off + 4, off + 4 + len), next: off + 4 + len + ((4 - (len % 4)) % 4) };
}

const port = await bindReserved(600);
let registered;
const done = new Promise((resolve) => { registered = resolve; });

sock.on('message', (msg, rinfo) => {
  const xid = msg.readUInt32BE(0);
  const type = msg.readUInt32BE(4);
  if (type === 1) {
    // Our PMAPPROC_SET reply: accepted (0), success (0), result bool.
    if (xid === 0x6e666861) registered(msg.readUInt32BE(msg.length - 4) === 1);
    return;
  }
  const prog = msg.readUInt32BE(12);
  const vers = msg.readUInt32BE(16);
  const proc = msg.readUInt32BE(20);
  let off = 24;
  off = opaqueAt(msg, off + 4).next; // credentials: flavor, body
  off = opaqueAt(msg, off + 4).next; // verifier
  const entry = { event: 'call', from: `${rinfo.address}:${String(rinfo.port)}`, prog, vers, proc };
  if (prog === NLM) {
    const name = opaqueAt(msg, off);
    entry.mon_name = name.bytes.toString('utf8');
    entry.state = msg.readInt32BE(name.next);
    entry.priv = msg.subarray(name.next + 4, name.next + 20).toString('hex');
  }
  appendFileSync(log, `${JSON.stringify(entry)}\n`);
  sock.send(voidReply(xid), rinfo.port, rinfo.address);
});

// PMAPPROC_SET (1): prog, vers, prot (17 = udp), port.
const set = Buffer.concat([callHeader(0x6e666861, PMAP, 2, 1), u32(NLM), u32(4), u32(17), u32(port)]);
sock.send(set, 111, '127.0.0.1');
const ok = await Promise.race([done, new Promise((r) => { setTimeout(() => r(false), 5000); })]);
if (!ok) {
  process.stderr.write('fake-nlm: rpcbind refused or did not answer PMAPPROC_SET\n');
  process.exit(1);
}
writeFileSync(ready, `${String(port)}\n`);
