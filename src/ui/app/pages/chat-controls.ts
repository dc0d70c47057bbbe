import type { ChatParameters, ChatResult } from '../chat-stream.ts';
import { tokensPerSecond } from '../chat-stream.ts';
import { field, h } from '../dom.ts';
import { formatMs, formatUsd } from '../format.ts';
import { fillModelSelect, groupModels, loadModels } from '../model-list.ts';
import { requestJson, type Session } from '../session.ts';

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

/**
 * The stats line under an answer: latency, time to first token, tokens, speed, cost, provider. A streamed answer's
 * cost is only known when it ends, after its headers: with the admin key it is read from the request log (written
 * within about a second), otherwise it shows as unknown.
 */
export function statsLine(result: ChatResult, session?: Session): HTMLElement {
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
  const line = h(
    'dl',
    { class: 'stats' },
    ...items.flatMap(([name, value]) => [h('dt', {}, name), h('dd', { 'data-stat': name }, value)]),
  );
  const cost = line.querySelector('[data-stat="cost"]') as HTMLElement;
  if (result.costUsd === undefined && session?.adminKey && result.requestId) {
    void costFromLog(session, result.requestId).then((usd) => {
      cost.textContent = formatUsd(usd);
    });
  } else if (result.costUsd === undefined) {
    cost.title = 'The cost of a streamed answer is read from the request log, which needs the admin key.';
  }
  return line;
}

/** The cost the request log holds for a request, polling while its batch is not yet written. */
async function costFromLog(session: Session, requestId: string): Promise<number | undefined> {
  for (const delayMs of [300, 700, 1200, 2000]) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    try {
      const page = await requestJson<{ data: Array<{ requestId: string; costUsd?: number }> }>(
        session,
        'admin',
        `/admin/logs?limit=50&from=${Date.now() - 600_000}`,
      );
      const record = page.data.find((entry) => entry.requestId === requestId);
      if (record) return record.costUsd;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
