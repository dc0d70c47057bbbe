import { GatewayError } from '../canonical/index.ts';
import { sha256Hex } from './internal/sha256-hex.ts';
import {
  applyVirtualKeyInput,
  type VirtualKey,
  type VirtualKeyInput,
  type VirtualKeyView,
  viewOfVirtualKey,
  virtualKeyPrefix,
  virtualKeyStatus,
} from './virtual-key.ts';
import type { VirtualKeyStore } from './virtual-key-store.ts';

/**
 * How long one replica trusts what it looked up. Authentication runs on every request; without this cache each one
 * would cost two store reads. The price: a key revoked, rotated or changed on another replica keeps working there for
 * up to this long (on the replica that made the change, at once).
 */
export const keyLookupCacheMs = 5_000;
/** A miss is cached for less time, so a key used right after its creation on another replica works soon. */
const missCacheMs = 1_000;
const maxCachedLookups = 10_000;

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps every character equally likely.
  let text = '';
  while (text.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && text.length < length) text += alphabet[byte % 62];
    }
  }
  return text;
}

export function looksLikeVirtualKey(secret: string): boolean {
  return secret.startsWith(virtualKeyPrefix);
}

/** Virtual keys: the admin operations and the authentication hot path. Secrets exist only in the create/rotate answer. */
export class VirtualKeys {
  private readonly lookups = new Map<string, { key: VirtualKey | undefined; until: number }>();

  constructor(
    private readonly store: VirtualKeyStore,
    private readonly now: () => number,
  ) {}

  async create(input: VirtualKeyInput): Promise<{ key: VirtualKeyView; secret: string }> {
    const id = `${virtualKeyPrefix}${randomText(8)}`;
    const secret = `${id}_${randomText(40)}`;
    const base: VirtualKey = { id, hash: await sha256Hex(secret), createdAt: new Date(this.now()).toISOString() };
    const key = applyVirtualKeyInput(base, input);
    await this.store.create(key);
    return { key: viewOfVirtualKey(key, this.now()), secret };
  }

  async list(): Promise<VirtualKeyView[]> {
    return (await this.store.list()).map((key) => viewOfVirtualKey(key, this.now()));
  }

  async get(id: string): Promise<VirtualKeyView> {
    return viewOfVirtualKey(await this.load(id), this.now());
  }

  async update(id: string, input: VirtualKeyInput): Promise<VirtualKeyView> {
    const key = await this.load(id);
    const next = { ...applyVirtualKeyInput(key, input), updatedAt: new Date(this.now()).toISOString() };
    await this.save(next, key.hash);
    return viewOfVirtualKey(next, this.now());
  }

  async revoke(id: string): Promise<VirtualKeyView> {
    const key = await this.load(id);
    const next = key.revokedAt ? key : { ...key, revokedAt: new Date(this.now()).toISOString() };
    await this.save(next, key.hash);
    return viewOfVirtualKey(next, this.now());
  }

  /** A new secret for the same key (same id, limits, budgets and spend); the old secret stops working. */
  async rotate(id: string): Promise<{ key: VirtualKeyView; secret: string }> {
    const key = await this.load(id);
    if (key.revokedAt) {
      throw new GatewayError({
        status: 409,
        code: 'key_revoked',
        message: `Key '${id}' is revoked; create a new one.`,
      });
    }
    const secret = `${id}_${randomText(40)}`;
    const next = { ...key, hash: await sha256Hex(secret), rotatedAt: new Date(this.now()).toISOString() };
    await this.save(next, key.hash);
    return { key: viewOfVirtualKey(next, this.now()), secret };
  }

  /**
   * The key a secret belongs to, or a 401 when it is unknown, revoked or expired. Lookups are cached for
   * `keyLookupCacheMs` (misses for less), keyed by the secret's hash.
   */
  async authenticate(secret: string): Promise<VirtualKey> {
    const hash = await sha256Hex(secret);
    const now = this.now();
    let cached = this.lookups.get(hash);
    if (!cached || cached.until <= now) {
      const key = await this.store.findByHash(hash);
      cached = { key, until: now + (key ? keyLookupCacheMs : missCacheMs) };
      if (this.lookups.size >= maxCachedLookups) this.lookups.clear();
      this.lookups.set(hash, cached);
    }
    const key = cached.key;
    if (!key) {
      throw new GatewayError({
        status: 401,
        type: 'authentication_error',
        code: 'invalid_api_key',
        message: 'The API key is not valid for this gateway.',
      });
    }
    const status = virtualKeyStatus(key, now);
    if (status !== 'active') {
      throw new GatewayError({
        status: 401,
        type: 'authentication_error',
        code: status === 'revoked' ? 'key_revoked' : 'key_expired',
        message: `The API key '${key.id}' is ${status}.`,
      });
    }
    return key;
  }

  private async load(id: string): Promise<VirtualKey> {
    const key = await this.store.get(id);
    if (!key) throw new GatewayError({ status: 404, code: 'key_not_found', message: `No key '${id}'.` });
    return key;
  }

  private async save(key: VirtualKey, previousHash: string): Promise<void> {
    await this.store.update(key, previousHash);
    // This replica sees its own changes at once; others within `keyLookupCacheMs`.
    this.lookups.delete(previousHash);
    this.lookups.delete(key.hash);
  }
}
