import * as core from '@actions/core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Credentials } from './anchors.js';

/**
 * setup-terraform's `cli_config_credentials_*`: a `credentials` block in the CLI configuration (Terraform CLI
 * configuration, "Credentials"), for HCP Terraform or Terraform Enterprise backends and private registries.
 * The file is TF_CLI_CONFIG_FILE when it names one (kept, the block added), else a file of the runner's temp
 * folder, exported as TF_CLI_CONFIG_FILE so this step's Terraform and every later step of the job read it.
 */
export function writeCliCredentials({ hostname, token }: Credentials): string {
  const configured = process.env.TF_CLI_CONFIG_FILE;
  const file =
    configured && configured !== '/dev/null'
      ? configured
      : join(process.env.RUNNER_TEMP ?? tmpdir(), 'deploy-actions-terraform', 'cli.tfrc');
  mkdirSync(dirname(file), { recursive: true });
  const existing = existsSync(file) ? readFileSync(file, 'utf8').trimEnd() : '';
  const block = `credentials "${hostname}" {\n  token = "${token}"\n}\n`;
  writeFileSync(file, existing ? `${existing}\n\n${block}` : block, { mode: 0o600 });
  core.exportVariable('TF_CLI_CONFIG_FILE', file);
  core.info(
    `Credentials for ${hostname} are in the CLI configuration ${file} (TF_CLI_CONFIG_FILE, for later steps too).`,
  );
  return file;
}
