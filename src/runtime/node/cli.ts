import { watch } from 'node:fs';
import { parseArgs } from 'node:util';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import { createNodeDeps } from './create-node-deps.ts';
import { formatStartupTable } from './format-startup-table.ts';
import { createJsonLogger } from './json-logger.ts';
import { keysCommand } from './keys-command.ts';
import { loadConfigFile } from './load-config-file.ts';
import { serveNode } from './serve-node.ts';

const usage = `Usage:
  switchboard serve  [--config switchboard.yaml] [--port 8787] [--host 127.0.0.1]
  switchboard models [--config switchboard.yaml]
  switchboard keys   create|list|get|update|revoke|rotate ...   (virtual keys; see switchboard keys --help)
  switchboard --help

With no config file, Switchboard configures itself from provider keys in the environment
(OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, GROQ_API_KEY, ...) and local servers
(Ollama, LM Studio, vLLM, llama.cpp). See docs/configuration.md.`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'keys') {
    const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
    return keysCommand(argv.slice(1), process.env, { out: write(process.stdout), err: write(process.stderr) });
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (command !== 'serve' && command !== 'models') {
    process.stderr.write(`Unknown command '${command}'.\n\n${usage}\n`);
    return 2;
  }
  const { config, path } = await loadConfigFile(values.config, process.env);
  applyFlags(config, values);
  const logger = createJsonLogger(
    (process.env.SWITCHBOARD_LOG_LEVEL as 'info' | 'warn' | 'error' | undefined) ?? 'info',
  );
  if (command === 'models') return printModels(config, logger);

  const gateway = await serveNode(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = gateway.current().config.server.shutdownGraceMs;
    logger.info('shutting_down', { signal, graceMs });
    void gateway.shutdown(graceMs).then(({ unfinished }) => {
      if (unfinished > 0) logger.warn('shutdown_cut_requests', { unfinished });
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  if (path) watchConfig(path, values, gateway, logger);
  // The ready line comes last: whoever waits for it may signal at once.
  process.stdout.write(`${formatStartupTable(gateway.current().catalog.providerStatuses(), config, gateway.url)}\n`);
  return -1;
}

/** Reloads the config on SIGHUP and when the file changes; a bad new config is refused and the old one stays. */
function watchConfig(
  path: string,
  flags: { port?: string; host?: string },
  gateway: Awaited<ReturnType<typeof serveNode>>,
  logger: ReturnType<typeof createJsonLogger>,
): void {
  let pending: ReturnType<typeof setTimeout> | undefined;
  let running = Promise.resolve();
  const reload = (reason: string) => {
    running = running.then(async () => {
      try {
        const { config } = await loadConfigFile(path, process.env);
        applyFlags(config, flags);
        await gateway.reload(config);
        logger.info('config_reloaded', { reason, providers: config.providers.length });
      } catch (error) {
        logger.error('config_reload_rejected', {
          reason,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
  };
  process.on('SIGHUP', () => reload('SIGHUP'));
  try {
    watch(path, () => {
      clearTimeout(pending);
      pending = setTimeout(() => reload('file changed'), 200);
    }).unref();
  } catch (error) {
    logger.warn('config_watch_unavailable', { error: String(error) });
  }
}

function applyFlags(config: GatewayConfig, values: { port?: string; host?: string }): void {
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`--port: '${values.port}' is not a port number (0-65535).`);
    config.server.port = port;
  }
  if (values.host !== undefined) config.server.host = values.host;
}

async function printModels(config: GatewayConfig, logger: ReturnType<typeof createJsonLogger>): Promise<number> {
  const deps = await createNodeDeps(config, logger);
  await deps.catalog.load();
  const byModel = new Map<string, string[]>();
  for (const model of deps.catalog.models()) {
    if (model.id.startsWith(`${model.providerId}/`)) continue;
    byModel.set(
      model.id,
      deps.catalog.resolve(model.id).map((candidate) => candidate.provider.id),
    );
  }
  for (const status of deps.catalog.providerStatuses()) {
    if (status.state === 'failed') process.stderr.write(`provider ${status.id}: ${status.error}\n`);
  }
  if (byModel.size === 0) {
    process.stdout.write('No models found. See `switchboard --help` for how providers are found.\n');
    return 0;
  }
  const width = Math.max(...[...byModel.keys()].map((id) => id.length));
  for (const [id, providers] of [...byModel].sort(([left], [right]) => left.localeCompare(right))) {
    process.stdout.write(`${id.padEnd(width)}  ${providers.join(', ')}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
