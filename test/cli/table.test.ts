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
});
