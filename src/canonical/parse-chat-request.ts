import type { ChatRequest } from './chat-request.ts';
import { chatRequestSchema } from './chat-request-schema.ts';
import { GatewayError } from './gateway-error.ts';

/** A parsed JSON body → a valid canonical request, or a 400 naming the first invalid field. */
export function parseChatRequest(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError({
      status: 400,
      message: 'The request body must be a JSON object.',
      code: 'invalid_request',
    });
  }
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return body as ChatRequest;
  const issue = result.error.issues[0];
  const field = formatPath(issue?.path ?? []);
  return invalidField(field, issue?.message ?? 'is invalid');
}

function invalidField(field: string, problem: string): never {
  throw new GatewayError({
    status: 400,
    message: `Invalid field '${field || 'body'}': ${problem}.`,
    code: 'invalid_value',
    param: field || null,
  });
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
}
