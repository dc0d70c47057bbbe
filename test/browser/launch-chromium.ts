import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { describe, it } from 'vitest';

/** Debian's chromium (apt); `.ci/run` installs it. Playwright's own browser downloads are never used. */
export const chromiumPath = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

export const screenshotDirectory = resolve(import.meta.dirname, '../../test-artifacts/screenshots');

/**
 * Whether the browser tests can run. On CI a missing browser is a failure (the tests must not pass by skipping); on a
 * developer machine they skip, saying why.
 */
export function chromiumStatus(): { available: true } | { available: false; reason: string; mustFail: boolean } {
  if (existsSync(chromiumPath)) return { available: true };
  return {
    available: false,
    reason: `no Chromium at ${chromiumPath}: install it with 'apt-get install chromium' (or set SWITCHBOARD_CHROMIUM)`,
    mustFail: !!process.env.CI,
  };
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(screenshotDirectory, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 20_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Nothing leaves the machine: every host but 127.0.0.1 fails to resolve.
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
  });
}

export function screenshotPath(name: string): string {
  return resolve(screenshotDirectory, `${name}.png`);
}

/**
 * `describe` for a suite that drives Chromium: skipped with the reason where there is none, and on CI one failing test
 * in its place instead, so the suite never passes by skipping there.
 */
export function describeInChromium(title: string, suite: () => void): void {
  const status = chromiumStatus();
  if (!status.available && status.mustFail) {
    describe(title, () => {
      it('needs Chromium on CI', () => {
        throw new Error(`Browser tests cannot run: ${status.reason}.`);
      });
    });
    return;
  }
  describe.skipIf(!status.available)(`${title}${status.available ? '' : ` (skipped: ${status.reason})`}`, suite);
}
