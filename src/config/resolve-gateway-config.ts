import type { z } from 'zod';
import type { ProviderDefinition } from '../providers/provider-adapter.ts';
import { findProviderPreset, providerPresets } from '../providers/provider-presets.ts';
import { defaultSmartWeights } from '../routing/strategies/routing-strategy.ts';
import { ConfigError } from './config-error.ts';
import { configDefaults, type GatewayConfig } from './gateway-config.ts';
import { type GatewayConfigFile, gatewayConfigSchema, type ProviderConfigEntry } from './gateway-config-schema.ts';
import { interpolateEnv } from './interpolate-env.ts';
import { resolveTelemetryConfig } from './telemetry-config-schema.ts';

const defaultAzureApiVersion = '2024-10-21';

/**
 * A parsed config file (the value its YAML or JSON holds; absent when there is no file) plus the environment → the
 * resolved config. Throws `ConfigError` naming the field, the problem and the fix. It takes the parsed value, not
 * text, so a runtime can load the YAML parser only when a file needs it (`parseGatewayConfig` takes text).
 */
export function resolveGatewayConfig(parsed: unknown, env: Record<string, string | undefined>): GatewayConfig {
  const file = parsed === undefined ? {} : validate(interpolateEnv(parsed ?? {}, env));
  const fromFile = parsed !== undefined;
  const configured = fromFile ? resolveProviders(file.providers ?? [], env) : providersFromEnvironment(env);
  const probeLocal = file.catalog?.probeLocal ?? (!fromFile && env.SWITCHBOARD_PROBE_LOCAL !== 'false');
  const providers = probeLocal ? [...configured, ...localProviders(configured)] : configured;
  return {
    auth: {
      keys: collectKeys(file, env),
      open: file.auth?.open ?? false,
      ...(adminKeyOf(file, env) === undefined ? {} : { adminKey: adminKeyOf(file, env) }),
    },
    providers,
    routing: {
      strategy: file.routing?.strategy ?? 'priority',
      weights: file.routing?.weights ?? {},
      proximity: file.routing?.proximity ?? {},
      smart: { ...defaultSmartWeights, ...file.routing?.smart },
      exploration: file.routing?.exploration ?? configDefaults.exploration,
      models: Object.fromEntries(
        Object.entries(file.routing?.models ?? {}).map(([model, { smart, ...settings }]) => [
          model,
          { ...settings, ...(smart ? { smart: { ...defaultSmartWeights, ...smart } } : {}) },
        ]),
      ),
      retries: file.routing?.retries ?? configDefaults.retries,
      timeoutMs: file.routing?.timeoutMs ?? configDefaults.timeoutMs,
      firstByteTimeoutMs: file.routing?.firstByteTimeoutMs ?? configDefaults.firstByteTimeoutMs,
      idleTimeoutMs: file.routing?.idleTimeoutMs ?? configDefaults.idleTimeoutMs,
      fallbacks: file.routing?.fallbacks ?? {},
      circuitBreaker: {
        windowMs: file.routing?.circuitBreaker?.windowMs ?? configDefaults.breakerWindowMs,
        minRequests: file.routing?.circuitBreaker?.minRequests ?? configDefaults.breakerMinRequests,
        errorRatio: file.routing?.circuitBreaker?.errorRatio ?? configDefaults.breakerErrorRatio,
        openMs: file.routing?.circuitBreaker?.openMs ?? configDefaults.breakerOpenMs,
      },
      hedging: {
        models: file.routing?.hedging?.models ?? [],
        ...(file.routing?.hedging?.delayMs === undefined ? {} : { delayMs: file.routing.hedging.delayMs }),
      },
      probes: {
        enabled: file.routing?.probes?.enabled ?? false,
        intervalMs: file.routing?.probes?.intervalMs ?? 15_000,
        timeoutMs: file.routing?.probes?.timeoutMs ?? 5_000,
      },
    },
    server: {
      port: file.server?.port ?? configDefaults.port,
      host: file.server?.host ?? configDefaults.host,
      bodyLimitBytes: file.server?.bodyLimitBytes ?? configDefaults.bodyLimitBytes,
      corsOrigins: file.server?.corsOrigins ?? ['*'],
      shutdownGraceMs: file.server?.shutdownGraceMs ?? configDefaults.shutdownGraceMs,
    },
    catalog: {
      ttlMs: file.catalog?.ttlMs ?? configDefaults.catalogTtlMs,
      discoveryTimeoutMs: file.catalog?.discoveryTimeoutMs ?? configDefaults.discoveryTimeoutMs,
      probeLocal,
    },
    prices: {
      global: file.prices ?? {},
      providers: Object.fromEntries(
        (file.providers ?? []).flatMap((entry) => (entry.prices ? [[entry.id, entry.prices]] : [])),
      ),
    },
    groups: file.groups ?? {},
    ...(file.auto
      ? {
          auto: {
            models: file.auto.models.map((entry) => (typeof entry === 'string' ? { model: entry } : entry)),
            ...(file.auto.strategy ? { strategy: file.auto.strategy } : {}),
          },
        }
      : {}),
    limits: {
      ...(file.limits?.requestsPerMinute === undefined ? {} : { requestsPerMinute: file.limits.requestsPerMinute }),
      ...(file.limits?.tokensPerMinute === undefined ? {} : { tokensPerMinute: file.limits.tokensPerMinute }),
      ...(file.limits?.concurrentRequests === undefined ? {} : { concurrentRequests: file.limits.concurrentRequests }),
      ...(file.limits?.budget === undefined ? {} : { budget: file.limits.budget }),
      defaultMaxTokens: file.limits?.defaultMaxTokens ?? configDefaults.defaultMaxTokens,
      providers: Object.fromEntries(
        (file.providers ?? []).flatMap((entry) => (entry.limits ? [[entry.id, entry.limits]] : [])),
      ),
    },
    cache: {
      enabled: file.cache?.enabled ?? false,
      ttlSeconds: file.cache?.ttlSeconds ?? configDefaults.cacheTtlSeconds,
      maxEntryBytes: file.cache?.maxEntryBytes ?? configDefaults.cacheMaxEntryBytes,
      models: file.cache?.models ?? [],
      shareAcrossKeys: file.cache?.shareAcrossKeys ?? false,
    },
    state: resolveState(file),
    telemetry: resolveTelemetryConfig(file.telemetry),
    fromFile,
  };
}

/** `auth.adminKey`, or `SWITCHBOARD_ADMIN_KEY` from the environment. */
function adminKeyOf(file: GatewayConfigFile, env: Record<string, string | undefined>): string | undefined {
  return file.auth?.adminKey ?? (env.SWITCHBOARD_ADMIN_KEY?.trim() || undefined);
}

function resolveState(file: GatewayConfigFile): GatewayConfig['state'] {
  const backend = file.state?.backend ?? 'memory';
  if (backend === 'redis' && !file.state?.url) {
    throw new ConfigError('state.url', 'is required for the redis backend', 'set it, e.g. redis://127.0.0.1:6379');
  }
  return {
    backend,
    path: file.state?.path ?? configDefaults.statePath,
    ...(file.state?.url === undefined ? {} : { url: file.state.url }),
    keyPrefix: file.state?.keyPrefix ?? configDefaults.stateKeyPrefix,
    timeoutMs: file.state?.timeoutMs ?? configDefaults.stateTimeoutMs,
    failMode: file.state?.failMode ?? 'open',
  };
}

function validate(value: unknown): GatewayConfigFile {
  const result = gatewayConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const field = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    throw new ConfigError(
      field || '(root)',
      `has unknown field(s) ${keys}`,
      'remove them or check the spelling against docs/configuration.md',
    );
  }
  throw new ConfigError(field || '(root)', issue.message, fixFor(field));
}

function fixFor(field: string): string {
  if (field.endsWith('baseUrl')) return 'give a full URL such as http://127.0.0.1:11434/v1';
  if (field.endsWith('type')) return 'use one of openai, anthropic, gemini, azure';
  return 'see docs/configuration.md for the expected shape';
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

function collectKeys(file: GatewayConfigFile, env: Record<string, string | undefined>): string[] {
  const keys = [...(file.auth?.keys ?? [])];
  for (const key of (env.SWITCHBOARD_API_KEYS ?? '').split(',')) if (key.trim()) keys.push(key.trim());
  if (env.WORKER_API_KEY?.trim()) keys.push(env.WORKER_API_KEY.trim());
  return [...new Set(keys)];
}

function providersFromEnvironment(env: Record<string, string | undefined>): ProviderDefinition[] {
  return providerPresets
    .filter((preset) => preset.keyVariable && env[preset.keyVariable])
    .map((preset) => ({
      id: preset.id,
      type: preset.type,
      baseUrl: preset.baseUrl,
      apiKey: env[preset.keyVariable as string],
      models: [],
      aliases: {},
      discover: true,
      source: 'env' as const,
    }));
}

/** Local servers on their default ports, except where a configured provider already has that id. */
function localProviders(configured: ProviderDefinition[]): ProviderDefinition[] {
  const taken = new Set(configured.map((provider) => provider.id));
  return providerPresets
    .filter((preset) => preset.local && !taken.has(preset.id))
    .map((preset) => ({
      id: preset.id,
      type: preset.type,
      baseUrl: preset.baseUrl,
      models: [],
      aliases: {},
      discover: true,
      source: 'local' as const,
    }));
}

function resolveProviders(
  entries: ProviderConfigEntry[],
  env: Record<string, string | undefined>,
): ProviderDefinition[] {
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const field = `providers[${index}]`;
    if (seen.has(entry.id)) {
      throw new ConfigError(`${field}.id`, `'${entry.id}' is used twice`, 'give every provider a unique id');
    }
    seen.add(entry.id);
    const presetName = entry.preset ?? (entry.type === undefined ? entry.id : undefined);
    const preset = presetName === undefined ? undefined : findProviderPreset(presetName);
    if (entry.preset && !preset) {
      const known = providerPresets.map((candidate) => candidate.id).join(', ');
      throw new ConfigError(`${field}.preset`, `'${entry.preset}' is not a known preset`, `use one of ${known}`);
    }
    const type = entry.type ?? preset?.type;
    if (!type) {
      throw new ConfigError(
        `${field}.type`,
        'is missing',
        'set type to openai, anthropic, gemini or azure (or name a preset)',
      );
    }
    const baseUrl = entry.baseUrl ?? preset?.baseUrl;
    if (!baseUrl)
      throw new ConfigError(
        `${field}.baseUrl`,
        'is missing',
        'give the provider base URL, e.g. https://api.example.com/v1',
      );
    const apiKey = entry.apiKey ?? (preset?.keyVariable ? env[preset.keyVariable] : undefined);
    const models: string[] = [];
    const aliases: Record<string, string> = {};
    for (const model of entry.models ?? []) {
      if (typeof model === 'string') models.push(model);
      else aliases[model.id] = model.model;
    }
    const definition: ProviderDefinition = {
      id: entry.id,
      type: type === 'azure' ? 'openai' : type,
      baseUrl: baseUrl.replace(/\/+$/, ''),
      models,
      aliases,
      discover: entry.discover ?? true,
      source: 'config',
    };
    if (apiKey) definition.apiKey = apiKey;
    if (entry.headers) definition.headers = entry.headers;
    if (type === 'azure') definition.azure = { apiVersion: entry.apiVersion ?? defaultAzureApiVersion };
    return definition;
  });
}
