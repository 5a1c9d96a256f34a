/** What every route plugin receives: the store, the running cycles and the clock. */
import type { Config } from '../config';
import type { Store } from '../store';
import type { CycleGateway } from './cycle-gateway';

/** Dependencies of the route plugins (a subset of AppDeps, always present). */
export interface RouteDeps {
  config: Config;
  store: Store;
  cycles: CycleGateway;
  /** Now, injectable so tests can pin it. */
  now: () => Date;
  /** Secret that signs the session cookie. */
  sessionSecret: string;
  /** Derives owner-link tokens (the local mailbox page shows working links to admins). */
  linkSecret: string;
}
