import { Agent, request as httpRequest } from 'node:http';
import { percentile } from './measure-load.ts';

export type StreamsResult = {
  streams: number;
  failed: number;
  ttfbP50Ms: number;
  ttfbP99Ms: number;
  totalP50Ms: number;
  totalP99Ms: number;
  expectedEvents: number;
  receivedEvents: number;
  /** Expected minus received, over every stream that was expected to complete (failed streams count in full). */
  lostEvents: number;
  streamsWithoutDone: number;
};

type OneStream = { ok: boolean; ttfbMs: number; totalMs: number; events: number; sawDone: boolean };

/**
 * `concurrency` streaming chat completions at once, `rounds` times. Time to first byte is the first body byte
 * (the first SSE bytes, not just the headers); total is the end of the body. SSE data events are counted,
 * `[DONE]` included.
 */
export async function measureStreams(
  target: { url: string; headers: Record<string, string>; body: string },
  options: { concurrency: number; rounds: number; eventsPerStream: number; timeoutMs?: number },
): Promise<StreamsResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const results: OneStream[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      const batch = Array.from({ length: options.concurrency }, () => oneStream(agent, target, options.timeoutMs));
      results.push(...(await Promise.all(batch)));
    }
  } finally {
    agent.destroy();
  }
  const ok = results.filter((result) => result.ok);
  const expectedEvents = results.length * options.eventsPerStream;
  const receivedEvents = results.reduce((sum, result) => sum + result.events, 0);
  return {
    streams: results.length,
    failed: results.length - ok.length,
    ttfbP50Ms: percentile(
      ok.map((result) => result.ttfbMs),
      50,
    ),
    ttfbP99Ms: percentile(
      ok.map((result) => result.ttfbMs),
      99,
    ),
    totalP50Ms: percentile(
      ok.map((result) => result.totalMs),
      50,
    ),
    totalP99Ms: percentile(
      ok.map((result) => result.totalMs),
      99,
    ),
    expectedEvents,
    receivedEvents,
    lostEvents: results.reduce((sum, result) => sum + Math.max(0, options.eventsPerStream - result.events), 0),
    streamsWithoutDone: results.filter((result) => !result.sawDone).length,
  };
}

function oneStream(
  agent: Agent,
  target: { url: string; headers: Record<string, string>; body: string },
  timeoutMs = 30_000,
): Promise<OneStream> {
  return new Promise((resolve) => {
    const url = new URL(`${target.url}/v1/chat/completions`);
    const startedAt = performance.now();
    let ttfbMs = Number.NaN;
    let events = 0;
    let sawDone = false;
    let pending = '';
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ok, ttfbMs, totalMs: performance.now() - startedAt, events, sawDone });
    };
    const count = (text: string) => {
      pending += text;
      const blocks = pending.split(/\r?\n\r?\n/);
      pending = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = block.split(/\r?\n/).find((line) => line.startsWith('data:'));
        if (data === undefined) continue;
        events++;
        if (data.slice(5).trim() === '[DONE]') sawDone = true;
      }
    };
    const request = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: url.pathname,
        headers: { ...target.headers, 'content-length': Buffer.byteLength(target.body) },
      },
      (response) => {
        response.setEncoding('utf8');
        response.on('data', (text: string) => {
          if (Number.isNaN(ttfbMs)) ttfbMs = performance.now() - startedAt;
          count(text);
        });
        response.on('end', () => finish(response.statusCode === 200));
        response.on('error', () => finish(false));
      },
    );
    const timer = setTimeout(() => request.destroy(new Error('stream timed out')), timeoutMs);
    request.on('error', () => finish(false));
    request.end(target.body);
  });
}
