/**
 * The domain's zod schemas the update validators and handlers use, loaded on first use. The SDK gives every
 * workflow its own instance of each module it imports, and building the schemas (zod included) was the largest
 * part of a new workflow's first task and of its memory in the cache (docs/benchmarks.md). Most workflows never
 * validate anything: a project update that is chased until it is missing, or a cycle before its session, so
 * they never pay for it.
 */
import type { SessionPlan, SessionRecord } from '../domain/session';
import type { Submission } from '../domain/submission';
import type { isoDate, isoInstant } from '../domain/text';

interface Schemas {
  Submission: typeof Submission;
  SessionPlan: typeof SessionPlan;
  SessionRecord: typeof SessionRecord;
  isoDate: typeof isoDate;
  isoInstant: typeof isoInstant;
}

let loaded: Schemas | undefined;

/** The schemas, built the first time a workflow asks for them. */
export function schemas(): Schemas {
  // A require() inside a function is what makes the bundler defer these modules (and zod) until this call.
  /* eslint-disable @typescript-eslint/no-require-imports */
  loaded ??= {
    ...(require('../domain/submission') as { Submission: typeof Submission }),
    ...(require('../domain/session') as { SessionPlan: typeof SessionPlan; SessionRecord: typeof SessionRecord }),
    ...(require('../domain/text') as { isoDate: typeof isoDate; isoInstant: typeof isoInstant }),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}
