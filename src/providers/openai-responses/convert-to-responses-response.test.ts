import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../../canonical/index.ts';
import completionLength from './__fixtures__/completion-length.json';
import completionParallelTools from './__fixtures__/completion-parallel-tools.json';
import completionText from './__fixtures__/completion-text.json';
import { convertToResponsesResponse, convertToResponsesUsage } from './convert-to-responses-response.ts';
import { responsesEchoFrom } from './internal/responses-echo.ts';
import { mapResponsesStatus } from './map-responses-status.ts';

function counterIds(): (prefix: string) => string {
  let next = 0;
  return (prefix) => `${prefix}${++next}`;
}

const context = (body: Record<string, unknown> = {}) => ({
  id: 'resp_test',
  createdAt: 1730000000,
  echo: responsesEchoFrom(body),
  generateId: counterIds(),
});

describe('convertToResponsesResponse', () => {
  it('builds a completed response with a message item, usage and every required field', () => {
    const response = convertToResponsesResponse(
      completionText as ChatCompletion,
      context({ instructions: 'Be brief.', metadata: { ticket: 'T-1' } }),
    );
    expect(response).toMatchObject({
      id: 'resp_test',
      object: 'response',
      created_at: 1730000000,
      status: 'completed',
      error: null,
      incomplete_details: null,
      model: 'gpt-4.1-mini-2025-04-14',
      output: [
        {
          type: 'message',
          id: 'msg_1',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hi.', annotations: [], logprobs: [] }],
        },
      ],
      usage: {
        input_tokens: 20,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 25,
      },
      instructions: 'Be brief.',
      tools: [],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      temperature: 1,
      top_p: 1,
      metadata: { ticket: 'T-1' },
      store: false,
    });
  });

  it('puts reasoning first as a summary, then one function_call item per parallel call with the upstream ids', () => {
    const response = convertToResponsesResponse(completionParallelTools as ChatCompletion, context());
    expect(response.status).toBe('completed');
    expect(response.output).toEqual([
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Two cities, two calls.' }] },
      {
        type: 'function_call',
        id: 'fc_2',
        call_id: 'toolu_01A',
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
        status: 'completed',
      },
      {
        type: 'function_call',
        id: 'fc_3',
        call_id: 'toolu_01B',
        name: 'get_weather',
        arguments: '{"city":"Lima"}',
        status: 'completed',
      },
    ]);
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(12);
  });

  it('reports a length cut as incomplete for max_output_tokens', () => {
    const response = convertToResponsesResponse(completionLength as ChatCompletion, context());
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(0);
  });

  it('keeps a refusal as a refusal part and gives an empty answer an empty message', () => {
    const base = completionText as ChatCompletion;
    const refused = convertToResponsesResponse(
      {
        ...base,
        choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'No.' }, finish_reason: 'stop' }],
      },
      context(),
    );
    expect(refused.output[0]).toMatchObject({ content: [{ type: 'refusal', refusal: 'No.' }] });
    const empty = convertToResponsesResponse(
      {
        ...base,
        choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'stop' }],
        usage: null,
      },
      context(),
    );
    expect(empty.output).toEqual([
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: '', annotations: [], logprobs: [] }],
      },
    ]);
    expect(empty.usage).toBeNull();
  });
});

describe('mapResponsesStatus', () => {
  it('maps finish reasons onto status and incomplete_details', () => {
    expect(mapResponsesStatus('stop')).toEqual({ status: 'completed', incomplete_details: null });
    expect(mapResponsesStatus('tool_calls')).toEqual({ status: 'completed', incomplete_details: null });
    expect(mapResponsesStatus(null)).toEqual({ status: 'completed', incomplete_details: null });
    expect(mapResponsesStatus('length')).toEqual({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
    expect(mapResponsesStatus('content_filter')).toEqual({
      status: 'incomplete',
      incomplete_details: { reason: 'content_filter' },
    });
  });
});

describe('convertToResponsesUsage', () => {
  it('renames the counts and keeps cache writes', () => {
    expect(
      convertToResponsesUsage({
        prompt_tokens: 100,
        completion_tokens: 10,
        total_tokens: 110,
        prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 30 },
      }),
    ).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 60, cache_write_tokens: 30 },
      output_tokens: 10,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 110,
    });
  });
});
