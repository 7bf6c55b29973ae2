// Waiting for a promise at most so long: its value, or undefined when it has not settled in
// time (it is then abandoned, not cancelled). A real timer, cleared as soon as the race is decided.

export async function within<T>(op: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => { resolve(undefined); }, Math.max(0, ms)); });
  try {
    return await Promise.race([op, late]);
  } finally {
    clearTimeout(timer);
  }
}
