export const id = 831;
export const ids = [831];
export const modules = {

/***/ 7831:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   teardown: () => (/* binding */ teardown)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4724);
/* harmony import */ var _lib_aws_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(262);
/* harmony import */ var _lib_duration_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(131);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8112);
/* harmony import */ var _lib_poll_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8462);





async function teardown(inputs, report) {
    const ecs = await (0,_lib_aws_js__WEBPACK_IMPORTED_MODULE_1__/* .ecsClient */ .br)({
        region: inputs.region,
        stage: 'deploy-ecs',
        requestTimeoutMs: inputs.requestTimeoutMs,
        deadline: { at: Date.now() + inputs.waitMs, input: 'wait-for-minutes' },
    });
    for (const service of inputs.services) {
        const result = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Deleting ${service} from ${inputs.cluster}`, () => tearDown(ecs, inputs, service));
        report.results.push(result);
    }
}
async function tearDown(ecs, inputs, service) {
    const before = await statusOf(ecs, inputs.cluster, service);
    if (before === 'MISSING' || before === 'INACTIVE') {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${service} is ${before === 'MISSING' ? 'not in the cluster' : 'already INACTIVE'}: nothing to delete.`);
        return { service, outcome: 'already-gone', status: before };
    }
    if (before === 'ACTIVE' && !(await deleteService(ecs, inputs.cluster, service))) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${service} was deleted meanwhile: nothing to delete.`);
        return { service, outcome: 'already-gone', status: 'MISSING' };
    }
    if (!inputs.wait)
        return { service, outcome: 'draining', status: 'DRAINING' };
    const waited = await (0,_lib_poll_js__WEBPACK_IMPORTED_MODULE_4__/* .poll */ .w)(async () => {
        const status = await statusOf(ecs, inputs.cluster, service);
        return status === 'INACTIVE' || status === 'MISSING' ? status : undefined;
    }, { intervalMs: inputs.pollIntervalMs, timeoutMs: inputs.waitMs });
    if (waited.outcome === 'timeout')
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .TimeoutError */ .MU(`${service} was still DRAINING after ${(0,_lib_duration_js__WEBPACK_IMPORTED_MODULE_2__/* .formatDuration */ .a3)(inputs.waitMs)}: its tasks have not all stopped.`, 'Check the stopped reasons of its tasks in the ECS console, or raise wait-for-minutes; running the teardown again resumes the wait.');
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${service}: ${waited.value}.`);
    return { service, outcome: 'deleted', status: waited.value };
}
/**
 * DeleteService with force. False when ECS no longer knows the service (ServiceNotFoundException: deleted and
 * purged between the look and the delete); ServiceNotActiveException means it is already draining.
 */
async function deleteService(ecs, cluster, service) {
    const { DeleteServiceCommand } = await Promise.all(/* import() */[__webpack_require__.e(563), __webpack_require__.e(78)]).then(__webpack_require__.t.bind(__webpack_require__, 3078, 19));
    try {
        await (0,_lib_aws_js__WEBPACK_IMPORTED_MODULE_1__/* .aws */ .o2)(`DeleteService ${service}`, () => ecs.send(new DeleteServiceCommand({ cluster, service, force: true })));
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${service}: deleted; ECS is draining it.`);
        return true;
    }
    catch (error) {
        const code = error.code;
        if (code === 'ServiceNotFoundException')
            return false;
        if (code === 'ServiceNotActiveException')
            return true;
        throw error;
    }
}
/** ACTIVE, DRAINING, INACTIVE, or MISSING when ECS does not know the service at all. */
async function statusOf(ecs, cluster, service) {
    const { DescribeServicesCommand } = await Promise.all(/* import() */[__webpack_require__.e(563), __webpack_require__.e(78)]).then(__webpack_require__.t.bind(__webpack_require__, 3078, 19));
    const { services, failures } = await (0,_lib_aws_js__WEBPACK_IMPORTED_MODULE_1__/* .aws */ .o2)(`DescribeServices ${service}`, () => ecs.send(new DescribeServicesCommand({ cluster, services: [service] })));
    return services?.[0]?.status ?? (failures?.[0]?.reason === 'MISSING' ? 'MISSING' : 'UNKNOWN');
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
