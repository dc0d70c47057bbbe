import type { FinishReason } from '../../canonical/index.ts';
import type { IncompleteDetails, ResponseStatus } from './internal/responses-wire-types.ts';

export type ResponsesOutcome = { status: ResponseStatus; incomplete_details: IncompleteDetails | null };

/**
 * A canonical finish reason → the Responses `status` and `incomplete_details` (wire-formats §2.2, §8.1):
 * `length` is `incomplete` for `max_output_tokens`, `content_filter` is `incomplete` for `content_filter`, and
 * everything else (stop, tool calls, none reported) is `completed`: a Responses answer with function calls is a
 * completed response whose output holds `function_call` items.
 */
export function mapResponsesStatus(finishReason: FinishReason | null | undefined): ResponsesOutcome {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') {
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  }
  return { status: 'completed', incomplete_details: null };
}
