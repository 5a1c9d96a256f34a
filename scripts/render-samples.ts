/**
 * Renders the sample report, agenda and minutes in every format to a folder, for a person to look at.
 * Usage: npx ts-node --transpile-only scripts/render-samples.ts [out-dir] [projects]
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  buildAgendaModel,
  buildMinutesModel,
  buildReportModel,
  renderDocument,
  documentFormats,
  type DocumentModel,
} from '../src/documents';
import { sampleAgendaInput, sampleMinutesInput, sampleReportInput } from '../src/documents/samples';

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? 'data/samples');
  const n = Number(process.argv[3] ?? 8);
  fs.mkdirSync(out, { recursive: true });
  const models: DocumentModel[] = [
    buildReportModel(sampleReportInput(n)),
    buildAgendaModel(sampleAgendaInput(n)),
    buildMinutesModel(sampleMinutesInput(n)),
  ];
  for (const model of models) {
    for (const format of documentFormats) {
      const started = Date.now();
      const bytes = await renderDocument(model, format);
      const file = path.join(out, `${model.kind}.${format}`);
      fs.writeFileSync(file, bytes);
      console.log(`${file}  ${bytes.length} bytes  ${Date.now() - started} ms`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
