import type { ChatParameters, ChatResult } from '../chat-stream.ts';
import { tokensPerSecond } from '../chat-stream.ts';
import { field, h } from '../dom.ts';
import { formatMs, formatUsd } from '../format.ts';
import { fillModelSelect, groupModels, loadModels } from '../model-list.ts';
import type { Session } from '../session.ts';

/** A model picker: a search box narrowing a select grouped by provider. */
export function modelPicker(session: Session, label: string, onError: (error: unknown) => void, initialIndex = 0) {
  const select = h('select', { name: 'model', required: true });
  const search = h('input', { type: 'search', placeholder: 'Filter models', autocomplete: 'off' });
  let groups = groupModels([]);
  search.addEventListener('input', () => fillModelSelect(select, groups, search.value));
  const ready = loadModels(session)
    .then((models) => {
      groups = groupModels(models);
      fillModelSelect(select, groups);
      const index = Math.min(initialIndex, select.options.length - 1);
      if (index >= 0) select.selectedIndex = index;
    })
    .catch(onError);
  const element = h('div', { class: 'model-picker' }, field(`${label} search`, search), field(label, select));
  return { element, select, ready };
}

/** Temperature, max tokens and top_p inputs; empty ones are left out of the request. */
export function parameterInputs() {
  const temperature = h('input', {
    type: 'number',
    min: '0',
    max: '2',
    step: '0.1',
    placeholder: 'default',
    name: 'temperature',
  });
  const maxTokens = h('input', { type: 'number', min: '1', step: '1', placeholder: 'default', name: 'max_tokens' });
  const topP = h('input', { type: 'number', min: '0', max: '1', step: '0.05', placeholder: 'default', name: 'top_p' });
  const element = h(
    'div',
    { class: 'parameters' },
    field('Temperature', temperature),
    field('Max tokens', maxTokens),
    field('Top p', topP),
  );
  const values = (): ChatParameters => {
    const parameters: ChatParameters = {};
    if (temperature.value !== '') parameters.temperature = Number(temperature.value);
    if (maxTokens.value !== '') parameters.max_tokens = Number(maxTokens.value);
    if (topP.value !== '') parameters.top_p = Number(topP.value);
    return parameters;
  };
  return { element, values };
}

/** The stats line under an answer: latency, time to first token, tokens, speed, cost, provider. */
export function statsLine(result: ChatResult): HTMLElement {
  const usage = result.usage;
  const speed = tokensPerSecond(result);
  const items: Array<[string, string]> = [
    ['latency', formatMs(result.latencyMs)],
    ['first token', formatMs(result.timeToFirstTokenMs)],
    ['tokens', usage ? `${usage.prompt_tokens ?? '?'} in · ${usage.completion_tokens ?? '?'} out` : '—'],
    ['speed', speed === undefined ? '—' : `${speed.toFixed(1)} tok/s`],
    ['cost', formatUsd(result.costUsd)],
  ];
  if (result.provider) items.push(['provider', result.provider]);
  if (result.model) items.push(['model', result.model]);
  if (result.attempts && result.attempts !== '1') items.push(['attempts', result.attempts]);
  if (result.overheadMs) items.push(['overhead', `${result.overheadMs} ms`]);
  if (result.aborted) items.push(['stopped', 'yes']);
  return h(
    'dl',
    { class: 'stats' },
    ...items.flatMap(([name, value]) => [h('dt', {}, name), h('dd', { 'data-stat': name }, value)]),
  );
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
