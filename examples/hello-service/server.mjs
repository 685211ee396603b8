// hello-service in Node, for machines without Docker: the same contract as entrypoint.sh and handle.sh
// (PORT, VERSION, BUG=crash with CRASH_EXIT_CODE, BUG=unhealthy; GET /live and GET /health), so the demo
// can run its tasks as local processes.
import { createServer } from 'node:http';

const { PORT = '8080', VERSION = 'dev', BUG = 'none', CRASH_EXIT_CODE = '3' } = process.env;

if (BUG === 'crash') {
  console.error(`hello-service ${VERSION}: cannot start: required setting DATABASE_URL is missing`);
  process.exit(Number(CRASH_EXIT_CODE));
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const respond = (status, body) =>
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(body));
  if (req.method === 'GET' && path === '/live') return respond(200, { status: 'alive' });
  if (req.method === 'GET' && path === '/health') {
    return BUG === 'unhealthy'
      ? respond(503, { status: 'unhealthy', version: VERSION, error: 'database migration 042 is missing' })
      : respond(200, { status: 'healthy', version: VERSION });
  }
  return respond(404, { error: 'not found' });
});

server.listen(Number(PORT), () => console.log(`hello-service ${VERSION} listening on port ${PORT}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
