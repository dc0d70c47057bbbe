import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';
import { describeInChromium, launchChromium, screenshotPath } from './launch-chromium.ts';

const gatewayKey = 'sk-gw-ui-test-0001';
const adminKey = 'sk-admin-ui-test-0001';

const answer = [
  'Hello from **alpha**. Here is `inline` code:',
  '',
  '```js',
  'const answer = 42;',
  '```',
  '',
  '- first point',
  '- second point with a [link](https://example.com/docs)',
  '',
  '<b>not bold</b> stays text.',
].join('\n');

describeInChromium('web UI in headless Chromium', () => {
  let alpha: FakeOpenAI;
  let beta: FakeOpenAI;
  let gateway: SpawnedGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleProblems: string[] = [];

  beforeAll(async () => {
    alpha = await startFakeOpenAI({
      models: ['gpt-4o-mini', 'gpt-4o'],
      chunkIntervalMs: 40,
      reply: (body) => {
        const last = String((body.messages as Array<{ content: unknown }>).at(-1)?.content ?? '');
        if (last.includes('long')) return { content: 'word '.repeat(200), pieces: Array(200).fill('word ') };
        return { content: answer, usage: { prompt_tokens: 21, completion_tokens: 34, total_tokens: 55 } };
      },
    });
    beta = await startFakeOpenAI({
      models: ['llama-3.3-70b'],
      chunkIntervalMs: 25,
      reply: () => ({
        content: 'Beta answers *quickly* with several words in a row.',
        usage: { prompt_tokens: 12, completion_tokens: 11, total_tokens: 23 },
      }),
    });
    gateway = await spawnGateway({
      config: {
        auth: { keys: [gatewayKey], adminKey },
        providers: [
          { id: 'alpha', type: 'openai', baseUrl: alpha.baseUrl },
          { id: 'beta', type: 'openai', baseUrl: beta.baseUrl },
        ],
        routing: { strategy: 'priority', retries: 0, timeoutMs: 5000 },
      },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleProblems.push(message.text());
    });
    page.on('pageerror', (error) => consoleProblems.push(String(error)));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await alpha?.close();
    await beta?.close();
  });

  it('asks for a key, refuses a wrong one and signs in with the gateway key', async () => {
    await page.goto(gateway.url);
    await page.getByLabel('Key').waitFor();
    await page.screenshot({ path: screenshotPath('login') });
    await page.getByLabel('Key').fill('sk-wrong-key-000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('does not accept');
    await page.getByLabel('Key').fill(gatewayKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Playground' }).waitFor();
    expect(await page.getByText('gateway key', { exact: true }).isVisible()).toBe(true);
  }, 30_000);

  it('streams a chat answer from the fake upstream and renders its Markdown safely', async () => {
    const select = page.getByLabel('Model', { exact: true });
    await expect.poll(() => select.locator('option').count()).toBeGreaterThan(3);
    expect(
      await select.locator('optgroup').evaluateAll((groups) => groups.map((g) => g.getAttribute('label'))),
    ).toEqual(['Routed (any provider)', 'alpha', 'beta']);
    await page.getByLabel('Model search').fill('alpha/');
    await select.selectOption('alpha/gpt-4o-mini');
    await page.getByLabel('System prompt').fill('Be brief.');
    await page.getByLabel('Temperature').fill('0.2');
    await page.getByLabel('Message').fill('Say hello');
    await page.getByLabel('Message').press('Enter');
    const body = page.locator('.message.assistant .body').last();
    // Seen while the stream still runs: the Stop button is live and only part of the answer is there.
    await expect.poll(() => body.textContent()).toContain('Hello');
    expect(await page.getByRole('button', { name: 'Stop' }).isEnabled()).toBe(true);
    expect(await body.textContent()).not.toContain('stays text');
    await page.locator('.message.assistant .stats').last().waitFor();
    expect(await body.locator('strong').textContent()).toBe('alpha');
    expect(await body.locator('pre code.language-js').textContent()).toBe('const answer = 42;');
    expect(await body.locator('li').count()).toBe(2);
    expect(await body.locator('a').getAttribute('rel')).toBe('noopener noreferrer');
    expect(await body.locator('b').count()).toBe(0);
    expect(await body.textContent()).toContain('<b>not bold</b> stays text.');
    const stats = page.locator('.message.assistant .stats').last();
    expect(await stats.locator('[data-stat="tokens"]').textContent()).toBe('21 in · 34 out');
    expect(await stats.locator('[data-stat="provider"]').textContent()).toBe('alpha');
    expect(await stats.locator('[data-stat="latency"]').textContent()).toMatch(/\d+ ms/);
    const sent = alpha.requests.filter((request) => request.path.endsWith('/chat/completions')).at(-1)?.body as Record<
      string,
      unknown
    >;
    expect(sent).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
    await page.screenshot({ path: screenshotPath('playground') });
  }, 30_000);

  it('stops a streaming answer with the Stop button', async () => {
    await page.getByLabel('Message').fill('Write something long');
    await page.getByRole('button', { name: 'Send' }).click();
    const body = page.locator('.message.assistant .body').last();
    await expect.poll(() => body.textContent()).toContain('word word');
    await page.getByRole('button', { name: 'Stop' }).click();
    const stats = page.locator('.message.assistant').last().locator('.stats');
    await stats.waitFor();
    expect(await stats.locator('[data-stat="stopped"]').textContent()).toBe('yes');
    expect((await body.textContent())?.split('word').length).toBeLessThan(150);
    expect(await page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
  }, 30_000);

  it('compares two models side by side, streamed in parallel', async () => {
    await page.getByRole('link', { name: 'Compare' }).click();
    await page.getByLabel('Model 1', { exact: true }).selectOption('gpt-4o-mini');
    await page.getByLabel('Model 2', { exact: true }).selectOption('llama-3.3-70b');
    await page.getByLabel('Prompt', { exact: true }).fill('Introduce yourself');
    await page.getByRole('button', { name: 'Run comparison' }).click();
    const columns = page.locator('.compare-column');
    await columns.nth(0).locator('.stats').waitFor();
    await columns.nth(1).locator('.stats').waitFor();
    expect(await columns.nth(0).locator('.markdown').textContent()).toContain('Hello from alpha');
    expect(await columns.nth(1).locator('.markdown em').textContent()).toBe('quickly');
    for (const index of [0, 1]) {
      const stats = columns.nth(index).locator('.stats');
      expect(await stats.locator('[data-stat="first token"]').textContent()).toMatch(/\d+ ms/);
      expect(await stats.locator('[data-stat="speed"]').textContent()).toMatch(/tok\/s/);
    }
    expect(await columns.nth(1).locator('[data-stat="provider"]').textContent()).toBe('beta');
    await page.screenshot({ path: screenshotPath('compare') });
  }, 30_000);

  it('shows traffic, health and top errors on the dashboard once the admin key is added', async () => {
    alpha.faults.push({
      kind: 'status',
      status: 500,
      body: { error: { message: 'upstream exploded', type: 'server_error' } },
    });
    const failed = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    expect(await page.getByText('Traffic charts need the admin key.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByLabel('Key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('admin key', { exact: true }).waitFor();
    // Records reach the log in batches (about a second): refresh until the failed request is counted.
    const errorsTile = page.locator('[data-tile="Errors"]');
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return errorsTile.textContent();
        },
        { timeout: 10_000, interval: 500 },
      )
      .toMatch(/^1 \(/);
    expect(Number(await page.locator('[data-tile="Requests"]').textContent())).toBeGreaterThanOrEqual(5);
    expect(await page.locator('[data-tile="Tokens"]').textContent()).not.toBe('0');
    expect(await page.locator('svg.chart').count()).toBe(6);
    expect(await page.locator('svg.chart polyline').count()).toBeGreaterThan(0);
    const health = page.locator('section[aria-labelledby="health-title"]');
    await health.getByRole('rowheader', { name: /^alpha/ }).waitFor();
    expect(await health.locator('.state').first().textContent()).toBe('closed');
    const errors = page.locator('section[aria-labelledby="errors-title"]');
    await expect.poll(() => errors.textContent()).toContain('gpt-4o');
    await page.getByLabel('Group by').selectOption('provider');
    await expect.poll(() => page.locator('.legend').textContent()).toContain('beta');
    await page.screenshot({ path: screenshotPath('dashboard'), fullPage: true });
  }, 40_000);

  it('lists the catalog with providers and circuit state', async () => {
    await page.getByRole('link', { name: 'Models' }).click();
    const row = page.getByRole('row', { name: /gpt-4o-mini/ });
    await row.waitFor();
    expect(await row.locator('.provider-chip').textContent()).toContain('alpha');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByLabel('Filter').fill('llama');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Filter').fill('');
    await page.screenshot({ path: screenshotPath('models') });
  }, 30_000);

  it('creates a virtual key (secret shown once), inspects it and revokes it', async () => {
    await page.getByRole('link', { name: 'Keys' }).click();
    await page.getByLabel('Name').fill('ci-bot');
    await page.getByLabel('Owner').fill('platform');
    await page.getByLabel('Daily budget (USD)').fill('5');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secretInput = page.locator('input.secret');
    await secretInput.waitFor();
    const secret = await secretInput.inputValue();
    expect(secret).toMatch(/^sk-sb-/);
    const row = page.locator('tr', { hasText: 'ci-bot' });
    await row.waitFor();
    const id = await row.getAttribute('data-key-id');
    expect(secret.startsWith(id ?? '-')).toBe(true);
    const works = await fetch(`${gateway.baseURL}/models`, { headers: { authorization: `Bearer ${secret}` } });
    expect(works.status).toBe(200);
    await page.screenshot({ path: screenshotPath('keys-created') });
    await row.getByRole('button', { name: `Inspect ${id}` }).click();
    await expect.poll(() => page.locator('pre.json').textContent()).toContain('"dailyUsd": 5');
    await page.getByRole('button', { name: 'I saved it' }).click();
    expect(await secretInput.count()).toBe(0);
    await row.getByRole('button', { name: `Revoke ${id}` }).click();
    await row.getByRole('button', { name: `Confirm: revoke ${id}` }).click();
    await expect.poll(() => page.locator(`tr[data-key-id="${id}"] .state`).textContent()).toBe('revoked');
    const refused = await fetch(`${gateway.baseURL}/models`, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(401);
    expect(await page.content()).not.toContain(secret);
    await page.screenshot({ path: screenshotPath('keys') });
  }, 30_000);

  it('reads the cost of a streamed answer from the request log when the admin key is in', async () => {
    await page.getByRole('link', { name: 'Playground' }).click();
    await expect.poll(() => page.getByLabel('Model', { exact: true }).locator('option').count()).toBeGreaterThan(3);
    await page.getByLabel('Model', { exact: true }).selectOption('gpt-4o-mini');
    await page.getByLabel('Message').fill('What does it cost?');
    await page.getByLabel('Message').press('Enter');
    const cost = page.locator('.message.assistant .stats [data-stat="cost"]').last();
    await expect.poll(() => cost.textContent(), { timeout: 8_000 }).toMatch(/^\$\d/);
  }, 30_000);

  it('works on a phone-width screen and by keyboard alone', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    try {
      const small = await phone.newPage();
      small.setDefaultTimeout(10_000);
      await small.goto(gateway.url);
      await small.getByLabel('Key').fill(gatewayKey);
      await small.keyboard.press('Enter');
      await small.getByLabel('Message').waitFor();
      await expect.poll(() => small.getByLabel('Model', { exact: true }).locator('option').count()).toBeGreaterThan(1);
      // Tab from the top reaches the skip link first, then the navigation.
      await small.keyboard.press('Tab');
      expect(await small.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await small.keyboard.press('Tab');
      expect(await small.evaluate(() => document.activeElement?.textContent)).toBe('Playground');
      await small.getByLabel('Message').focus();
      await small.keyboard.type('Say hello');
      await small.keyboard.press('Enter');
      await small.locator('.message.assistant .stats').waitFor();
      const width = await small.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      await small.screenshot({ path: screenshotPath('phone-playground'), fullPage: true });
    } finally {
      await phone.close();
    }
  }, 30_000);

  it('ran without console errors or CSP violations', () => {
    expect(consoleProblems.filter((text) => !/status of (401|404|500|502)/.test(text))).toEqual([]);
  });
});
