import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.ts';
import claudeCode from './__fixtures__/inbound-request-claude-code.json';
import { convertFromAnthropicRequest } from './convert-from-anthropic-request.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

function base(extra: Record<string, unknown> = {}) {
  return { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra };
}

function fieldOf(run: () => unknown): string | null {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return (error as GatewayError).param;
  }
  throw new Error('expected a 400');
}

describe('convertFromAnthropicRequest', () => {
  it('maps a text request with the scalar parameters', () => {
    const request = convertFromAnthropicRequest(
      base({
        system: 'Be brief.',
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        stop_sequences: ['END'],
        metadata: { user_id: 'u-1' },
      }),
    );
    expect(request).toEqual({
      model: 'm',
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      temperature: 0.3,
      top_p: 0.9,
      stop: ['END'],
      user: 'u-1',
    });
  });

  it('maps a Claude Code request: system blocks, tools, tool results with is_error, thinking, stream', () => {
    const request = convertFromAnthropicRequest(claudeCode);
    expect(JSON.stringify(request)).not.toContain('cache_control');
    expect(JSON.stringify(request)).not.toContain('EqQBCgIYAhIM');
    expect(request).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: 'high',
      user: 'user_3f2a_account_session_9c1d',
    });
    expect(request.messages).toEqual([
      {
        role: 'system',
        content: "You are Claude Code, Anthropic's official CLI for Claude.\n\nUse the tools available to you.",
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>context</system-reminder>' },
          { type: 'text', text: 'Read package.json and run the tests' },
        ],
      },
      {
        role: 'assistant',
        content: "I'll read it and run the tests.",
        tool_calls: [
          {
            id: 'toolu_01A09q90qw90lq917835lq9',
            type: 'function',
            function: { name: 'Read', arguments: '{"file_path":"/repo/package.json"}' },
          },
          {
            id: 'toolu_01B19q90qw90lq917835lq9',
            type: 'function',
            function: { name: 'Bash', arguments: '{"command":"npm test"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '{"name":"demo"}' },
      { role: 'tool', tool_call_id: 'toolu_01B19q90qw90lq917835lq9', content: 'Error: npm ERR! missing script: test' },
      { role: 'user', content: 'What now?' },
    ]);
    expect(request.tools).toEqual([
      {
        type: 'function',
        function: { name: 'Read', description: 'Reads a file', parameters: claudeCode.tools[0]?.input_schema },
      },
      {
        type: 'function',
        function: { name: 'Bash', description: 'Runs a command', parameters: claudeCode.tools[1]?.input_schema },
      },
    ]);
  });

  it('maps base64 and URL images, and images inside a tool result to the user turn', () => {
    const request = convertFromAnthropicRequest(
      base({
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'shot', input: {} }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't1',
                content: [
                  { type: 'text', text: 'see image' },
                  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
                ],
              },
              { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
              { type: 'text', text: 'Describe both.' },
            ],
          },
        ],
      }),
    );
    expect(request.messages).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'shot', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't1', content: 'see image' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
          { type: 'text', text: 'Describe both.' },
        ],
      },
    ]);
  });

  it('maps tool_choice auto/any/tool/none and disable_parallel_tool_use', () => {
    const tools = [{ name: 'f', input_schema: { type: 'object', properties: {} } }];
    const choice = (tool_choice: unknown) => {
      const { tool_choice: mapped, parallel_tool_calls } = convertFromAnthropicRequest(base({ tools, tool_choice }));
      return { mapped, parallel_tool_calls };
    };
    expect(choice({ type: 'auto' })).toEqual({ mapped: 'auto', parallel_tool_calls: undefined });
    expect(choice({ type: 'any', disable_parallel_tool_use: true })).toEqual({
      mapped: 'required',
      parallel_tool_calls: false,
    });
    expect(choice({ type: 'tool', name: 'f' })).toEqual({
      mapped: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: undefined,
    });
    expect(choice({ type: 'none' })).toEqual({ mapped: 'none', parallel_tool_calls: undefined });
    // Without tools there is nothing to choose (OpenAI refuses tool_choice alone).
    expect(convertFromAnthropicRequest(base({ tool_choice: { type: 'auto' } })).tool_choice).toBeUndefined();
  });

  it('buckets the thinking budget into reasoning_effort', () => {
    const effort = (thinking: unknown, extra: Record<string, unknown> = {}) =>
      convertFromAnthropicRequest(base({ thinking, ...extra })).reasoning_effort;
    expect(effort({ type: 'enabled', budget_tokens: 1024 })).toBe('low');
    expect(effort({ type: 'enabled', budget_tokens: 8000 })).toBe('medium');
    expect(effort({ type: 'enabled', budget_tokens: 16384 })).toBe('high');
    expect(effort({ type: 'disabled' })).toBeUndefined();
    expect(effort({ type: 'adaptive' })).toBeUndefined();
    expect(effort({ type: 'adaptive' }, { output_config: { effort: 'max' } })).toBe('high');
  });

  it('keeps system role messages of newer API versions and drops thinking sent back', () => {
    const request = convertFromAnthropicRequest(
      base({
        messages: [
          { role: 'system', content: 'Late rule.' },
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 't', signature: 's' },
              { type: 'text', text: 'a' },
            ],
          },
        ],
      }),
    );
    expect(request.messages).toEqual([
      { role: 'system', content: 'Late rule.' },
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ]);
  });

  it('maps output_config.format to a json_schema response format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      convertFromAnthropicRequest(base({ output_config: { format: { type: 'json_schema', schema } } })),
    ).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'output', schema, strict: true } },
    });
  });

  it('answers 400s that name the field', () => {
    expect(fieldOf(() => convertFromAnthropicRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] }))).toBe(
      'max_tokens',
    );
    expect(fieldOf(() => convertFromAnthropicRequest(base({ messages: [] })))).toBe('messages');
    expect(fieldOf(() => convertFromAnthropicRequest(base({ messages: [{ role: 'tool', content: 'x' }] })))).toBe(
      'messages.0.role',
    );
    expect(fieldOf(() => convertFromAnthropicRequest(base({ temperature: 1.5 })))).toBe('temperature');
    expect(fieldOf(() => convertFromAnthropicRequest(base({ thinking: { type: 'enabled', budget_tokens: 10 } })))).toBe(
      'thinking.budget_tokens',
    );
    expect(fieldOf(() => convertFromAnthropicRequest(base({ tools: [{ name: 'f' }] })))).toBe('tools.0.input_schema');
    expect(
      fieldOf(() =>
        convertFromAnthropicRequest(base({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] })),
      ),
    ).toBe('tools.0.type');
    expect(fieldOf(() => convertFromAnthropicRequest(base({ tool_choice: { type: 'tool' }, tools: [] })))).toBe(
      'tool_choice.name',
    );
    expect(
      fieldOf(() =>
        convertFromAnthropicRequest(
          base({
            messages: [
              {
                role: 'user',
                content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }],
              },
            ],
          }),
        ),
      ),
    ).toBe('messages.0.content.0.source.media_type');
    expect(fieldOf(() => convertFromAnthropicRequest(base({ top_k: -1 })))).toBe('top_k');
  });

  it('does not require max_tokens for count_tokens', () => {
    const { max_tokens, ...rest } = base();
    expect(convertFromAnthropicRequest(rest, { requireMaxTokens: false }).max_tokens).toBeUndefined();
  });
});
