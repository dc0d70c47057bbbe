import { describe, expect, it } from 'vitest';
import { hedgeAttempt } from './hedge-attempt.ts';

const resolveAfter = <T>(milliseconds: number, value: T, signal: AbortSignal) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), milliseconds);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

describe('hedgeAttempt', () => {
  it('does not start the backup when the primary answers within the delay', async () => {
    let backupStarted = false;
    const value = await hedgeAttempt(
      (signal) => resolveAfter(5, 'primary', signal),
      (signal) => {
        backupStarted = true;
        return resolveAfter(1, 'backup', signal);
      },
      { delayMs: 100, signal: new AbortController().signal, discard: () => undefined },
    );
    expect(value).toBe('primary');
    expect(backupStarted).toBe(false);
  });

  it('uses the backup when it answers first, and aborts the slow primary', async () => {
    let primarySignal: AbortSignal | undefined;
    const value = await hedgeAttempt(
      (signal) => {
        primarySignal = signal;
        return resolveAfter(2_000, 'primary', signal);
      },
      (signal) => resolveAfter(5, 'backup', signal),
      { delayMs: 20, signal: new AbortController().signal, discard: () => undefined },
    );
    expect(value).toBe('backup');
    expect(primarySignal?.aborted).toBe(true);
  });

  it('starts the backup at once when the primary fails early, and fails only when both fail', async () => {
    const started = Date.now();
    const value = await hedgeAttempt(
      () => Promise.reject(new Error('primary down')),
      (signal) => resolveAfter(5, 'backup', signal),
      { delayMs: 5_000, signal: new AbortController().signal, discard: () => undefined },
    );
    expect(value).toBe('backup');
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(
      hedgeAttempt(
        () => Promise.reject(new Error('primary down')),
        () => Promise.reject(new Error('backup down')),
        { delayMs: 5, signal: new AbortController().signal, discard: () => undefined },
      ),
    ).rejects.toThrow('primary down');
  });
});
