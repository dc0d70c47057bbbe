import { z } from 'zod';
import { budgetSchema, keyLimitsSchema } from '../config/gateway-config-schema.ts';

export type KeyLimits = z.infer<typeof keyLimitsSchema>;
export type KeyBudget = z.infer<typeof budgetSchema>;

/**
 * A virtual key as stored: the SHA-256 of its secret, never the secret. `id` is the secret's first characters
 * (`sk-sb-` + 8), safe to show in lists, logs and request records.
 */
export type VirtualKey = {
  id: string;
  /** Hex SHA-256 of the whole secret. */
  hash: string;
  name?: string;
  owner?: string;
  team?: string;
  metadata?: Record<string, string>;
  /** ISO 8601 times. */
  createdAt: string;
  updatedAt?: string;
  expiresAt?: string;
  revokedAt?: string;
  rotatedAt?: string;
  /** Glob patterns of the models the key may use; absent: any model. */
  models?: string[];
  limits?: KeyLimits;
  budget?: KeyBudget;
};

/** What the admin API shows: everything but the hash. */
export type VirtualKeyView = Omit<VirtualKey, 'hash'> & { status: 'active' | 'revoked' | 'expired' };

export const virtualKeyPrefix = 'sk-sb-';

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2030-01-31T00:00:00Z' });

/** The settable fields: `POST /admin/keys` takes them, `PATCH /admin/keys/:id` too (`null` clears one). */
export const virtualKeyInputSchema = z
  .object({
    name: z.string().max(200).nullable().optional(),
    owner: z.string().max(200).nullable().optional(),
    team: z.string().max(200).nullable().optional(),
    metadata: z.record(z.string(), z.string()).nullable().optional(),
    expiresAt: isoTime.nullable().optional(),
    models: z.array(z.string().min(1)).nullable().optional(),
    limits: keyLimitsSchema.nullable().optional(),
    budget: budgetSchema.nullable().optional(),
  })
  .strict();

export type VirtualKeyInput = z.infer<typeof virtualKeyInputSchema>;

const settable = ['name', 'owner', 'team', 'metadata', 'expiresAt', 'models', 'limits', 'budget'] as const;

/** The key with the input applied: given fields replace, `null` removes, absent fields stay. */
export function applyVirtualKeyInput(key: VirtualKey, input: VirtualKeyInput): VirtualKey {
  const next: Record<string, unknown> = { ...key };
  for (const field of settable) {
    const value = input[field];
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next as VirtualKey;
}

export function virtualKeyStatus(key: VirtualKey, now: number): VirtualKeyView['status'] {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

export function viewOfVirtualKey(key: VirtualKey, now: number): VirtualKeyView {
  const { hash: _hash, ...rest } = key;
  return { ...rest, status: virtualKeyStatus(key, now) };
}
