import { startGitServer } from '../fakes/git/server.js';
import { clone, commitAll, push, resetToRemote } from '../../src/lib/git.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const s = await startGitServer({ tokens: ['tok123'], files: { 'a.yaml': 'x: 1\n' } });
const dir = join(mkdtempSync(join(tmpdir(), 'c-')), 'r');
const repo = await clone({ url: s.url, branch: 'main', token: 'tok123' }, dir);
writeFileSync(join(dir, 'a.yaml'), 'x: 2\n');
console.log(await commitAll(repo, 'set x', { name: 'bot', email: 'b@x' }));
s.beforeNextPush(() => s.commit({ 'b.yaml': 'y\n' }, 'other'));
console.log(await push(repo, 'main'));
console.log(await resetToRemote(repo, 'main'), s.head());
try {
  await clone({ url: s.url, branch: 'main', token: 'bad' }, dir + '2');
} catch (e) {
  console.log(String(e));
}
console.log(s.requests);
await s.close();
