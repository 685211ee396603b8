export const id = 828;
export const ids = [828];
export const modules = {

/***/ 2828:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy)
});

// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/core/lib/core.js + 20 modules
var core = __webpack_require__(4724);
// EXTERNAL MODULE: ./src/lib/arn.ts
var lib_arn = __webpack_require__(1624);
// EXTERNAL MODULE: ./src/lib/aws.ts
var aws = __webpack_require__(262);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ../../../work/main/node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var dist_cjs = __webpack_require__(3078);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(8112);
// EXTERNAL MODULE: ./src/lib/poll.ts
var poll = __webpack_require__(8462);
// EXTERNAL MODULE: ./src/lib/ecs-assess.ts
var ecs_assess = __webpack_require__(9353);
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
    const polled = await pollUntilDeadline(async () => {
        result.polls++;
        const service = await describeService(client, options.cluster, options.service);
        result.service = service;
        const fresh = (service.events ?? [])
            .filter((e) => e.id && !options.seenEventIds.has(e.id))
            .filter((e) => !options.since || !e.createdAt || e.createdAt >= options.since)
            .reverse();
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
    }, { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs }, result);
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
/**
 * poll, where a request cut at the stage's deadline (src/lib/aws.ts) ends the watch as a timeout, as the
 * deadline passing between two polls does, with the cut request named.
 */
async function pollUntilDeadline(check, options, result) {
    try {
        return await (0,poll/* poll */.w)(check, options);
    }
    catch (error) {
        if (!(error instanceof errors/* TimeoutError */.MU))
            throw error;
        result.cut = error.message;
        return { outcome: 'timeout' };
    }
}

// EXTERNAL MODULE: ./src/deploy-ecs/taskdef.ts + 18 modules
var taskdef = __webpack_require__(1159);
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
var duration = __webpack_require__(131);
;// CONCATENATED MODULE: ./src/deploy-ecs/restore.ts







/**
 * No half-done deploy. Once ECS accepted an update, a deployment that fails anywhere (a rollout, a watch whose
 * DescribeServices keeps failing, the deadline, another service's update, an error thrown anywhere) ends in one
 * of two states, for every service it changed: back on the previous revision with that rollout watched to a
 * steady state ("back and proven"), or reported exactly as
 * `service <name> runs revision <n>, which is NOT proven; rollback failed: <reason>`.
 */
/** The failure-reason of a deployment that left a service on a revision nobody proved. */
const NOT_PROVEN = 'not-proven';
/**
 * Puts every changed service back and proves it, then throws: `failure` itself when every one is back and proven,
 * else a RolloutFailed (failure-reason not-proven) that leads with each service left unproven. The rollback has a
 * deadline of its own, wait-for-minutes from now, as the one it follows may have run out.
 */
async function restore(client, inputs, { budget, failure, newArn }, report) {
    budget.at = Date.now() + inputs.waitMs;
    budget.input = 'wait-for-minutes, given again to the rollback';
    const changed = report.services.filter((s) => s.changed);
    await Promise.all(changed.map((entry) => putBack(client, inputs, entry, newArn)));
    const unproven = changed.filter((s) => s.notProven);
    if (unproven.length === 0) {
        core/* notice */.lm(`Every service this run changed is back on its previous revision, proven steady: ${changed.map((s) => `${s.service} (${(0,lib_arn/* shortArn */.k$)(s.previous)})`).join(', ')}.`);
        throw failure;
    }
    throw new errors/* RolloutFailed */.hl(`${unproven.map((s) => s.notProven).join(' ')} The deployment failed: ${(0,errors/* describe */.q0)(failure).split('\n')[0]}`, 'Look at the service in the ECS console: point it at a known-good revision with the rollback action (target: ecs), or deploy again.', { reason: NOT_PROVEN, cause: failure });
}
async function putBack(client, inputs, entry, newArn) {
    const { previous } = entry;
    if (!previous)
        return notProven(entry, 'rollback failed: the service was created by this run, it has no earlier revision');
    if (entry.pointsAt && entry.pointsAt !== newArn && entry.pointsAt !== previous)
        return notProven(entry, `rollback failed: another deployment (${(0,lib_arn/* shortArn */.k$)(entry.pointsAt)}) replaced this run's, and is left to whoever started it`);
    const byEcs = entry.rolledBackBy === 'ecs';
    if (!byEcs && !inputs.rollbackOnFailure)
        return notProven(entry, 'rollback is off (rollback-on-failure: false)');
    entry.rolledBackBy = undefined;
    try {
        const deploymentId = byEcs ? await ecsRollback(client, inputs, entry) : await pointBack(client, inputs, entry);
        if (deploymentId === undefined)
            return;
        await prove(client, inputs, entry, { deploymentId, newArn });
        entry.rolledBackBy = byEcs ? 'ecs' : 'deploy-ecs';
    }
    catch (error) {
        notProven(entry, `rollback failed: ${(0,errors/* describe */.q0)(error).split('\n')[0]}`);
    }
}
/** rollback-on-failure: UpdateService back to the previous revision; the deployment of it to watch. */
async function pointBack(client, inputs, entry) {
    const previous = entry.previous;
    core/* info */.pq(`rolling ${entry.service} back to ${previous} (rollback-on-failure)`);
    const answer = await (0,aws/* aws */.o2)(`ecs:UpdateService (${entry.service}, back to ${(0,lib_arn/* shortArn */.k$)(previous)})`, () => client.send(new dist_cjs/* UpdateServiceCommand */.kZr({ cluster: inputs.cluster, service: entry.service, taskDefinition: previous })));
    const primary = answer.service?.deployments?.find((d) => d.status === 'PRIMARY');
    if (primary?.taskDefinition !== previous) {
        if (primary?.taskDefinition)
            entry.pointsAt = primary.taskDefinition;
        notProven(entry, `rollback failed: pointing it back at ${(0,lib_arn/* shortArn */.k$)(previous)} started no deployment of that revision (ECS answered with ${(0,lib_arn/* shortArn */.k$)(primary?.taskDefinition) ?? 'no deployment'})`);
        return undefined;
    }
    entry.pointsAt = previous;
    return primary.id;
}
/** ECS's circuit breaker rolled back: the deployment of the previous revision it started, to be watched. */
async function ecsRollback(client, inputs, entry) {
    const service = await describeService(client, inputs.cluster, entry.service);
    const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
    if (primary?.taskDefinition)
        entry.pointsAt = primary.taskDefinition;
    return primary?.id;
}
/** Watches the rollback's rollout to a steady state; throws when it does not get there. */
async function prove(client, inputs, entry, { deploymentId, newArn }) {
    const previous = entry.previous;
    const prefix = inputs.services.length > 1 ? `[${entry.service}] ` : '';
    const watched = await watchRollout(client, {
        cluster: inputs.cluster,
        service: entry.service,
        target: { deploymentId, taskDefinitionArn: previous, previousTaskDefinitionArn: newArn },
        intervalMs: inputs.pollIntervalMs,
        timeoutMs: inputs.waitMs,
        seenEventIds: new Set(),
        since: new Date(Date.now() - 1000),
        log: (line) => core/* info */.pq(`${prefix}rollback: ${line}`),
    });
    if (watched.outcome === 'completed') {
        entry.pointsAt = previous;
        entry.rollbackNote = `It is back on ${previous}, proven steady.`;
        core/* info */.pq(`${prefix}${entry.service} is back on ${previous}, proven steady`);
        return;
    }
    const why = watched.assessment?.state === 'failed'
        ? watched.assessment.reason
        : `it did not reach a steady state within ${(0,duration/* formatDuration */.a3)(inputs.waitMs)}${watched.cut ? ` (${watched.cut})` : ''}`;
    throw new errors/* RolloutFailed */.hl(`the rollback to ${(0,lib_arn/* shortArn */.k$)(previous)} failed: ${why}`);
}
function notProven(entry, tail) {
    entry.rolledBackBy = undefined;
    entry.notProven = `service ${entry.service} runs revision ${(0,lib_arn/* shortArn */.k$)(entry.pointsAt) ?? '(unknown)'}, which is NOT proven; ${tail.replace(/\.$/, '')}.`;
    core/* error */.z3(entry.notProven);
}

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
 * Pointing the services at the new revision and watching each rollout until ECS shows how it ends. What is put
 * back after a failure, and how, is restore.ts's.
 */
async function startRollouts(client, inputs, current, report) {
    const arn = current.taskDefinitionArn;
    const started = [];
    for (const [i, entry] of report.services.entries()) {
        const result = await startOne(client, inputs, current, { report, entry });
        markChanged(report, entry, result.service.taskDefinition ?? arn);
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
 * UpdateService, or CreateService the first time. When the answer is lost after the request may have been
 * applied (a reset, a timeout, a 5xx), DescribeServices says what is true: ours when the service now points at
 * the new revision, else the call failed and changed nothing; a service that cannot even be read back counts as
 * changed, so it is put back.
 */
async function startOne(client, inputs, current, { report, entry }) {
    const arn = current.taskDefinitionArn;
    const i = inputs.services.indexOf(entry.service);
    try {
        return current.services[i] || !inputs.createService
            ? await updateService(client, inputs, entry.service, arn)
            : await createService(client, inputs, {
                service: entry.service,
                taskDefinitionArn: arn,
                definition: current.definition,
                create: inputs.createService,
            });
    }
    catch (error) {
        if (!(0,aws/* mayHaveApplied */.PH)(error))
            throw error;
        const found = await readBack(client, inputs.cluster, entry.service, arn, error);
        if (found === 'unknown') {
            // Unknown counts as changed: restore.ts points it back (a no-op when it never changed) and proves it.
            markChanged(report, entry, arn);
            throw error;
        }
        if (typeof found === 'string') {
            throw new errors/* CloudError */.K2(`${(0,errors/* describe */.q0)(error).split('\n')[0]} DescribeServices shows ${entry.service} still points at ${(0,lib_arn/* shortArn */.k$)(found)}: the update was not applied, nothing was changed.`, 'UpdateNotApplied', 'Run the deployment again; if AWS keeps dropping answers, look at the AWS Health Dashboard for the region.');
        }
        return found;
    }
}
/**
 * What the service shows after a lost answer: ours (how it started), the revision it still points at, or
 * 'unknown' when it cannot be read either.
 */
async function readBack(client, cluster, service, arn, error) {
    const lost = (0,errors/* describe */.q0)(error).split('\n')[0];
    core/* warning */.$e(`The answer to ${service}'s update was lost (${lost}); reading the service back.`);
    let found;
    try {
        found = await describeService(client, cluster, service);
    }
    catch (readError) {
        core/* error */.z3(`${service} could not be read back (${(0,errors/* describe */.q0)(readError).split('\n')[0]}): counted as changed.`);
        return 'unknown';
    }
    const primary = found.deployments?.find((d) => d.status === 'PRIMARY');
    if (found.status === 'ACTIVE' && primary?.taskDefinition === arn) {
        core/* info */.pq(`${service} points at ${arn} (deployment ${primary.id}): the update was applied.`);
        return { service: found, deploymentId: primary.id };
    }
    const runs = primary?.taskDefinition ?? found.taskDefinition ?? '(no revision)';
    core/* info */.pq(`${service} still points at ${runs}: the update was not applied.`);
    return runs;
}
/**
 * Records that production changed, and says so at once in the `changed` output, so a later failure or a
 * cancelled run still leaves it for the pipeline's rollback.
 */
function markChanged(report, entry, pointsAt) {
    entry.changed = true;
    entry.pointsAt = pointsAt;
    if (report.changed)
        return;
    report.changed = true;
    core/* setOutput */.uH('changed', 'true');
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
    // A rollout that failed or was rolled back is FAILED, whatever ECS still says of a deployment it replaced:
    // rollout-state and rolled-back never tell two stories.
    if (entry.outcome === 'failed' || entry.rolledBackBy)
        entry.rolloutState = 'FAILED';
}
/** What the watch saw, into the service's report. */
function record(entry, result, waitMs) {
    entry.events = result.events;
    const primary = result.service?.deployments?.find((d) => d.status === 'PRIMARY');
    if (primary?.taskDefinition)
        entry.pointsAt = primary.taskDefinition;
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
        entry.reason = `The rollout did not finish within ${(0,duration/* formatDuration */.a3)(waitMs)}${counts}.${result.cut ? ` ${result.cut}` : ''}`;
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

// EXTERNAL MODULE: ./src/lib/secrets.ts
var secrets = __webpack_require__(5742);
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
        throw new errors/* CloudError */.K2((0,secrets/* scrub */._I)(`ecs:RunTask started no task: ${failure?.reason ?? 'no reason given'} ${failure?.detail ?? ''}`.trim()), 'RunTaskFailure');
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
    const sdk = await __webpack_require__.e(/* import() */ 980).then(__webpack_require__.t.bind(__webpack_require__, 3980, 19));
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
    // Every request is cut at the deadline (src/lib/aws.ts); a rollback after a failure gets one of its own.
    const budget = { at: Date.now() + inputs.waitMs, input: 'wait-for-minutes' };
    const client = await (0,aws/* ecsClient */.br)({
        region: inputs.region,
        stage: 'deploy-ecs',
        maxRetries: inputs.compat.maxRetries,
        requestTimeoutMs: inputs.requestTimeoutMs,
        deadline: budget,
    });
    const current = await core/* group */.Os('Service and task definition', () => prepare(client, inputs, fileDefinition, report));
    const { runTask } = inputs;
    if (runTask) {
        report.oneOff = await core/* group */.Os('One-off task', () => runMigration(client, { ...inputs, runTask }, current, budget.at));
    }
    // From before the first update until the outcome is known, a cancelled run's post step knows what to put back.
    rollbackState.save({
        region: inputs.region,
        cluster: inputs.cluster,
        services: report.services.flatMap(({ service, previous }) => (previous ? [{ service, previous }] : [])),
    });
    try {
        await rollOut(client, inputs, { current, deadline: budget.at }, report);
    }
    catch (failure) {
        if (!report.changed)
            throw failure;
        const newArn = current.taskDefinitionArn;
        await core/* group */.Os('Roll back', () => restore(client, inputs, { budget, failure, newArn }, report));
    }
    finally {
        rollbackState.clear();
    }
    if (!inputs.wait)
        return;
    if (report.services.some((s) => s.targetGroupArns?.length)) {
        report.serviceUrl = await core/* group */.Os('Service URL', () => lookUpServiceUrl(inputs, report));
    }
    if (inputs.deregisterOldRevisions) {
        const keep = inputs.deregisterOldRevisions;
        report.deregistered = await core/* group */.Os('Deregister old revisions', () => pruneRevisions(client, keep, current.taskDefinitionArn, report));
    }
}
/** Points every service at the new revision and watches each rollout; throws at the first thing that fails. */
async function rollOut(client, inputs, { current, deadline }, report) {
    const started = await core/* group */.Os('Update service', () => startRollouts(client, inputs, current, report));
    if (!inputs.wait) {
        for (const entry of report.services)
            entry.outcome = 'not-watched';
        return;
    }
    await core/* group */.Os('Watch rollout', () => watchAll(client, inputs, { current, started, deadline }, report));
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
/** Watches every rollout at once; throws the first error, else a rollout error naming every failed one. */
async function watchAll(client, inputs, { current, started, deadline }, report) {
    // Every watch runs to its end, so a failing one does not leave the others running unobserved.
    const watched = await Promise.allSettled(report.services.map((entry, i) => watchService(client, inputs, {
        entry,
        started: started[i],
        before: current.services[i],
        deadline,
    })));
    const thrown = watched.find((w) => w.status === 'rejected');
    if (thrown)
        throw thrown.reason;
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

/***/ 262:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PH: () => (/* binding */ mayHaveApplied),
/* harmony export */   br: () => (/* binding */ ecsClient),
/* harmony export */   o2: () => (/* binding */ aws),
/* harmony export */   yO: () => (/* binding */ clientConfig)
/* harmony export */ });
/* unused harmony exports DEFAULT_REQUEST_TIMEOUT_MS, resolveRegion, ecrClient, bounded, awsError */
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(131);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8112);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5742);



/** The per-attempt timeout when no request-timeout is given: longer than any answer ECS or ECR takes. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The region from the input, else from the environment that configure-aws-credentials sets. */
function resolveRegion(explicit) {
    const region = explicit ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('No AWS region is set.', "Give the 'aws-region' input, or run aws-actions/configure-aws-credentials (which sets AWS_REGION) before this step.");
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`AWS region '${region}' is not a region name.`, 'Use a region such as us-east-1 or eu-west-1.');
    }
    return region;
}
function clientConfig(options) {
    const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return {
        region: resolveRegion(options.region),
        customUserAgent: `deploy-actions/${options.stage}`,
        // A hung attempt is cut (a TimeoutError, which the SDK retries as transient) instead of waited on forever;
        // a connection that cannot even be opened is given up on sooner.
        requestHandler: {
            requestTimeout,
            throwOnRequestTimeout: true,
            connectionTimeout: Math.min(requestTimeout, 10_000),
        },
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
    const { ECSClient } = await Promise.all(/* import() */[__webpack_require__.e(563), __webpack_require__.e(78)]).then(__webpack_require__.t.bind(__webpack_require__, 3078, 19));
    return bounded(new ECSClient(clientConfig(options)), 'ecs', options);
}
async function ecrClient(options) {
    const { ECRClient } = await Promise.all(/* import() */[__webpack_require__.e(563), __webpack_require__.e(291)]).then(__webpack_require__.t.bind(__webpack_require__, 6291, 19));
    return bounded(new ECRClient(clientConfig(options)), 'ecr', options);
}
/**
 * Bounds every request of a client: each attempt by the request timeout (never longer than the time left), and
 * the whole call, retries included, by the deadline, as an abort signal (AWS SDK for JavaScript v3 Developer
 * Guide, "Abort requests": `send(command, { abortSignal })`). A call cut at the deadline fails as a
 * TimeoutError that names the operation, how long it waited and the input the deadline came from.
 */
function bounded(client, service, options) {
    const send = client.send.bind(client);
    const perAttempt = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    client.send = (async (command, sendOptions) => {
        const operation = `${service}:${command.constructor.name.replace(/Command$/, '')}`;
        const { deadline } = options;
        const started = Date.now();
        const left = deadline ? deadline.at - started : Number.POSITIVE_INFINITY;
        if (left <= 0)
            throw pastDeadline(operation, deadline, 0);
        const signal = Number.isFinite(left) ? AbortSignal.timeout(left) : undefined;
        try {
            return await send(command, {
                ...sendOptions,
                ...(signal ? { abortSignal: signal } : {}),
                requestTimeout: Math.max(1, Math.min(perAttempt, left)),
            });
        }
        catch (error) {
            if (signal?.aborted && deadline)
                throw pastDeadline(operation, deadline, Date.now() - started, error);
            throw error;
        }
    });
    return client;
}
function pastDeadline(operation, deadline, waitedMs, cause) {
    const waited = waitedMs > 0 ? ` after waiting ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(waitedMs)} for an answer` : ' before it was sent';
    return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .TimeoutError */ .MU(`${operation} was cut at the deadline (${deadline.input})${waited}.`, `AWS did not answer in time; raise ${deadline.input}, or look at the AWS Health Dashboard for the region.`, { cause });
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
/**
 * Turns an AWS SDK error into a CloudError that names the call, the AWS error code and what to check. AWS
 * error messages can quote the request (a ValidationException quoting a container definition, an environment
 * value): the message is scrubbed of every masked value before it is printed or becomes a failure reason.
 */
function awsError(error, operation) {
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH)
        return error;
    const err = error;
    const code = err.name && err.name !== 'Error' ? err.name : (err.code ?? 'Error');
    const status = err.$metadata?.httpStatusCode;
    const attempts = err.$metadata?.attempts;
    const said = code === 'TimeoutError' ? 'no answer in time (request-timeout)' : (err.message ?? String(error));
    const tries = attempts && attempts > 1 ? ` (${attempts} attempts)` : '';
    const message = `${operation} failed: ${code}${status ? ` (HTTP ${status})` : ''}${tries}: ${said}`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .CloudError */ .K2((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .scrub */ ._I)(message), code, hints[code], { cause: error });
}
/**
 * Whether a failed call may still have been applied: its answer was lost (a reset, a timeout, a cut at the
 * deadline) or the service failed with a 5xx after accepting it. A 4xx is a refusal: nothing was applied.
 */
function mayHaveApplied(error) {
    const err = (error.cause ?? error);
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .TimeoutError */ .MU)
        return true;
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH && !(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .CloudError */ .K2))
        return false;
    const status = err.$metadata?.httpStatusCode;
    return status === undefined || status >= 500;
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

/***/ 8462:
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
