/**
 * `skopeo inspect --format` (skopeo 1.9 cmd/skopeo/inspect.go with containers/common pkg/report):
 * a format that is `json` or `{{json .}}` prints the usual JSON; any other is normalised — the
 * two-character sequences `\n` and `\t` become a newline and a tab (before parsing, so also inside
 * quoted strings), a `table ` prefix is dropped and its spaces become tabs, a newline is appended
 * unless the format ends with one — then run as `{{range . }}FORMAT{{end}}` over a one-element list
 * holding the data (so `$` is that list), with no functions beyond text/template's own, and written
 * through a tabwriter.
 */
import { execGoTemplate } from './exec-go-template.ts';
import { goTabwrite } from './go-tabwriter.ts';
import type { GoValue } from './go-values.ts';
import { parseGoTemplate } from './parse-go-template.ts';

/** containers/common report.IsJSON. */
export function isJsonFormat(format: string): boolean {
  return /^\s*(json|{{\s*json\s*(\.)?\s*}})\s*$/.test(format);
}

/** containers/common report.NormalizeFormat. */
export function normalizeFormat(format: string): string {
  const f = format.startsWith('table ')
    ? format.replace(/table |\\t| |\\n/g, (m) => (m === 'table ' ? '' : m === '\\n' ? '\n' : '\t'))
    : format.replace(/\\t|\\n/g, (m) => (m === '\\n' ? '\n' : '\t'));
  return f.endsWith('\n') ? f : `${f}\n`;
}

/**
 * Parse `--format FORMAT` (not a JSON format: see isJsonFormat) into the function printing what
 * skopeo prints for it over `data`. Throws BadUsageError for a template that cannot run.
 */
export function compileSkopeoFormat(format: string): (data: GoValue) => string {
  const nodes = parseGoTemplate(`{{range . }}${normalizeFormat(format)}{{end}}`);
  return (data) => goTabwrite(execGoTemplate(nodes, [data]));
}
