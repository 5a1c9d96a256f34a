import type { OutboxMessage } from '../store/outbox';
import type { Directory } from './directory';
import { parseMailFrom } from './message-id';
import { composeRaw, type OutgoingEmail } from './transport';

/**
 * The raw `.eml` of an outbox row, byte-for-byte what the SMTP transport sends (same headers, parts,
 * calendar and attachments), for the mailbox page in the embedded mode where nothing leaves the machine.
 */
export async function rawMessageOf(row: OutboxMessage, mailFrom: string, directory: Directory): Promise<Buffer> {
  const from = parseMailFrom(mailFrom);
  const mechanism = await directory.mechanism(row.mechanismId);
  const attachments = [];
  for (const a of row.attachments) {
    const doc = directory.document ? await directory.document(a.documentId) : undefined;
    if (doc) attachments.push({ filename: a.filename, contentType: a.contentType, content: await doc.read() });
  }
  return composeRaw(
    emailOfRow(
      row,
      { name: from.name ?? `${mechanism?.name ?? row.mechanismId} secretariat`, address: from.address },
      attachments,
    ),
  );
}

/** The email an outbox row stands for: the one mapping both the sender and the mailbox page use, so they cannot drift. */
export function emailOfRow(
  row: OutboxMessage,
  from: OutgoingEmail['from'],
  attachments: OutgoingEmail['attachments'],
): OutgoingEmail {
  return {
    from,
    to: { name: row.toName, address: row.toAddress },
    subject: row.subject,
    text: row.text,
    html: row.html,
    messageId: row.messageId,
    ics: row.ics && row.icsMethod ? { method: row.icsMethod, content: row.ics } : undefined,
    attachments,
    language: row.language,
  };
}
