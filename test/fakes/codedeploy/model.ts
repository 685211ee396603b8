import type { EcsAppSpec, EcsEvent } from './appspec.js';

/** The local CodeDeploy's state, with the API Reference's field names (GetApplication, GetDeploymentGroup, ...). */

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const epoch = (ms = Date.now()) => ms / 1000;

export interface Application {
  applicationId: string;
  applicationName: string;
  createTime: number;
  linkedToGitHub: boolean;
  computePlatform: 'ECS' | 'Server' | 'Lambda';
}

export interface DeploymentGroup {
  applicationName: string;
  deploymentGroupId: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  serviceRoleArn: string;
  computePlatform: 'ECS';
  deploymentStyle: { deploymentType: 'BLUE_GREEN'; deploymentOption: 'WITH_TRAFFIC_CONTROL' };
  blueGreenDeploymentConfiguration: {
    deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT'; waitTimeInMinutes: number };
    terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE'; terminationWaitTimeInMinutes: number };
  };
  autoRollbackConfiguration: { enabled: boolean; events: string[] };
  ecsServices: { serviceName: string; clusterName: string }[];
  loadBalancerInfo: {
    targetGroupPairInfoList: {
      targetGroups: { name: string }[];
      prodTrafficRoute: { listenerArns: string[] };
      testTrafficRoute?: { listenerArns: string[] };
    }[];
  };
}

export interface LifecycleEvent {
  lifecycleEventName: EcsEvent;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown';
  startTime?: number;
  endTime?: number;
  diagnostics?: { errorCode: string; scriptName: string; message: string; logTail: string };
}

export type DeploymentStatus = 'Created' | 'Queued' | 'InProgress' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped';

/** One deployment and what the engine (lifecycle.ts) keeps to move it on. */
export interface Deployment {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  description?: string;
  revision: unknown;
  appSpec: EcsAppSpec;
  status: DeploymentStatus;
  createTime: number;
  startTime?: number;
  completeTime?: number;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: { rollbackMessage: string };
  events: LifecycleEvent[];
  /** Index in `events` of the event under way. */
  current: number;
  /** When the event under way (or the ready / termination wait) began, ms since epoch. */
  since: number;
  /** The hook execution awaited, with its answer once given. */
  hook?: { executionId: string; answer?: 'Succeeded' | 'Failed' };
  /** Every hook execution of the deployment, so a late second answer is told the event completed. */
  executions: string[];
  /** The ready wait: waiting since, until ContinueDeployment(READY_WAIT) or its timeout. */
  ready?: { since: number; continued: boolean };
  /** The wait before the original task set is terminated, after AfterAllowTraffic. */
  terminating?: number;
  /** The replacement (green) task set, once created, and the original's task definition. */
  green?: string;
  blue: { taskDefinition: string; id: string };
  /** Production traffic (%) on the replacement, for canary and linear configurations. */
  shifted: number;
  cluster: string;
  service: string;
  serviceArn: string;
}
