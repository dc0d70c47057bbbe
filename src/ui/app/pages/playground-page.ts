import { type ChatMessage, type ChatResult, streamChat } from '../chat-stream.ts';
import { field, h, notice, replace } from '../dom.ts';
import type { PageContext } from '../main.ts';
import { renderMarkdown } from '../markdown.ts';
import { errorMessage, modelPicker, parameterInputs, statsLine } from './chat-controls.ts';

/**
 * The playground: a model, a system prompt and parameters on the left, a streamed conversation on the right. Each
 * answer is rendered as Markdown while it streams and gets a stats line (latency, tokens, cost) when it ends.
 */
export function renderPlaygroundPage({ session, signIn }: PageContext): HTMLElement {
  if (!session.open && !session.gatewayKey) return needsGatewayKey(signIn);
  const status = h('div', { class: 'status-line' });
  const picker = modelPicker(session, 'Model', (error) => replace(status, notice('error', errorMessage(error))));
  const parameters = parameterInputs();
  const system = h('textarea', { rows: 3, name: 'system', placeholder: 'You are a helpful assistant.' });
  const log = h('div', { class: 'chat-log', 'aria-live': 'polite', 'aria-label': 'Conversation', role: 'log' });
  const prompt = h('textarea', {
    rows: 3,
    name: 'prompt',
    placeholder: 'Ask something… (Enter sends, Shift+Enter: new line)',
  });
  const send = h('button', { type: 'submit' }, 'Send');
  const stop = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Stop');
  const clear = h('button', { type: 'button', class: 'secondary' }, 'Clear');
  const history: ChatMessage[] = [];
  let controller: AbortController | undefined;

  const run = async () => {
    const text = prompt.value.trim();
    const model = picker.select.value;
    if (!text || !model || controller) return;
    replace(status);
    prompt.value = '';
    history.push({ role: 'user', content: text });
    log.append(
      h('article', { class: 'message user' }, h('h2', { class: 'sr-only' }, 'You'), h('div', { class: 'body' }, text)),
    );
    const body = h('div', { class: 'body markdown' });
    const answer = h('article', { class: 'message assistant' }, h('h2', { class: 'role' }, model), body);
    log.append(answer);
    log.setAttribute('aria-busy', 'true');
    controller = new AbortController();
    send.disabled = true;
    stop.disabled = false;
    let frame = 0;
    const messages: ChatMessage[] = system.value.trim()
      ? [{ role: 'system', content: system.value.trim() }, ...history]
      : [...history];
    try {
      const result = await streamChat(
        session,
        { model, messages, ...parameters.values() },
        {
          signal: controller.signal,
          onDelta: (content) => {
            cancelAnimationFrame(frame);
            frame = requestAnimationFrame(() => {
              body.innerHTML = renderMarkdown(content);
              log.scrollTop = log.scrollHeight;
            });
          },
        },
      );
      finish(result);
    } catch (error) {
      const partial = (error as { partial?: ChatResult }).partial;
      if (partial) finish(partial);
      if (controller?.signal.aborted && !partial) {
        answer.append(notice('info', 'Stopped before the first token.'));
        history.pop();
      } else {
        answer.append(notice('error', errorMessage(error)));
        if (!partial) history.pop();
      }
    } finally {
      controller = undefined;
      send.disabled = false;
      stop.disabled = true;
      log.setAttribute('aria-busy', 'false');
      prompt.focus();
    }

    function finish(result: ChatResult) {
      cancelAnimationFrame(frame);
      body.innerHTML = renderMarkdown(result.content);
      answer.append(statsLine(result, session));
      if (result.content) history.push({ role: 'assistant', content: result.content });
      log.scrollTop = log.scrollHeight;
    }
  };

  stop.addEventListener('click', () => controller?.abort());
  clear.addEventListener('click', () => {
    controller?.abort();
    history.length = 0;
    log.replaceChildren();
  });
  prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void run();
    }
  });

  return h(
    'div',
    { class: 'playground' },
    h('h1', { class: 'sr-only' }, 'Playground'),
    h(
      'aside',
      { class: 'card settings', 'aria-label': 'Settings' },
      picker.element,
      field('System prompt', system),
      parameters.element,
    ),
    h(
      'section',
      { class: 'card chat', 'aria-label': 'Chat' },
      log,
      status,
      h(
        'form',
        {
          class: 'composer',
          onsubmit: (event: Event) => {
            event.preventDefault();
            void run();
          },
        },
        field('Message', prompt),
        h('div', { class: 'actions' }, send, stop, clear),
      ),
    ),
  );
}

export function needsGatewayKey(signIn: () => void): HTMLElement {
  return h(
    'section',
    { class: 'card' },
    notice('info', 'Chatting needs a gateway key: the admin key does not open /v1.'),
    h('button', { type: 'button', onclick: signIn }, 'Add a gateway key'),
  );
}
