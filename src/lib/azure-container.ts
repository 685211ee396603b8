import * as core from '@actions/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { azure, isNotFound } from './azure.js';
import type { SlotRef } from './app-service.js';
import { RolloutFailed } from './errors.js';

/**
 * What a slot actually runs, from its docker log (ARM: POST sites/{name}[/slots/{slot}]/containerlogs, the lines
 * App Service on Linux writes as it pulls and starts a container). After a restart the old container keeps serving
 * until the new one has answered its warm-up ping; a new one that exits never takes over. A health answer alone
 * cannot tell them apart when it does not report a version (a digest or `latest` deploy), so the log decides.
 */

export interface ContainerStart {
  container: string;
  state: 'starting' | 'ready' | 'failed';
  /** The log lines about this container (for a failure's message). */
  lines: string[];
}

/** A slot's docker log as some API gives it: ARM's containerlogs, or Kudu's /api/logs/docker (publish profile). */
export interface DockerLog {
  /** The slot, for messages. */
  slot: string;
  app: string;
  intervalMs: number;
  read(): Promise<string>;
}

/** The docker log through ARM. */
export function armDockerLog(ref: SlotRef): DockerLog {
  return { slot: ref.slot, app: ref.app, intervalMs: ref.intervalMs, read: () => readDockerLog(ref) };
}

export async function readDockerLog(ref: SlotRef): Promise<string> {
  const { client, resourceGroup, app, slot } = ref;
  const answer = await azure(`Read the docker log of ${slot === 'production' ? app : `${app}/${slot}`}`, () =>
    slot === 'production'
      ? client.webApps.getWebSiteContainerLogs(resourceGroup, app)
      : client.webApps.getWebSiteContainerLogsSlot(resourceGroup, app, slot),
  );
  const stream = answer.readableStreamBody;
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The containers the log shows started from `image` (by `docker run ... --name <c> ... <image>`), with their state. */
export function containersOf(log: string, image: string): ContainerStart[] {
  const lines = log.split(/\r?\n/);
  const imageToken = new RegExp(`\\s${escape(image)}(\\s|$)`);
  const starts = lines.flatMap((line) => {
    const name = /docker run .*--name (\S+)/.exec(line)?.[1];
    return name && imageToken.test(line) ? [name] : [];
  });
  return starts.map((container) => {
    const about = lines.filter((line) => line.includes(container));
    const failed = about.some((line) => /failing site start|has exited/i.test(line));
    const ready = about.some((line) => /initialized successfully and is ready to serve requests/i.test(line));
    return { container, state: failed ? 'failed' : ready ? 'ready' : 'starting', lines: about };
  });
}

/** The container names in the log now, so the one a restart starts can be told from earlier ones. */
export async function containersBefore(log: DockerLog): Promise<Set<string> | undefined> {
  try {
    const text = await log.read();
    return new Set([...text.matchAll(/--name (\S+)/g)].map((match) => match[1] ?? ''));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    core.warning(`The docker log of ${log.app} cannot be read: what runs is judged by the health answer alone.`);
    return undefined;
  }
}

/**
 * Waits until a container started after `before` from `image` is ready; throws RolloutFailed as soon as the log says
 * one failed to start (with its lines), and gives up quietly when `signal` is aborted.
 */
export async function watchContainer(
  log: DockerLog,
  image: string,
  before: Set<string>,
  signal: AbortSignal,
): Promise<ContainerStart | undefined> {
  while (!signal.aborted) {
    const started = containersOf(await log.read(), image).filter((c) => !before.has(c.container));
    const failed = started.find((c) => c.state === 'failed');
    if (failed) {
      throw new RolloutFailed(
        `The new container of ${log.slot} (${image}) failed to start; the old one still serves. App Service's docker log:\n${failed.lines.join('\n')}`,
        "Look at the container's own output (az webapp log tail, or the Log stream of the slot) for why it exits, and at the port it listens on (WEBSITES_PORT).",
      );
    }
    const ready = started.find((c) => c.state === 'ready');
    if (ready) return ready;
    // Abortable, so a finished wait does not keep the step's process alive for another interval.
    await sleep(Math.max(50, log.intervalMs), undefined, { signal }).catch(() => undefined);
  }
  return undefined;
}
