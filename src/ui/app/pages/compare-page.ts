import { type ChatMessage, type ChatResult, streamChat } from '../chat-stream.ts';
import { field, h, notice, replace } from '../dom.ts';
import type { PageContext } from '../main.ts';
import { renderMarkdown } from '../markdown.ts';
import { errorMessage, modelPicker, parameterInputs, statsLine } from './chat-controls.ts';
import { needsGatewayKey } from './playground-page.ts';

const minColumns = 2;
const maxColumns = 4;

/** One prompt to 2–4 models at once, streamed side by side, each with time to first token, tokens/s and cost. */
export function renderComparePage({ session, signIn }: PageContext): HTMLElement {
  if (!session.open && !session.gatewayKey) return needsGatewayKey(signIn);
  const status = h('div', { class: 'status-line' });
  const onError = (error: unknown) => replace(status, notice('error', errorMessage(error)));
  const parameters = parameterInputs();
  const prompt = h('textarea', { rows: 3, name: 'prompt', placeholder: 'One prompt for every model' });
  const system = h('textarea', { rows: 2, name: 'system', placeholder: 'Optional system prompt' });
  const columns = h('div', { class: 'compare-columns' });
  const run = h('button', { type: 'submit' }, 'Run comparison');
  const stop = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Stop');
  const add = h('button', { type: 'button', class: 'secondary' }, 'Add model');
  type Column = { element: HTMLElement; select: HTMLSelectElement; output: HTMLElement; remove: HTMLButtonElement };
  const list: Column[] = [];
  let controller: AbortController | undefined;

  const addColumn = () => {
    if (list.length >= maxColumns) return;
    const picker = modelPicker(session, `Model ${list.length + 1}`, onError, list.length);
    const output = h('div', { class: 'compare-output', 'aria-live': 'polite' });
    const remove = h('button', { type: 'button', class: 'link' }, 'Remove');
    const element = h('section', { class: 'card compare-column' }, picker.element, remove, output);
    const column: Column = { element, select: picker.select, output, remove };
    remove.addEventListener('click', () => {
      if (list.length <= minColumns) return;
      list.splice(list.indexOf(column), 1);
      element.remove();
      refreshButtons();
    });
    list.push(column);
    columns.append(element);
    refreshButtons();
  };
  const refreshButtons = () => {
    add.disabled = list.length >= maxColumns || !!controller;
    for (const column of list) column.remove.hidden = list.length <= minColumns;
    columns.dataset.count = String(list.length);
  };

  const compare = async () => {
    const text = prompt.value.trim();
    if (!text || controller) return;
    replace(status);
    controller = new AbortController();
    run.disabled = true;
    stop.disabled = false;
    refreshButtons();
    const messages: ChatMessage[] = system.value.trim()
      ? [
          { role: 'system', content: system.value.trim() },
          { role: 'user', content: text },
        ]
      : [{ role: 'user', content: text }];
    const signal = controller.signal;
    await Promise.all(
      list.map(async (column) => {
        const body = h('div', { class: 'markdown' });
        replace(column.output, body);
        column.output.setAttribute('aria-busy', 'true');
        const show = (result: ChatResult) => {
          body.innerHTML = renderMarkdown(result.content);
          column.output.append(statsLine(result, session));
        };
        try {
          show(
            await streamChat(
              session,
              { model: column.select.value, messages, ...parameters.values() },
              { signal, onDelta: (content) => (body.innerHTML = renderMarkdown(content)) },
            ),
          );
        } catch (error) {
          const partial = (error as { partial?: ChatResult }).partial;
          if (partial) show(partial);
          column.output.append(
            notice(signal.aborted ? 'info' : 'error', signal.aborted ? 'Stopped.' : errorMessage(error)),
          );
        } finally {
          column.output.setAttribute('aria-busy', 'false');
        }
      }),
    );
    controller = undefined;
    run.disabled = false;
    stop.disabled = true;
    refreshButtons();
  };

  add.addEventListener('click', addColumn);
  stop.addEventListener('click', () => controller?.abort());
  addColumn();
  addColumn();
  return h(
    'div',
    { class: 'compare' },
    h('h1', {}, 'Compare models'),
    h(
      'form',
      {
        class: 'card compare-form',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void compare();
        },
      },
      field('Prompt', prompt),
      h(
        'details',
        {},
        h('summary', {}, 'System prompt and parameters'),
        field('System prompt', system),
        parameters.element,
      ),
      h('div', { class: 'actions' }, run, stop, add),
    ),
    status,
    columns,
  );
}
