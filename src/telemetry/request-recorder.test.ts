import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatRequest } from '../canonical/index.ts';
import { capBody } from './cap-body.ts';
import type { RequestRecord, TelemetrySink } from './request-record.ts';
import { RequestRecorder } from './request-recorder.ts';

const request: ChatRequest = {
  model: 'fast',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'what is the weather in Oslo?' },
  ],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
  provider: { order: ['openai'] },
};

function sink(bodies?: { maxBytes: number }): TelemetrySink & { records: RequestRecord[] } {
  const records: RequestRecord[] = [];
  return { records, record: (record) => records.push(record), ...(bodies ? { bodies } : {}) };
}

function recorder(target: TelemetrySink, stream = false): RequestRecorder {
  return new RequestRecorder(target, { ...request, stream }, { requestId: 'req_1', inbound: 'openai-chat', now: 1 });
}

function chunk(delta: ChatCompletionChunk['choices'][number]['delta']): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: null }],
  };
}

const toolAnswer = {
  role: 'assistant' as const,
  content: 'Checking.',
  tool_calls: [
    { id: 'call_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
  ],
};

describe('RequestRecorder bodies', () => {
  it('keeps no text at all when bodies are off', () => {
    const target = sink();
    const whole = recorder(target);
    whole.finish({ usage: null, completionText: 'Checking.', message: toolAnswer, status: 200 });
    const streamed = recorder(target, true);
    streamed.observeChunk(chunk({ content: 'It is sunny' }));
    streamed.finish({ status: 200 });
    for (const record of target.records) {
      expect(record).not.toHaveProperty('requestBody');
      expect(record).not.toHaveProperty('completionBody');
      const text = JSON.stringify(record);
      expect(text).not.toContain('Oslo');
      expect(text).not.toContain('sunny');
      expect(text).not.toContain('be brief');
    }
  });

  it('keeps the request and a whole answer with its tool calls', () => {
    const target = sink({ maxBytes: 65_536 });
    recorder(target).finish({ usage: null, completionText: 'Checking.', message: toolAnswer, status: 200 });
    const [record] = target.records;
    const { provider: _preferences, ...sent } = request;
    expect(JSON.parse(record?.requestBody as string)).toEqual({ ...sent, stream: false });
    expect(record?.requestBody).not.toContain('order');
    expect(JSON.parse(record?.completionBody as string)).toEqual(toolAnswer);
  });

  it('keeps a stream’s text and tool-call arguments as they arrive', () => {
    const target = sink({ maxBytes: 65_536 });
    const streamed = recorder(target, true);
    streamed.observeChunk(chunk({ role: 'assistant', content: 'Check' }));
    streamed.observeChunk(chunk({ content: 'ing.' }));
    streamed.observeChunk(
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather' } }] }),
    );
    streamed.observeChunk(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
    streamed.observeChunk(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }));
    streamed.finish({ status: 200 });
    const [record] = target.records;
    expect(JSON.parse(record?.completionBody as string)).toEqual(toolAnswer);
    expect(JSON.parse(record?.requestBody as string).messages).toEqual(request.messages);
  });

  it('keeps what a stream sent before it failed, and the request of a failed request', () => {
    const target = sink({ maxBytes: 65_536 });
    const streamed = recorder(target, true);
    streamed.observeChunk(chunk({ content: 'Half an ans' }));
    streamed.finish({ error: new Error('dropped') });
    const failed = recorder(target);
    failed.finish({ error: new Error('upstream down') });
    expect(JSON.parse(target.records[0]?.completionBody as string)).toEqual({
      role: 'assistant',
      content: 'Half an ans',
    });
    expect(target.records[1]?.requestBody).toContain('what is the weather in Oslo?');
    expect(target.records[1]).not.toHaveProperty('completionBody');
  });

  it('cuts both bodies at the cap, with a marker', () => {
    const maxBytes = 1_024;
    const target = sink({ maxBytes });
    const long = new RequestRecorder(
      target,
      { model: 'fast', messages: [{ role: 'user', content: 'é'.repeat(5_000) }], stream: true },
      { requestId: 'req_2', inbound: 'openai-chat', now: 1 },
    );
    for (let index = 0; index < 500; index++) long.observeChunk(chunk({ content: 'token ' }));
    long.finish({ status: 200 });
    const [record] = target.records;
    for (const body of [record?.requestBody as string, record?.completionBody as string]) {
      const [kept, marker] = body.split('…[truncated: ');
      expect(new TextEncoder().encode(kept).length).toBeLessThanOrEqual(maxBytes);
      expect(new TextEncoder().encode(kept).length).toBeGreaterThan(maxBytes - 4);
      expect(marker).toMatch(/^\d+ bytes, 1024 kept\]$/);
      expect(kept).not.toContain('\uFFFD');
    }
    expect(record?.completionBody?.startsWith('{"role":"assistant","content":"token token')).toBe(true);
  });
});

describe('capBody', () => {
  it('leaves texts that fit alone and never cuts inside a character', () => {
    expect(capBody('short', 256)).toBe('short');
    expect(capBody('a'.repeat(256), 256)).toBe('a'.repeat(256));
    const cut = capBody(`${'a'.repeat(255)}👋`, 256);
    expect(cut).toBe(`${'a'.repeat(255)}…[truncated: 259 bytes, 256 kept]`);
  });
});
