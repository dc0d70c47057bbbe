/** OpenAI finish reasons; every provider's stop reason maps onto one of these. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';
