import { describe, expect, it } from 'vitest';
import { formatRouteHeader } from './route-decision.ts';

describe('formatRouteHeader', () => {
  it('joins the fields as key=value pairs in their order', () => {
    expect(formatRouteHeader({ provider: 'groq', model: 'llama-3.3-70b', strategy: 'smart', attempts: 1 })).toBe(
      'provider=groq; model=llama-3.3-70b; strategy=smart; attempts=1',
    );
  });

  it('keeps a value on one line, without `;`, in printable ASCII', () => {
    expect(formatRouteHeader({ reason: 'score 0.91 (latency; cost)\r\nnext', note: 'naïve…' })).toBe(
      'reason=score 0.91 (latency, cost),,next; note=na?ve?',
    );
  });
});
