import { h, replace } from './dom.ts';
import { renderComparePage } from './pages/compare-page.ts';
import { renderDashboardPage } from './pages/dashboard-page.ts';
import { renderKeysPage } from './pages/keys-page.ts';
import { renderLoginPage } from './pages/login-page.ts';
import { renderModelsPage } from './pages/models-page.ts';
import { renderPlaygroundPage } from './pages/playground-page.ts';
import { clearSession, gatewayIsOpen, loadSession, type Session } from './session.ts';

/** What every page gets: the session, and a way to ask for a key it lacks. */
export type PageContext = { session: Session; signIn: () => void };

type Page = { path: string; title: string; render: (context: PageContext) => HTMLElement };

const pages: Page[] = [
  { path: 'playground', title: 'Playground', render: renderPlaygroundPage },
  { path: 'compare', title: 'Compare', render: renderComparePage },
  { path: 'dashboard', title: 'Dashboard', render: renderDashboardPage },
  { path: 'models', title: 'Models', render: renderModelsPage },
  { path: 'keys', title: 'Keys', render: renderKeysPage },
];

const session = loadSession();
const root = document.getElementById('app') as HTMLElement;
let signingIn = false;

function startSignIn(): void {
  signingIn = true;
  render();
}

function currentPage(): Page {
  const path = location.hash.replace(/^#\/?/, '');
  return pages.find((page) => page.path === path) ?? (pages[0] as Page);
}

function render(): void {
  const signedIn = session.open || !!session.gatewayKey || !!session.adminKey;
  if (!signedIn || signingIn) {
    document.title = 'Sign in · Switchboard';
    replace(
      root,
      h(
        'main',
        { id: 'main', class: 'login-shell' },
        renderLoginPage({
          session,
          cancellable: signedIn,
          done: () => {
            signingIn = false;
            render();
          },
        }),
      ),
    );
    (root.querySelector('input') as HTMLInputElement | null)?.focus();
    return;
  }
  const page = currentPage();
  document.title = `${page.title} · Switchboard`;
  const nav = h(
    'nav',
    { 'aria-label': 'Sections' },
    ...pages.map((entry) =>
      h('a', { href: `#/${entry.path}`, 'aria-current': entry === page ? 'page' : undefined }, entry.title),
    ),
  );
  const badges = h(
    'div',
    { class: 'session' },
    session.open && !session.gatewayKey ? h('span', { class: 'badge' }, 'open gateway') : null,
    session.gatewayKey ? h('span', { class: 'badge' }, 'gateway key') : null,
    session.adminKey ? h('span', { class: 'badge badge-admin' }, 'admin key') : null,
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: startSignIn,
      },
      'Add key',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: () => {
          clearSession();
          session.gatewayKey = undefined;
          session.adminKey = undefined;
          render();
        },
      },
      'Sign out',
    ),
  );
  const main = h('main', { id: 'main', tabindex: '-1' }, page.render({ session, signIn: startSignIn }));
  replace(
    root,
    h(
      'a',
      {
        class: 'skip',
        href: '#main',
        onclick: (event: Event) => {
          event.preventDefault();
          main.focus();
        },
      },
      'Skip to content',
    ),
    h('header', { class: 'top' }, h('span', { class: 'brand' }, 'Switchboard'), nav, badges),
    main,
  );
}

window.addEventListener('hashchange', render);
void gatewayIsOpen().then((open) => {
  session.open = open;
  render();
});
