/**
 * Finds the `ferry …` command lines in the shell scripts of CI examples and turns each into the argv
 * the shell would pass: backslash-newline continuations, single and double quotes, backslash escapes,
 * `$VAR` / `${VAR}` / `${VAR:-default}` expansion, comments, and the operators that end a command
 * (`;` `&&` `||` `|` `&` newline). Enough for CI scripts; anything beyond it (command substitution,
 * positional parameters) inside a ferry command is reported as a problem, never guessed.
 *
 * Expansions the CI system performs textually before the shell runs (GitHub's `${{ … }}`, Tekton's
 * `$(params.…)`) are the caller's job.
 */

/** The value of a shell variable, or undefined if the example never defines it. */
export type Vars = (name: string) => string | undefined;

export interface FerryCommand {
  /** The arguments after `ferry`, as the shell would pass them. */
  readonly argv: string[];
  /** Variables the command line expands. */
  readonly variables: string[];
  /** Why the line cannot be checked (unknown variables, unsupported syntax). */
  readonly problems: string[];
  /** 1-based line of the script the command starts on. */
  readonly line: number;
}

interface Word {
  text: string;
  variables: string[];
  problems: string[];
}

/** Every command whose program is `ferry` (or a path ending in /ferry), after `exec`/`time`/`X=y`. */
export function ferryCommands(script: string, vars: Vars): FerryCommand[] {
  return simpleCommands(script, vars).flatMap(({ words, line }) => {
    let i = 0;
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.text)) i++;
    while (i < words.length && ['exec', 'time', 'command'].includes(words[i]!.text)) i++;
    const program = words[i]?.text;
    if (program === undefined || !(program === 'ferry' || program.endsWith('/ferry'))) return [];
    const rest = words.slice(i + 1);
    return [
      {
        argv: rest.map((w) => w.text),
        variables: rest.flatMap((w) => w.variables),
        problems: rest.flatMap((w) => w.problems),
        line,
      },
    ];
  });
}

function simpleCommands(script: string, vars: Vars): { words: Word[]; line: number }[] {
  const commands: { words: Word[]; line: number }[] = [];
  let words: Word[] = [];
  let word: Word | undefined;
  let line = 1;
  let commandLine = 1;
  let i = 0;
  const startWord = (): Word => {
    if (word === undefined) {
      if (words.length === 0) commandLine = line;
      word = { text: '', variables: [], problems: [] };
    }
    return word;
  };
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push({ words, line: commandLine });
    words = [];
  };
  const expand = (target: Word): void => {
    // At a `$`: reads the expansion at i and appends its value.
    const rest = script.slice(i + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/.exec(rest);
    const plain = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (braced !== null) {
      const name = braced[1]!;
      const value = vars(name) ?? braced[2];
      target.variables.push(name);
      if (value === undefined) target.problems.push(`$${name} is not defined in the example`);
      target.text += value ?? '';
      i += 1 + braced[0].length;
    } else if (plain !== null) {
      const name = plain[0];
      const value = vars(name);
      target.variables.push(name);
      if (value === undefined) target.problems.push(`$${name} is not defined in the example`);
      target.text += value ?? '';
      i += 1 + name.length;
    } else if (rest.startsWith('(') || rest.startsWith('{') || /^[0-9@*#?$!-]/.test(rest)) {
      target.problems.push(`unsupported expansion $${rest.slice(0, 8)}…`);
      target.text += '$';
      i += 1;
    } else {
      target.text += '$';
      i += 1;
    }
  };

  while (i < script.length) {
    const c = script[i]!;
    if (c === '\\' && script[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    if (c === '\n') {
      line++;
      endCommand();
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
    } else if (c === '#' && word === undefined) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      endCommand();
      i += script[i + 1] === c ? 2 : 1;
    } else if ((c === '>' || c === '<') && word === undefined) {
      // A redirection and its target are not arguments.
      i += script[i + 1] === c ? 2 : 1;
      while (script[i] === ' ') i++;
      while (i < script.length && !/[\s;&|]/.test(script[i]!)) i++;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end === -1) throw new Error(`line ${line}: unterminated single quote`);
      const text = script.slice(i + 1, end);
      line += text.split('\n').length - 1;
      startWord().text += text;
      i = end + 1;
    } else if (c === '"') {
      const target = startWord();
      i++;
      while (i < script.length && script[i] !== '"') {
        const d = script[i]!;
        if (d === '\\' && '$`"\\\n'.includes(script[i + 1] ?? '')) {
          if (script[i + 1] !== '\n') target.text += script[i + 1];
          else line++;
          i += 2;
        } else if (d === '$') {
          expand(target);
        } else if (d === '`') {
          target.problems.push('unsupported command substitution `…`');
          i++;
        } else {
          if (d === '\n') line++;
          target.text += d;
          i++;
        }
      }
      if (i >= script.length) throw new Error(`line ${line}: unterminated double quote`);
      i++;
    } else if (c === '\\') {
      startWord().text += script[i + 1] ?? '';
      i += 2;
    } else if (c === '$') {
      expand(startWord());
    } else if (c === '`') {
      startWord().problems.push('unsupported command substitution `…`');
      i++;
    } else {
      startWord().text += c;
      i++;
    }
  }
  endCommand();
  return commands;
}
