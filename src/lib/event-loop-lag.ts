/** Event-loop lag as seen by a timer: how late each tick fired, over a rolling window. */
export interface EventLoopLag {
  current(): { last_ms: number; max_ms: number; mean_ms: number };
  stop(): void;
}

/** Samples timer drift every `intervalMs`; the max covers the last `windowSize` samples. */
export function monitorEventLoopLag(intervalMs = 100, windowSize = 100): EventLoopLag {
  const samples = new Float64Array(windowSize);
  let n = 0;
  let expected = performance.now() + intervalMs;
  const timer = setInterval(() => {
    const now = performance.now();
    samples[n % windowSize] = Math.max(0, now - expected);
    n++;
    expected = now + intervalMs;
  }, intervalMs);
  timer.unref();
  return {
    current: () => {
      const count = Math.min(n, windowSize);
      let max = 0;
      let sum = 0;
      for (let i = 0; i < count; i++) {
        const v = samples[i] as number;
        sum += v;
        if (v > max) max = v;
      }
      const last = n === 0 ? 0 : (samples[(n - 1) % windowSize] as number);
      const r = (v: number) => Math.round(v * 1000) / 1000;
      return { last_ms: r(last), max_ms: r(max), mean_ms: r(count === 0 ? 0 : sum / count) };
    },
    stop: () => clearInterval(timer),
  };
}
