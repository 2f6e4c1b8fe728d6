/**
 * Plain-text tables for the operator commands, kubectl style: a header row, columns separated by two
 * spaces, no borders (they survive copy-paste, `grep` and `column -t`). On a terminal the table is
 * fitted to its width by shortening the columns marked `shrink` (with `…`); piped, nothing is cut.
 * Every cell is escaped (control characters shown as \uXXXX): server-supplied text cannot rewrite the
 * terminal.
 */
import { serverText } from '../api-client/server-text.ts';

export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string;
  /** May be shortened to fit the terminal (free text: rule, repositories, names). */
  readonly shrink?: boolean | undefined;
}

/** Narrowest a shrinking column becomes. */
const MIN_SHRUNK = 8;
const GAP = '  ';

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** The rows as a table; `width` (the terminal's columns) fits it, undefined leaves it whole. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], width?: number): string {
  const cells = rows.map((row) => columns.map((column) => serverText(column.cell(row), 1_000)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => row[i]!.length)),
  );
  if (width !== undefined) {
    let excess = widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1) - width;
    // Take from the widest shrinkable column first, one character at a time: the result keeps the
    // columns' proportions without a fitting algorithm.
    while (excess > 0) {
      let widest = -1;
      for (const [i, column] of columns.entries()) {
        if (column.shrink && widths[i]! > MIN_SHRUNK && (widest < 0 || widths[i]! > widths[widest]!))
          widest = i;
      }
      if (widest < 0) break;
      widths[widest]! -= 1;
      excess -= 1;
    }
  }
  const line = (values: readonly string[]) =>
    values
      .map((value, i) =>
        i === values.length - 1 ? cut(value, widths[i]!) : cut(value, widths[i]!).padEnd(widths[i]!),
      )
      .join(GAP)
      .trimEnd();
  return `${[line(columns.map((c) => c.header)), ...cells.map(line)].join('\n')}\n`;
}
