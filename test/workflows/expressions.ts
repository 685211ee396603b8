import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';

/**
 * GitHub's own expression engine (@actions/expressions, what the workflow parser uses) evaluating the
 * workflows' `${{ }}` and `if:` in a chosen situation, so tests read conditions the way the runner does.
 */

/** The job status a step's `if:` sees: GitHub's status functions. */
export interface JobStatus {
  /** Some earlier step failed (and was not continue-on-error). */
  failed: boolean;
  /** The run was cancelled. */
  cancelled: boolean;
}

const contextNames = ['github', 'inputs', 'vars', 'secrets', 'steps', 'needs', 'job', 'env', 'runner', 'matrix'];

/**
 * A context whose every property is known: an unset one reads as the marker `<prefix>.<name>` (e.g.
 * `vars.AWS_BUILD_ROLE_ARN`), so an expression's result names what it chose.
 */
class Markers extends data.Dictionary {
  constructor(private readonly prefix: string) {
    super();
  }
  override get(key: string): data.ExpressionData {
    return super.get(key) ?? new data.StringData(`${this.prefix}.${key}`);
  }
}

function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

function statusFunctions({ failed, cancelled }: JobStatus) {
  const fn = (name: string, value: boolean) => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value),
  });
  return new Map([
    ['success', fn('success', !failed && !cancelled)],
    ['failure', fn('failure', failed && !cancelled)],
    ['cancelled', fn('cancelled', cancelled)],
    ['always', fn('always', true)],
  ]);
}

/**
 * The contexts an expression sees; a context given as a string is all markers with that prefix. Contexts not
 * given are markers of their own name.
 */
export type Contexts = Record<string, unknown>;

function context(contexts: Contexts): data.Dictionary {
  const dictionary = new data.Dictionary();
  for (const name of contextNames) {
    const given = contexts[name];
    if (given === undefined) dictionary.add(name, new Markers(name));
    else if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
      const markers = new Markers(name);
      for (const [key, value] of Object.entries(given)) markers.add(key, toData(value));
      dictionary.add(name, markers);
    } else dictionary.add(name, toData(given));
  }
  return dictionary;
}

const running: JobStatus = { failed: false, cancelled: false };

function evaluateData(expression: string, contexts: Contexts, status: JobStatus): data.ExpressionData {
  const functions = statusFunctions(status);
  const lexed = new Lexer(expression).lex();
  const parsed = new Parser(lexed.tokens, contextNames, [...functions.values()]).parse();
  return new Evaluator(parsed, context(contexts), functions).evaluate();
}

/** An expression's value as text (what a `with:` input receives). */
export function evaluate(expression: string, contexts: Contexts, status: JobStatus = running): string {
  return evaluateData(expression, contexts, status).coerceString();
}

/** A value with `${{ }}` parts, as the runner renders it; a value without any is itself. */
export function render(value: unknown, contexts: Contexts): string {
  return String(value ?? '').replace(/\$\{\{(.*?)\}\}/gs, (_, expression: string) => evaluate(expression, contexts));
}

/**
 * Whether a step's or job's `if:` lets it run: with no status function in it, GitHub adds `success() &&`
 * (Workflow syntax, jobs.<job_id>.steps[*].if).
 */
export function runs(condition: unknown, contexts: Contexts, status: JobStatus): boolean {
  if (condition === undefined || condition === null) return !status.failed && !status.cancelled;
  let expression = String(condition).trim();
  const wrapped = /^\$\{\{(.*)\}\}$/s.exec(expression);
  if (wrapped) expression = wrapped[1]!;
  if (!/\b(success|failure|cancelled|always)\(\)/.test(expression)) expression = `success() && (${expression})`;
  return truthy(evaluateData(expression, contexts, status));
}
