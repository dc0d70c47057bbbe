import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';
import { describeInChromium, launchChromium } from './launch-chromium.ts';

const gatewayKey = 'sk-gw-browser-example-0001';
const examplePage = pathToFileURL(resolve(import.meta.dirname, '../../examples/browser.html')).href;

describeInChromium('examples/browser.html in headless Chromium', () => {
  let upstream: FakeOpenAI;
  let gateway: SpawnedGateway;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ models: ['demo-model'], chunkIntervalMs: 10 });
    gateway = await spawnGateway({
      config: {
        auth: { keys: [gatewayKey] },
        providers: [{ id: 'demo', type: 'openai', baseUrl: upstream.baseUrl }],
      },
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(String(error)));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.close();
  });

  it('opened from disk, it loads the models and streams an answer across origins (CORS preflight included)', async () => {
    await page.goto(examplePage);
    await page.getByLabel('Gateway URL').fill(gateway.baseURL);
    await page.getByLabel('Key').fill(gatewayKey);
    await page.getByRole('button', { name: 'Load models' }).click();
    await expect.poll(() => page.getByLabel('Model').locator('option').allTextContents()).toContain('demo-model');
    await page.getByLabel('Model').selectOption('demo-model');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('#out').textContent()).toBe('Echo: Say hello in five words.');
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('shows the gateway error message for a wrong key', async () => {
    await page.getByLabel('Key').fill('sk-wrong-key-000000');
    await page.getByRole('button', { name: 'Load models' }).click();
    await expect.poll(() => page.locator('#out').textContent()).toMatch(/key/i);
  }, 30_000);
});
