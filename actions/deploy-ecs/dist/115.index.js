export const id = 115;
export const ids = [115];
export const modules = {

/***/ 9115:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   summariseTeardown: () => (/* binding */ summariseTeardown),
/* harmony export */   teardown: () => (/* binding */ teardown)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3218);
/* harmony import */ var _lib_aws_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2986);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7268);
/* harmony import */ var _lib_poll_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5439);
/* harmony import */ var _lib_summary_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1119);





async function teardown(inputs) {
    const ecs = await (0,_lib_aws_js__WEBPACK_IMPORTED_MODULE_1__/* .ecsClient */ .br)({ region: inputs.region, stage: 'deploy-ecs' });
    const { DeleteServiceCommand, DescribeServicesCommand } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(212)]).then(__webpack_require__.t.bind(__webpack_require__, 212, 19));
    const statusOf = async (service) => {
        const { services, failures } = await (0,_lib_aws_js__WEBPACK_IMPORTED_MODULE_1__/* .aws */ .o2)(`DescribeServices ${service}`, () => ecs.send(new DescribeServicesCommand({ cluster: inputs.cluster, services: [service] })));
        return services?.[0]?.status ?? (failures?.[0]?.reason === 'MISSING' ? 'MISSING' : 'UNKNOWN');
    };
    const results = [];
    for (const service of inputs.services) {
        const result = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Deleting ${service} from ${inputs.cluster}`, async () => {
            const before = await statusOf(service);
            if (before === 'MISSING' || before === 'INACTIVE') {
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${service} is ${before === 'MISSING' ? 'not in the cluster' : 'already INACTIVE'}: nothing to delete.`);
                return { service, outcome: 'already-gone', status: before };
            }
            if (before === 'ACTIVE') {
                await (0,_lib_aws_js__WEBPACK_IMPORTED_MODULE_1__/* .aws */ .o2)(`DeleteService ${service}`, () => ecs.send(new DeleteServiceCommand({ cluster: inputs.cluster, service, force: true })));
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${service}: deleted; ECS is draining it.`);
            }
            if (!inputs.wait)
                return { service, outcome: 'draining', status: 'DRAINING' };
            const waited = await (0,_lib_poll_js__WEBPACK_IMPORTED_MODULE_3__/* .poll */ .w)(async () => {
                const status = await statusOf(service);
                return status === 'INACTIVE' || status === 'MISSING' ? status : undefined;
            }, { intervalMs: inputs.pollIntervalMs, timeoutMs: inputs.waitMinutes * 60_000 });
            if (waited.outcome === 'timeout')
                throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .TimeoutError */ .MU(`${service} was still DRAINING after ${(0,_lib_poll_js__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a)(inputs.waitMinutes * 60_000)}: its tasks have not all stopped.`, 'Check the stopped reasons of its tasks in the ECS console, or raise wait-for-minutes; running the teardown again resumes the wait.');
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${service}: ${waited.value}.`);
            return { service, outcome: 'deleted', status: waited.value };
        });
        results.push(result);
    }
    return results;
}
function summariseTeardown(inputs, results, ms) {
    const deleted = results.filter((r) => r.outcome !== 'already-gone');
    return {
        stage: 'deploy-ecs teardown',
        outcome: deleted.length > 0 ? 'success' : 'unchanged',
        headline: deleted.length > 0
            ? `Deleted ${deleted.map((r) => r.service).join(', ')} from ${inputs.cluster}.`
            : `Nothing to delete: ${results.map((r) => r.service).join(', ')} already gone from ${inputs.cluster}.`,
        facts: [
            ['Cluster', (0,_lib_summary_js__WEBPACK_IMPORTED_MODULE_4__/* .code */ .aY)(inputs.cluster)],
            ...results.map((r) => [r.service, `${r.outcome} (${r.status})`]),
            ['Time', (0,_lib_poll_js__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a)(ms)],
        ],
    };
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
        ...(process.env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: 5 }),
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


/***/ })

};
