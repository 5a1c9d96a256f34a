/**
 * The failure converter of every client and worker (through `projectDataConverter`, and bundled into the workflows
 * by `FAILURE_CONVERTER_PATH`): a failure's message and stack trace travel as an encoded payload instead of plain
 * text, so the payload codec encrypts them too. Failures carry what payloads carry elsewhere: an SMTP reply quoting
 * an address, a refusal naming a project, a stack trace with data in it. Their type, and whether they may be retried,
 * stay readable (Temporal acts on them). Failures written before this converter stay readable and decode as before.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
