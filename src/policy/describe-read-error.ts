/** Why a policy or key file could not be read, in words (never its content). */
export function describeReadError(err: unknown): string {
  if (err instanceof TypeError) return 'not valid UTF-8';
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'file does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'EFBIG':
      return 'too large; is it the right file?';
    default:
      return (err as NodeJS.ErrnoException).code ?? 'cannot be read';
  }
}
