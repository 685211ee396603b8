import { cell } from '../lib/summary.js';
import type { PreviewState } from './inputs.js';

/** What the sticky comment shows; one comment per pull request and environment, edited on every push. */
export interface PreviewView {
  environment: string;
  state: PreviewState;
  url?: string;
  sha: string;
  runUrl?: string;
  at: Date;
  merged?: boolean;
}

const headline: Record<PreviewState, string> = {
  in_progress: '⏳ Deploying',
  success: '✅ Ready',
  failure: '❌ Failed',
  inactive: '⏹️ Torn down',
};

export function commentMarker(environment: string): string {
  return `deploy-actions/preview ${environment}`;
}

function explain(view: PreviewView): string {
  switch (view.state) {
    case 'in_progress':
      return `Deploying commit \`${view.sha.slice(0, 7)}\`; this comment is updated when it is ready.`;
    case 'success':
      return `The preview runs commit \`${view.sha.slice(0, 7)}\`${view.url ? ` at ${view.url}` : ''}.`;
    case 'failure':
      return `Deploying commit \`${view.sha.slice(0, 7)}\` failed: see the workflow run. Push a fix to try again.`;
    case 'inactive':
      return `The pull request was ${view.merged ? 'merged' : 'closed'}: the preview was deleted and its deployment marked inactive.`;
  }
}

/** The comment's Markdown; pure, so tests read exactly what reviewers see. */
export function renderComment(view: PreviewView): string {
  const rows: [string, string | undefined][] = [
    ['URL', view.url && view.state !== 'inactive' ? view.url : view.url ? `~~${view.url}~~` : undefined],
    ['Commit', `\`${view.sha}\``],
    ['Status', headline[view.state]],
    ['Updated', `${view.at.toISOString().replace('T', ' ').slice(0, 16)} UTC`],
    ['Run', view.runUrl],
  ];
  return [
    `### Preview \`${view.environment}\`: ${headline[view.state]}`,
    '',
    explain(view),
    '',
    '| | |',
    '|---|---|',
    ...rows.filter((r): r is [string, string] => !!r[1]).map(([label, value]) => `| ${label} | ${cell(value)} |`),
  ].join('\n');
}
