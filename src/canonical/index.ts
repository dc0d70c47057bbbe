export type * from './chat-request.ts';
export type * from './chat-response.ts';
export { completionToChunks } from './completion-to-chunks.ts';
export type { OpenAIErrorBody } from './error-body.ts';
export { toOpenAIErrorBody } from './error-body.ts';
export type { FinishReason } from './finish-reason.ts';
export {
  defaultTypeForStatus,
  GatewayError,
  isGatewayError,
  isRetryableStatus,
  streamFailure,
} from './gateway-error.ts';
export { parseChatRequest } from './parse-chat-request.ts';
export type { Usage } from './usage.ts';
