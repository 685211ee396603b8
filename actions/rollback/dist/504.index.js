export const id = 504;
export const ids = [504];
export const modules = {

/***/ 504:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  rollbackEcs: () => (/* binding */ rollbackEcs)
});

// EXTERNAL MODULE: ../../../work/main/node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var dist_cjs = __webpack_require__(3078);
// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(1802);
;// CONCATENATED MODULE: ./src/lib/arn.ts
/**
 * Reading AWS ARNs (`arn:partition:service:region:account:resource`) without slicing them by hand.
 * See "Amazon Resource Names (ARNs)" in the IAM User Guide for the format.
 */
/** The parts of an ARN, or undefined when the text is not one. */
function parseArn(text) {
    const match = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(text);
    if (!match)
        return undefined;
    const [, partition = '', service = '', region = '', account = '', resource = ''] = match;
    return { partition, service, region, account, resource };
}
function shortArn(arn) {
    return arn === undefined ? undefined : arn.slice(arn.lastIndexOf('/') + 1);
}
/** The resource without its type: `app/web/0123` of `loadbalancer/app/web/0123`, `prod/web` of `service/prod/web`. */
function resourcePath(arn) {
    const resource = parseArn(arn)?.resource ?? arn;
    return resource.slice(resource.indexOf('/') + 1);
}
/** A task definition's family and revision, from its ARN or `family:revision`. */
function taskDefinitionRevision(arnOrName) {
    const [family = '', revision = '0'] = shortArn(arnOrName).split(':');
    return { family, revision: Number(revision) };
}

// EXTERNAL MODULE: ./src/lib/duration.ts
var duration = __webpack_require__(131);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(8112);
// EXTERNAL MODULE: ./src/lib/secrets.ts
var secrets = __webpack_require__(5742);
;// CONCATENATED MODULE: ./src/lib/aws.ts



/** The per-attempt timeout when no request-timeout is given: longer than any answer ECS or ECR takes. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The region from the input, else from the environment that configure-aws-credentials sets. */
function resolveRegion(explicit) {
    const region = explicit ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) {
        throw new errors/* InputError */.dz('No AWS region is set.', "Give the 'aws-region' input, or run aws-actions/configure-aws-credentials (which sets AWS_REGION) before this step.");
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
        throw new errors/* InputError */.dz(`AWS region '${region}' is not a region name.`, 'Use a region such as us-east-1 or eu-west-1.');
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
    const { ECSClient } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 3078, 19));
    return bounded(new ECSClient(clientConfig(options)), 'ecs', options);
}
async function ecrClient(options) {
    const { ECRClient } = await __webpack_require__.e(/* import() */ 291).then(__webpack_require__.t.bind(__webpack_require__, 6291, 19));
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
    const waited = waitedMs > 0 ? ` after waiting ${(0,duration/* formatDuration */.a3)(waitedMs)} for an answer` : ' before it was sent';
    return new errors/* TimeoutError */.MU(`${operation} was cut at the deadline (${deadline.input})${waited}.`, `AWS did not answer in time; raise ${deadline.input}, or look at the AWS Health Dashboard for the region.`, { cause });
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
    if (error instanceof errors/* DeployError */.sH)
        return error;
    const err = error;
    const code = err.name && err.name !== 'Error' ? err.name : (err.code ?? 'Error');
    const status = err.$metadata?.httpStatusCode;
    const attempts = err.$metadata?.attempts;
    const said = code === 'TimeoutError' ? 'no answer in time (request-timeout)' : (err.message ?? String(error));
    const tries = attempts && attempts > 1 ? ` (${attempts} attempts)` : '';
    const message = `${operation} failed: ${code}${status ? ` (HTTP ${status})` : ''}${tries}: ${said}`;
    return new errors/* CloudError */.K2((0,secrets/* scrub */._I)(message), code, hints[code], { cause: error });
}
/**
 * Whether a failed call may still have been applied: its answer was lost (a reset, a timeout, a cut at the
 * deadline) or the service failed with a 5xx after accepting it. A 4xx is a refusal: nothing was applied.
 */
function mayHaveApplied(error) {
    const err = (error.cause ?? error);
    if (error instanceof TimeoutError)
        return true;
    if (error instanceof DeployError && !(error instanceof CloudError))
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

// EXTERNAL MODULE: ./src/lib/poll.ts
var poll = __webpack_require__(8462);
;// CONCATENATED MODULE: ./src/lib/ecs-assess.ts
/** ECS's default circuit breaker threshold: half the desired count, at least 3 and at most 200. */
function defaultMaxFailedTasks(desiredCount) {
    return breakerThreshold(desiredCount);
}
/**
 * ECS's circuit breaker threshold (API Reference, ThresholdConfiguration): by default (BOUNDED_PERCENT 50) half
 * the desired count, at least 3 and at most 200; UNBOUNDED_PERCENT without the bounds; COUNT the value itself.
 */
function breakerThreshold(desiredCount, config) {
    const value = config?.value ?? 50;
    if (config?.type === 'COUNT')
        return value;
    const percent = Math.ceil((desiredCount * value) / 100);
    return config?.type === 'UNBOUNDED_PERCENT' ? Math.max(1, percent) : Math.min(200, Math.max(3, percent));
}
function assess(service, target) {
    const deployments = service.deployments ?? [];
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    const ours = deployments.find((d) => target.deploymentId !== undefined && d.id === target.deploymentId) ??
        (primary?.taskDefinition === target.taskDefinitionArn ? primary : undefined);
    if (service.status !== 'ACTIVE') {
        return {
            state: 'failed',
            deployment: ours,
            reason: `The service is ${service.status ?? 'gone'}: it was deleted during the rollout.`,
            rolledBack: false,
        };
    }
    if (!ours || (primary && primary !== ours && primary.taskDefinition !== target.taskDefinitionArn)) {
        const rolledBack = primary?.taskDefinition !== undefined && primary.taskDefinition === target.previousTaskDefinitionArn;
        const why = ours?.rolloutStateReason ? ` ${ours.rolloutStateReason}` : '';
        return {
            state: 'failed',
            deployment: ours,
            rolledBack,
            reason: rolledBack
                ? `ECS rolled the service back to ${primary?.taskDefinition}.${why}`
                : `Another deployment (${primary?.id ?? 'unknown'}, ${primary?.taskDefinition ?? 'unknown task definition'}) replaced this one during the rollout.`,
        };
    }
    if (ours.rolloutState === 'FAILED') {
        return {
            state: 'failed',
            deployment: ours,
            reason: ours.rolloutStateReason ?? 'ECS marked the deployment FAILED.',
            rolledBack: false,
        };
    }
    if (ours.rolloutState === 'COMPLETED')
        return { state: 'completed', deployment: ours };
    if (ours.rolloutState === undefined && deployments.length === 1 && ours.runningCount === ours.desiredCount) {
        return { state: 'completed', deployment: ours };
    }
    const limit = target.maxFailedTasks ??
        breakerThreshold(service.desiredCount ?? ours.desiredCount ?? 1, service.deploymentConfiguration?.deploymentCircuitBreaker?.thresholdConfiguration);
    if ((ours.failedTasks ?? 0) >= limit) {
        return {
            state: 'failed',
            deployment: ours,
            rolledBack: false,
            reason: `${ours.failedTasks} tasks of the new deployment failed to start or stopped (max-failed-tasks is ${limit}).`,
        };
    }
    return { state: 'in-progress', deployment: ours };
}
function describeStoppedTask(task) {
    const containers = task.containers
        .filter((c) => c.exitCode !== undefined || c.reason)
        .map((c) => `container ${c.name} ${c.exitCode !== undefined ? `exited with code ${c.exitCode}` : 'did not run'}${c.reason ? ` (${c.reason})` : ''}`);
    return `task ${task.taskId} stopped${task.stopCode ? ` [${task.stopCode}]` : ''}: ${task.stoppedReason ?? 'no reason given'}${containers.length ? `; ${containers.join('; ')}` : ''}`;
}
/** Stopped tasks that explain a failure first: those that failed, before those the scheduler stopped. */
function failedFirst(tasks) {
    const failed = (t) => t.stopCode !== 'ServiceSchedulerInitiated' || t.containers.some((c) => (c.exitCode ?? 0) !== 0);
    return [...tasks.filter(failed), ...tasks.filter((t) => !failed(t))];
}

;// CONCATENATED MODULE: ./src/lib/ecs-rollout.ts







/** A stopped task as the summaries and errors describe it. */
function toStopped(task) {
    return {
        taskId: shortArn(task.taskArn ?? ''),
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
    const listed = await aws('ecs:ListTasks', () => client.send(new dist_cjs/* ListTasksCommand */.MYg({ cluster, startedBy: deploymentId, desiredStatus: 'STOPPED', maxResults: 100 })));
    const fresh = (listed.taskArns ?? []).filter((arn) => !known.has(arn));
    if (fresh.length === 0)
        return [];
    const described = await aws('ecs:DescribeTasks', () => client.send(new dist_cjs/* DescribeTasksCommand */.z8X({ cluster, tasks: fresh })));
    for (const arn of fresh)
        known.add(arn);
    return (described.tasks ?? []).filter((t) => t.lastStatus === 'STOPPED').map(toStopped);
}
async function describeService(client, cluster, service) {
    const answer = await aws('ecs:DescribeServices', () => client.send(new dist_cjs/* DescribeServicesCommand */.H7c({ cluster, services: [service] })));
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
        const assessment = assess(service, options.target);
        const deployment = assessment.deployment;
        if (deployment?.id && (deployment.failedTasks ?? 0) > failedSeen) {
            failedSeen = deployment.failedTasks ?? 0;
            const stopped = await stoppedTasks(client, options.cluster, deployment.id, knownTasks);
            for (const task of stopped)
                options.log(`stopped: ${describeStoppedTask(task)}`);
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

;// CONCATENATED MODULE: ./src/rollback/ecs.ts







async function rollbackEcs(inputs) {
    const client = await ecsClient({
        region: inputs.region,
        stage: 'rollback',
        requestTimeoutMs: inputs.requestTimeoutMs,
        // The whole rollback, the choice of a revision included, within wait-for-minutes: a hung call is cut there.
        deadline: { at: Date.now() + inputs.waitMs, input: 'wait-for-minutes' },
    });
    const service = await describeService(client, inputs.cluster, inputs.service);
    const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
    const current = primary?.taskDefinition ?? service.taskDefinition ?? '';
    const found = { client, inputs, service, primary, current };
    if (inputs.mode === 'mark-good')
        return markGood(found);
    const target = await chooseRevision(found);
    const facts = [
        ['Cluster', inputs.cluster],
        ['Service', inputs.service],
        ['Chosen', target.why],
    ];
    const rolledBack = { outcome: 'rolled-back', to: target.arn, from: current, facts };
    if (current === target.arn && isSettled(found)) {
        return {
            ...rolledBack,
            outcome: 'already-current',
            headline: `${inputs.service} already runs ${shortArn(target.arn)}: no new deployment.`,
        };
    }
    const deploymentId = await pointServiceAt(found, target);
    if (!inputs.wait) {
        return { ...rolledBack, headline: `${inputs.service} is rolling back to ${shortArn(target.arn)} (not watched).` };
    }
    return {
        ...rolledBack,
        rolloutState: 'COMPLETED',
        headline: `${inputs.service} runs ${shortArn(target.arn)} again (was ${shortArn(current)}).`,
        events: await watchRollback(found, target, deploymentId),
    };
}
/** Nothing to do when the service runs the target and no deployment is still rolling out. */
function isSettled({ service, primary }) {
    return primary?.rolloutState === 'COMPLETED' || (!primary?.rolloutState && service.deployments?.length === 1);
}
/** Tags the given revision, or what the service runs, as known-good. */
async function markGood({ client, inputs, current }) {
    const arn = inputs.taskDefinition ? (await describeRevision(client, inputs.taskDefinition)).arn : current;
    await aws('ecs:TagResource', () => client.send(new dist_cjs/* TagResourceCommand */.eqU({
        resourceArn: arn,
        tags: [{ key: inputs.knownGoodTag, value: new Date().toISOString() }],
    })));
    return {
        outcome: 'marked-good',
        to: arn,
        from: arn,
        headline: `${shortArn(arn)} is marked known-good (${inputs.knownGoodTag}).`,
        facts: [['Service', inputs.service]],
    };
}
async function describeRevision(client, reference) {
    try {
        const answer = await client.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: reference, include: ['TAGS'] }));
        return {
            arn: answer.taskDefinition?.taskDefinitionArn ?? reference,
            tags: answer.tags ?? [],
            status: answer.taskDefinition?.status ?? 'ACTIVE',
        };
    }
    catch (error) {
        if (error.name === 'ClientException') {
            throw new errors/* InputError */.dz(`Task definition '${reference}' does not exist: nothing was changed.`, 'Check the revision; `aws ecs list-task-definitions --family-prefix <family>` lists them.');
        }
        throw awsError(error, `ecs:DescribeTaskDefinition (${reference})`);
    }
}
const isKnownGood = (tags, key) => tags.some((t) => t.key === key);
/** The newest ACTIVE revision of the family older than `current` that carries the known-good tag. */
async function newestKnownGood(client, current, key) {
    const { family, revision } = taskDefinitionRevision(current);
    const pages = (0,dist_cjs/* paginateListTaskDefinitions */.XPO)({ client }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' });
    const older = [];
    await aws('ecs:ListTaskDefinitions', async () => {
        for await (const page of pages)
            older.push(...(page.taskDefinitionArns ?? []).filter((arn) => {
                const listed = taskDefinitionRevision(arn);
                return listed.family === family && listed.revision < revision;
            }));
    });
    // Newest first by revision number, whatever order ECS listed them in; a long history is not read further
    // than it has to be.
    older.sort((a, b) => taskDefinitionRevision(b).revision - taskDefinitionRevision(a).revision);
    for (const arn of older.slice(0, 50)) {
        if (isKnownGood((await describeRevision(client, arn)).tags, key))
            return arn;
    }
    return undefined;
}
/** ECS refuses to deploy a deregistered revision: say so before anything is changed. */
function refuseInactive(revision, input) {
    throw new errors/* InputError */.dz(`${shortArn(revision.arn)} (${input}) is INACTIVE: it was deregistered, and ECS cannot deploy it again. Nothing was changed.`, 'Register it again (aws ecs register-task-definition from its JSON) and roll back to the new revision, or choose an ACTIVE revision.');
}
async function chooseRevision({ client, inputs, current }) {
    if (inputs.taskDefinition) {
        const given = await describeRevision(client, inputs.taskDefinition);
        if (given.status !== 'ACTIVE')
            refuseInactive(given, 'task-definition');
        return { arn: given.arn, why: 'given as task-definition' };
    }
    if (inputs.previous) {
        const previous = await describeRevision(client, inputs.previous);
        if (previous.status !== 'ACTIVE') {
            const knownGood = await newestKnownGood(client, current, inputs.knownGoodTag);
            if (!knownGood)
                refuseInactive(previous, 'previous-task-definition-arn');
            core/* warning */.$e(`${shortArn(previous.arn)} was deregistered (INACTIVE): returning to ${shortArn(knownGood)}, the newest known-good revision.`);
            return { arn: knownGood, why: 'the newest known-good revision; the previous one was deregistered' };
        }
        if (isKnownGood(previous.tags, inputs.knownGoodTag))
            return { arn: previous.arn, why: 'the previous revision, known-good' };
        const knownGood = await newestKnownGood(client, current, inputs.knownGoodTag);
        if (!knownGood)
            return { arn: previous.arn, why: 'the previous revision (no revision of the family is marked known-good)' };
        core/* warning */.$e(`${shortArn(previous.arn)} never proved healthy (no ${inputs.knownGoodTag} tag): returning to ${shortArn(knownGood)}, the newest known-good revision.`);
        return { arn: knownGood, why: 'the newest known-good revision; the previous one never proved healthy' };
    }
    const knownGood = await newestKnownGood(client, current, inputs.knownGoodTag);
    if (!knownGood) {
        throw new errors/* InputError */.dz(`No earlier revision of ${taskDefinitionRevision(current).family} is marked known-good (tag ${inputs.knownGoodTag}): nothing was changed.`, "Give 'task-definition', or 'previous-task-definition-arn' from deploy-ecs, or mark revisions with mode: mark-good after their smoke test.");
    }
    return { arn: knownGood, why: 'the newest known-good revision' };
}
/** Updates the service to the target, unless it is already rolling it out. Returns the deployment to watch. */
async function pointServiceAt({ client, inputs, primary, current }, target) {
    if (current === target.arn) {
        core/* info */.pq(`${inputs.service} is already rolling out ${shortArn(target.arn)} (deployment ${primary?.id}): watching it`);
        return primary?.id;
    }
    const answer = await aws(`ecs:UpdateService (${inputs.service})`, () => client.send(new dist_cjs/* UpdateServiceCommand */.kZr({ cluster: inputs.cluster, service: inputs.service, taskDefinition: target.arn })));
    const started = answer.service?.deployments?.find((d) => d.status === 'PRIMARY');
    // The deployment watched must be the one that runs the revision asked for, not whatever ECS answers first.
    if (started?.taskDefinition !== target.arn) {
        throw new errors/* CloudError */.K2(`ecs:UpdateService (${inputs.service}) answered with a PRIMARY deployment of ${started?.taskDefinition ?? 'no task definition'}, not ${target.arn}.`, 'UnexpectedDeployment', 'Another deployment may have started at the same time: look at the service in the console, then run the rollback again.');
    }
    const deploymentId = started.id;
    core/* info */.pq(`${inputs.service}: ${shortArn(current)} → ${shortArn(target.arn)} (deployment ${deploymentId}), ${target.why}`);
    return deploymentId;
}
/** Watches the rollback's rollout as deploy-ecs does; throws when it fails or runs out of time. Returns its events. */
async function watchRollback(found, target, deploymentId) {
    const { client, inputs, service, current } = found;
    const watched = await watchRollout(client, {
        cluster: inputs.cluster,
        service: inputs.service,
        target: {
            deploymentId,
            taskDefinitionArn: target.arn,
            previousTaskDefinitionArn: current,
            maxFailedTasks: inputs.maxFailedTasks,
        },
        intervalMs: inputs.pollIntervalMs,
        timeoutMs: inputs.waitMs,
        seenEventIds: new Set((service.events ?? []).map((e) => e.id ?? '')),
        log: core/* info */.pq,
    });
    const detail = watched.stoppedTasks[0] ? ` ${describeStoppedTask(watched.stoppedTasks[0])}.` : '';
    if (watched.outcome === 'failed') {
        const reason = watched.assessment?.state === 'failed' ? watched.assessment.reason : 'the rollout failed';
        throw new errors/* RolloutFailed */.hl(`The rollback to ${shortArn(target.arn)} failed too: ${reason}${detail}`, 'The previous revision does not start either: look at what changed outside the task definition (secrets, IAM, dependencies).');
    }
    if (watched.outcome === 'timeout') {
        throw new errors/* TimeoutError */.MU(`The rollback to ${shortArn(target.arn)} did not finish within ${(0,duration/* formatDuration */.a3)(inputs.waitMs)}.${watched.cut ? ` ${watched.cut}` : ''}${detail}`, 'Raise wait-for-minutes, or watch the service in the console.');
    }
    return watched.events;
}


/***/ })

};
