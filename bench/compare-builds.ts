import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type LatencyResult, measureLatencyAtRate, measureThroughput, percentile } from './measure-load.ts';
import { measureStreams, type StreamsResult } from './measure-streams.ts';
import { type SpawnedServer, spawnServer } from './spawn-server.ts';
import { benchChatTarget, benchStreamTarget, startBenchGateway } from './start-bench-gateway.ts';

/**
 * `npm run bench:compare -- [--a <cli>] [--b <cli>] [--a-env K=V] [--b-env K=V] [--a-node <flag>] [--b-node <flag>] [--rounds N]`: two gateways side by
 * side against one fast upstream, measured in alternation (A, B, A, B …) so the machine's drift falls on both alike.
 * On this shared two-core machine two full bench runs of the same build differ by ±15%; paired rounds of CPU per
 * request repeat within a few percent, and the rounds' latency counts show whether a p99 change holds in every round
 * or in one. For a before/after check of a request-path change: build the old commit in a worktree and pass its
 * `bin/switchboard.js` as `--a`. `--mode streams` compares streaming instead: 200 streams at once, three times a
 * round, with time to first byte, total time and the gateway's CPU per stream. It reports; it never fails.
 */
const { values } = parseArgs({
  options: {
    a: { type: 'string', default: 'bin/switchboard.js' },
    b: { type: 'string', default: 'bin/switchboard.js' },
    'a-env': { type: 'string', multiple: true, default: [] },
    'b-env': { type: 'string', multiple: true, default: [] },
    /** Node flags for one side's process (`--a-node=--max-semi-space-size=32`). */
    'a-node': { type: 'string', multiple: true, default: [] },
    'b-node': { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '6' },
    /**
     * `latency` (500 req/s over one connection), `throughput` (64 connections, with CPU per request), `both`, or
     * `streams` (200 concurrent streaming answers, with CPU per stream).
     */
    mode: { type: 'string', default: 'both' },
  },
});

const root = resolve(import.meta.dirname, '..');
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const mode = values.mode as 'latency' | 'throughput' | 'both' | 'streams';
const concurrentStreams = 200;
const streamRounds = 3;
/** The fast upstream's stream: 20 data events, then `[DONE]`. */
const eventsPerStream = 21;
const slowMs = 2;

type Side = {
  name: 'A' | 'B';
  server: SpawnedServer;
  latency: LatencyResult[];
  throughput: ThroughputRound[];
  streams: StreamsRound[];
};
type ThroughputRound = { requestsPerSecond: number; cpuMsPerRequest: number };
type StreamsRound = StreamsResult & { cpuMsPerStream: number };

const servers: SpawnedServer[] = [];

async function main(): Promise<void> {
  const upstream = await spawnServer('upstream', ['--import', 'tsx', resolve(root, 'bench/fast-upstream.ts')], {
    cwd: root,
    ready: /ready: (http:\/\/[^\s/]+)/,
  });
  servers.push(upstream);
  const sides: Side[] = [];
  for (const [name, cli, env, nodeArgs] of [
    ['A', values.a, values['a-env'], values['a-node']],
    ['B', values.b, values['b-env'], values['b-node']],
  ] as const) {
    const server = await startBenchGateway({
      cli: resolve(root, cli),
      upstreamUrl: upstream.url,
      env: toEnv(env),
      nodeArgs: [...nodeArgs],
      name,
    });
    servers.push(server);
    sides.push({ name, server, latency: [], throughput: [], streams: [] });
    const extras = [...nodeArgs, ...env];
    log(`${name}: ${cli}${extras.length > 0 ? ` with ${extras.join(' ')}` : ''} at ${server.url}`);
  }
  if (mode === 'streams') {
    log(`warm-up: one round of ${concurrentStreams} streams per gateway`);
    for (const side of sides) {
      await measureStreams(benchStreamTarget(side.server.url), {
        concurrency: concurrentStreams,
        rounds: 1,
        eventsPerStream,
      });
    }
  } else {
    log('warm-up: 3 s per gateway at 64 connections');
    for (const side of sides) await measureThroughput(benchChatTarget(side.server.url), 64, 3);
  }
  for (let round = 1; round <= rounds; round++) {
    for (const side of sides) {
      const target = benchChatTarget(side.server.url);
      if (mode === 'streams') {
        const before = side.server.stats().cpuMs;
        const result = await measureStreams(benchStreamTarget(side.server.url), {
          concurrency: concurrentStreams,
          rounds: streamRounds,
          eventsPerStream,
        });
        const cpuMs = side.server.stats().cpuMs - before;
        side.streams.push({ ...result, cpuMsPerStream: cpuMs / Math.max(1, result.streams) });
        log(`round ${round}: ${side.name} ${describe(side, round - 1)}`);
        continue;
      }
      if (mode !== 'throughput') {
        side.latency.push(await measureLatencyAtRate(target, 500, 1, seconds, slowMs));
      }
      if (mode !== 'latency') {
        const before = side.server.stats().cpuMs;
        const result = await measureThroughput(target, 64, seconds);
        const cpuMs = side.server.stats().cpuMs - before;
        side.throughput.push({
          requestsPerSecond: result.requestsPerSecond,
          cpuMsPerRequest: cpuMs / Math.max(1, result.total),
        });
      }
      log(`round ${round}: ${side.name} ${describe(side, round - 1)}`);
    }
  }
  process.stdout.write(`\n${report(sides)}\n`);
}

function describe(side: Side, index: number): string {
  const parts: string[] = [];
  const latency = side.latency[index];
  if (latency) {
    parts.push(
      `p50 ${latency.p50Ms.toFixed(2)} p99 ${latency.p99Ms.toFixed(2)} ms, ${latency.slower}/${latency.samples} over ${slowMs} ms`,
    );
  }
  const throughput = side.throughput[index];
  if (throughput) {
    parts.push(`${throughput.requestsPerSecond.toFixed(0)} req/s, ${throughput.cpuMsPerRequest.toFixed(3)} ms CPU/req`);
  }
  const streams = side.streams[index];
  if (streams) {
    parts.push(
      `TTFB p50 ${streams.ttfbP50Ms.toFixed(1)} p99 ${streams.ttfbP99Ms.toFixed(1)} ms, total p50 ${streams.totalP50Ms.toFixed(1)} ms, ` +
        `${streams.cpuMsPerStream.toFixed(2)} ms CPU/stream, ${streams.lostEvents} events lost`,
    );
  }
  return parts.join('; ');
}

function report([a, b]: Side[]): string {
  if (!a || !b) return '';
  const lines = ['medians over the rounds (A / B), and in how many rounds B did better:'];
  const compare = (label: string, pick: (side: Side) => number[], digits: number, better: 'lower' | 'higher') => {
    const left = pick(a);
    const right = pick(b);
    if (left.length === 0) return;
    const wins = right.filter((value, index) =>
      better === 'lower' ? value < (left[index] as number) : value > (left[index] as number),
    ).length;
    const medians = `${percentile(left, 50).toFixed(digits)} / ${percentile(right, 50).toFixed(digits)}`;
    lines.push(`  ${label.padEnd(26)} ${medians.padEnd(16)} B better in ${wins} of ${left.length}`);
  };
  compare('p50 at 500 req/s (ms)', (side) => side.latency.map((round) => round.p50Ms), 3, 'lower');
  compare('p99 at 500 req/s (ms)', (side) => side.latency.map((round) => round.p99Ms), 3, 'lower');
  compare(`answers over ${slowMs} ms`, (side) => side.latency.map((round) => round.slower), 0, 'lower');
  compare('CPU per request (ms)', (side) => side.throughput.map((round) => round.cpuMsPerRequest), 3, 'lower');
  compare('throughput (req/s)', (side) => side.throughput.map((round) => round.requestsPerSecond), 0, 'higher');
  compare('stream TTFB p50 (ms)', (side) => side.streams.map((round) => round.ttfbP50Ms), 1, 'lower');
  compare('stream TTFB p99 (ms)', (side) => side.streams.map((round) => round.ttfbP99Ms), 1, 'lower');
  compare('stream total p50 (ms)', (side) => side.streams.map((round) => round.totalP50Ms), 1, 'lower');
  compare('CPU per stream (ms)', (side) => side.streams.map((round) => round.cpuMsPerStream), 2, 'lower');
  compare('lost events', (side) => side.streams.map((round) => round.lostEvents), 0, 'lower');
  return lines.join('\n');
}

function toEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0) env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

function log(message: string): void {
  process.stderr.write(`[compare] ${message}\n`);
}

main()
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => Promise.all(servers.map((server) => server.stop())));
