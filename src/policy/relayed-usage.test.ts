import { describe, expect, it } from 'vitest';
import anthropicMessage from '../providers/anthropic/__fixtures__/response-text.json';
import anthropicStream from '../providers/anthropic/__fixtures__/stream-text.sse?raw';
import anthropicToolStream from '../providers/anthropic/__fixtures__/stream-tool-calls.sse?raw';
import responsesResponse from './__fixtures__/responses-response.json';
import responsesStream from './__fixtures__/responses-stream.sse?raw';
import { jsonUsageTap, streamUsageTap, type UsageTap } from './relayed-usage.ts';

const encoder = new TextEncoder();

/** Feeds `text` in pieces of `size` bytes, so events and multi-byte characters are split across reads. */
function feedInPieces(tap: UsageTap, text: string, size: number): UsageTap {
  const bytes = encoder.encode(text);
  for (let offset = 0; offset < bytes.length; offset += size) tap.feed(bytes.subarray(offset, offset + size));
  return tap;
}

describe('usage of relayed Anthropic answers', () => {
  it('a stream: message_start gives the prompt (cache reads and writes included), message_delta the output', () => {
    for (const size of [1, 7, 64, 1 << 20]) {
      expect(feedInPieces(streamUsageTap('anthropic-messages'), anthropicStream, size).usage()).toEqual({
        prompt_tokens: 135,
        completion_tokens: 15,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 10 },
      });
    }
  });

  it('a stream cut before message_delta still counts its prompt', () => {
    const cut = anthropicStream.slice(0, anthropicStream.indexOf('event: message_delta'));
    expect(feedInPieces(streamUsageTap('anthropic-messages'), cut, 13).usage()).toMatchObject({
      prompt_tokens: 135,
      completion_tokens: 1,
    });
  });

  it('events without `event:` lines are read from their data', () => {
    const unnamed = anthropicToolStream.replace(/^event: .*\r?\n/gm, '');
    const named = feedInPieces(streamUsageTap('anthropic-messages'), anthropicToolStream, 32).usage();
    expect(named).toBeDefined();
    expect(feedInPieces(streamUsageTap('anthropic-messages'), unnamed, 32).usage()).toEqual(named);
  });

  it('a Message body', () => {
    expect(feedInPieces(jsonUsageTap('anthropic-messages'), JSON.stringify(anthropicMessage), 5).usage()).toEqual({
      prompt_tokens: 12,
      completion_tokens: 11,
      total_tokens: 23,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    });
  });

  it('no usage: undefined', () => {
    expect(feedInPieces(streamUsageTap('anthropic-messages'), 'event: ping\ndata: {}\n\n', 4).usage()).toBeUndefined();
    expect(feedInPieces(jsonUsageTap('anthropic-messages'), '{"type":"message"', 4).usage()).toBeUndefined();
  });
});

describe('usage of relayed Responses answers', () => {
  const expected = {
    prompt_tokens: 120,
    completion_tokens: 30,
    total_tokens: 150,
    prompt_tokens_details: { cached_tokens: 100 },
    completion_tokens_details: { reasoning_tokens: 12 },
  };

  it('a stream: response.completed carries it; a delta that mentions "usage" is not mistaken for it', () => {
    for (const size of [1, 9, 1 << 20]) {
      expect(feedInPieces(streamUsageTap('openai-responses'), responsesStream, size).usage()).toEqual(expected);
    }
  });

  it('response.incomplete counts like response.completed', () => {
    const incomplete = responsesStream.replaceAll('response.completed', 'response.incomplete');
    expect(feedInPieces(streamUsageTap('openai-responses'), incomplete, 50).usage()).toEqual(expected);
  });

  it('a stream that ended before its last event has none', () => {
    const cut = responsesStream.slice(0, responsesStream.indexOf('event: response.completed'));
    expect(feedInPieces(streamUsageTap('openai-responses'), cut, 50).usage()).toBeUndefined();
  });

  it('a Response body', () => {
    expect(feedInPieces(jsonUsageTap('openai-responses'), JSON.stringify(responsesResponse), 3).usage()).toEqual({
      prompt_tokens: 40,
      completion_tokens: 2,
      total_tokens: 42,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });
});

describe('a relayed stream with an endless event', () => {
  it('stops looking for usage once an event passes the bound, keeping what it saw, and never throws', () => {
    const start = anthropicStream.slice(0, anthropicStream.indexOf('event: message_delta'));
    const tap = feedInPieces(streamUsageTap('anthropic-messages'), start, 4096);
    const line = encoder.encode(`data: ${'x'.repeat(1 << 20)}`);
    for (let sent = 0; sent <= 33; sent++) tap.feed(line);
    const later = '\n\nevent: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":99}}\n\n';
    expect(() => tap.feed(encoder.encode(later))).not.toThrow();
    expect(tap.usage()).toMatchObject({ prompt_tokens: 135, completion_tokens: 1 });
  });
});
