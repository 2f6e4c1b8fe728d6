/**
 * Go's text/tabwriter with the settings `skopeo inspect --format` writes through
 * (`tabwriter.NewWriter(os.Stdout, 8, 2, 2, ' ', 0)`: minwidth 8, padding 2, spaces): tab-terminated
 * cells are aligned in column blocks of adjacent lines, each column as wide as its widest cell plus
 * the padding. A port of the block algorithm of tabwriter.Writer.format.
 *
 * One deliberate difference: skopeo 1.9 never flushes the writer, so output whose last line holds a
 * tab is lost there; here everything is written.
 */

const MIN_WIDTH = 8;
const PADDING = 2;

export function goTabwrite(text: string): string {
  if (!text.includes('\t')) return text;
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];
  const width = (s: string) => [...s].length;

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let line = '';
      cells.forEach((cell, j) => {
        line += cell;
        if (j < cells.length - 1 && j < widths.length)
          line += ' '.repeat(Math.max(0, widths[j]! - width(cell)));
      });
      out.push(line);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let current = line0; current < line1; current++) {
      if (column >= lines[current]!.length - 1) continue;
      writeLines(start, current);
      start = current;
      let w = MIN_WIDTH;
      for (; current < line1; current++) {
        const cells = lines[current]!;
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column]!) + PADDING);
      }
      widths.push(w);
      format(start, current);
      widths.pop();
      start = current;
      current--;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
