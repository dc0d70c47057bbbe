import autocannon from 'autocannon';

/** A non-stream chat completion POST, the same bytes for every target. */
export type ChatTarget = { url: string; headers: Record<string, string>; body: string };

export type ThroughputResult = { requestsPerSecond: number; total: number; non2xx: number; errors: number };

export type LatencyResult = {
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
  /** Answers slower than `slowerThanMs` (2 ms by default, the p99 target). */
  slower: number;
  non2xx: number;
  errors: number;
  /** The gateway's own `x-switchboard-overhead-ms` header, when the target sends it. */
  reportedOverhead?: { p50Ms: number; p99Ms: number; samples: number };
};

/** Closed-loop throughput: `connections` keep-alive connections sending back to back for `seconds`. */
export async function measureThroughput(
  target: ChatTarget,
  connections: number,
  seconds: number,
): Promise<ThroughputResult> {
  const result = await autocannon({
    url: `${target.url}/v1/chat/completions`,
    method: 'POST',
    headers: target.headers,
    body: target.body,
    connections,
    duration: seconds,
    timeout: 10,
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * Latency at a fixed overall rate (autocannon `overallRate`). Every response time is kept (float ms, not the
 * whole-millisecond histogram autocannon reports) so sub-millisecond differences show.
 */
export async function measureLatencyAtRate(
  target: ChatTarget,
  rate: number,
  connections: number,
  seconds: number,
  slowerThanMs = 2,
): Promise<LatencyResult> {
  const times: number[] = [];
  const overheads: number[] = [];
  const instance = autocannon({
    url: `${target.url}/v1/chat/completions`,
    method: 'POST',
    headers: target.headers,
    body: target.body,
    connections,
    overallRate: rate,
    duration: seconds,
    timeout: 10,
    setupClient: (client) => {
      client.on('headers', (info: { headers: string[] }) => {
        for (let index = 0; index < info.headers.length; index += 2) {
          if (info.headers[index]?.toLowerCase() === 'x-switchboard-overhead-ms') {
            overheads.push(Number(info.headers[index + 1]));
          }
        }
      });
    },
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
  });
  const result = await instance;
  return {
    achievedRate: result.requests.total / result.duration,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    maxMs: percentile(times, 100),
    samples: times.length,
    slower: times.filter((time) => time > slowerThanMs).length,
    non2xx: result.non2xx,
    errors: result.errors,
    reportedOverhead:
      overheads.length > 0
        ? { p50Ms: percentile(overheads, 50), p99Ms: percentile(overheads, 99), samples: overheads.length }
        : undefined,
  };
}

/** Nearest-rank percentile of unsorted values; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}
