import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFetch } from './create-node-fetch.ts';
import { NodeAbortController } from './node-abort-controller.ts';

describe('NodeAbortController', () => {
  it('aborts once, with the reason, telling listeners and onabort', () => {
    const controller = new NodeAbortController();
    const { signal } = controller;
    const heard: string[] = [];
    signal.addEventListener('abort', () => heard.push('listener'), { once: true });
    signal.onabort = () => heard.push('onabort');
    expect(signal.aborted).toBe(false);
    expect(() => signal.throwIfAborted()).not.toThrow();
    const reason = new Error('deadline');
    controller.abort(reason);
    controller.abort(new Error('second'));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(heard).toEqual(['onabort', 'listener']);
    expect(() => signal.throwIfAborted()).toThrow(reason);
  });

  it('defaults to an AbortError, like the Web one', () => {
    const controller = new NodeAbortController();
    controller.abort();
    expect(controller.signal.reason).toBeInstanceOf(DOMException);
    expect((controller.signal.reason as DOMException).name).toBe('AbortError');
  });

  it('a removed listener hears nothing', () => {
    const controller = new NodeAbortController();
    let heard = 0;
    const listener = () => heard++;
    controller.signal.addEventListener('abort', listener);
    controller.signal.removeEventListener('abort', listener);
    controller.abort();
    expect(heard).toBe(0);
  });

  describe('with the Node upstream client', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // Never answers: only an abort ends the request.
      server = createServer(() => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('cancels a request in flight with its reason', async () => {
      const controller = new NodeAbortController();
      const fetch = createNodeFetch();
      const asked = fetch(url, { signal: controller.signal as unknown as AbortSignal });
      setTimeout(() => controller.abort(new Error('gone')), 20);
      await expect(asked).rejects.toThrow('gone');
    });
  });
});
