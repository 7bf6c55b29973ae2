// node:net's isIP, loaded on first use: importing node:net at start-up pulls in the streams stack
// (≈ 2–3 ms of CPU) for every action of every agent, since all four share one bundle.
export function isIP(text: string): number {
  return process.getBuiltinModule('node:net').isIP(text);
}
