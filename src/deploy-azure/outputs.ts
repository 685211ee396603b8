import type { Outputs } from '../lib/action.js';
import type { AzureReport } from './report.js';

export type DeployAzureOutput =
  | 'webapp-url'
  | 'production-url'
  | 'slot-url'
  | 'previous-image'
  | 'image'
  | 'swapped'
  | 'changed'
  | 'rolled-back'
  | 'end-state';

/** deploy-azure's outputs: on failure, what is known so far (previous-image is what rollback needs). */
export function outputs(report: AzureReport): Outputs<DeployAzureOutput> {
  return {
    'webapp-url': report.webappUrl,
    'production-url': report.productionUrl,
    'slot-url': report.slotUrl,
    'previous-image': report.previousImage,
    image: report.image || undefined,
    swapped: String(report.swapped),
    changed: String(report.changed),
    'rolled-back': String(report.rolledBack),
    'end-state': report.endState,
  };
}
