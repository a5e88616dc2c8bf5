/** Samples this process's memory while `work` runs: the peak growth of RSS and of Buffer memory over the start. */
export async function memoryPeak<T>(
  work: () => Promise<T>,
): Promise<{ value: T; rssGrowth: number; buffersGrowth: number }> {
  global.gc?.();
  const start = process.memoryUsage();
  let rss = start.rss;
  let buffers = start.arrayBuffers;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    buffers = Math.max(buffers, now.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  try {
    const value = await work();
    sample();
    return { value, rssGrowth: rss - start.rss, buffersGrowth: buffers - start.arrayBuffers };
  } finally {
    clearInterval(timer);
  }
}

/** Writes a file of `bytes` (not all one byte, so a hash mismatch would show) without holding it. */
export async function writeBigFile(path: string, bytes: number): Promise<void> {
  const { createWriteStream } = await import("node:fs");
  const { randomBytes } = await import("node:crypto");
  const block = randomBytes(1024 * 1024);
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; ) {
    const n = Math.min(block.length, bytes - written);
    block.writeUInt32BE(written / block.length, 0);
    if (!out.write(block.subarray(0, n))) await new Promise<void>((r) => out.once("drain", () => r()));
    written += n;
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}
