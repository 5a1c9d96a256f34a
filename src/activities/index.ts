/**
 * createActivities: every activity the workflows call (src/activities/types.ts), built from the real
 * store, mail transport and document archive. The worker registers exactly this object.
 */
import { nextQuarter, parseQuarter, quarterStartDate } from '../domain';
import {
  createNotificationActivities,
  createNotifier,
  createTransport,
  storeDirectory,
  type MailTransport,
} from '../notifications';
import { linkPlaceholder, materialiseOwnerLinks } from '../store/owner-links';
import type { Store } from '../store';
import { loadLinkSecret } from '../store/secrets';
import { createStoreDocumentActivities } from './documents';
import { createRecordActivities } from './records';
import type { Activities } from './types';

/** What the activities are built from. */
export interface ActivityDeps {
  store: Store;
  dataDir: string;
  publicUrl: string;
  mailFrom: string;
  /** SMTP when set; otherwise messages stay in the local outbox (the mailbox page shows them). */
  smtpUrl?: string;
  /** Derives the owner links' tokens; default: LINK_SECRET's fallback file in `dataDir` (see loadLinkSecret). */
  linkSecret?: string;
  /** Overrides the transport (tests, benchmarks). */
  transport?: MailTransport;
}

/**
 * An owner link lives until its cycle closes (the close expires it); as a safety net it never outlives
 * the end of the following quarter.
 */
function linkSafetyExpiry(quarter: string): string {
  parseQuarter(quarter);
  return `${quarterStartDate(nextQuarter(nextQuarter(quarter)))}T00:00:00Z`;
}

/** The activities of the service, wired to their dependencies. */
export function createActivities(deps: ActivityDeps): Activities {
  const { store } = deps;
  const linkSecret = deps.linkSecret ?? loadLinkSecret(deps.dataDir);
  const notifier = createNotifier({
    outbox: store.outbox,
    transport: deps.transport ?? createTransport({ SMTP_URL: deps.smtpUrl }),
    directory: storeDirectory(store, deps.dataDir),
    publicUrl: deps.publicUrl,
    mailFrom: deps.mailFrom,
    // The outbox stores only a placeholder; the token is derived from the secret when the email leaves.
    issueOwnerLink: async (input) =>
      linkPlaceholder(
        (
          await store.ownerLinks.issueDerived({
            ...input,
            expiresAt: linkSafetyExpiry(input.quarter),
            secret: linkSecret,
          })
        ).linkId,
      ),
    materialiseLinks: (text) => materialiseOwnerLinks(text, linkSecret),
  });
  const records = createRecordActivities(store);
  return {
    ...records,
    async recordCyclePhase(input) {
      await records.recordCyclePhase(input);
      // Owner links are bound to their cycle: closing it makes every personal link of the quarter stop working.
      if (input.phase === 'closed') await store.ownerLinks.expireForCycle(input.mechanismId, input.quarter, input.at);
    },
    async recordUpdateState(input) {
      await records.recordUpdateState(input);
      // A waived update needs no link any more, and a reassigned one only its new owner's: every other link of the
      // update stops working now, whichever way the command came (API, pages, CLI, Temporal UI).
      if (input.state === 'waived')
        await store.ownerLinks.revokeForUpdate(input.mechanismId, input.quarter, input.projectId);
      else if (input.ownerId)
        await store.ownerLinks.revokeForUpdate(input.mechanismId, input.quarter, input.projectId, {
          except: input.ownerId,
        });
    },
    ...createNotificationActivities(notifier),
    ...createStoreDocumentActivities(store, deps.dataDir),
  };
}
