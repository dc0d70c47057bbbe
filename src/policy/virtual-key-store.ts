import type { CounterStore } from '../state/counter-store.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import type { VirtualKey } from './virtual-key.ts';

/** Long enough to be "forever" for the index counter, small enough for every backend's expiry arithmetic. */
const foreverMs = 50 * 365 * 24 * 3_600_000;

/**
 * Virtual keys over the narrow state interfaces:
 * - `vkey:id:<id>` → the key record (JSON, hash only);
 * - `vkey:hash:<sha256>` → the id, for authentication;
 * - `vkey:slot:<n>` → the id of the n-th key created. The key/value interface has no listing, so creation takes a
 *   slot number from an atomic counter (`vkey:count`): concurrent creations on any replica never lose an entry.
 */
export class VirtualKeyStore {
  constructor(
    private readonly keyValue: KeyValueStore,
    private readonly counters: CounterStore,
  ) {}

  async create(key: VirtualKey): Promise<void> {
    await this.keyValue.set(`vkey:id:${key.id}`, JSON.stringify(key));
    await this.keyValue.set(`vkey:hash:${key.hash}`, key.id);
    const slot = await this.counters.add('vkey:count', 1, foreverMs);
    await this.keyValue.set(`vkey:slot:${slot}`, key.id);
  }

  async get(id: string): Promise<VirtualKey | undefined> {
    const text = await this.keyValue.get(`vkey:id:${id}`);
    return text === undefined ? undefined : (JSON.parse(text) as VirtualKey);
  }

  async findByHash(hash: string): Promise<VirtualKey | undefined> {
    const id = await this.keyValue.get(`vkey:hash:${hash}`);
    if (id === undefined) return undefined;
    const key = await this.get(id);
    // A stale mapping (the key was rotated on another replica between the two reads) authenticates nothing.
    return key?.hash === hash ? key : undefined;
  }

  /** Every key, oldest first. */
  async list(): Promise<VirtualKey[]> {
    const count = await this.counters.get('vkey:count');
    const slots = Array.from({ length: count }, (_, index) => index + 1);
    const ids = await Promise.all(slots.map((slot) => this.keyValue.get(`vkey:slot:${slot}`)));
    const unique = [...new Set(ids.filter((id): id is string => id !== undefined))];
    const keys = await Promise.all(unique.map((id) => this.get(id)));
    return keys.filter((key): key is VirtualKey => key !== undefined);
  }

  /** Saves a changed record; a new hash (rotation) replaces the old lookup entry, so the old secret stops working. */
  async update(key: VirtualKey, previousHash: string): Promise<void> {
    if (key.hash !== previousHash) await this.keyValue.set(`vkey:hash:${key.hash}`, key.id);
    await this.keyValue.set(`vkey:id:${key.id}`, JSON.stringify(key));
    if (key.hash !== previousHash) await this.keyValue.delete(`vkey:hash:${previousHash}`);
  }
}
