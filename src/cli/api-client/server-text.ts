/**
 * Text the server sent (error messages, reasons) is printed into CI logs: control characters are
 * escaped so it cannot rewrite the terminal or forge log lines, and it is shortened.
 */
const MAX_SERVER_TEXT = 500;

export function serverText(text: string, max = MAX_SERVER_TEXT): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return ' ';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
