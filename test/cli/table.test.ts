import { formatTable } from '../../src/cli/table';

describe('human tables', () => {
  test('columns line up, numbers align right, empty cells show a dash and a line break never splits a row', () => {
    const rows = [
      { id: 'mpiti-road', n: 7, note: 'first\nsecond' },
      { id: 'x', n: 12, note: undefined },
    ];
    const text = formatTable(
      [
        { header: 'PROJECT', value: (r: (typeof rows)[number]) => r.id },
        { header: 'N', value: (r) => r.n, right: true },
        { header: 'NOTE', value: (r) => r.note },
      ],
      rows,
    );
    expect(text.split('\n')).toEqual(['PROJECT      N  NOTE', 'mpiti-road   7  first second', 'x           12  -']);
  });

  test('Chinese names take two columns each and a combining accent none, so the columns after them still line up', () => {
    const rows = [
      { id: 'mpiti-road', title: '莫塞公路', owner: '道路局局长' },
      { id: 'maseru-hospital', title: 'Maseru District hospital', owner: 'Head of Health Infrastructure' },
      { id: 'accent', title: 'Cafe\u0301', owner: undefined },
    ];
    const text = formatTable(
      [
        { header: 'TITLE', value: (r: (typeof rows)[number]) => r.title },
        { header: 'OWNER', value: (r) => r.owner },
        { header: 'ID', value: (r) => r.id },
      ],
      rows,
    );
    expect(text.split('\n')).toEqual([
      'TITLE                     OWNER                          ID',
      '莫塞公路                  道路局局长                     mpiti-road',
      'Maseru District hospital  Head of Health Infrastructure  maseru-hospital',
      'Cafe\u0301                      -                              accent',
    ]);
  });
});
