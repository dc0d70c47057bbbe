import { field, h, notice, replace, scrollTable } from '../dom.ts';
import { formatUsd } from '../format.ts';
import type { PageContext } from '../main.ts';
import { ApiError, requestJson } from '../session.ts';
import { errorMessage } from './chat-controls.ts';

type KeyView = {
  id: string;
  name?: string;
  owner?: string;
  team?: string;
  status: 'active' | 'revoked' | 'expired';
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  models?: string[];
  budget?: { dailyUsd?: number; monthlyUsd?: number; totalUsd?: number };
  spend?: unknown;
};

/**
 * Virtual keys through `/admin/keys` (admin key only): create (the secret is shown once, here, and never again),
 * list, inspect (with spend) and revoke (a second click confirms).
 */
export function renderKeysPage({ session, signIn }: PageContext): HTMLElement {
  if (!session.adminKey) {
    return h(
      'section',
      { class: 'card' },
      h('h1', {}, 'Keys'),
      notice('info', 'Managing virtual keys needs the admin key.'),
      h('button', { type: 'button', onclick: signIn }, 'Add the admin key'),
    );
  }
  const list = h('div', { 'aria-live': 'polite' });
  const created = h('div', { 'aria-live': 'assertive' });
  const detail = h('div', { 'aria-live': 'polite' });
  const name = h('input', { type: 'text', name: 'name', required: true, autocomplete: 'off' });
  const owner = h('input', { type: 'text', name: 'owner', autocomplete: 'off' });
  const models = h('input', { type: 'text', name: 'models', placeholder: 'gpt-4o*, claude-*', autocomplete: 'off' });
  const daily = h('input', { type: 'number', name: 'dailyUsd', min: '0', step: '0.01', placeholder: 'none' });
  const expires = h('input', { type: 'date', name: 'expiresAt' });
  const formStatus = h('div');

  const load = async () => {
    try {
      const answer = await requestJson<{ data: KeyView[] }>(session, 'admin', '/admin/keys');
      replace(list, renderList(answer.data));
    } catch (error) {
      replace(
        list,
        error instanceof ApiError && error.unavailable
          ? notice('unavailable', `Virtual keys are not available on this gateway: ${error.message}`)
          : notice('error', errorMessage(error)),
      );
    }
  };

  const renderList = (keys: KeyView[]) => {
    if (!keys.length) return h('p', { class: 'muted' }, 'No virtual keys yet.');
    const sorted = [...keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return scrollTable(
      ['Key', 'Name', 'Owner', 'Status', 'Models', 'Created', 'Actions'],
      sorted.map((key) =>
        h(
          'tr',
          { 'data-key-id': key.id },
          h('th', { scope: 'row' }, h('code', {}, key.id)),
          h('td', {}, key.name ?? ''),
          h('td', {}, key.owner ?? ''),
          h('td', {}, h('span', { class: `state key-${key.status}` }, key.status)),
          h('td', {}, key.models?.join(', ') ?? 'any'),
          h('td', {}, new Date(key.createdAt).toLocaleString()),
          h('td', { class: 'row-actions' }, inspectButton(key), key.status === 'active' ? revokeButton(key) : null),
        ),
      ),
      { class: 'keys-table' },
    );
  };

  const inspectButton = (key: KeyView) =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        'aria-label': `Inspect ${key.id}`,
        onclick: async () => {
          try {
            const full = await requestJson<KeyView>(session, 'admin', `/admin/keys/${encodeURIComponent(key.id)}`);
            replace(
              detail,
              h(
                'section',
                { class: 'card', 'aria-label': `Key ${key.id}` },
                h('h2', {}, `Key ${key.id}`),
                full.budget
                  ? h(
                      'p',
                      {},
                      `Budget: ${formatUsd(full.budget.dailyUsd)} a day · ${formatUsd(full.budget.monthlyUsd)} a month · ${formatUsd(full.budget.totalUsd)} in all`,
                    )
                  : null,
                h('pre', { class: 'json' }, JSON.stringify(full, null, 2)),
              ),
            );
          } catch (error) {
            replace(detail, notice('error', errorMessage(error)));
          }
        },
      },
      'Inspect',
    );

  const revokeButton = (key: KeyView) => {
    let armed = false;
    const button = h('button', { type: 'button', class: 'danger small', 'aria-label': `Revoke ${key.id}` }, 'Revoke');
    button.addEventListener('click', async () => {
      if (!armed) {
        armed = true;
        button.textContent = 'Confirm revoke';
        button.setAttribute('aria-label', `Confirm: revoke ${key.id}`);
        return;
      }
      button.disabled = true;
      try {
        await requestJson(session, 'admin', `/admin/keys/${encodeURIComponent(key.id)}/revoke`, { method: 'POST' });
        await load();
      } catch (error) {
        replace(detail, notice('error', errorMessage(error)));
      }
    });
    return button;
  };

  const create = async (event: Event) => {
    event.preventDefault();
    const input: Record<string, unknown> = { name: name.value.trim() };
    if (owner.value.trim()) input.owner = owner.value.trim();
    const patterns = models.value
      .split(',')
      .map((pattern) => pattern.trim())
      .filter(Boolean);
    if (patterns.length) input.models = patterns;
    if (daily.value !== '') input.budget = { dailyUsd: Number(daily.value) };
    if (expires.value) input.expiresAt = new Date(`${expires.value}T23:59:59Z`).toISOString();
    try {
      const key = await requestJson<KeyView & { secret: string }>(session, 'admin', '/admin/keys', {
        method: 'POST',
        body: input,
      });
      replace(formStatus);
      (event.target as HTMLFormElement).reset();
      replace(
        created,
        secretBox(key.id, key.secret, () => replace(created)),
      );
      await load();
    } catch (error) {
      replace(formStatus, notice('error', errorMessage(error)));
    }
  };

  void load();
  return h(
    'div',
    { class: 'keys' },
    h('h1', {}, 'Virtual keys'),
    h(
      'form',
      { class: 'card key-form', onsubmit: create, 'aria-label': 'Create a key' },
      h('h2', {}, 'Create a key'),
      h(
        'div',
        { class: 'form-grid' },
        field('Name', name),
        field('Owner', owner),
        field('Models (globs, comma-separated)', models, 'Empty: any model.'),
        field('Daily budget (USD)', daily),
        field('Expires on', expires),
      ),
      formStatus,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create key')),
    ),
    created,
    h('section', { class: 'card', 'aria-label': 'Keys' }, h('h2', {}, 'Keys'), list),
    detail,
  );
}

/** The new secret, shown this once: a copy button and a dismiss that removes it from the page. */
function secretBox(id: string, secret: string, dismiss: () => void): HTMLElement {
  const value = h('input', {
    type: 'text',
    readonly: true,
    value: secret,
    class: 'secret',
    'aria-label': `Secret of ${id}`,
  });
  const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy');
  copy.addEventListener('click', async () => {
    value.select();
    try {
      await navigator.clipboard.writeText(secret);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Select and copy';
    }
  });
  return h(
    'section',
    { class: 'card secret-box', role: 'status' },
    h('h2', {}, `Key ${id} created`),
    h('p', {}, 'Copy the secret now: it is shown only this once and cannot be recovered.'),
    h('div', { class: 'secret-row' }, value, copy),
    h('button', { type: 'button', class: 'link', onclick: dismiss }, 'I saved it'),
  );
}
