import { InputError } from '../lib/errors.js';
import { oneOf, optional, text } from '../lib/inputs.js';
import { mask } from '../lib/secrets.js';

export const states = ['in_progress', 'success', 'failure', 'inactive'] as const;
export type PreviewState = (typeof states)[number];

export interface PreviewInputs {
  state: PreviewState;
  /** Undefined: pr-<number>. */
  environment?: string;
  environmentUrl?: string;
  ref?: string;
  description?: string;
  token: string;
}

export function readInputs(): PreviewInputs {
  const state = oneOf('state', states, 'in_progress');
  const environmentUrl = optional('environment-url');
  if (environmentUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(environmentUrl))
    throw new InputError(
      `Input 'environment-url' must be an http(s) URL, got '${environmentUrl}'.`,
      'Pass the preview address, e.g. https://pr-42.preview.example.com.',
    );
  const environment = optional('environment');
  if (environment !== undefined && !/^[\w.-]{1,255}$/.test(environment))
    throw new InputError(
      `Input 'environment' must be a GitHub environment name (letters, digits, . _ -), got '${environment}'.`,
    );
  const token = optional('github-token');
  if (!token)
    throw new InputError("Input 'github-token' is empty.", 'Pass github-token: ${{ github.token }} (the default).');
  mask(token);
  return {
    state,
    environment,
    environmentUrl,
    ref: optional('ref'),
    description: text('description'),
    token,
  };
}
