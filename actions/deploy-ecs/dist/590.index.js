export const id = 590;
export const ids = [590];
export const modules = {

/***/ 3590:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 20 modules
var core = __webpack_require__(3218);
// EXTERNAL MODULE: ./src/lib/arn.ts
var lib_arn = __webpack_require__(1500);
// EXTERNAL MODULE: ./src/lib/aws.ts
var aws = __webpack_require__(2986);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var dist_cjs = __webpack_require__(212);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(7268);
// EXTERNAL MODULE: ./src/lib/poll.ts
var poll = __webpack_require__(3962);
// EXTERNAL MODULE: ./src/lib/ecs-assess.ts
var ecs_assess = __webpack_require__(4757);
;// CONCATENATED MODULE: ./src/lib/ecs-rollout.ts







/** A stopped task as the summaries and errors describe it. */
function toStopped(task) {
    return {
        taskId: (0,lib_arn/* shortArn */.k$)(task.taskArn ?? ''),
        stoppedReason: task.stoppedReason,
        stopCode: task.stopCode,
        containers: (task.containers ?? []).map((c) => ({ name: c.name ?? '?', exitCode: c.exitCode, reason: c.reason })),
    };
}
function formatEvent(event) {
    const time = event.createdAt ? event.createdAt.toISOString().slice(11, 19) : '--:--:--';
    return `${time} ${event.message ?? ''}`;
}
/** The stopped tasks of a deployment, newest first (ECS keeps them listed for about an hour). */
async function stoppedTasks(client, cluster, deploymentId, known) {
    const listed = await (0,aws/* aws */.o2)('ecs:ListTasks', () => client.send(new dist_cjs/* ListTasksCommand */.MYg({ cluster, startedBy: deploymentId, desiredStatus: 'STOPPED', maxResults: 100 })));
    const fresh = (listed.taskArns ?? []).filter((arn) => !known.has(arn));
    if (fresh.length === 0)
        return [];
    const described = await (0,aws/* aws */.o2)('ecs:DescribeTasks', () => client.send(new dist_cjs/* DescribeTasksCommand */.z8X({ cluster, tasks: fresh })));
    for (const arn of fresh)
        known.add(arn);
    return (described.tasks ?? []).filter((t) => t.lastStatus === 'STOPPED').map(toStopped);
}
async function describeService(client, cluster, service) {
    const answer = await (0,aws/* aws */.o2)('ecs:DescribeServices', () => client.send(new dist_cjs.DescribeServicesCommand({ cluster, services: [service] })));
    const found = answer.services?.[0];
    if (!found) {
        const reason = answer.failures?.[0]?.reason ?? 'MISSING';
        throw new errors/* CloudError */.K2(`Service '${service}' was not found in cluster '${cluster}' (${reason}).`, 'ServiceNotFoundException', 'Check the service name and the cluster, or give the create-service inputs to create it.');
    }
    return found;
}
async function watchRollout(client, options) {
    const result = { outcome: 'timeout', events: [], stoppedTasks: [], polls: 0 };
    const knownTasks = new Set();
    let failedSeen = 0;
    const polled = await (0,poll/* poll */.w)(async () => {
        result.polls++;
        const service = await describeService(client, options.cluster, options.service);
        result.service = service;
        const fresh = (service.events ?? []).filter((e) => e.id && !options.seenEventIds.has(e.id)).reverse();
        for (const event of fresh) {
            options.seenEventIds.add(event.id);
            result.events.push(formatEvent(event));
            options.log(`event: ${formatEvent(event)}`);
        }
        const assessment = (0,ecs_assess/* assess */.no)(service, options.target);
        const deployment = assessment.deployment;
        if (deployment?.id && (deployment.failedTasks ?? 0) > failedSeen) {
            failedSeen = deployment.failedTasks ?? 0;
            const stopped = await stoppedTasks(client, options.cluster, deployment.id, knownTasks);
            for (const task of stopped)
                options.log(`stopped: ${(0,ecs_assess/* describeStoppedTask */.us)(task)}`);
            result.stoppedTasks.push(...stopped);
        }
        if (assessment.state === 'in-progress') {
            const d = assessment.deployment;
            options.log(`rollout ${d.rolloutState ?? 'in progress'}: ${d.runningCount ?? 0}/${d.desiredCount ?? 0} running, ${d.pendingCount ?? 0} pending, ${d.failedTasks ?? 0} failed`);
            return undefined;
        }
        return assessment;
    }, { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs });
    if (polled.outcome === 'done') {
        result.assessment = polled.value;
        result.outcome = polled.value.state === 'completed' ? 'completed' : 'failed';
    }
    // A failure or a timeout is explained by the tasks that stopped, even those not seen while polling.
    const deploymentId = result.assessment?.deployment?.id ?? options.target.deploymentId;
    if (result.outcome !== 'completed' && deploymentId) {
        result.stoppedTasks.push(...(await stoppedTasks(client, options.cluster, deploymentId, knownTasks).catch(() => [])));
    }
    return result;
}

// EXTERNAL MODULE: ./src/deploy-ecs/taskdef.ts + 18 modules
var taskdef = __webpack_require__(6929);
;// CONCATENATED MODULE: ./src/deploy-ecs/revisions.ts




async function describeTaskDefinition(client, reference) {
    const answer = await (0,aws/* aws */.o2)(`ecs:DescribeTaskDefinition (${reference})`, () => client.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: reference })));
    const arn = answer.taskDefinition?.taskDefinitionArn ?? reference;
    return { arn, definition: (0,taskdef/* parseTaskDefinition */.Id)(JSON.parse(JSON.stringify(answer.taskDefinition)), arn) };
}
async function register(client, definition, tags) {
    const input = { ...definition, ...(tags.length ? { tags } : {}) };
    const answer = await (0,aws/* aws */.o2)('ecs:RegisterTaskDefinition', () => client.send(new dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(input)));
    const arn = answer.taskDefinition?.taskDefinitionArn ?? '';
    return { arn, ...(0,lib_arn/* taskDefinitionRevision */.MZ)(arn), registered: true };
}
/**
 * Deregisters the ACTIVE revisions of a family beyond the newest `keep`, never one in `protect` (the new
 * revision and what rollback would return to). Returns the ARNs deregistered.
 */
async function deregisterOld(client, family, keep, protect) {
    const active = [];
    const pages = (0,dist_cjs/* paginateListTaskDefinitions */.XPO)({ client }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' });
    await (0,aws/* aws */.o2)('ecs:ListTaskDefinitions', async () => {
        for await (const page of pages)
            active.push(...(page.taskDefinitionArns ?? []));
    });
    // Newest first by revision number, whatever order ECS listed them in.
    const old = active
        .filter((arn) => (0,lib_arn/* taskDefinitionRevision */.MZ)(arn).family === family)
        .sort((a, b) => (0,lib_arn/* taskDefinitionRevision */.MZ)(b).revision - (0,lib_arn/* taskDefinitionRevision */.MZ)(a).revision)
        .slice(keep)
        .filter((arn) => !protect.has(arn));
    for (const arn of old) {
        await (0,aws/* aws */.o2)(`ecs:DeregisterTaskDefinition (${arn})`, () => client.send(new dist_cjs/* DeregisterTaskDefinitionCommand */.sjB({ taskDefinition: arn })));
    }
    return old;
}

;// CONCATENATED MODULE: ./src/deploy-ecs/prepare.ts








async function prepare(client, inputs, fileDefinition, report) {
    const services = await findServices(client, inputs);
    refuseOtherControllers(inputs, services);
    recordServices(inputs.services, services, report);
    // A file was rendered before the SDK was loaded; a registered revision is rendered once it is read.
    const base = fileDefinition
        ? { definition: fileDefinition }
        : await describeTaskDefinition(client, inputs.source.kind === 'registered' ? inputs.source.reference : (services[0]?.taskDefinition ?? ''));
    const { definition, changed } = fileDefinition
        ? { definition: fileDefinition, changed: true }
        : (0,taskdef/* render */.XX)(base.definition, inputs.render);
    report.images = (0,taskdef/* imagesOf */.IC)(definition);
    report.renderedFile = writeRendered(definition);
    core/* info */.pq(`images: ${report.images.join(', ')}`);
    const taskDefinitionArn = await registerIfChanged(client, inputs, { ...base, definition, changed }, report);
    return { services, definition, taskDefinitionArn };
}
async function findServices(client, inputs) {
    return Promise.all(inputs.services.map((name) => describeService(client, inputs.cluster, name).then(
    // ECS still describes a deleted service for a while, INACTIVE: with create-service it is created anew
    // (a reopened pull request's preview).
    (found) => (inputs.createService && found.status === 'INACTIVE' ? undefined : found), (error) => {
        if (inputs.createService && error.code === 'ServiceNotFoundException')
            return undefined;
        throw error;
    })));
}
/**
 * Only the rolling update (ECS) deployment controller takes a new task definition through UpdateService;
 * a CODE_DEPLOY service needs a CodeDeploy deployment, an EXTERNAL one a task set. Refused before anything is
 * registered.
 */
function refuseOtherControllers(inputs, services) {
    for (const [i, service] of services.entries()) {
        const type = service?.deploymentController?.type ?? 'ECS';
        if (type === 'ECS')
            continue;
        throw new errors/* InputError */.dz(`Service '${inputs.services[i]}' uses the ${type} deployment controller; deploy-ecs deploys services with the ECS (rolling update) controller only. Nothing was registered.`, type === 'CODE_DEPLOY'
            ? 'Keep aws-actions/amazon-ecs-deploy-task-definition with its codedeploy-* inputs for this service for now, or recreate the service with the ECS deployment controller.'
            : 'Deploy it with task sets (CreateTaskSet) from your own tooling, or recreate the service with the ECS deployment controller.');
    }
}
/** The rendered task definition as a file in the runner's temporary folder, for the two-step form. */
function writeRendered(definition) {
    const folder = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(process.env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)(), 'task-definition-'));
    const path = (0,external_node_path_.join)(folder, 'task-definition.json');
    (0,external_node_fs_.writeFileSync)(path, `${JSON.stringify(definition, null, 2)}\n`);
    return path;
}
function recordServices(names, services, report) {
    for (const [i, name] of names.entries()) {
        const previous = services[i]?.taskDefinition;
        report.services.push({
            service: name,
            previous,
            outcome: 'pending',
            events: [],
            stoppedTasks: [],
            created: !services[i],
        });
        core/* info */.pq(services[i] ? `service ${name} runs ${previous}` : `service ${name} does not exist yet: it will be created`);
    }
}
/** A registered revision with nothing rendered into it is deployed as it is; anything else is registered. */
async function registerIfChanged(client, inputs, rendered, report) {
    if (rendered.arn && !rendered.changed) {
        report.taskDefinitionArn = rendered.arn;
        core/* info */.pq(`nothing to render into ${rendered.arn}: deploying it as it is, no new revision`);
        return rendered.arn;
    }
    const registered = await register(client, rendered.definition, inputs.taskDefinitionTags);
    report.taskDefinitionArn = registered.arn;
    report.registered = true;
    core/* info */.pq(`registered ${registered.arn}`);
    return registered.arn;
}

// EXTERNAL MODULE: ./src/lib/duration.ts
var duration = __webpack_require__(2543);
;// CONCATENATED MODULE: ./src/deploy-ecs/service.ts



function started(service, taskDefinitionArn) {
    if (!service)
        throw new Error('ECS answered without a service');
    const primary = service.deployments?.find((d) => d.status === 'PRIMARY' && d.taskDefinition === taskDefinitionArn);
    return { service, deploymentId: primary?.id };
}
async function updateService(client, inputs, service, taskDefinitionArn) {
    const input = {
        cluster: inputs.cluster,
        service,
        taskDefinition: taskDefinitionArn,
        forceNewDeployment: inputs.forceNewDeployment,
        ...(inputs.desiredCount !== undefined ? { desiredCount: inputs.desiredCount } : {}),
        ...(inputs.propagateTags ? { propagateTags: inputs.propagateTags } : {}),
        ...(inputs.enableEcsManagedTags !== undefined ? { enableECSManagedTags: inputs.enableEcsManagedTags } : {}),
        ...(inputs.compat.enableExecuteCommand !== undefined
            ? { enableExecuteCommand: inputs.compat.enableExecuteCommand }
            : {}),
        ...(inputs.compat.serviceVolume ? { volumeConfigurations: [inputs.compat.serviceVolume] } : {}),
    };
    const answer = await (0,aws/* aws */.o2)(`ecs:UpdateService (${service})`, () => client.send(new dist_cjs/* UpdateServiceCommand */.kZr(input)));
    return started(answer.service, taskDefinitionArn);
}
/** The container a load balancer sends traffic to: the named one, else the first essential one. */
function loadBalancedContainer(definition, containerName) {
    const chosen = containerName ?? definition.containerDefinitions.find((c) => c.essential !== false)?.name;
    if (!chosen)
        throw new errors/* InputError */.dz("Input 'target-group-arn' needs 'container-name': which container takes the traffic?");
    return chosen;
}
async function createService(client, inputs, { service, taskDefinitionArn, definition, create }) {
    const answer = await (0,aws/* aws */.o2)(`ecs:CreateService (${service})`, () => client.send(new dist_cjs/* CreateServiceCommand */.JkR({
        cluster: inputs.cluster,
        serviceName: service,
        taskDefinition: taskDefinitionArn,
        desiredCount: inputs.desiredCount ?? 1,
        launchType: 'FARGATE',
        networkConfiguration: {
            awsvpcConfiguration: {
                subnets: create.subnets,
                securityGroups: create.securityGroups,
                assignPublicIp: create.assignPublicIp ? 'ENABLED' : 'DISABLED',
            },
        },
        deploymentConfiguration: {
            deploymentCircuitBreaker: { enable: create.circuitBreaker, rollback: create.circuitBreaker },
            maximumPercent: 200,
            minimumHealthyPercent: 100,
        },
        ...(create.targetGroupArn
            ? {
                loadBalancers: [
                    {
                        targetGroupArn: create.targetGroupArn,
                        containerName: loadBalancedContainer(definition, inputs.render.containerName),
                        containerPort: create.containerPort,
                    },
                ],
            }
            : {}),
        ...(inputs.propagateTags ? { propagateTags: inputs.propagateTags } : {}),
        ...(inputs.enableEcsManagedTags !== undefined ? { enableECSManagedTags: inputs.enableEcsManagedTags } : {}),
    })));
    return started(answer.service, taskDefinitionArn);
}

;// CONCATENATED MODULE: ./src/deploy-ecs/rollout.ts






/**
 * Pointing the services at the new revision and watching each rollout until ECS shows how it ends; after a
 * failure, the previous revision is put back unless ECS's circuit breaker already does it.
 */
async function startRollouts(client, inputs, current, report) {
    const arn = current.taskDefinitionArn;
    const started = [];
    for (const [i, entry] of report.services.entries()) {
        const result = current.services[i] || !inputs.createService
            ? await updateService(client, inputs, entry.service, arn)
            : await createService(client, inputs, {
                service: entry.service,
                taskDefinitionArn: arn,
                definition: current.definition,
                create: inputs.createService,
            });
        entry.deploymentId = expectDeployment(entry.service, arn, result);
        const before = current.services[i]?.deployments?.find((d) => d.status === 'PRIMARY');
        core/* info */.pq(before?.id === result.deploymentId
            ? `${entry.service} already runs ${arn}: ECS started no new deployment (set force-new-deployment to restart its tasks)`
            : `${entry.created ? 'created' : 'updated'} ${entry.service}: deployment ${result.deploymentId} of ${arn}`);
        started.push(result);
    }
    return started;
}
/**
 * The deployment to watch must run the revision asked for: when ECS answers with a PRIMARY deployment of
 * another one (someone else updated the service at the same time), watching it would report their rollout.
 */
function expectDeployment(service, arn, result) {
    if (result.deploymentId)
        return result.deploymentId;
    const primary = result.service.deployments?.find((d) => d.status === 'PRIMARY');
    throw new errors/* CloudError */.K2(`ecs:UpdateService (${service}) answered with a PRIMARY deployment of ${primary?.taskDefinition ?? 'no task definition'}, not ${arn}.`, 'UnexpectedDeployment', 'Another deployment may have started at the same time: look at the service in the console, then run the deploy again.');
}
async function watchService(client, inputs, rollout) {
    const { entry, started, deadline } = rollout;
    const prefix = inputs.services.length > 1 ? `[${entry.service}] ` : '';
    const log = (line) => core/* info */.pq(`${prefix}${line}`);
    const taskDefinitionArn = started.service.taskDefinition ?? '';
    const result = await watchRollout(client, {
        cluster: inputs.cluster,
        service: entry.service,
        target: {
            deploymentId: entry.deploymentId,
            taskDefinitionArn,
            previousTaskDefinitionArn: entry.previous,
            maxFailedTasks: inputs.maxFailedTasks,
        },
        intervalMs: inputs.pollIntervalMs,
        timeoutMs: Math.max(0, deadline - Date.now()),
        seenEventIds: new Set((started.service.events ?? []).map((e) => e.id ?? '')),
        log,
    });
    record(entry, result, inputs.waitMs);
    if (result.outcome === 'completed') {
        log(`rollout completed: ${entry.service} runs ${taskDefinitionArn}`);
        const balanced = (result.service ?? started.service).loadBalancers ?? [];
        entry.targetGroupArns = balanced.flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : []));
        return;
    }
    log(`rollout ${result.outcome}: ${entry.reason}`);
    for (const task of entry.stoppedTasks.slice(0, 5))
        log(`  ${(0,ecs_assess/* describeStoppedTask */.us)(task)}`);
    for (const event of entry.events.slice(-5))
        log(`  event: ${event}`);
    await afterFailure(client, inputs, rollout, log);
    // A rollout that failed or was rolled back is FAILED, whatever ECS still says of a deployment it replaced:
    // rollout-state and rolled-back never tell two stories.
    if (entry.outcome === 'failed' || entry.rolledBackBy)
        entry.rolloutState = 'FAILED';
}
/** What the watch saw, into the service's report. */
function record(entry, result, waitMs) {
    entry.events = result.events;
    entry.stoppedTasks = (0,ecs_assess/* failedFirst */.Yk)(result.stoppedTasks);
    entry.rolloutState =
        result.assessment?.deployment?.rolloutState ?? (result.outcome === 'completed' ? 'COMPLETED' : undefined);
    entry.outcome = result.outcome;
    if (result.assessment?.state === 'failed') {
        entry.reason = result.assessment.reason;
        if (result.assessment.rolledBack)
            entry.rolledBackBy = 'ecs';
    }
    else if (result.outcome === 'timeout') {
        const d = result.assessment?.deployment ?? result.service?.deployments?.find((x) => x.id === entry.deploymentId);
        const counts = d
            ? `: ${d.runningCount ?? 0}/${d.desiredCount ?? 0} running, ${d.pendingCount ?? 0} pending, ${d.failedTasks ?? 0} failed`
            : '';
        entry.reason = `The rollout did not finish within ${(0,duration/* formatDuration */.a3)(waitMs)}${counts}.`;
    }
}
/** After a failed or timed-out rollout: who puts the previous revision back, if anyone. */
async function afterFailure(client, inputs, { entry, started, before }, log) {
    if (entry.rolledBackBy || !entry.previous)
        return;
    const breaker = (before ?? started.service).deploymentConfiguration?.deploymentCircuitBreaker;
    if (breaker?.enable && breaker.rollback && entry.outcome === 'failed') {
        entry.rollbackNote = `The deployment circuit breaker is rolling it back to ${entry.previous}.`;
        log(entry.rollbackNote);
        entry.rolledBackBy = 'ecs';
    }
    else if (inputs.rollbackOnFailure) {
        log(`rolling ${entry.service} back to ${entry.previous} (rollback-on-failure)`);
        await pointBack(client, inputs, entry);
    }
    else {
        entry.rollbackNote = `It still points at the failed revision (rollback-on-failure is false); it ran ${entry.previous} before.`;
    }
}
/**
 * rollback-on-failure: points the service back at its previous revision, and checks that ECS started a
 * deployment of that revision. A refusal (the previous revision was deregistered: "TaskDefinition is
 * inactive") is reported beside the rollout failure, not instead of it.
 */
async function pointBack(client, inputs, entry) {
    const previous = entry.previous;
    try {
        const back = await updateService(client, { ...inputs, forceNewDeployment: false, desiredCount: undefined }, entry.service, previous);
        if (!back.deploymentId) {
            entry.rollbackNote = `Pointing it back at ${previous} started no deployment of that revision: check the service.`;
            return;
        }
        entry.rolledBackBy = 'deploy-ecs';
        entry.rollbackNote = `Pointed it back at ${previous} (rollback-on-failure, deployment ${back.deploymentId}).`;
    }
    catch (error) {
        entry.rollbackNote = `Pointing it back at ${previous} failed: ${error.message}`;
    }
}
/** The error a deployment fails with when a rollout did not complete: every failed service, with its reasons. */
function rolloutError(failed) {
    const lines = failed.map((s) => {
        const task = s.stoppedTasks[0];
        const stopped = task ? ` First failed ${(0,ecs_assess/* describeStoppedTask */.us)(task)}.` : '';
        return `${s.service}: ${s.reason ?? s.outcome}${stopped}${s.rollbackNote ? ` ${s.rollbackNote}` : ''}`;
    });
    const hint = "Read the stopped reasons and service events above; the task's own logs are in its log configuration (e.g. CloudWatch Logs).";
    const timedOut = failed.every((s) => s.outcome === 'timeout');
    return timedOut
        ? new errors/* TimeoutError */.MU(`Rollout timed out. ${lines.join(' ')}`, hint)
        : new errors/* RolloutFailed */.hl(`Rollout failed. ${lines.join(' ')}`, hint);
}

;// CONCATENATED MODULE: ./src/deploy-ecs/runtask.ts






function containerOverrides(options, definition) {
    const overrides = [...(options.containerOverrides ?? [])];
    if (options.command) {
        const name = options.container ?? definition.containerDefinitions.find((c) => c.essential !== false)?.name;
        if (!name || !definition.containerDefinitions.some((c) => c.name === name)) {
            throw new errors/* InputError */.dz(`Input 'run-task-container' names container '${name}', which the task definition does not have.`);
        }
        overrides.push({ name, command: options.command });
    }
    return overrides;
}
async function runOneOff(oneOff) {
    const overrides = containerOverrides(oneOff.options, oneOff.definition);
    const taskArn = await startTask(oneOff, overrides);
    const { command, wait } = oneOff.options;
    oneOff.log(`one-off task ${taskArn} started${command ? `: ${command.join(' ')}` : ''}`);
    if (!wait)
        return { taskArn };
    const started = Date.now();
    const stopped = await waitUntilStopped(oneOff, taskArn);
    return judge(oneOff, stopped, overrides, Date.now() - started);
}
function networkOf({ options, serviceNetwork, definition }) {
    if (options.subnets.length > 0) {
        const { subnets, securityGroups, assignPublicIp } = options;
        return {
            awsvpcConfiguration: { subnets, securityGroups, assignPublicIp: assignPublicIp ? 'ENABLED' : 'DISABLED' },
        };
    }
    // Only awsvpc tasks take a network configuration (a bridge or host task on EC2 has none).
    if (!serviceNetwork && (definition.networkMode ?? 'bridge') !== 'awsvpc')
        return undefined;
    if (!serviceNetwork) {
        throw new errors/* InputError */.dz("Input 'run-task-subnets' is needed: there is no service to take the network configuration from.");
    }
    return serviceNetwork;
}
/**
 * How the deploy action places the task: a capacity provider strategy when given (then no launch type),
 * else run-task-launch-type (FARGATE by default); its tags and EBS volume as given.
 */
function placement({ compat, enableEcsManagedTags }) {
    const strategy = compat.runTaskCapacityProviderStrategy;
    return {
        ...(strategy ? { capacityProviderStrategy: strategy } : { launchType: compat.runTaskLaunchType ?? 'FARGATE' }),
        ...(compat.runTaskTags?.length ? { tags: compat.runTaskTags } : {}),
        ...(compat.runTaskVolume ? { volumeConfigurations: [compat.runTaskVolume] } : {}),
        ...(enableEcsManagedTags !== undefined ? { enableECSManagedTags: enableEcsManagedTags } : {}),
    };
}
async function startTask(oneOff, overrides) {
    const { client, cluster, taskDefinitionArn, options } = oneOff;
    const networkConfiguration = networkOf(oneOff);
    const input = {
        cluster,
        taskDefinition: taskDefinitionArn,
        ...placement(oneOff),
        ...(networkConfiguration ? { networkConfiguration } : {}),
        startedBy: options.startedBy,
        ...(overrides.length ? { overrides: { containerOverrides: overrides } } : {}),
    };
    const answer = await (0,aws/* aws */.o2)('ecs:RunTask', () => client.send(new dist_cjs/* RunTaskCommand */._eD(input)));
    const task = answer.tasks?.[0];
    if (!task?.taskArn) {
        const failure = answer.failures?.[0];
        throw new errors/* CloudError */.K2(`ecs:RunTask started no task: ${failure?.reason ?? 'no reason given'} ${failure?.detail ?? ''}`.trim(), 'RunTaskFailure');
    }
    return task.taskArn;
}
async function waitUntilStopped({ client, cluster, intervalMs, timeoutMs, log }, taskArn) {
    const polled = await (0,poll/* poll */.w)(async () => {
        const described = await (0,aws/* aws */.o2)('ecs:DescribeTasks', () => client.send(new dist_cjs/* DescribeTasksCommand */.z8X({ cluster, tasks: [taskArn] })));
        const current = described.tasks?.[0];
        if (current?.lastStatus !== 'STOPPED') {
            log(`one-off task ${current?.lastStatus ?? 'unknown'}`);
            return undefined;
        }
        return current;
    }, { intervalMs, timeoutMs });
    if (polled.outcome === 'timeout') {
        throw new errors/* TimeoutError */.MU(`The one-off task ${taskArn} was still running after ${(0,duration/* formatDuration */.a3)(timeoutMs)}.`, 'Raise wait-for-minutes, or set wait-for-task-stopped: false. The service was not updated.');
    }
    return polled.value;
}
function judge(oneOff, task, overrides, ms) {
    const focus = overrides[0]?.name ?? oneOff.definition.containerDefinitions.find((c) => c.essential !== false)?.name;
    const container = task.containers?.find((c) => c.name === focus) ?? task.containers?.[0];
    const exitCode = container?.exitCode;
    if (exitCode !== 0) {
        throw new errors/* RolloutFailed */.hl(`The one-off task failed${exitCode === undefined ? ' before its container ran' : ` with exit code ${exitCode}`}: ${(0,ecs_assess/* describeStoppedTask */.us)(toStopped(task))}.`, "The service was not updated. Read the task's logs (its log configuration) and fix the task, then deploy again.");
    }
    oneOff.log(`one-off task finished with exit code 0 in ${(0,duration/* formatDuration */.a3)(ms)}`);
    return { taskArn: task.taskArn ?? '', exitCode };
}

;// CONCATENATED MODULE: ./src/lib/state.ts

function stateSlot(key, parse) {
    return {
        save: (value) => core/* saveState */.LZ(key, JSON.stringify(value)),
        load: () => {
            const saved = core/* getState */.Gu(key);
            return saved === '' ? undefined : parse(JSON.parse(saved));
        },
        clear: () => core/* saveState */.LZ(key, ''),
    };
}

;// CONCATENATED MODULE: ./src/deploy-ecs/state.ts

const isText = (value) => typeof value === 'string';
/** What is wrong with a saved value, or undefined when it is a rollback plan. */
function problemOf(value) {
    if (typeof value !== 'object' || value === null)
        return 'it is not an object';
    const { region, cluster, services } = value;
    if (region !== undefined && !isText(region))
        return 'region is not text';
    if (!isText(cluster))
        return 'cluster is not text';
    if (!Array.isArray(services))
        return 'services is not a list';
    const bad = services.findIndex((entry) => !isText(entry?.service) || !isText(entry?.previous));
    return bad >= 0 ? `services.${bad} needs a service and a previous revision` : undefined;
}
function parseRollback(value) {
    const problem = problemOf(value);
    if (problem)
        throw new Error(`The state saved by deploy-ecs's main step is not a rollback plan: ${problem}.`);
    const { region, cluster, services } = value;
    return { region, cluster, services: services.map(({ service, previous }) => ({ service, previous })) };
}
/** Saved when the watch begins, cleared when it ends: set only while a rollout is in progress. */
const rollbackState = stateSlot('rollback', parseRollback);

;// CONCATENATED MODULE: ./src/deploy-ecs/url.ts



/**
 * The service-url output: the address of the load balancer in front of a service, found from the target group
 * ECS registers the service's tasks in. It only helps later steps (a smoke test), so it never fails a deploy:
 * a refused or failed lookup leaves it empty, with a warning that says why and which permissions to add.
 * The ELBv2 SDK is loaded only for a service behind a load balancer.
 */
const LOOKUP_PERMISSIONS = [
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeLoadBalancers',
    'elasticloadbalancing:DescribeListeners',
];
/** The usual port first, then the lowest. */
const byPort = (usual) => (a, b) => Number(b.Port === usual) - Number(a.Port === usual) || (a.Port ?? 0) - (b.Port ?? 0);
/**
 * The URL a browser would open: https:// when the load balancer has an HTTPS listener (or TLS on 443), else
 * http:// through an HTTP listener, else a TCP one; with the port when it is not the scheme's own.
 * No such listener (none, or only UDP / TLS elsewhere than 443): no URL.
 */
function urlOf(dnsName, listeners) {
    const of = (protocol, usual) => listeners.filter((l) => l.Protocol === protocol && (protocol !== 'TLS' || l.Port === 443)).sort(byPort(usual));
    const secure = [...of('HTTPS', 443), ...of('TLS', 443)][0];
    const plain = [...of('HTTP', 80), ...of('TCP', 80)][0];
    const chosen = secure
        ? { scheme: 'https', port: secure.Port, usual: 443 }
        : plain
            ? { scheme: 'http', port: plain.Port, usual: 80 }
            : undefined;
    if (!chosen)
        return undefined;
    const { scheme, port, usual } = chosen;
    return `${scheme}://${dnsName}${port === undefined || port === usual ? '' : `:${port}`}`;
}
/**
 * Made as src/lib/aws.ts makes the others (same region, retries, User-Agent; the endpoint from
 * AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 or AWS_ENDPOINT_URL, which the SDK reads itself), but here:
 * every action bundles aws.ts, and a lazy import there would put the ELBv2 SDK into each of their dist/.
 */
async function elbv2(options) {
    const sdk = await __webpack_require__.e(/* import() */ 586).then(__webpack_require__.t.bind(__webpack_require__, 586, 19));
    return { sdk, client: new sdk.ElasticLoadBalancingV2Client((0,aws/* clientConfig */.yO)(options)) };
}
/** The URL of the load balancer that forwards to a target group; undefined when none does. */
async function lookUp({ sdk, client }, targetGroupArn, log) {
    const groups = await (0,aws/* aws */.o2)('elasticloadbalancing:DescribeTargetGroups', () => client.send(new sdk.DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] })));
    const loadBalancerArn = groups.TargetGroups?.[0]?.LoadBalancerArns?.[0];
    if (!loadBalancerArn) {
        log(`target group ${(0,lib_arn/* resourcePath */.oU)(targetGroupArn)} is not used by a load balancer`);
        return undefined;
    }
    const balancers = await (0,aws/* aws */.o2)('elasticloadbalancing:DescribeLoadBalancers', () => client.send(new sdk.DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerArn] })));
    const dnsName = balancers.LoadBalancers?.[0]?.DNSName;
    if (!dnsName)
        return undefined;
    const listeners = await (0,aws/* aws */.o2)('elasticloadbalancing:DescribeListeners', () => client.send(new sdk.DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn })));
    const url = urlOf(dnsName, listeners.Listeners ?? []);
    log(url
        ? `${(0,lib_arn/* resourcePath */.oU)(targetGroupArn)} is behind ${(0,lib_arn/* resourcePath */.oU)(loadBalancerArn)}: ${url}`
        : `load balancer ${(0,lib_arn/* resourcePath */.oU)(loadBalancerArn)} has no HTTP, HTTPS or TCP listener`);
    return url;
}
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
/**
 * The URL of the first service, in the order given, whose load balancer has one. Services without a target
 * group cost no call.
 */
async function findServiceUrl(services, options, log) {
    try {
        let elb;
        for (const { service, targetGroupArns = [] } of services) {
            for (const targetGroupArn of targetGroupArns) {
                elb ??= await elbv2(options);
                const url = await lookUp(elb, targetGroupArn, log);
                if (url)
                    return { url, service };
            }
        }
        return {};
    }
    catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).replace(/[.\s]*$/, '.');
        const denied = error instanceof errors/* CloudError */.K2 && DENIED.has(error.code);
        return {
            problem: denied
                ? `${message} To get service-url, allow ${LOOKUP_PERMISSIONS.join(', ')} to the job's AWS role (read-only; see the README's "Permissions").`
                : message,
        };
    }
}

;// CONCATENATED MODULE: ./src/deploy-ecs/deploy.ts









/**
 * The cloud half of deploy-ecs, loaded only after the inputs and the task definition file were checked.
 * Each phase is a log group and fills the report; a phase that fails throws, the report keeps what was done.
 */
async function deploy(inputs, fileDefinition, report) {
    const deadline = Date.now() + inputs.waitMs;
    const client = await (0,aws/* ecsClient */.br)({ region: inputs.region, stage: 'deploy-ecs', maxRetries: inputs.compat.maxRetries });
    const current = await core/* group */.Os('Service and task definition', () => prepare(client, inputs, fileDefinition, report));
    const { runTask } = inputs;
    if (runTask) {
        report.oneOff = await core/* group */.Os('One-off task', () => runMigration(client, { ...inputs, runTask }, current, deadline));
    }
    const started = await core/* group */.Os('Update service', () => startRollouts(client, inputs, current, report));
    if (!inputs.wait) {
        for (const entry of report.services)
            entry.outcome = 'not-watched';
        return;
    }
    await core/* group */.Os('Watch rollout', () => watchAll(client, inputs, { current, started, deadline }, report));
    if (report.services.some((s) => s.targetGroupArns?.length)) {
        report.serviceUrl = await core/* group */.Os('Service URL', () => lookUpServiceUrl(inputs, report));
    }
    if (inputs.deregisterOldRevisions) {
        const keep = inputs.deregisterOldRevisions;
        report.deregistered = await core/* group */.Os('Deregister old revisions', () => pruneRevisions(client, keep, current.taskDefinitionArn, report));
    }
}
function runMigration(client, inputs, current, deadline) {
    return runOneOff({
        client,
        cluster: inputs.cluster,
        taskDefinitionArn: current.taskDefinitionArn,
        definition: current.definition,
        options: inputs.runTask,
        serviceNetwork: current.services.find((s) => s)?.networkConfiguration ?? undefined,
        intervalMs: inputs.pollIntervalMs,
        timeoutMs: Math.max(1000, deadline - Date.now()),
        log: core/* info */.pq,
        compat: inputs.compat,
        enableEcsManagedTags: inputs.enableEcsManagedTags,
    });
}
/**
 * Watches every rollout at once. While they run, the post step knows what to put back should the run be
 * cancelled; once they end, it has nothing to do.
 */
async function watchAll(client, inputs, { current, started, deadline }, report) {
    rollbackState.save({
        region: inputs.region,
        cluster: inputs.cluster,
        services: report.services.flatMap(({ service, previous }) => (previous ? [{ service, previous }] : [])),
    });
    await Promise.all(report.services.map((entry, i) => watchService(client, inputs, {
        entry,
        started: started[i],
        before: current.services[i],
        deadline,
    })));
    rollbackState.clear();
    const failed = report.services.filter((s) => s.outcome !== 'completed');
    if (failed.length > 0)
        throw rolloutError(failed);
}
async function lookUpServiceUrl(inputs, report) {
    const found = await findServiceUrl(report.services, { region: inputs.region, stage: 'deploy-ecs' }, core/* info */.pq);
    if (found.problem)
        core/* warning */.$e(`service-url is left empty (the deployment itself succeeded): ${found.problem}`);
    return found;
}
/** Keeps the newest `keep` revisions of the family, and always the new one and those rollback needs. */
async function pruneRevisions(client, keep, taskDefinitionArn, report) {
    const protect = new Set([taskDefinitionArn, ...report.services.map((s) => s.previous ?? '')]);
    const { family } = (0,lib_arn/* taskDefinitionRevision */.MZ)(taskDefinitionArn);
    const gone = await deregisterOld(client, family, keep, protect);
    core/* info */.pq(gone.length ? `deregistered ${gone.join(', ')}` : `no revision of ${family} beyond the newest ${keep}`);
    return gone;
}


/***/ }),

/***/ 2986:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   br: () => (/* binding */ ecsClient),
/* harmony export */   o2: () => (/* binding */ aws),
/* harmony export */   yO: () => (/* binding */ clientConfig)
/* harmony export */ });
/* unused harmony exports resolveRegion, ecrClient, awsError */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7268);

/** The region from the input, else from the environment that configure-aws-credentials sets. */
function resolveRegion(explicit) {
    const region = explicit ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('No AWS region is set.', "Give the 'aws-region' input, or run aws-actions/configure-aws-credentials (which sets AWS_REGION) before this step.");
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`AWS region '${region}' is not a region name.`, 'Use a region such as us-east-1 or eu-west-1.');
    }
    return region;
}
function clientConfig(options) {
    return {
        region: resolveRegion(options.region),
        customUserAgent: `deploy-actions/${options.stage}`,
        // Throttling and 5xx are retried by the SDK with jittered backoff; five tries ride out a short burst.
        // AWS_MAX_ATTEMPTS, when set, is the user's choice and wins.
        // An explicit max-retries input wins over both.
        ...(options.maxRetries !== undefined
            ? { maxAttempts: options.maxRetries + 1 }
            : process.env.AWS_MAX_ATTEMPTS
                ? {}
                : { maxAttempts: 5 }),
    };
}
async function ecsClient(options) {
    const { ECSClient } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(212)]).then(__webpack_require__.t.bind(__webpack_require__, 212, 19));
    return new ECSClient(clientConfig(options));
}
async function ecrClient(options) {
    const { ECRClient } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(249)]).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    return new ECRClient(clientConfig(options));
}
const hints = {
    AccessDeniedException: 'The job\'s AWS role is not allowed this call: add the action named above to its IAM policy (see the README\'s "Permissions").',
    UnrecognizedClientException: 'The AWS credentials are not valid: check the role the job assumes.',
    ExpiredTokenException: 'The AWS credentials expired: raise role-duration-seconds in configure-aws-credentials.',
    InvalidSignatureException: 'The AWS secret key does not match the access key.',
    CredentialsProviderError: 'No AWS credentials were found: run aws-actions/configure-aws-credentials before this step (with id-token: write for OIDC).',
    ClusterNotFoundException: 'Check the cluster name and the region.',
    ServiceNotFoundException: 'Check the service name, or give the create-service inputs to create it.',
    ServiceNotActiveException: 'The service was deleted or is draining: create it again, or deploy to another service.',
};
/** Turns an AWS SDK error into a CloudError that names the call, the AWS error code and what to check. */
function awsError(error, operation) {
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CloudError */ .K2)
        return error;
    const err = error;
    const code = err.name && err.name !== 'Error' ? err.name : (err.code ?? 'Error');
    const status = err.$metadata?.httpStatusCode;
    const message = `${operation} failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${err.message ?? String(error)}`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CloudError */ .K2(message, code, hints[code], { cause: error });
}
/** Runs one AWS call and reports its failure as a CloudError naming the operation. */
async function aws(operation, call) {
    try {
        return await call();
    }
    catch (error) {
        throw awsError(error, operation);
    }
}


/***/ }),

/***/ 3962:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   w: () => (/* binding */ poll)
/* harmony export */ });
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_0__);

/**
 * Calls `check` until it returns a value (not undefined) or the time runs out. A thrown error ends the
 * poll at once: callers decide what is worth retrying, and the cloud SDKs retry throttling themselves.
 * Never sleeps past the deadline, so a timeout is reported when it falls due, not one interval later.
 */
async function poll(check, options) {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? ((ms, signal) => (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(ms, undefined, { signal }));
    const deadline = now() + options.timeoutMs;
    let interval = options.intervalMs;
    for (let attempt = 1;; attempt++) {
        const value = await check(attempt);
        if (value !== undefined)
            return { outcome: 'done', value, attempts: attempt };
        const left = deadline - now();
        if (left <= 0)
            return { outcome: 'timeout', attempts: attempt };
        await sleep(Math.min(interval, left), options.signal);
        interval = Math.min(interval * (options.backoff ?? 1), options.maxIntervalMs ?? Number.POSITIVE_INFINITY);
    }
}


/***/ })

};
