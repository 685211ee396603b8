import { AwsFault, startJsonServer, type JsonServer } from '../aws/json-server.js';

/**
 * ECR on the AWS JSON 1.1 protocol: GetAuthorizationToken, DescribeRepositories, CreateRepository, with the
 * real exception names. The token is base64 of `AWS:<password>`, as ECR's is; pointed at a local registry
 * whose htpasswd has the user AWS with that password, `docker login` with it really opens the registry.
 */

export interface FakeEcr extends JsonServer {
  repositories: Set<string>;
  /** The password the token carries (what the registry's htpasswd must accept for user AWS). */
  password: string;
}

export const ACCOUNT = '123456789012';

export async function startEcr(options: {
  password: string;
  repositories?: string[];
  region?: string;
}): Promise<FakeEcr> {
  const region = options.region ?? 'us-east-1';
  const repositories = new Set(options.repositories ?? []);
  const arn = (name: string) => `arn:aws:ecr:${region}:${ACCOUNT}:repository/${name}`;
  const repository = (name: string) => ({
    repositoryArn: arn(name),
    registryId: ACCOUNT,
    repositoryName: name,
    repositoryUri: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${name}`,
    createdAt: 1_700_000_000,
    imageTagMutability: 'MUTABLE',
  });
  const server = await startJsonServer('AmazonEC2ContainerRegistry_V20150921', {
    GetAuthorizationToken: (body) => {
      const ids = (body.registryIds as string[] | undefined) ?? [ACCOUNT];
      return {
        authorizationData: ids.map((id) => ({
          authorizationToken: Buffer.from(`AWS:${options.password}`).toString('base64'),
          expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
          proxyEndpoint: `https://${id}.dkr.ecr.${region}.amazonaws.com`,
        })),
      };
    },
    DescribeRepositories: (body) => {
      const names = (body.repositoryNames as string[] | undefined) ?? [...repositories];
      const missing = names.find((name) => !repositories.has(name));
      if (missing) {
        throw new AwsFault(
          'RepositoryNotFoundException',
          `The repository with name '${missing}' does not exist in the registry with id '${ACCOUNT}'`,
        );
      }
      return { repositories: names.map(repository) };
    },
    CreateRepository: (body) => {
      const name = String(body.repositoryName ?? '');
      if (!/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name)) {
        throw new AwsFault(
          'InvalidParameterException',
          `Invalid parameter at 'repositoryName' failed to satisfy constraint`,
        );
      }
      if (repositories.has(name)) {
        throw new AwsFault(
          'RepositoryAlreadyExistsException',
          `The repository with name '${name}' already exists in the registry with id '${ACCOUNT}'`,
        );
      }
      repositories.add(name);
      return { repository: repository(name) };
    },
  });
  return Object.assign(server, { repositories, password: options.password });
}
