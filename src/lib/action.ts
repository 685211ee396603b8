import * as core from '@actions/core';
import { formatDuration } from './duration.js';
import { describe, failureReason } from './errors.js';
import { scrub } from './secrets.js';
import { code, writeSummary, type StageSummary } from './summary.js';

/**
 * One failure path for every action. A stage fills its report as it goes; `runStage` then sets the outputs,
 * the `failure-reason` output and the job summary itself, from that report, on success and on every failure,
 * in the same shape for every action. The only place that calls `core.setFailed`.
 */

/** A stage's outputs, by the names in its action.yml; undefined leaves an output unset. */
export type Outputs<Name extends string> = Record<Name, string | undefined>;

/** What a stage's summary is made from. */
export interface Finished<Report> {
  report: Report;
  /** Set when the stage failed. */
  error?: unknown;
  durationMs: number;
}

export interface Stage<Report, Name extends string> {
  /** The action's name, the title of its summary. */
  name: string;
  /** The empty report the stage starts with. */
  start(): Report;
  /** Does the stage's work, filling the report; throws when the stage fails. */
  run(report: Report): Promise<void>;
  /** Pure: the outputs the report gives (on failure, those known so far). */
  outputs(report: Report): Outputs<Name>;
  /**
   * Pure: the summary the report gives. On failure runStage sets the outcome, uses the error as headline when
   * this one is empty, and adds the failure reason; it adds the duration to every summary.
   */
  summary(finished: Finished<Report>): Omit<StageSummary, 'stage'>;
}

export async function runStage<Report, Name extends string>(stage: Stage<Report, Name>): Promise<void> {
  const started = Date.now();
  let report: Report | undefined;
  let error: unknown;
  try {
    report = stage.start();
    await stage.run(report);
  } catch (caught) {
    error = caught;
  }
  const finished = { report: report as Report, error, durationMs: Date.now() - started };
  if (report !== undefined) publishOutputs(stage, report);
  if (error !== undefined) core.setOutput('failure-reason', failureReason(error));
  writeSummary(withFooter(stage.name, finishedSummary(stage, finished), finished));
  if (error !== undefined) {
    if (error instanceof Error && error.stack) core.debug(scrub(error.stack));
    core.setFailed(describe(error));
  }
}

/** Outputs leave the runner unmasked (a later step, a caller workflow): every masked value is scrubbed. */
function publishOutputs<Report, Name extends string>(stage: Stage<Report, Name>, report: Report): void {
  let outputs: Outputs<Name>;
  try {
    outputs = stage.outputs(report);
  } catch (error) {
    core.debug(`No outputs: ${describe(error)}`);
    return;
  }
  for (const [name, value] of Object.entries<string | undefined>(outputs)) {
    if (value !== undefined) core.setOutput(name, scrub(value));
  }
}

function finishedSummary<Report, Name extends string>(
  stage: Stage<Report, Name>,
  finished: Finished<Report>,
): Omit<StageSummary, 'stage'> {
  // A report that failed before it was made, or a summary that cannot be drawn, still gets the error.
  if (finished.report !== undefined) {
    try {
      return stage.summary(finished);
    } catch (error) {
      core.debug(`Summary not drawn: ${describe(error)}`);
    }
  }
  return { outcome: 'failure', headline: '', facts: [] };
}

function withFooter<Report>(
  name: string,
  summary: Omit<StageSummary, 'stage'>,
  { error, durationMs }: Finished<Report>,
): StageSummary {
  const failed = error !== undefined;
  return {
    ...summary,
    stage: name,
    outcome: failed ? 'failure' : summary.outcome,
    headline: failed && summary.headline === '' ? describe(error) : summary.headline,
    facts: [
      ...summary.facts,
      ['Failure reason', failed ? code(failureReason(error)) : undefined],
      ['Duration', formatDuration(durationMs)],
    ],
  };
}
