import { field, h, notice, replace } from '../dom.ts';
import { probeKey, type Session, saveSession } from '../session.ts';

/**
 * Sign in with a gateway key (playground, compare, models) or the admin key (dashboard, keys); a second key can be
 * added later. What a key opens is found by asking the gateway, so nothing is guessed from its shape.
 */
export function renderLoginPage(options: { session: Session; cancellable: boolean; done: () => void }): HTMLElement {
  const { session } = options;
  const input = h('input', { type: 'password', name: 'key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const status = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'card login',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        submit.disabled = true;
        replace(status, notice('info', 'Checking the key…'));
        const opens = await probeKey(key);
        submit.disabled = false;
        if (!opens.gateway && !opens.admin) {
          replace(status, notice('error', 'This gateway does not accept that key.'));
          input.select();
          return;
        }
        if (opens.gateway && !session.open) session.gatewayKey = key;
        if (opens.admin) session.adminKey = key;
        saveSession(session);
        options.done();
      },
    },
    h('h1', {}, 'Switchboard'),
    h(
      'p',
      {},
      session.open
        ? 'This gateway is open: the playground works without a key. Add the admin key for the dashboard and keys.'
        : 'Sign in with a gateway key, or with the admin key for the dashboard and virtual keys.',
    ),
    field('Key', input, 'Kept in this tab only (sessionStorage).'),
    status,
    h(
      'div',
      { class: 'actions' },
      submit,
      options.cancellable ? h('button', { type: 'button', class: 'secondary', onclick: options.done }, 'Cancel') : null,
    ),
  );
  return form;
}
