/** How long a store replaced by a config reload stays open for requests still running on the previous config. */
const REPLACED_STORE_GRACE_MS = 60_000;

/**
 * Closes a store a config reload replaced, once the requests still running on the previous config had their time to
 * finish with it. The timer never keeps the process alive; a close that fails has nothing left to release.
 */
export function closeAfterReload(close: () => Promise<unknown>): void {
  setTimeout(() => void close().catch(() => undefined), REPLACED_STORE_GRACE_MS).unref();
}
