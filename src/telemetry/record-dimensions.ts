import type { RequestRecord } from './request-record.ts';

/** Token counts of one record, zero where the usage says nothing. */
export type RecordTokens = { prompt: number; completion: number; cached: number; reasoning: number };

/**
 * The model a record counts under: the upstream model that answered, else the last one tried, else the model the
 * client asked for (a request that never reached an upstream, such as an unknown model).
 */
export function recordModel(record: RequestRecord): string {
  return record.modelUsed ?? record.attempts.at(-1)?.model ?? record.modelAsked;
}

/** Whether the record's model was resolved to an upstream (false: it is only what the client typed). */
export function isModelResolved(record: RequestRecord): boolean {
  return record.modelUsed !== undefined || record.attempts.length > 0;
}

/** The provider that answered, else the last one tried; undefined when no upstream was tried. */
export function recordProvider(record: RequestRecord): string | undefined {
  return record.provider ?? record.attempts.at(-1)?.provider;
}

/** An error status, or a stream that failed after its 200 (the record keeps the error). */
export function isErrorRecord(record: RequestRecord): boolean {
  return record.error !== undefined || record.status >= 400;
}

export function recordTokens(record: RequestRecord): RecordTokens {
  const usage = record.usage;
  return {
    prompt: usage?.prompt_tokens ?? 0,
    completion: usage?.completion_tokens ?? 0,
    cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    reasoning: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
