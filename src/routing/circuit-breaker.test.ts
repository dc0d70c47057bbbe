import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';

const options = { windowMs: 10_000, minRequests: 4, errorRatio: 0.5, openMs: 5_000 };

describe('CircuitBreaker', () => {
  it('stays closed under the minimum number of requests, whatever the ratio', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.recordFailure(1_000);
    expect(breaker.state(1_000)).toBe('closed');
  });

  it('opens at the error ratio, then lets exactly one probe through after openMs', () => {
    const breaker = new CircuitBreaker(options);
    breaker.recordSuccess(1_000);
    breaker.recordSuccess(1_000);
    breaker.recordFailure(1_000);
    expect(breaker.state(1_000)).toBe('closed');
    breaker.recordFailure(1_001);
    expect(breaker.state(1_001)).toBe('open');
    expect(breaker.tryPass(5_000)).toBe(false);
    expect(breaker.state(6_001)).toBe('half-open');
    expect(breaker.tryPass(6_001)).toBe(true);
    expect(breaker.tryPass(6_002)).toBe(false);
    breaker.recordSuccess(6_100);
    expect(breaker.state(6_100)).toBe('closed');
    expect(breaker.tryPass(6_100)).toBe(true);
  });

  it('re-opens when the probe fails', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 4; i++) breaker.recordFailure(0);
    expect(breaker.tryPass(5_000)).toBe(true);
    breaker.recordFailure(5_010);
    expect(breaker.state(5_010)).toBe('open');
    expect(breaker.openUntil).toBe(10_010);
  });

  it('forgets failures that slid out of the window', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.recordFailure(0);
    breaker.recordFailure(20_000);
    expect(breaker.state(20_000)).toBe('closed');
    expect(breaker.counts(20_000)).toEqual({ failures: 1, requests: 1 });
  });

  it('can be opened from outside (a replica said so)', () => {
    const breaker = new CircuitBreaker(options);
    breaker.openUntilTime(9_000);
    expect(breaker.state(8_999)).toBe('open');
    expect(breaker.state(9_000)).toBe('half-open');
  });
});
