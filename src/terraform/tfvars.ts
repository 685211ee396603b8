import { InputError } from '../lib/errors.js';

/**
 * The `variables` input, in either form users bring: this action's `name=value` lines (the value as it is, like
 * `-var`), or dflook/terraform-plan's variable definitions (`name = "value"`, lists and maps over several lines,
 * heredocs), which Terraform reads as HCL. Each value becomes an HCL expression for a generated .tfvars file, so
 * Terraform itself gives `"v1"` its meaning (the string v1) instead of the quotes staying in the value. (A name the
 * root module does not declare, only a warning in a .tfvars file, is still refused: see phases.ts.)
 */

export interface Variable {
  name: string;
  /** HCL expression source: a quoted string for a plain value, the text as written for an HCL literal. */
  hcl: string;
}

/** Variable names Terraform accepts: a letter or underscore, then letters, digits, underscores, hyphens. */
const variableName = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A plain value as an HCL string: backslash, quote and newlines escaped, `${` and `%{` not templates. */
export function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/\$\{/g, '$$$${')
    .replace(/%\{/g, '%%{');
  return `"${escaped}"`;
}

/** Whether `text` is one complete double-quoted HCL string (an escaped quote does not end it). */
function isQuoted(text: string): boolean {
  if (!text.startsWith('"')) return false;
  let i = 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i === text.length - 1;
}

/** Bracket depth change of one line of HCL, brackets inside strings and comments not counted. */
function depth(line: string): number {
  let change = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '#' || (c === '/' && line[i + 1] === '/')) break;
    else if (c === '[' || c === '{' || c === '(') change++;
    else if (c === ']' || c === '}' || c === ')') change--;
  }
  return change;
}

/** The text before a `#` or `//` comment that follows whitespace outside a string; the text itself when none. */
function withoutComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ((c === '#' || (c === '/' && line[i + 1] === '/')) && /\s/.test(line[i - 1] ?? '')) {
      return line.slice(0, i).trim();
    }
  }
  return line;
}

/** The lines a value opened on `first` spans: to the bracket that closes it, or the heredoc's end marker. */
function valueLines(first: string, rest: string[]): { text: string; used: number } {
  const heredoc = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(first);
  const lines = [first];
  if (heredoc) {
    while (lines.length - 1 < rest.length && rest[lines.length - 1]?.trim() !== heredoc[1]) {
      lines.push(rest[lines.length - 1] ?? '');
    }
    if (lines.length - 1 === rest.length) return { text: first, used: 0 };
    lines.push(rest[lines.length - 1] ?? '');
    return { text: lines.join('\n'), used: lines.length - 1 };
  }
  let open = depth(first);
  if (!/^[[{]/.test(first) || open <= 0) return { text: first, used: 0 };
  while (open > 0 && lines.length - 1 < rest.length) {
    const line = rest[lines.length - 1] ?? '';
    lines.push(line);
    open += depth(line);
  }
  return open > 0 ? { text: first, used: 0 } : { text: lines.join('\n'), used: lines.length - 1 };
}

/**
 * An HCL literal as Terraform would read it in a .tfvars file: a quoted string, a list or map (possibly over
 * several lines), a heredoc. Anything else is this action's plain form, written as a string: numbers and
 * booleans too, which Terraform converts for a number or bool variable, while `1.10` stays "1.10" for a string.
 */
function hclValue(value: string, rest: string[]): { hcl: string; used: number } {
  if (isQuoted(value)) return { hcl: value, used: 0 };
  // `"v1" # the tag`, `3 // replicas`: an HCL literal and a comment, which Terraform drops. A plain value keeps
  // everything (`v1 # x` is the string as written, as -var takes it).
  const literal = withoutComment(value);
  if (literal !== value && (isQuoted(literal) || /^-?\d+(\.\d+)?$|^(true|false)$/.test(literal))) {
    return { hcl: literal, used: 0 };
  }
  if (/^([[{]|<<-?[A-Za-z_])/.test(value)) {
    const spanned = valueLines(value, rest);
    if (spanned.used > 0 || depth(value) === 0) return { hcl: spanned.text, used: spanned.used };
  }
  return { hcl: hclString(value), used: 0 };
}

/** Parses the `variables` input (see the module comment); `input` names it in errors. */
export function parseVariables(input: string, raw: string): Variable[] {
  const lines = raw.split(/\r?\n/);
  const variables: Variable[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) continue;
    const at = line.indexOf('=');
    if (at < 0) throw new InputError(`Input '${input}' line ${i + 1} is not KEY=value: '${line}'.`);
    const name = line.slice(0, at).trim();
    if (!variableName.test(name)) {
      throw new InputError(
        `Input '${input}' has '${name}', which is not a Terraform variable name.`,
        'Use the name declared in a variable block, e.g. image_tag=v1.2.3.',
      );
    }
    const { hcl, used } = hclValue(line.slice(at + 1).trim(), lines.slice(i + 1));
    variables.push({ name, hcl });
    i += used;
  }
  return variables;
}

/** The .tfvars text for the variables, later ones winning as Terraform's later definitions do. */
export function renderTfvars(variables: Variable[]): string {
  const last = new Map(variables.map((variable) => [variable.name, variable.hcl]));
  return [...last].map(([name, hcl]) => `${name} = ${hcl}\n`).join('');
}

/**
 * The `secret-variables` input: `name=value` lines, the value as it is (a secret may hold `"`, `\`, `=` or
 * `#`), or, for a value of several lines (a PEM key), a heredoc as Terraform writes one: `name=<<EOT`, the
 * lines, then `EOT` alone on a line (`<<-EOT` takes the lines' common indentation away). Each value reaches
 * Terraform as TF_VAR_<name>, which Terraform reads as a string for a string variable.
 */
export function parseSecretVariables(input: string, raw: string): Map<string, string> {
  const lines = raw.split(/\r?\n/);
  const values = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    const name = at < 0 ? '' : line.slice(0, at).trim();
    if (!variableName.test(name)) {
      // The line itself may be a secret: only its number is said.
      throw new InputError(
        `Input '${input}' line ${i + 1} is not name=value with a Terraform variable name${name === '' ? '' : ` (got the name '${name}')`}.`,
        'Write one name=value per line (a letter or _, then letters, digits, _ and -), or name=<<EOT ... EOT for a value of several lines.',
      );
    }
    const value = line.slice(at + 1).trim();
    const heredoc = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
    if (!heredoc) {
      values.set(name, value);
      continue;
    }
    const end = lines.findIndex((text, index) => index > i && text.trim() === heredoc[2]);
    if (end < 0) {
      throw new InputError(
        `Input '${input}' line ${i + 1} opens the heredoc ${heredoc[2]} for '${name}', and no line closes it.`,
        `End the value with a line holding only ${heredoc[2]}.`,
      );
    }
    values.set(name, heredocBody(lines.slice(i + 1, end), heredoc[1] === '-'));
    i = end;
  }
  return values;
}

function heredocBody(lines: string[], indented: boolean): string {
  if (!indented) return lines.join('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}
