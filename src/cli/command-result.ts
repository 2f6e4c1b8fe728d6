/**
 * Holds the exit code an action decided on (commander actions cannot return one). Its own module so
 * that command files need not import program.ts, which imports every command file.
 */
export interface CommandResult {
  exitCode: number;
}
