import { describe, expect, it, vi } from 'vitest';
import { completedChanges } from '../../src/terraform/cli.js';
import { warnNoEffect } from '../../src/terraform/effects.js';
import { goQuoted, terraformForms } from '../../src/terraform/masking.js';
import { parseSecretVariables } from '../../src/terraform/tfvars.js';

describe('the forms Terraform prints a secret in', () => {
  it('quotes as Go does: printable non-ASCII kept, control and non-printing characters escaped', () => {
    expect(goQuoted('a"b\\c')).toBe('a\\"b\\\\c');
    expect(goQuoted('café\u200b\u00a0\x01\t😀')).toBe('café\\u200b\\u00a0\\x01\\t😀');
    expect(goQuoted('\u{e0001}')).toBe('\\U000e0001');
  });

  it("adds Go's JSON escapes of <, > and & (show -json, output -json)", () => {
    expect(terraformForms('a<b>&c')).toContain('a\\u003cb\\u003e\\u0026c');
    expect(terraformForms('plain-value')).toEqual([]);
  });
});

describe('secret-variables', () => {
  it('takes name=value lines as they are, and heredocs for values of several lines', () => {
    const parsed = parseSecretVariables(
      'secret-variables',
      'db_password=p"w\\=x # not a comment\nkey=<<EOT\nline one\n  line two\nEOT\nindented=<<-END\n    a\n      b\n    END',
    );
    expect([...parsed]).toEqual([
      ['db_password', 'p"w\\=x # not a comment'],
      ['key', 'line one\n  line two'],
      ['indented', 'a\n  b'],
    ]);
  });

  it('names the line of a malformed entry, never its value', () => {
    expect(() => parseSecretVariables('secret-variables', 'ok=1\nsecret-without-name')).toThrow(
      "Input 'secret-variables' line 2 is not name=value",
    );
    expect(() => parseSecretVariables('secret-variables', 'bad name=hunter2')).not.toThrow(/hunter2/);
  });
});

describe('what a failed apply had done', () => {
  it('lists the finished changes, then those started and not finished', () => {
    const stdout = [
      'terraform_data.a: Creating...',
      'terraform_data.a: Creation complete after 0s [id=1]',
      'terraform_data.old: Destroying... [id=2]',
      'terraform_data.old: Destruction complete after 0s',
      'terraform_data.b: Modifying... [id=3]',
    ].join('\n');
    expect(completedChanges(stdout)).toEqual([
      { address: 'terraform_data.a', action: 'created' },
      { address: 'terraform_data.old', action: 'destroyed' },
      { address: 'terraform_data.b', action: 'change-unfinished' },
    ]);
  });
});

describe('inputs without effect', () => {
  it('are named in a warning with the commands that read them', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const given = new Set(['target', 'plan-hash', 'workspace']);
    expect(warnNoEffect('output', (name) => given.has(name))).toEqual(['plan-hash', 'target']);
    expect(warnNoEffect('apply', (name) => given.has(name))).toEqual([]);
    expect(warnNoEffect('setup', (name) => given.has(name))).toEqual(['plan-hash', 'target', 'workspace']);
    const printed = write.mock.calls.map(([chunk]) => String(chunk)).join('');
    write.mockRestore();
    expect(printed).toContain(
      "::warning::Input 'target' has no effect with command 'output': only plan, apply, destroy read it.",
    );
  });
});
