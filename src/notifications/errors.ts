/**
 * How a failed SMTP attempt is treated. The rule (PRODUCT.md section 6):
 * - transient (4xx replies, connection refused/reset/timed out, lost after DATA, authentication
 *   problems of our own relay): the activity throws and Temporal retries it with back-off; the row
 *   keeps its rendering and Message-ID, so a retry sends the same message;
 * - permanent (5xx for the recipient, an address the server or our schema rejects): that recipient is
 *   undeliverable, never retried, the secretariat is told, and the cycle goes on.
 */
export type FailureClass = 'transient' | 'permanent';

/** A classified failure of one delivery attempt. */
export interface DeliveryFailure {
  failure: FailureClass;
  /** Short text for the outbox row and the secretariat's notice; never contains credentials. */
  message: string;
  /** The SMTP reply code when the server gave one. */
  responseCode?: number;
  response?: string;
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
  command?: string;
}

/** Classifies a nodemailer/SMTP error. Authentication failures count as transient: they are the operator's to fix, not the recipient's fault. */
export function classifySmtpError(err: unknown): DeliveryFailure {
  const e = (err ?? {}) as NodemailerError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const text = (e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.code === 'ETLS' || e.code === 'ECONFIG') {
    return {
      failure: 'transient',
      message: `mail server configuration: ${text}`,
      responseCode: code,
      response: e.response,
    };
  }
  if (code !== undefined && code >= 500 && code < 600) {
    return { failure: 'permanent', message: text, responseCode: code, response: e.response };
  }
  return { failure: 'transient', message: text || e.code || 'unknown error', responseCode: code, response: e.response };
}

/**
 * Thrown by the notifier when at least one recipient hit a transient failure: the activity lets it
 * propagate so Temporal retries with back-off. Recipients already sent are not sent again.
 */
export class TransientDeliveryError extends Error {
  constructor(readonly failures: { recipientId: string; message: string }[]) {
    super(
      `transient delivery failure for ${failures.length} recipient(s): ${failures.map((f) => `${f.recipientId}: ${f.message}`).join('; ')}`,
    );
    this.name = 'TransientDeliveryError';
  }
}

/** Thrown when no recipient of a step can be written to at all (every one permanent); the activity turns it into a non-retryable `Undeliverable` failure. */
export class UndeliverableError extends Error {
  constructor(
    readonly recipientIds: string[],
    readonly messageIds: string[],
  ) {
    super(`undeliverable to every recipient: ${recipientIds.join(', ')}`);
    this.name = 'UndeliverableError';
  }
}
