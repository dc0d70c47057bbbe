import { z } from 'zod';
import { telemetryConfigSchema } from './telemetry-config-schema.ts';

/**
 * The config file's shape (YAML or JSON). External tooling relies on it; `docs/switchboard.schema.json` is generated
 * from this schema (`npm run schema`).
 */
const priceSchema = z
  .object({
    input: z.number().min(0).describe('USD per million prompt tokens.'),
    output: z.number().min(0).describe('USD per million completion tokens.'),
    cachedInput: z
      .number()
      .min(0)
      .optional()
      .describe('USD per million prompt tokens read from the cache (absent: the input price).'),
  })
  .strict();

const strategySchema = z
  .enum(['priority', 'round-robin', 'weighted', 'least-latency', 'cheapest', 'smart'])
  .describe('How candidates are ordered (docs/routing.md).');

const smartWeightsSchema = z
  .object({
    reliability: z.number().min(0).optional(),
    speed: z.number().min(0).optional(),
    cost: z.number().min(0).optional(),
    proximity: z.number().min(0).optional(),
  })
  .strict()
  .describe('Weights of the smart score (default reliability 0.4, speed 0.3, cost 0.2, proximity 0.1).');

const weightsSchema = z
  .record(z.string(), z.number().min(0))
  .describe('Weighted strategy: weight by provider id or "<provider>/<model>" (default 1; 0 = fallback only).');

const providerSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-" (it is also a model prefix)')
      .describe('Unique id; also a model prefix: "<id>/<model>".'),
    preset: z.string().optional().describe('A known provider to inherit type, baseUrl and key variable from.'),
    type: z
      .enum(['openai', 'anthropic', 'gemini', 'azure'])
      .optional()
      .describe('Wire format. "azure" is the OpenAI format with Azure deployment URLs and the api-key header.'),
    // http(s) only: `localhost:1234/v1` parses as a URL whose scheme is `localhost:`, and would fail only at fetch time.
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .optional()
      .describe('Base URL including the version segment, e.g. https://api.openai.com/v1.'),
    apiKey: z.string().optional().describe('The provider key; ${ENV} interpolation. Omit for keyless local servers.'),
    apiVersion: z.string().optional().describe('Azure OpenAI api-version, e.g. 2024-10-21.'),
    headers: z.record(z.string(), z.string()).optional().describe('Extra headers sent upstream.'),
    models: z
      .array(
        z.union([
          z.string(),
          z.object({
            id: z.string().describe('The name clients use.'),
            model: z.string().describe('The upstream id.'),
          }),
        ]),
      )
      .optional()
      .describe('Static models and aliases added to what is discovered.'),
    discover: z.boolean().optional().describe('Ask the provider for its model list (default true).'),
    prices: z
      .record(z.string(), priceSchema)
      .optional()
      .describe("This provider's prices by upstream model id (USD per million tokens); win over all others."),
    limits: z
      .object({
        requestsPerMinute: z.number().int().min(1).optional(),
        tokensPerMinute: z.number().int().min(1).optional(),
      })
      .strict()
      .optional()
      .describe("Stay under the upstream's quotas: a provider at its limit is skipped like a parked one."),
  })
  .strict();

const keyLimitsSchema = z
  .object({
    requestsPerMinute: z.number().int().min(1).optional(),
    tokensPerMinute: z.number().int().min(1).optional().describe('Prompt estimate + max tokens, settled to usage.'),
    concurrentRequests: z.number().int().min(1).optional().describe('Requests (and streams) in flight at once.'),
  })
  .strict();

const budgetSchema = z
  .object({
    dailyUsd: z.number().positive().optional().describe('Per UTC day.'),
    monthlyUsd: z.number().positive().optional().describe('Per UTC calendar month.'),
    totalUsd: z.number().positive().optional().describe('Over the life of the key.'),
  })
  .strict();

export const gatewayConfigSchema = z
  .object({
    auth: z
      .object({
        keys: z.array(z.string().min(8, 'keys must be at least 8 characters')).optional(),
        open: z.boolean().optional().describe('Serve without keys on a non-loopback address.'),
        adminKey: z
          .string()
          .min(16, 'the admin key must be at least 16 characters')
          .optional()
          .describe('Protects the admin API (/admin/*, virtual keys); absent: the admin API is off.'),
      })
      .strict()
      .optional(),
    providers: z.array(providerSchema).optional(),
    prices: z
      .record(z.string(), priceSchema)
      .optional()
      .describe('Prices by "<model>" or "<provider>/<model>" (USD per million tokens), over the built-in table.'),
    groups: z
      .record(z.string(), z.array(z.string()).min(1, 'a group needs at least one model'))
      .optional()
      .describe(
        'Model groups routed like one model: { "fast": ["groq/llama-3.3-70b-versatile", "cerebras/llama-3.3-70b"] }.',
      ),
    auto: z
      .object({
        models: z
          .array(
            z.union([
              z.string(),
              z
                .object({
                  model: z.string(),
                  tools: z.boolean().optional().describe('Takes tools (default true).'),
                  vision: z.boolean().optional().describe('Takes images (default true).'),
                  json: z.boolean().optional().describe('Takes response_format JSON modes (default true).'),
                  contextLength: z.number().int().min(1).optional().describe('Prompt + completion tokens it takes.'),
                })
                .strict(),
            ]),
          )
          .min(1, 'auto needs at least one model'),
        strategy: strategySchema.optional(),
      })
      .strict()
      .optional()
      .describe('The "auto" model: picks among these models by what the request needs, then by the strategy.'),
    routing: z
      .object({
        strategy: strategySchema.optional(),
        weights: weightsSchema.optional(),
        proximity: z
          .record(z.string(), z.number().min(0).max(1))
          .optional()
          .describe('Smart strategy: 0..1 by provider id, e.g. 1 for the same region (default 0.5).'),
        smart: smartWeightsSchema.optional(),
        exploration: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe('Chance that least-latency and smart try a random candidate first (default 0.05).'),
        models: z
          .record(
            z.string(),
            z
              .object({
                strategy: strategySchema.optional(),
                weights: weightsSchema.optional(),
                smart: smartWeightsSchema.optional(),
              })
              .strict(),
          )
          .optional()
          .describe('Per model or group: { "gpt-4o": { "strategy": "cheapest" } }.'),
        retries: z.number().int().min(0).max(10).optional(),
        timeoutMs: z
          .number()
          .int()
          .min(100)
          .max(3_600_000)
          .optional()
          .describe(
            'One deadline per request, shared by every retry and fallback (header x-switchboard-timeout-ms overrides).',
          ),
        firstByteTimeoutMs: z
          .number()
          .int()
          .min(50)
          .optional()
          .describe(
            'Per attempt of a stream: longest wait for its first chunk before failing over (whole answers: timeoutMs only).',
          ),
        idleTimeoutMs: z
          .number()
          .int()
          .min(50)
          .optional()
          .describe('Per attempt: longest silence between stream chunks.'),
        fallbacks: z
          .record(z.string(), z.array(z.string()))
          .optional()
          .describe(
            'Models to try, in order, when every provider of a model failed: { "gpt-4o": ["claude-sonnet-4"] }.',
          ),
        circuitBreaker: z
          .object({
            windowMs: z.number().int().min(1000).optional(),
            minRequests: z.number().int().min(1).optional(),
            errorRatio: z.number().gt(0).max(1).optional(),
            openMs: z.number().int().min(100).optional(),
          })
          .strict()
          .optional(),
        hedging: z
          .object({
            models: z
              .array(z.string())
              .optional()
              .describe('Models whose requests are hedged (the header x-switchboard-hedge: on hedges any).'),
            delayMs: z
              .number()
              .int()
              .min(1)
              .optional()
              .describe(
                "Fixed hedge delay; absent: twice the first candidate's average latency (1 s before any is known).",
              ),
          })
          .strict()
          .optional(),
        probes: z
          .object({
            enabled: z.boolean().optional().describe('Probe providers whose circuit is open (default false).'),
            intervalMs: z.number().int().min(1000).optional().describe('Shortest time between probe rounds.'),
            timeoutMs: z.number().int().min(100).optional().describe('Per-probe timeout.'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    server: z
      .object({
        port: z.number().int().min(0).max(65535).optional(),
        host: z.string().optional(),
        bodyLimitBytes: z.number().int().min(1024).optional(),
        corsOrigins: z.array(z.string()).optional().describe('Allowed CORS origins; ["*"] for any.'),
        shutdownGraceMs: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('After SIGTERM, how long in-flight requests and streams may take to finish.'),
      })
      .strict()
      .optional(),
    limits: keyLimitsSchema
      .extend({
        budget: budgetSchema.optional().describe('Default budget of a virtual key that sets none.'),
        defaultMaxTokens: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('Output tokens reserved for a request without max_tokens (default 1024).'),
      })
      .strict()
      .optional()
      .describe('Defaults for virtual keys that set no limits of their own.'),
    cache: z
      .object({
        enabled: z.boolean().optional().describe('Cache answers of the models listed (all models when none are).'),
        ttlSeconds: z.number().int().min(1).optional().describe('How long an answer is served (default 300).'),
        maxEntryBytes: z.number().int().min(256).optional().describe('Larger answers are not stored (default 1 MiB).'),
        models: z.array(z.string()).optional().describe('Models (glob patterns, e.g. "gpt-4o*") to cache.'),
        shareAcrossKeys: z
          .boolean()
          .optional()
          .describe('Serve one key the answers cached for another (default false: each key has its own cache).'),
      })
      .strict()
      .optional(),
    telemetry: telemetryConfigSchema.optional().describe('Request log, traces and access log (docs/observability.md).'),
    catalog: z
      .object({
        ttlMs: z.number().int().min(1000).optional().describe('How long a discovered model list is fresh.'),
        discoveryTimeoutMs: z.number().int().min(100).optional().describe('Per-provider model list timeout.'),
        probeLocal: z.boolean().optional().describe('Probe local servers (Ollama, LM Studio, vLLM, llama.cpp).'),
      })
      .strict()
      .optional(),
    state: z
      .object({
        backend: z
          .enum(['memory', 'sqlite', 'redis'])
          .optional()
          .describe('memory: one process (default); sqlite: survives restarts; redis: shared by replicas.'),
        path: z.string().min(1).optional().describe('sqlite: the database file (default switchboard.sqlite).'),
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
          .optional()
          .describe('redis: the server, e.g. redis://127.0.0.1:6379 (required for the redis backend).'),
        keyPrefix: z.string().optional().describe('redis: prepended to every key (default "switchboard:").'),
        timeoutMs: z
          .number()
          .int()
          .min(10)
          .max(10_000)
          .optional()
          .describe('redis: longest wait for an answer before the fail mode applies (default 250).'),
        failMode: z
          .enum(['open', 'closed'])
          .optional()
          .describe('When the store is down: open serves without shared state (default); closed answers 503.'),
      })
      .strict()
      .optional()
      .describe('Where keys, limits, budgets, cache and shared breaker state live (docs/scaling.md).'),
  })
  .strict();

export type GatewayConfigFile = z.infer<typeof gatewayConfigSchema>;
export type ProviderConfigEntry = z.infer<typeof providerSchema>;
export { budgetSchema, keyLimitsSchema };
