import { ACCOUNT, epoch, type Application, type Deployment, type DeploymentGroup } from './model.js';

/**
 * What the local CodeDeploy answers about its resources (API Reference: DeploymentInfo, DeploymentTarget /
 * ECSTarget, DeploymentGroupInfo), and the ECS application and blue/green group a test seeds, as the ECS console
 * creates them (AppECS-<cluster>-<service>, DgpECS-<cluster>-<service>).
 */

export interface EcsGroupOptions {
  cluster?: string;
  service: string;
  application?: string;
  group?: string;
  /** STOP_DEPLOYMENT: wait in Ready for ContinueDeployment up to waitMinutes; default CONTINUE_DEPLOYMENT. */
  ready?: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT'; waitMinutes: number };
  terminationWaitMinutes?: number;
  autoRollback?: boolean;
  deploymentConfigName?: string;
  prodListenerArn?: string;
  testListenerArn?: string;
  targetGroups?: [string, string];
}

export function ecsGroup(o: EcsGroupOptions): { application: Application; group: DeploymentGroup } {
  const cluster = o.cluster ?? 'default';
  const appName = o.application ?? `AppECS-${cluster}-${o.service}`;
  const application: Application = {
    applicationId: crypto.randomUUID(),
    applicationName: appName,
    createTime: epoch(),
    linkedToGitHub: false,
    computePlatform: 'ECS',
  };
  const g: DeploymentGroup = {
    applicationName: appName,
    deploymentGroupId: crypto.randomUUID(),
    deploymentGroupName: o.group ?? `DgpECS-${cluster}-${o.service}`,
    deploymentConfigName: o.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce',
    serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsCodeDeployRole`,
    computePlatform: 'ECS',
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    blueGreenDeploymentConfiguration: {
      deploymentReadyOption: {
        actionOnTimeout: o.ready?.actionOnTimeout ?? 'CONTINUE_DEPLOYMENT',
        waitTimeInMinutes: o.ready?.waitMinutes ?? 0,
      },
      terminateBlueInstancesOnDeploymentSuccess: {
        action: 'TERMINATE',
        terminationWaitTimeInMinutes: o.terminationWaitMinutes ?? 0,
      },
    },
    autoRollbackConfiguration: {
      enabled: o.autoRollback ?? true,
      events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'],
    },
    ecsServices: [{ serviceName: o.service, clusterName: cluster }],
    loadBalancerInfo: {
      targetGroupPairInfoList: [
        {
          targetGroups: (o.targetGroups ?? [`${o.service}-blue`, `${o.service}-green`]).map((name) => ({ name })),
          prodTrafficRoute: { listenerArns: o.prodListenerArn ? [o.prodListenerArn] : [] },
          ...(o.testListenerArn ? { testTrafficRoute: { listenerArns: [o.testListenerArn] } } : {}),
        },
      ],
    },
  };
  return { application, group: g };
}

export function deploymentInfo(d: Deployment, g: DeploymentGroup) {
  const targetStatus =
    d.status === 'Created' || d.status === 'Queued' ? 'Pending' : d.status === 'Stopped' ? 'Failed' : d.status;
  const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  overview[targetStatus as keyof typeof overview] = 1;
  const {
    appSpec: _appSpec,
    events: _events,
    current: _c,
    since: _s,
    hook: _h,
    executions: _x,
    ready: _r,
    terminating,
    green: _g,
    blue: _b,
    shifted: _sh,
    cluster: _cl,
    service: _sv,
    serviceArn: _sa,
    ...visible
  } = d;
  return {
    ...visible,
    creator: 'user',
    computePlatform: 'ECS',
    deploymentOverview: overview,
    deploymentStyle: g.deploymentStyle,
    blueGreenDeploymentConfiguration: g.blueGreenDeploymentConfiguration,
    loadBalancerInfo: g.loadBalancerInfo,
    autoRollbackConfiguration: g.autoRollbackConfiguration,
    instanceTerminationWaitTimeStarted: terminating !== undefined,
    deploymentStatusMessages: [],
  };
}

export function ecsTarget(d: Deployment) {
  const status =
    d.status === 'Created' || d.status === 'Queued' ? 'Pending' : d.status === 'Stopped' ? 'Failed' : d.status;
  return {
    deploymentTargetType: 'ECSTarget',
    ecsTarget: {
      deploymentId: d.deploymentId,
      targetId: `${d.cluster}:${d.service}`,
      targetArn: d.serviceArn,
      lastUpdatedAt: epoch(),
      lifecycleEvents: d.events.map((e) => ({ ...e })),
      status,
    },
  };
}
