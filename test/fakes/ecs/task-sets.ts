import { AwsFault } from '../aws/json-server.js';
import type { Deployment, Service } from './model.js';
import { addEvent, liveTasks, newDeployment, stopTask, type Scheduler } from './rollout.js';

/**
 * The task sets of a service on the CODE_DEPLOY deployment controller, as CodeDeploy drives them during an ECS
 * blue/green deployment (API Reference: CreateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet; CodeDeploy User
 * Guide, "What happens during an Amazon ECS deployment"). CodeDeploy calls these on the user's behalf, so they are
 * an in-process surface for the local CodeDeploy (../codedeploy), not operations of the endpoint: each task set is
 * a deployment of the service whose tasks the scheduler launches, and which listener sends traffic to which task
 * set is set here, for the local load balancer (../elbv2/load-balancer.ts) to follow.
 */

export interface Weight {
  taskDefinition: string;
  weight: number;
}

export interface Routes {
  production: Weight[];
  test: Weight[];
}

export interface TaskSets {
  /** CreateTaskSet: the replacement task set of `taskDefinition`, scaled to the service's desired count. */
  create(cluster: string, service: string, taskDefinition: string): Deployment;
  /** Running and health-check-passing tasks of a task set, and those that stopped on their own (crashed). */
  health(cluster: string, service: string, id: string): { healthy: number; failed: number; wanted: number };
  /** Where the production and the test listener send the service's traffic (undefined: the service's revision). */
  route(cluster: string, service: string, routes: Routes | undefined): void;
  /** UpdateServicePrimaryTaskSet: the task set becomes the service's primary one, its revision the service's. */
  promote(cluster: string, service: string, id: string): void;
  /** DeleteTaskSet: its tasks are stopped and it is gone. */
  remove(cluster: string, service: string, id: string): void;
  /** The routes set for a service, if any. */
  routes(cluster: string, service: string): Routes | undefined;
}

export function taskSets(scheduler: Scheduler, services: Map<string, Service>): TaskSets {
  const routes = new Map<string, Routes>();
  const taskSetIds = (scheduler.taskSets ??= new Set());

  function serviceOf(cluster: string, name: string): Service {
    const service = services.get(`${cluster}/${name}`);
    if (!service) throw new AwsFault('ServiceNotFoundException', 'Service not found.');
    // API Reference, CreateTaskSet: only services on the EXTERNAL or CODE_DEPLOY controller have task sets.
    if (service.deploymentController.type === 'ECS')
      throw new AwsFault(
        'InvalidParameterException',
        'Amazon ECS task sets are only supported for services using the EXTERNAL or CODE_DEPLOY deployment controller.',
      );
    return service;
  }
  function deploymentOf(service: Service, id: string): Deployment {
    const found = service.deployments.find((d) => d.id === id);
    if (!found) throw new AwsFault('TaskSetNotFoundException', 'The specified task set does not exist.');
    return found;
  }

  return {
    create(cluster, name, taskDefinition) {
      const service = serviceOf(cluster, name);
      scheduler.definitions(taskDefinition);
      const deployment = { ...newDeployment(service, taskDefinition, scheduler), status: 'ACTIVE' as const };
      service.deployments.push(deployment);
      taskSetIds.add(deployment.id);
      addEvent(service, `(task set ${deployment.id}) was created for ${taskDefinition}.`);
      return deployment;
    },
    health(cluster, name, id) {
      const service = serviceOf(cluster, name);
      const deployment = deploymentOf(service, id);
      const live = liveTasks(scheduler, deployment);
      const failed = [...scheduler.tasks.values()].filter(
        (t) => t.startedBy === id && t.lastStatus === 'STOPPED' && t.stopCode !== 'ServiceSchedulerInitiated',
      ).length;
      const healthy = live.filter((t) => t.lastStatus === 'RUNNING' && t.healthStatus === 'HEALTHY').length;
      return { healthy, failed, wanted: deployment.desiredCount };
    },
    route(cluster, name, given) {
      serviceOf(cluster, name);
      if (given) routes.set(`${cluster}/${name}`, given);
      else routes.delete(`${cluster}/${name}`);
    },
    routes: (cluster, name) => routes.get(`${cluster}/${name}`),
    promote(cluster, name, id) {
      const service = serviceOf(cluster, name);
      const deployment = deploymentOf(service, id);
      for (const d of service.deployments) d.status = d === deployment ? 'PRIMARY' : 'ACTIVE';
      service.deployments = [deployment, ...service.deployments.filter((d) => d !== deployment)];
      service.taskDefinition = deployment.taskDefinition;
      taskSetIds.delete(id);
    },
    remove(cluster, name, id) {
      const service = serviceOf(cluster, name);
      const deployment = deploymentOf(service, id);
      // API Reference, DeleteTaskSet: the primary task set cannot be deleted.
      if (deployment.status === 'PRIMARY')
        throw new AwsFault('InvalidParameterException', 'Cannot delete the primary task set.');
      deployment.desiredCount = 0;
      for (const task of liveTasks(scheduler, deployment))
        stopTask(task, `Scaling activity initiated by (deployment ${id})`, undefined, scheduler.driver);
      service.deployments = service.deployments.filter((d) => d !== deployment);
      taskSetIds.delete(id);
      addEvent(service, `(task set ${id}) was deleted.`);
    },
  };
}
