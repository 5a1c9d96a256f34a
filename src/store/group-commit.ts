import type { Kysely } from 'kysely';

/**
 * Runs one write inside the transaction it is given (the group commit decides which); it must not itself wait for the
 * group commit, which would wait for the batch it is part of.
 */
export type GroupedWrite<DB, T> = (trx: Kysely<DB>) => Promise<T>;

interface Pending<DB> {
  write: GroupedWrite<DB, unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

const batchers = new WeakMap<object, unknown>();

/**
 * Group commit: the writes handed in during one turn of the event loop are committed together, in one transaction,
 * instead of one commit each (on SQLite every commit appends each page it touched to the WAL, the shared index pages
 * once per write; on PostgreSQL each is a round trip and a WAL flush). Each caller's promise settles only when its own
 * write is committed, so the guarantees of a single write hold. When the batch fails, each of its writes is run again
 * alone, so a write that fails (a row PostgreSQL refuses) fails only its own caller and the others still commit; a
 * database that is down fails every caller. Writes must therefore be safe to run twice, for the rare commit whose
 * outcome was lost with the connection. One batcher per database handle, shared by every repository built on it.
 */
export function groupCommit<DB>(db: Kysely<DB>): <T>(write: GroupedWrite<DB, T>) => Promise<T> {
  const known = batchers.get(db);
  if (known) return known as <T>(write: GroupedWrite<DB, T>) => Promise<T>;
  let queue: Pending<DB>[] = [];
  let committing = false;
  const alone = (p: Pending<DB>) => db.transaction().execute(p.write).then(p.resolve, p.reject);
  async function commit(): Promise<void> {
    const batch = queue;
    queue = [];
    committing = true;
    try {
      if (batch.length === 1) await alone(batch[0]);
      else {
        const results = await db
          .transaction()
          .execute(async (trx) => {
            const out: unknown[] = [];
            for (const p of batch) out.push(await p.write(trx));
            return out;
          })
          .catch(() => undefined);
        if (results) batch.forEach((p, i) => p.resolve(results[i]));
        else for (const p of batch) await alone(p);
      }
    } finally {
      committing = false;
      // Writes that came in while this batch committed form the next one.
      if (queue.length > 0) setImmediate(() => void commit());
    }
  }
  const write = <T>(fn: GroupedWrite<DB, T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ write: fn, resolve: resolve as (value: unknown) => void, reject });
      if (queue.length === 1 && !committing) setImmediate(() => void commit());
    });
  batchers.set(db, write);
  return write;
}
