import { GatewayError } from '../canonical/index.ts';
import { followAbort } from './follow-abort.ts';

export type HedgeOptions<T> = {
  /** How long the primary may take before the backup starts. */
  delayMs: number;
  signal: AbortSignal;
  /** Releases a result that lost the race (cancels its stream). */
  discard: (value: T) => void;
};

/**
 * Races a primary attempt against a backup started only if the primary has not answered within `delayMs`; the first
 * success wins and the other is aborted (or discarded, if it answered too). Fails only when both fail, with the
 * primary's error.
 */
export function hedgeAttempt<T>(
  primary: (signal: AbortSignal) => Promise<T>,
  backup: (signal: AbortSignal) => Promise<T>,
  options: HedgeOptions<T>,
): Promise<T> {
  const primaryController = new AbortController();
  const backupController = new AbortController();
  const unfollows: Array<() => void> = [];
  const link = (controller: AbortController) => {
    unfollows.push(followAbort(controller, options.signal));
    return controller.signal;
  };
  const detach = () => {
    for (const unfollow of unfollows) unfollow();
  };
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let failures = 0;
    let started = 1;
    let primaryError: unknown;
    const loser = new GatewayError({
      status: 499,
      code: 'hedge_lost',
      message: 'Another attempt answered first.',
      isRetryable: false,
    });
    const win = (value: T, other: AbortController) => {
      if (settled) {
        options.discard(value);
        return;
      }
      settled = true;
      clearTimeout(timer);
      other.abort(loser);
      detach();
      resolve(value);
    };
    const fail = (error: unknown, isPrimary: boolean) => {
      if (isPrimary) primaryError = error;
      failures++;
      if (isPrimary && !settled && started === 1) {
        // The primary failed before the backup started: no reason to wait for the delay.
        clearTimeout(timer);
        startBackup();
        return;
      }
      if (failures >= started && !settled) {
        settled = true;
        detach();
        reject(primaryError ?? error);
      }
    };
    const startBackup = () => {
      if (settled || options.signal.aborted) return;
      started = 2;
      backup(link(backupController)).then(
        (value) => win(value, primaryController),
        (error) => fail(error, false),
      );
    };
    const timer = setTimeout(startBackup, options.delayMs);
    primary(link(primaryController)).then(
      (value) => win(value, backupController),
      (error) => fail(error, true),
    );
  });
}
