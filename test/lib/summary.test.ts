import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/lib/summary.js';

describe('renderSummary', () => {
  it('puts the outcome first, leaves out empty facts and escapes table cells', () => {
    const markdown = renderSummary({
      stage: 'deploy-ecs',
      outcome: 'failure',
      headline: 'Tasks kept stopping.',
      facts: [
        ['Service', 'web'],
        ['URL', undefined],
        ['Reason', 'a | b\nc'],
      ],
      details: [{ title: 'Events <latest>', body: 'line <1>', preformatted: true }],
    });
    expect(markdown.split('\n')[0]).toBe('### deploy-ecs: ❌ Failed');
    expect(markdown).toContain('| Service | web |');
    expect(markdown).not.toContain('URL');
    expect(markdown).toContain('| Reason | a \\| b<br>c |');
    expect(markdown).toContain('<summary>Events &lt;latest&gt;</summary>');
    expect(markdown).toContain('<pre>line &lt;1&gt;</pre>');
  });
});
