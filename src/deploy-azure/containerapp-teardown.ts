import type { Finished, Outputs, Stage } from '../lib/action.js';
import { code, type StageSummary } from '../lib/summary.js';
import { readContainerAppTeardownInputs } from './containerapp-inputs.js';

/**
 * deploy-azure `target: containerapp` with `mode: teardown`: a pull request preview removed from the app when the
 * pull request closes. The label (pr-<number>) leaves the app's traffic and the revision it named is deactivated,
 * unless it takes traffic or another label names it. Idempotent: a label already gone is a success that says so. The
 * work is in containerapp-remove.ts, imported after the inputs are validated.
 */

export interface ContainerAppTeardownReport {
  app: string;
  label: string;
  appUrl?: string;
  /** The revision the label named; undefined when the label was not on the app. */
  revision?: string;
  /** removed: the label was taken off now; absent: it was not on the app. */
  outcome?: 'removed' | 'absent';
  deactivated?: boolean;
  /** Why the revision was left active (its traffic, another label), or that it already was inactive. */
  kept?: string;
}

export type ContainerAppTeardownOutput = 'revision' | 'changed' | 'app-url';

export const containerAppTeardownStage: Stage<ContainerAppTeardownReport, ContainerAppTeardownOutput> = {
  name: 'deploy-azure',
  start: () => ({ app: '', label: '' }),
  async run(report) {
    const inputs = readContainerAppTeardownInputs();
    Object.assign(report, { app: inputs.app, label: inputs.label });
    const { removeLabel } = await import('./containerapp-remove.js');
    await removeLabel(inputs, report);
  },
  outputs: (report) => teardownOutputs(report),
  summary: summariseTeardown,
};

export function teardownOutputs(report: ContainerAppTeardownReport): Outputs<ContainerAppTeardownOutput> {
  return {
    revision: report.revision,
    changed: report.outcome === undefined ? undefined : String(report.outcome === 'removed'),
    'app-url': report.appUrl,
  };
}

function summariseTeardown({ report, error }: Finished<ContainerAppTeardownReport>): Omit<StageSummary, 'stage'> {
  const { app, label, revision } = report;
  const left = report.deactivated
    ? `${code(revision ?? '')} deactivated`
    : report.kept && `${code(revision ?? '')} left active: ${report.kept}`;
  const headline =
    error !== undefined
      ? ''
      : report.outcome === 'absent'
        ? `Label ${code(label)} is not on ${code(app)}: nothing to remove.`
        : `Label ${code(label)} removed from ${code(app)}${left ? `; ${left}` : ''}.`;
  return {
    outcome: error !== undefined ? 'failure' : report.outcome === 'absent' ? 'unchanged' : 'success',
    headline,
    facts: [
      ['App', `${code(app)} ${report.appUrl ?? ''}`],
      ['Label', code(label)],
      ['Revision', revision && code(revision)],
      ['Revision now', left || undefined],
    ],
  };
}
