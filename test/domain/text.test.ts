import { z } from 'zod';
import { page } from '../../src/api/pages/layout';
import { buildReportModel, renderHtml } from '../../src/documents';
import { sampleReportInput } from '../../src/documents/samples';
import { layout } from '../../src/notifications/templates/layout';
import { escapeHtml as documentsEscape } from '../../src/documents/text';
import { escapeHtml, multiLine } from '../../src/domain';
import { escapeHtml as notificationsEscape } from '../../src/notifications/escape';

describe('a free text that may span lines (multiLine)', () => {
  test('keeps what the person typed with Windows or old Mac line breaks as plain lines, without surrounding spaces', () => {
    expect(multiLine().parse('  Bridge piers cast\r\nEarthworks late\rRains \n')).toBe(
      'Bridge piers cast\nEarthworks late\nRains',
    );
  });

  test('refuses control characters and text over its limit', () => {
    expect(multiLine().safeParse('bell\u0007').success).toBe(false);
    expect(multiLine(5).safeParse('123456').success).toBe(false);
  });

  test('can describe an answer of the API: the stored text is sent as it is and documented as a string', () => {
    // The API sends answers with z.safeEncode and documents them as output JSON Schema (fastify-type-provider-zod).
    const answer = z.object({ achievements: multiLine(100) });
    expect(z.safeEncode(answer, { achievements: 'Bridge piers cast\nEarthworks late' })).toEqual({
      success: true,
      data: { achievements: 'Bridge piers cast\nEarthworks late' },
    });
    expect(z.toJSONSchema(answer, { io: 'output', target: 'openapi-3.0' }).properties).toEqual({
      achievements: expect.objectContaining({ type: 'string', maxLength: 100 }),
    });
  });
});

describe('the one HTML escaper (escapeHtml) for XML, and the one HTML renderer for pages, emails and documents', () => {
  test('escapes every character that could open markup or close a quoted attribute, and nothing else', () => {
    expect(escapeHtml(`<a href="x" title='y'>\`&</a> 道路 é`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&#96;&amp;&lt;/a&gt; 道路 é',
    );
  });

  test('is the same function for the emails and the documents (SVG and DOCX XML)', () => {
    expect(notificationsEscape).toBe(escapeHtml);
    expect(documentsEscape).toBe(escapeHtml);
  });

  test('a page, an email and the report web view write the same hostile text the same way, never as markup', () => {
    const hostile = '<script>alert(1)</script> & "x"';
    const escaped = '&lt;script>alert(1)&lt;/script> &amp; &quot;x&quot;';
    const input = sampleReportInput(1);
    input.projects[0].project = { ...input.projects[0].project, title: hostile };
    const outputs = [
      page('t', hostile),
      layout({ subject: 's', greeting: hostile, blocks: [], signOff: 'r' }, 'en').html,
      renderHtml(buildReportModel(input)),
    ];
    for (const out of outputs) {
      expect(out).toContain(escaped);
      expect(out).not.toContain('<script>');
    }
  });
});
