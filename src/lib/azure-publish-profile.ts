import { CloudError, InputError } from './errors.js';
import { mask } from './secrets.js';
import type { DockerLog } from './azure-container.js';
import { send } from './probe-http.js';

function parse<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * A publish profile (the portal's "Get publish profile", azure/webapps-deploy's publish-profile): the app's SCM
 * (Kudu) site and its basic-auth publishing credentials. For a container, azure/webapps-deploy posts the image to
 * Kudu's /api/app/update; the docker log is read from Kudu's /api/logs/docker (Kudu REST API).
 */

export interface PublishProfile {
  /** https://<app>.scm.azurewebsites.net (the MSDeploy profile's publishUrl). */
  scm: string;
  /** https://<app>.azurewebsites.net (destinationAppUrl). */
  site: string;
  user: string;
  password: string;
}

const attribute = (element: string, name: string) =>
  new RegExp(`\\s${name}="([^"]*)"`)
    .exec(element)?.[1]
    ?.replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');

/** Reads the MSDeploy (or ZipDeploy) profile of the publish profile XML, masking its password first. */
export function parsePublishProfile(xml: string): PublishProfile {
  const profiles = xml.match(/<publishProfile\s[^>]*>/g) ?? [];
  for (const element of profiles) {
    const password = attribute(element, 'userPWD');
    if (password) mask(password);
  }
  const chosen = profiles.find((p) => /publishMethod="(MSDeploy|ZipDeploy)"/.test(p));
  const [publishUrl, user, password, site] = ['publishUrl', 'userName', 'userPWD', 'destinationAppUrl'].map((name) =>
    chosen ? attribute(chosen, name) : undefined,
  );
  if (!publishUrl || !user || !password || !site) {
    throw new InputError(
      "Input 'publish-profile' is not a publish profile with an MSDeploy entry (publishUrl, userName, userPWD, destinationAppUrl).",
      'Paste the whole file the portal downloads (Get publish profile), from a secret; basic authentication for SCM must be on for the app.',
    );
  }
  const scm = `https://${publishUrl.replace(/^https?:\/\//, '').replace(/:443$/, '')}`;
  return { scm, site: site.replace(/\/$/, ''), user, password };
}

interface KuduAnswer {
  status: number;
  body: string;
}

/** One request to the Kudu site with the profile's basic-auth credentials (one connection each, as the probes). */
async function kudu(profile: PublishProfile, path: string, method = 'GET', headers: Record<string, string> = {}) {
  const auth = `Basic ${Buffer.from(`${profile.user}:${profile.password}`).toString('base64')}`;
  const url = path.startsWith('https://') ? path : `${profile.scm}${path}`;
  let answer: KuduAnswer;
  try {
    answer = await send({ url, method, headers: { ...headers, authorization: auth }, timeoutMs: 60_000 });
  } catch (error) {
    throw new CloudError(`Kudu ${method} ${path} failed: ${(error as Error).message}`, 'NetworkError', undefined, {
      cause: error,
    });
  }
  if (answer.status === 401) {
    throw new CloudError(
      `Kudu (${profile.scm}) refused the publish profile's credentials (HTTP 401).`,
      'Unauthorized',
      'Download the publish profile again (a reset changes the password), and check that SCM basic authentication is on for the app (Configuration > General settings).',
    );
  }
  if (answer.status >= 300) {
    throw new CloudError(
      `Kudu ${method} ${path} failed (HTTP ${answer.status}): ${answer.body.slice(0, 500)}`,
      `HTTP${answer.status}`,
    );
  }
  return answer;
}

/** Sets the image through Kudu, as azure/webapps-deploy does with a publish profile; Kudu restarts the site. */
export async function updateImageByKudu(profile: PublishProfile, image: string): Promise<void> {
  const answer = await kudu(profile, '/api/app/update', 'POST', { LinuxFxVersion: `DOCKER|${image}` });
  const body = parse<{ Error?: string }>(answer.body) ?? {};
  if (body.Error) throw new CloudError(`Kudu did not take the image: ${body.Error}`, 'KuduError');
}

/** The docker log through Kudu: the newest file /api/logs/docker lists. */
export function kuduDockerLog(profile: PublishProfile, app: string, intervalMs: number): DockerLog {
  return {
    app,
    slot: profile.site,
    intervalMs,
    async read() {
      const files =
        parse<{ href: string; lastUpdated: string }[]>((await kudu(profile, '/api/logs/docker')).body) ?? [];
      const newest = files.sort((a, b) => b.lastUpdated.localeCompare(a.lastUpdated))[0];
      return newest ? (await kudu(profile, newest.href)).body : '';
    },
  };
}
