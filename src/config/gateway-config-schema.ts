import { z } from 'zod';

/**
 * The config file's shape (YAML or JSON). External tooling relies on it; `docs/switchboard.schema.json` is generated
 * from this schema (`npm run schema`).
 */
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
  })
  .strict();

export const gatewayConfigSchema = z
  .object({
    auth: z
      .object({
        keys: z.array(z.string().min(8, 'keys must be at least 8 characters')).optional(),
        open: z.boolean().optional().describe('Serve without keys on a non-loopback address.'),
      })
      .strict()
      .optional(),
    providers: z.array(providerSchema).optional(),
    routing: z
      .object({
        strategy: z.enum(['priority']).optional(),
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
          .describe('Per attempt: longest wait for the answer (the first chunk of a stream) before failing over.'),
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
              .describe("Fixed hedge delay; absent: the first candidate's p95 latency."),
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
    catalog: z
      .object({
        ttlMs: z.number().int().min(1000).optional().describe('How long a discovered model list is fresh.'),
        discoveryTimeoutMs: z.number().int().min(100).optional().describe('Per-provider model list timeout.'),
        probeLocal: z.boolean().optional().describe('Probe local servers (Ollama, LM Studio, vLLM, llama.cpp).'),
      })
      .strict()
      .optional(),
  })
  .strict();

export type GatewayConfigFile = z.infer<typeof gatewayConfigSchema>;
export type ProviderConfigEntry = z.infer<typeof providerSchema>;
