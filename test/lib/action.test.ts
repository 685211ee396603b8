import { describe, expect, it } from 'vitest';
import { runStage, type Stage } from '../../src/lib/action.js';
import { CloudError, InputError } from '../../src/lib/errors.js';
import { mask } from '../../src/lib/secrets.js';
import { runInProcess } from '../helpers/in-process.js';

interface Report {
  image?: string;
  secret?: string;
}

/** A stage as small as one can be: it fills the report, then does what the scenario asks. */
function stage(body: (report: Report) => Promise<void>, summaryFails = false): Stage<Report, 'image' | 'note'> {
  return {
    name: 'example',
    start: () => ({}),
    run: body,
    outputs: (report) => ({ image: report.image, note: report.secret }),
    summary: ({ report }) => {
      if (summaryFails) throw new Error('cannot draw');
      return {
        outcome: 'success',
        headline: report.image ? `Deployed ${report.image}.` : '',
        facts: [['Image', report.image]],
      };
    },
  };
}

/** Runs the stage in this process as the runner would, and reads back what it wrote. */
const runWith = (body: (report: Report) => Promise<void>, summaryFails = false) =>
  runInProcess(() => runStage(stage(body, summaryFails)), {});

describe('runStage: one failure path', () => {
  it('on success sets the outputs and writes the summary with its duration, and no failure-reason', async () => {
    const step = await runWith(async (report) => {
      report.image = 'web:1.0.0';
    });
    expect(step.failed).toBe(false);
    expect(step.outputs).toEqual({ image: 'web:1.0.0' });
    expect(step.summary).toContain('### example: ✅ Succeeded');
    expect(step.summary).toContain('Deployed web:1.0.0.');
    expect(step.summary).toMatch(/\| Duration \| \d+ ms \|/);
    expect(step.summary).not.toContain('Failure reason');
  });

  it('on a failure after the stage started, keeps what the report knew and names the error and its reason', async () => {
    const step = await runWith(async (report) => {
      report.image = 'web:1.0.1';
      throw new CloudError('UpdateService was refused: AccessDenied.', 'AccessDenied', 'Allow ecs:UpdateService.');
    });
    expect(step.failed).toBe(true);
    expect(step.outputs).toEqual({ image: 'web:1.0.1', 'failure-reason': 'cloud-error' });
    expect(step.summary).toContain('### example: ❌ Failed');
    expect(step.summary).toContain('Deployed web:1.0.1.');
    expect(step.summary).toContain('| Failure reason | <code>cloud-error</code> |');
    expect(step.log).toContain('::error::UpdateService was refused: AccessDenied.');
  });

  it('uses the error as headline when the report has none, and still writes a summary when drawing it fails', async () => {
    const invalid = await runWith(async () => {
      throw new InputError("Input 'image' is required.");
    });
    expect(invalid.summary).toContain("Input 'image' is required.");
    expect(invalid.outputs['failure-reason']).toBe('invalid-input');

    const broken = await runWith(async () => {
      throw new Error('boom');
    }, true);
    expect(broken.summary).toContain('### example: ❌ Failed');
    expect(broken.summary).toContain('boom');
    expect(broken.outputs['failure-reason']).toBe('unexpected');
  });

  it('scrubs masked values from outputs and summary, which the runner does not mask', async () => {
    const step = await runWith(async (report) => {
      mask('s3cr3t"value');
      report.secret = 'token=s3cr3t"value';
      report.image = JSON.stringify({ password: 's3cr3t"value' });
    });
    expect(step.outputs.note).toBe('token=***');
    expect(step.outputs.image).toBe('{"password":"***"}');
    expect(step.summary).not.toContain('s3cr3t');
  });
});
