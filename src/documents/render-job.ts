/** The rendering process's entry point (see render-process.ts): renders each format and sends the bytes back. */
import { renderDocument } from './render';
import type { RenderJob } from './render-process';

process.once('message', (job: RenderJob) => {
  void (async () => {
    try {
      const files: Uint8Array[] = [];
      for (const format of job.formats) files.push(await renderDocument(job.model, format));
      process.send!({ files }, () => process.disconnect());
    } catch (err) {
      process.send!({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () =>
        process.disconnect(),
      );
    }
  })();
});
