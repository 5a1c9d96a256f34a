import { z } from 'zod';
import { esc } from '../../src/api/pages/html';
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

describe('the one HTML escaper (escapeHtml) of the pages, the emails and the documents', () => {
  test('escapes every character that could open markup or close a quoted attribute, and nothing else', () => {
    expect(escapeHtml(`<a href="x" title='y'>\`&</a> 道路 é`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&#96;&amp;&lt;/a&gt; 道路 é',
    );
  });

  test('is the same function for pages, emails and documents', () => {
    expect(esc('<b>')).toBe(escapeHtml('<b>'));
    expect(notificationsEscape).toBe(escapeHtml);
    expect(documentsEscape).toBe(escapeHtml);
  });
});
