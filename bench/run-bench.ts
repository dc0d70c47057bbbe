import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type ChatTarget,
  type LatencyResult,
  measureLatencyAtRate,
  measureThroughput,
  type ThroughputResult,
} from './measure-load.ts';
import { measureStreams, type StreamsResult } from './measure-streams.ts';
import { type SpawnedServer, spawnServer } from './spawn-server.ts';
import { benchChatTarget, benchStreamTarget, startBenchGateway } from './start-bench-gateway.ts';
import { formatProfileSummary, type ProfileSummary, summariseCpuProfile } from './summarise-cpu-profile.ts';

/**
 * `npm run bench [-- --quick] [-- --profile]`: the upstream alone (direct), a minimal Node reverse proxy (floor) and
 * the real gateway CLI, all on 127.0.0.1, each server in its own process. Prints a table and the targets' PASS/FAIL,
 * writes bench/results/latest.json. It reports; it never fails the test suite.
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'rate-connections': { type: 'string', default: '1' },
    /** Another entry for the gateway process (e.g. a bundled build of src/runtime/node/cli.ts); default the bin. */
    'gateway-entry': { type: 'string', default: 'bin/switchboard.js' },
    out: { type: 'string', default: 'bench/results/latest.json' },
  },
});

const root = resolve(import.meta.dirname, '..');
const plan = values.quick
  ? { warmupSeconds: 1, throughputSeconds: 3, rateSeconds: 3, streamRounds: 1 }
  : { warmupSeconds: 3, throughputSeconds: 8, rateSeconds: 8, streamRounds: 3 };
const settings = {
  ...plan,
  connections: 64,
  rate: 500,
  rateConnections: Number(values['rate-connections']),
  gatewayEntry: values['gateway-entry'],
  concurrentStreams: 200,
  chunksPerStream: 20,
  chunkIntervalMs: 5,
};
const eventsPerStream = settings.chunksPerStream + 1; // + [DONE]
const targetsChecked = { p50OverheadMs: 0.5, p99OverheadMs: 2, throughputRatio: 0.6, idleRssMb: 70 };

type TargetName = 'direct' | 'floor' | 'gateway';
type TargetResult = {
  /** The server's CPU over the run: ms per request, and % of one core (100% = one core busy the whole time). */
  throughput?: Awaited<ReturnType<typeof measureThroughput>> & { cpuMsPerRequest: number; cpuPercent: number };
  latency?: LatencyResult;
  /** The server's CPU over the streams run, per stream. */
  streams?: StreamsResult & { cpuMsPerStream: number };
  rss?: { idleMb: number; afterLoadMb: number; peakMb: number };
};

/** Reference servers, measured for throughput only: what the least a JSON gateway does costs, on two stacks. */
const referenceFloors = [
  {
    name: 'native JSON floor',
    file: 'bench/native-json-floor-proxy.ts',
    what: 'node:http in and out; parse, forward, answer',
  },
  {
    name: 'framework floor',
    file: 'bench/framework-floor-proxy.ts',
    what: "Hono on @hono/node-server + the gateway's upstream client; parse, forward, answer",
  },
];
type ReferenceResult = ThroughputResult & { name: string; what: string; cpuMsPerRequest: number };

const servers: SpawnedServer[] = [];
const stopAll = () => Promise.all(servers.map((server) => server.stop()));

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const upstream = await start('upstream', [
    '--import',
    'tsx',
    join(root, 'bench/fast-upstream.ts'),
    '--chunks',
    String(settings.chunksPerStream),
    '--chunk-interval-ms',
    String(settings.chunkIntervalMs),
  ]);
  const floor = await start('floor', [
    '--import',
    'tsx',
    join(root, 'bench/floor-proxy.ts'),
    '--upstream',
    upstream.url,
  ]);
  const references = await Promise.all(
    referenceFloors.map(async (reference) => ({
      ...reference,
      server: await start(reference.name, ['--import', 'tsx', join(root, reference.file), '--upstream', upstream.url]),
    })),
  );
  const gateway = await startGateway(upstream.url, []);
  await sleep(1000);
  const idle = { floor: floor.stats(), gateway: gateway.stats() };

  const { body, headers } = benchChatTarget(gateway.url);
  const processes: Record<TargetName, SpawnedServer> = { direct: upstream, floor, gateway };
  const targets: Record<TargetName, ChatTarget> = {
    direct: { url: upstream.url, headers, body },
    floor: { url: floor.url, headers, body },
    gateway: { url: gateway.url, headers, body },
  };
  const names: TargetName[] = ['direct', 'floor', 'gateway'];
  const results: Record<TargetName, TargetResult> = { direct: {}, floor: {}, gateway: {} };
  for (const name of names) await checkAnswers(name, targets[name]);

  log(`warm-up: ${settings.warmupSeconds} s per target at ${settings.connections} connections`);
  for (const name of names) await measureThroughput(targets[name], settings.connections, settings.warmupSeconds);
  for (const reference of references) {
    const target = { url: reference.server.url, headers, body };
    await checkAnswers(reference.name, target);
    await measureThroughput(target, settings.connections, settings.warmupSeconds);
  }

  for (const name of names) {
    log(`throughput: ${name}, ${settings.connections} connections, ${settings.throughputSeconds} s`);
    const before = processes[name].stats().cpuMs;
    const throughput = await measureThroughput(targets[name], settings.connections, settings.throughputSeconds);
    const cpuMs = processes[name].stats().cpuMs - before;
    results[name].throughput = {
      ...throughput,
      cpuMsPerRequest: cpuMs / Math.max(1, throughput.total),
      cpuPercent: (100 * cpuMs) / (settings.throughputSeconds * 1000),
    };
  }
  // References, not targets: what a JSON gateway costs with no Web objects, and on the gateway's own framework.
  const floors: ReferenceResult[] = [];
  for (const reference of references) {
    log(`throughput: ${reference.name}, ${settings.connections} connections, ${settings.throughputSeconds} s`);
    const target = { url: reference.server.url, headers, body };
    const cpuBefore = reference.server.stats().cpuMs;
    const run = await measureThroughput(target, settings.connections, settings.throughputSeconds);
    const cpuMsPerRequest = (reference.server.stats().cpuMs - cpuBefore) / Math.max(1, run.total);
    floors.push({ name: reference.name, what: reference.what, ...run, cpuMsPerRequest });
    await reference.server.stop();
    servers.splice(servers.indexOf(reference.server), 1);
  }
  for (const name of names) {
    log(
      `latency: ${name}, ${settings.rate} req/s over ${settings.rateConnections} connection(s), ${settings.rateSeconds} s`,
    );
    results[name].latency = await measureLatencyAtRate(
      targets[name],
      settings.rate,
      settings.rateConnections,
      settings.rateSeconds,
    );
  }
  for (const name of names) {
    log(`streams: ${name}, ${settings.concurrentStreams} concurrent x ${settings.streamRounds} round(s)`);
    const before = processes[name].stats().cpuMs;
    const streams = await measureStreams(
      { ...targets[name], body: benchStreamTarget(targets[name].url).body },
      { concurrency: settings.concurrentStreams, rounds: settings.streamRounds, eventsPerStream },
    );
    const cpuMs = processes[name].stats().cpuMs - before;
    results[name].streams = { ...streams, cpuMsPerStream: cpuMs / Math.max(1, streams.streams) };
  }
  await sleep(500);
  for (const name of ['floor', 'gateway'] as const) {
    const after = processes[name].stats();
    results[name].rss = { idleMb: idle[name].rssMb, afterLoadMb: after.rssMb, peakMb: after.peakRssMb };
  }
  await gateway.stop();
  servers.splice(servers.indexOf(gateway), 1);

  const profile = values.profile ? await profileGateway(upstream.url, targets.gateway) : undefined;
  await stopAll();

  const loadAfter = loadavg();
  const report = buildReport(results, floors);
  process.stdout.write(`\n${report.text}\n`);
  process.stdout.write(
    `\nmachine: ${cpus().length} cores; load average (1 min) ${loadBefore[0]?.toFixed(2)} before, ${loadAfter[0]?.toFixed(2)} after (above ~2 the numbers include other work)\n`,
  );
  if (profile) process.stdout.write(`\n${formatProfileSummary(profile)}\n`);
  const out = resolve(root, values.out as string);
  mkdirSync(resolve(out, '..'), { recursive: true });
  const json = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
      loadAverage1mBefore: loadBefore[0],
      loadAverage1mAfter: loadAfter[0],
    },
    settings,
    results,
    referenceFloors: floors,
    overheads: report.overheads,
    checks: report.checks,
    profile: profile && {
      ...profile,
      functions: profile.functions.slice(0, 25),
      files: profile.files.slice(0, 15),
      projectInclusive: profile.projectInclusive.slice(0, 25),
    },
  };
  writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${out}`);
}

async function start(name: string, args: string[]): Promise<SpawnedServer> {
  const server = await spawnServer(name, args, { cwd: root, ready: /ready: (http:\/\/[^\s/]+)/ });
  servers.push(server);
  return server;
}

/** The gateway under test, started like a user would (see `startBenchGateway`), stopped with the others. */
async function startGateway(upstreamUrl: string, nodeArgs: string[]): Promise<SpawnedServer> {
  const cli = resolve(root, values['gateway-entry'] as string);
  const server = await startBenchGateway({ cli, upstreamUrl, nodeArgs });
  servers.push(server);
  return server;
}

/** One request per target before measuring: a wrong answer would make every number meaningless. */
async function checkAnswers(name: string, target: ChatTarget): Promise<void> {
  const response = await fetch(`${target.url}/v1/chat/completions`, {
    method: 'POST',
    headers: target.headers,
    body: target.body,
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await response.json()) as { choices?: Array<{ message?: { content?: string } }> };
  if (response.status !== 200 || !answer.choices?.[0]?.message?.content) {
    throw new Error(`${name} did not answer the chat completion: ${response.status} ${JSON.stringify(answer)}`);
  }
}

/** A second gateway under `--cpu-prof`, loaded at the throughput setting; the profile is written when it exits. */
async function profileGateway(upstreamUrl: string, target: ChatTarget): Promise<ProfileSummary> {
  const directory = resolve(root, 'bench/results/profile');
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const spawnedAt = performance.now();
  const gateway = await startGateway(upstreamUrl, ['--cpu-prof', '--cpu-prof-dir', directory]);
  const profiled = { ...target, url: gateway.url };
  await checkAnswers('gateway', profiled);
  const startUpMs = performance.now() - spawnedAt; // left out of the summary: only the hot path counts
  log(`profile: gateway under --cpu-prof, ${settings.connections} connections, ${settings.throughputSeconds} s`);
  await measureThroughput(profiled, settings.connections, settings.throughputSeconds);
  await gateway.stop();
  servers.splice(servers.indexOf(gateway), 1);
  // One profile per thread (tsx's module loader runs on its own thread): the main thread's name has `.<pid>.0.`.
  const mainThread = () => readdirSync(directory).find((name) => name.includes(`.${gateway.pid}.0.`));
  for (let attempt = 0; attempt < 50 && !mainThread(); attempt++) await sleep(100);
  const file = join(directory, mainThread() ?? 'missing.cpuprofile');
  log(`profile written to ${file}`);
  return summariseCpuProfile(file, { top: 40, skipMs: startUpMs });
}

function buildReport(results: Record<TargetName, TargetResult>, floors: ReferenceResult[]) {
  const get = (name: TargetName) => results[name] as Required<TargetResult>;
  const { direct, floor, gateway } = { direct: get('direct'), floor: get('floor'), gateway: get('gateway') };
  const diff = (left: LatencyResult, right: LatencyResult) => ({
    p50Ms: left.p50Ms - right.p50Ms,
    p99Ms: left.p99Ms - right.p99Ms,
  });
  const overheads = {
    gatewayMinusDirect: diff(gateway.latency, direct.latency),
    floorMinusDirect: diff(floor.latency, direct.latency),
    gatewayMinusFloor: diff(gateway.latency, floor.latency),
    throughputGatewayOverFloor: gateway.throughput.requestsPerSecond / floor.throughput.requestsPerSecond,
    throughputGatewayOverDirect: gateway.throughput.requestsPerSecond / direct.throughput.requestsPerSecond,
    throughputFloorOverDirect: floor.throughput.requestsPerSecond / direct.throughput.requestsPerSecond,
    streamTtfbP50GatewayMinusDirectMs: gateway.streams.ttfbP50Ms - direct.streams.ttfbP50Ms,
    streamTotalP50GatewayMinusDirectMs: gateway.streams.totalP50Ms - direct.streams.totalP50Ms,
    reportedByGateway: gateway.latency.reportedOverhead,
  };
  const check = (name: string, value: number, limit: number, unit: string, atLeast = false) => ({
    name,
    value,
    limit: `${atLeast ? '>=' : '<='} ${limit}${unit}`,
    pass: atLeast ? value >= limit : value <= limit,
  });
  const checks = [
    check('p50 overhead vs direct', overheads.gatewayMinusDirect.p50Ms, targetsChecked.p50OverheadMs, ' ms'),
    check('p99 overhead vs direct', overheads.gatewayMinusDirect.p99Ms, targetsChecked.p99OverheadMs, ' ms'),
    check('p50 overhead vs floor', overheads.gatewayMinusFloor.p50Ms, targetsChecked.p50OverheadMs, ' ms'),
    check('p99 overhead vs floor', overheads.gatewayMinusFloor.p99Ms, targetsChecked.p99OverheadMs, ' ms'),
    check('throughput gateway / floor', overheads.throughputGatewayOverFloor, targetsChecked.throughputRatio, '', true),
    check('lost stream events (gateway)', gateway.streams.lostEvents + gateway.streams.failed, 0, ''),
    check('idle RSS (gateway)', gateway.rss.idleMb, targetsChecked.idleRssMb, ' MB'),
  ];

  const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(2));
  const rows: string[][] = [
    ['', 'direct', 'floor', 'gateway'],
    ...(
      [
        ['throughput @64 conn (req/s)', (r) => r.throughput.requestsPerSecond.toFixed(0)],
        ['  non-2xx / errors', (r) => `${r.throughput.non2xx} / ${r.throughput.errors}`],
        ['  server CPU per request (ms)', (r) => r.throughput.cpuMsPerRequest.toFixed(3)],
        ['  server CPU (% of one core)', (r) => r.throughput.cpuPercent.toFixed(0)],
        [`@${settings.rate} req/s: achieved (req/s)`, (r) => r.latency.achievedRate.toFixed(0)],
        ['  latency p50 (ms)', (r) => ms(r.latency.p50Ms)],
        ['  latency p99 (ms)', (r) => ms(r.latency.p99Ms)],
        ['  latency max (ms)', (r) => ms(r.latency.maxMs)],
        [`${settings.concurrentStreams} streams: TTFB p50 (ms)`, (r) => ms(r.streams.ttfbP50Ms)],
        ['  TTFB p99 (ms)', (r) => ms(r.streams.ttfbP99Ms)],
        ['  total p50 (ms)', (r) => ms(r.streams.totalP50Ms)],
        ['  total p99 (ms)', (r) => ms(r.streams.totalP99Ms)],
        ['  events received / expected', (r) => `${r.streams.receivedEvents} / ${r.streams.expectedEvents}`],
        ['  lost events / failed streams', (r) => `${r.streams.lostEvents} / ${r.streams.failed}`],
        ['  server CPU per stream (ms)', (r) => r.streams.cpuMsPerStream.toFixed(2)],
        ['RSS idle (MB)', (r) => (r.rss ? r.rss.idleMb.toFixed(1) : '-')],
        ['RSS after load (MB)', (r) => (r.rss ? r.rss.afterLoadMb.toFixed(1) : '-')],
        ['RSS peak (MB)', (r) => (r.rss ? r.rss.peakMb.toFixed(1) : '-')],
      ] as Array<[string, (result: Required<TargetResult>) => string]>
    ).map(([label, cell]) => [label, cell(direct), cell(floor), cell(gateway)]),
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  const table = rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] as number) : cell.padStart(widths[column] as number),
      )
      .join('  '),
  );
  const reported = overheads.reportedByGateway;
  const lines = [
    ...table,
    '',
    `overhead at ${settings.rate} req/s (p50 / p99, ms):`,
    `  gateway - direct  ${ms(overheads.gatewayMinusDirect.p50Ms)} / ${ms(overheads.gatewayMinusDirect.p99Ms)}`,
    `  floor - direct    ${ms(overheads.floorMinusDirect.p50Ms)} / ${ms(overheads.floorMinusDirect.p99Ms)}`,
    `  gateway - floor   ${ms(overheads.gatewayMinusFloor.p50Ms)} / ${ms(overheads.gatewayMinusFloor.p99Ms)}`,
    `  x-switchboard-overhead-ms (gateway's own): ${reported ? `${ms(reported.p50Ms)} / ${ms(reported.p99Ms)} over ${reported.samples} answers` : 'not sent'}`,
    `throughput ratios: gateway/floor ${overheads.throughputGatewayOverFloor.toFixed(2)}, gateway/direct ${overheads.throughputGatewayOverDirect.toFixed(2)}, floor/direct ${overheads.throughputFloorOverDirect.toFixed(2)}`,
    ...floors.map(
      (reference) =>
        `${reference.name} (${reference.what}): ${reference.requestsPerSecond.toFixed(0)} req/s, ${reference.cpuMsPerRequest.toFixed(3)} ms CPU per request, ${(reference.requestsPerSecond / floor.throughput.requestsPerSecond).toFixed(2)} of the floor's throughput (a reference, not a target)`,
    ),
    '',
    'targets:',
    ...checks.map(
      (item) =>
        `  ${item.pass ? 'PASS' : 'FAIL'}  ${item.name}: ${Number.isInteger(item.value) ? item.value : item.value.toFixed(2)} (${item.limit})`,
    ),
  ];
  return { text: lines.join('\n'), overheads, checks };
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, milliseconds));
}

const hardLimit = setTimeout(
  () => {
    log('the bench ran past its time limit; stopping');
    void stopAll().then(() => process.exit(1));
  },
  (values.quick ? 3 : 10) * 60_000,
);
hardLimit.unref();
main().then(
  () => process.exit(0),
  async (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAll();
    process.exit(1);
  },
);
