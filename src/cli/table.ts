import stringWidth from 'string-width';

/** A column of a human table: its heading and how to read a cell from a row. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | undefined | null;
  /** Right-align (numbers). */
  right?: boolean;
}

/**
 * Formats rows as a plain-text table: a heading line, then one line per row, columns separated by two
 * spaces and padded to the widest cell; empty cells show `-`; no trailing spaces. Newlines inside a cell
 * become spaces so one row is always one line (greppable). Widths are terminal columns (string-width): a Chinese
 * character or an emoji takes two, a combining accent none, so columns line up whatever the names' language.
 */
export function formatTable<T>(columns: Column<T>[], rows: T[]): string {
  const cell = (v: string | number | undefined | null) =>
    v === undefined || v === null || v === '' ? '-' : String(v).replace(/\s*[\r\n]+\s*/g, ' ');
  const grid = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => cell(c.value(r))))];
  const widths = columns.map((_, i) => Math.max(...grid.map((line) => stringWidth(line[i]))));
  return grid
    .map((line) =>
      line
        .map((text, i) => {
          const pad = ' '.repeat(widths[i] - stringWidth(text));
          return columns[i].right ? pad + text : i === line.length - 1 ? text : text + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
