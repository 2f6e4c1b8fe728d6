/**
 * BootstrapOutput → one multi-document YAML stream: header comment, `---`-separated documents each with
 * its comment, then the footer comment. Comments are YAML comments, so the whole output can be piped
 * into `oc apply -f -` as is. Values are rendered by the yaml library (never by string concatenation),
 * so a host like `[::1]:5000` or a tag regex is quoted exactly when YAML needs it.
 */
import { Document } from 'yaml';
import type { BootstrapOutput } from './manifest.ts';

function commentBlock(lines: readonly string[]): string {
  return lines.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
}

export function renderYaml(output: BootstrapOutput): string {
  const documents = output.manifests.map(({ comment, object }) => {
    const doc = new Document(object);
    // Comment lines must not break out of the comment: generated text never has newlines, but be sure.
    if (comment.some((line) => line.includes('\n'))) throw new Error('comment lines must be single lines');
    const body = doc.toString({ lineWidth: 0 });
    return comment.length === 0 ? body : `${commentBlock(comment)}\n${body}`;
  });
  const parts = [`${commentBlock(output.header)}\n`, ...documents.map((d) => `---\n${d}`)];
  if (output.footer.length > 0) parts.push(`\n${commentBlock(output.footer)}\n`);
  return parts.join('');
}
