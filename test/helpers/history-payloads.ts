/** Reads the payloads of a raw Temporal history (as the server stores it), to check what is readable there. */
import type { temporal } from '@temporalio/proto';

/** One payload found in a history, with where it was (a path of field names) and its encoding. */
export interface FoundPayload {
  path: string;
  encoding: string;
  keyId?: string;
  payload: temporal.api.common.v1.IPayload;
}

const isPayload = (v: unknown): v is temporal.api.common.v1.IPayload =>
  typeof v === 'object' &&
  v !== null &&
  'metadata' in v &&
  'data' in v &&
  (v as { data: unknown }).data instanceof Uint8Array;

/** Every payload of the history, anywhere in its events (inputs, results, update arguments, summaries, search attributes...). */
export function payloadsOf(history: temporal.api.history.v1.IHistory): FoundPayload[] {
  const found: FoundPayload[] = [];
  const visit = (value: unknown, path: string): void => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    if (isPayload(value)) {
      const meta = value.metadata ?? {};
      const text = (k: string) => (meta[k] ? Buffer.from(meta[k]).toString('utf8') : undefined);
      found.push({ path, encoding: text('encoding') ?? '', keyId: text('encryption-key-id'), payload: value });
      return;
    }
    for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
  };
  (history.events ?? []).forEach((e, i) => visit(e, `events[${i}]`));
  return found;
}

/** True for payloads Temporal keeps readable by design: search attributes (ids and states, indexed by the server). */
export const isSearchAttribute = (p: FoundPayload): boolean => /searchAttributes\.indexedFields/.test(p.path);
