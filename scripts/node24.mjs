#!/usr/bin/env node
// Finds a Node 24 binary, the runtime action.yml declares (`runs.using: node24`), for the bundle tests,
// the benchmark and the demo. When the current node is older, Node 24 is installed from the npm registry
// (the per-platform `node-<os>-<arch>` package) into .cache/node24 once. Prints the path when run directly.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function node24() {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const prefix = join(root, '.cache', 'node24');
  const binary = join(prefix, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, 'package.json'), '{"private":true}\n');
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${pkg}@24`], {
      cwd: prefix,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(node24());
