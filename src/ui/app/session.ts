/**
 * The keys this tab signed in with, kept in sessionStorage (gone when the tab closes, never sent anywhere but this
 * gateway), and fetch wrappers that attach the right one: the gateway key for `/v1/*`, the admin key for `/admin/*`.
 */
export type Session = {
  gatewayKey?: string;
  adminKey?: string;
  /** `/v1/models` answered without a key: the gateway is open. */
  open: boolean;
};

const storageKey = 'switchboard.session';

export function loadSession(): Session {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey) ?? '{}') as Partial<Session>;
    return { gatewayKey: stored.gatewayKey, adminKey: stored.adminKey, open: false };
  } catch {
    return { open: false };
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(storageKey, JSON.stringify({ gatewayKey: session.gatewayKey, adminKey: session.adminKey }));
}

export function clearSession(): void {
  sessionStorage.removeItem(storageKey);
}

/** An error answer from the gateway, with the OpenAI error body's code and message when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }

  /** The endpoint does not exist here: not built, the admin API is off, or the request log is off. */
  get unavailable(): boolean {
    return this.status === 404;
  }
}

export type KeyRole = 'gateway' | 'admin' | 'none';

export function headersFor(session: Session, role: KeyRole, extra: Record<string, string> = {}): Headers {
  const headers = new Headers(extra);
  const key = role === 'gateway' ? session.gatewayKey : role === 'admin' ? session.adminKey : undefined;
  if (key) headers.set('authorization', `Bearer ${key}`);
  return headers;
}

/** Turns a non-2xx answer into an ApiError (reading the OpenAI error body when there is one). */
export async function errorFrom(response: Response): Promise<ApiError> {
  let code: string | null = null;
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as { error?: { code?: string | null; message?: string } };
    code = body.error?.code ?? null;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, code, message);
}

export async function requestJson<T>(
  session: Session,
  role: KeyRole,
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: headersFor(session, role, init.body === undefined ? {} : { 'content-type': 'application/json' }),
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  if (!response.ok) throw await errorFrom(response);
  return (await response.json()) as T;
}

/** What a key opens: `/v1/models` (a gateway key) and `/admin/keys` (the admin key). */
export async function probeKey(key: string): Promise<{ gateway: boolean; admin: boolean }> {
  const probe = async (path: string) => {
    try {
      const response = await fetch(path, { headers: { authorization: `Bearer ${key}` } });
      return response.ok;
    } catch {
      return false;
    }
  };
  const [gateway, admin] = await Promise.all([probe('/v1/models'), probe('/admin/keys')]);
  return { gateway, admin };
}

/** True when `/v1/models` answers without any key. */
export async function gatewayIsOpen(): Promise<boolean> {
  try {
    return (await fetch('/v1/models')).ok;
  } catch {
    return false;
  }
}
