import type { Logger } from '../app-deps.ts';
import { recordProvider } from './record-dimensions.ts';
import type { RequestRecord, TelemetrySink } from './request-record.ts';

/**
 * One `request` line per request at info level with the record's fields. The record never holds keys (only the
 * key's id) or prompt and completion text, so neither can reach the log; attempts are summarised to a count.
 */
export class AccessLogSink implements TelemetrySink {
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  record(record: RequestRecord): void {
    this.logger.info('request', accessLogFields(record));
  }
}

export function accessLogFields(record: RequestRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    requestId: record.requestId,
    startedAt: new Date(record.startedAt).toISOString(),
    inbound: record.inbound,
    modelAsked: record.modelAsked,
    stream: record.stream,
    status: record.status,
    latencyMs: record.latencyMs,
    attempts: record.attempts.length,
  };
  const provider = recordProvider(record);
  if (provider) fields.provider = provider;
  if (record.modelUsed) fields.modelUsed = record.modelUsed;
  if (record.keyId) fields.keyId = record.keyId;
  if (record.timeToFirstTokenMs !== undefined) fields.timeToFirstTokenMs = record.timeToFirstTokenMs;
  if (record.overheadMs !== undefined) fields.overheadMs = record.overheadMs;
  if (record.usage) {
    fields.promptTokens = record.usage.prompt_tokens;
    fields.completionTokens = record.usage.completion_tokens;
    fields.usageSource = record.usageSource;
  }
  if (record.costUsd !== undefined) fields.costUsd = record.costUsd;
  if (record.cacheHit) fields.cacheHit = true;
  if (record.cancelled) fields.cancelled = true;
  if (record.error) fields.error = { type: record.error.type, code: record.error.code, message: record.error.message };
  return fields;
}
