export const id = 312;
export const ids = [312];
export const modules = {

/***/ 1312:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  rollbackGitOps: () => (/* binding */ rollbackGitOps)
});

// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(1802);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(8112);
// EXTERNAL MODULE: ./src/lib/poll.ts
var poll = __webpack_require__(8462);
// EXTERNAL MODULE: ./src/lib/secrets.ts
var secrets = __webpack_require__(5742);
;// CONCATENATED MODULE: ./src/lib/argocd.ts



class ArgoCd {
    server;
    token;
    /** Requests sent, for the summary and the bench. */
    requests = 0;
    constructor(server, token) {
        this.server = server;
        this.token = token;
        (0,secrets/* mask */.dK)(token);
    }
    async application(name, refresh = false) {
        const query = refresh ? '?refresh=normal' : '';
        return this.call('GET', `/api/v1/applications/${encodeURIComponent(name)}${query}`, undefined, `get ${name}`);
    }
    async sync(name, revision) {
        return this.call('POST', `/api/v1/applications/${encodeURIComponent(name)}/sync`, { revision, prune: false }, `sync ${name}`);
    }
    async call(method, path, body, what) {
        this.requests++;
        let response;
        try {
            response = await fetch(`${this.server.replace(/\/+$/, '')}${path}`, {
                method,
                headers: {
                    authorization: `Bearer ${this.token}`,
                    'content-type': 'application/json',
                    accept: 'application/json',
                },
                body: body === undefined ? undefined : JSON.stringify(body),
                signal: AbortSignal.timeout(30_000),
            });
        }
        catch (error) {
            throw new errors/* CloudError */.K2(`Argo CD ${what}: ${(0,secrets/* redactUrl */.BO)(this.server)} did not answer: ${error.message}`, 'NetworkError', 'Check argocd-server: the runner must reach the Argo CD API server.', { cause: error });
        }
        const text = await response.text();
        if (response.ok)
            return JSON.parse(text);
        throw argoError(what, response.status, text);
    }
}
const hints = {
    401: "The Argo CD token was refused: pass a current token in 'argocd-token' (an account or project token; `argocd account generate-token`).",
    403: "Argo CD says permission denied: either no Application has this name, or the token's role may not get/sync it (RBAC: applications, get and sync, on <project>/<application>).",
};
function argoError(what, status, text) {
    let message = text.trim().slice(0, 500);
    let code = `HTTP_${status}`;
    try {
        const parsed = JSON.parse(text);
        message = parsed.message ?? parsed.error ?? message;
        if (typeof parsed.code === 'number')
            code = `GRPC_${parsed.code}`;
    }
    catch {
        // Not grpc-gateway JSON (a proxy's page): its text is the message.
    }
    return new errors/* CloudError */.K2(`Argo CD ${what} failed (HTTP ${status}): ${message}`, code, hints[status]);
}
const failedPhases = new Set(['Failed', 'Error']);
function describeResources(items) {
    return items.map((item) => `${item.kind}/${item.name}${item.message ? `: ${item.message}` : ''}`).join('; ');
}
/**
 * Pure: where the Application stands with `revision`. Done once it is Synced to that revision, Healthy, and no
 * operation is running; failed at once when the sync of that revision failed (a hook such as a migration Job
 * included) or, synced to it, a resource is Degraded.
 */
function assess(app, revision) {
    const status = app.status ?? {};
    const op = status.operationState;
    const opRevision = op?.syncResult?.revision ?? op?.operation?.sync?.revision;
    if (op && failedPhases.has(op.phase) && opRevision === revision) {
        const failed = (op.syncResult?.resources ?? []).filter((r) => (r.status !== undefined && r.status !== 'Synced') || failedPhases.has(r.hookPhase ?? ''));
        const named = failed.length ? ` (${describeResources(failed)})` : '';
        return {
            state: 'failed',
            reason: 'sync-failed',
            message: `the sync of ${revision.slice(0, 7)} ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message ?? ''}${named}`,
        };
    }
    const synced = status.sync?.revision === revision && status.sync.status === 'Synced';
    const health = status.health?.status ?? 'Unknown';
    const running = op?.phase === 'Running' || op?.phase === 'Terminating';
    if (synced && !running && health === 'Degraded') {
        const degraded = (status.resources ?? []).filter((r) => r.health?.status === 'Degraded');
        const list = degraded.map((r) => ({ kind: r.kind, name: r.name, message: r.health?.message }));
        return {
            state: 'failed',
            reason: 'degraded',
            message: `${app.metadata.name} is Degraded at ${revision.slice(0, 7)}: ${describeResources(list) || status.health?.message || 'no resource named'}`,
        };
    }
    if (synced && !running && health === 'Healthy')
        return { state: 'done', revision, health };
    const at = status.sync?.revision ? status.sync.revision.slice(0, 7) : 'no revision';
    return {
        state: 'waiting',
        status: `${status.sync?.status ?? 'Unknown'} at ${at}, ${health}${running ? `, operation ${op?.phase}` : ''}`,
    };
}
/** Waits until the Application has synced `revision` and is Healthy; throws RolloutFailed or TimeoutError. */
async function waitForRevision(argo, name, revision, options) {
    let last = '';
    let synced = false;
    let app;
    const result = await (0,poll/* poll */.w)(async (attempt) => {
        app = await argo.application(name, attempt === 1);
        if (options.sync &&
            !synced &&
            app.status?.sync?.revision !== revision &&
            app.status?.operationState?.phase !== 'Running') {
            app = await argo.sync(name, revision);
            synced = true;
            options.onChange?.(`Sync of ${revision.slice(0, 7)} requested.`);
        }
        options.onApplication?.(app);
        const verdict = assess(app, revision);
        const line = verdict.state === 'waiting' ? verdict.status : verdict.state === 'failed' ? verdict.message : verdict.state;
        if (line !== last)
            options.onChange?.(line === 'done' ? `Synced at ${revision.slice(0, 7)}, Healthy.` : line);
        last = line;
        if (verdict.state === 'failed')
            throw new errors/* RolloutFailed */.hl(`Argo CD: ${verdict.message}`, undefined, { reason: verdict.reason });
        return verdict.state === 'done' ? verdict : undefined;
    }, { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs });
    if (result.outcome === 'timeout') {
        throw new errors/* TimeoutError */.MU(`Argo CD: ${name} did not become Synced at ${revision.slice(0, 7)} and Healthy in time; last seen: ${last}.`, options.sync
            ? 'Raise timeout, or look at the Application in Argo CD.'
            : "If the Application does not sync by itself (no automated sync policy), set 'sync: true'.");
    }
    return { revision: result.value.revision, health: result.value.health, app: app };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/lib/git.ts
var git = __webpack_require__(2103);
;// CONCATENATED MODULE: ./src/lib/gitops-deliver.ts






async function deliverChange(options, make) {
    const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(process.env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)(), 'gitops-'));
    const { branch } = options.remote;
    try {
        const repo = await (0,git/* clone */.o8)(options.remote, (0,external_node_path_.join)(dir, 'config'), {
            counter: options.counter,
            keyDir: (0,external_node_path_.join)(dir, 'ssh'),
        });
        for (let attempt = 1;; attempt++) {
            const { commit, ...made } = await make(repo);
            if (commit === undefined) {
                return {
                    ...made,
                    commit: await repo.must(['rev-parse', 'HEAD'], 'rev-parse'),
                    pushed: false,
                    attempts: attempt,
                };
            }
            const target = options.pushTo?.(commit) ?? branch;
            const outcome = await (0,git/* push */.VC)(repo, target);
            if (outcome.outcome === 'pushed') {
                const message = await repo.must(['log', '-1', '--format=%B', commit], 'log');
                return { ...made, commit, pushed: true, attempts: attempt, pushedTo: target, message };
            }
            if (attempt >= options.attempts) {
                throw new errors/* CloudError */.K2(`The push to ${branch} was rejected ${attempt} times (${outcome.reason}): others keep pushing to it.`, 'PushRejected', "Raise 'push-attempts', or serialise the releases with a concurrency group.");
            }
            core/* info */.pq(`The push was rejected (${outcome.reason}): someone pushed first. Making the change again on the new tip.`);
            await (0,git/* resetToRemote */.jo)(repo, branch);
        }
    }
    finally {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    }
}
/** Where the change comes from, for commit messages: the source commit and the run, as links. */
function provenance() {
    const repository = process.env.GITHUB_REPOSITORY;
    const sha = process.env.GITHUB_SHA;
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const runId = process.env.GITHUB_RUN_ID;
    return [
        repository && sha ? `Source-Commit: ${server}/${repository}/commit/${sha}` : '',
        repository && runId ? `Run: ${server}/${repository}/actions/runs/${runId}` : '',
    ].filter(Boolean);
}
/**
 * Reverts a release commit on the branch tip and commits the revert as `identity`; no commit when it is already
 * undone. A commit that is not on the branch is refused; a conflict (a later change to the same lines) fails
 * with Git's words.
 */
async function revertCommit(repo, sha, context) {
    const full = await repo.run(['rev-parse', '--verify', '--quiet', `${sha}^{commit}`]);
    const onBranch = full.code === 0 ? await repo.run(['merge-base', '--is-ancestor', full.stdout.trim(), 'HEAD']) : full;
    if (onBranch.code !== 0) {
        throw new errors/* InputError */.dz(`Commit ${sha} is not on ${context.branch} of the config repository: there is nothing to revert.`, "Pass the 'commit' output of the release to roll back.");
    }
    const reverted = full.stdout.trim();
    const subject = await repo.must(['log', '-1', '--format=%s', reverted], 'log');
    const result = await repo.run(['revert', '--no-edit', '--no-commit', reverted]);
    if (result.code !== 0) {
        await repo.run(['revert', '--abort']);
        throw new errors/* CloudError */.K2(`git revert of ${reverted.slice(0, 7)} failed: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`, 'RevertConflict', 'A later commit changed the same lines: set the previous image with a release instead (its previous-image output).');
    }
    const message = [
        `Roll back ${context.service}: revert "${subject}"`,
        '',
        `This reverts commit ${reverted}.`,
        '',
        ...provenance(),
    ];
    const commit = await (0,git/* commitAll */.fi)(repo, message.join('\n'), context.identity);
    return { commit, reverted };
}

// EXTERNAL MODULE: ./src/lib/gitops-inputs.ts
var gitops_inputs = __webpack_require__(3365);
;// CONCATENATED MODULE: ./src/rollback/gitops.ts




/**
 * rollback `target: gitops`: revert the release commit in the config repository (the gitops action's `commit`
 * output), push it, and wait until Argo CD has synced the revert and the Application is Healthy again.
 * Idempotent: a release already reverted makes no commit, and the wait proves what runs.
 */
async function rollbackGitOps(inputs) {
    const delivered = await deliverChange({ remote: (0,gitops_inputs/* gitRemote */.RS)(inputs), attempts: 5 }, (repo) => revertCommit(repo, inputs.revert, { branch: inputs.branch, service: inputs.service, identity: inputs.identity }));
    const short = (sha) => sha.slice(0, 7);
    core/* info */.pq(delivered.pushed
        ? `Pushed the revert of ${short(delivered.reverted)} to ${inputs.branch}: ${delivered.commit}.`
        : `${short(delivered.reverted)} is already reverted on ${inputs.branch} (at ${short(delivered.commit)}): nothing to push.`);
    const events = [];
    const health = inputs.argo ? await waitForArgo(inputs.argo, delivered.commit, events) : undefined;
    const proven = health ? `; Argo CD synced it and ${inputs.argo?.application} is ${health}` : '';
    return {
        outcome: delivered.pushed ? 'rolled-back' : 'already-current',
        to: delivered.commit,
        from: delivered.reverted,
        rolloutState: health,
        headline: `${delivered.pushed ? 'Reverted' : 'Already reverted:'} ${short(delivered.reverted)} on ${inputs.branch} of the config repository${proven}.`,
        facts: [
            ['Config repository', `${inputs.repository} (${inputs.branch})`],
            ['Revert commit', delivered.commit],
            ['Argo CD', inputs.argo ? `${inputs.argo.application}: ${health}` : 'not waited for (no argocd-server)'],
        ],
        events,
    };
}
async function waitForArgo(argo, commit, events) {
    const client = new ArgoCd(argo.server, argo.token);
    const done = await waitForRevision(client, argo.application, commit, {
        timeoutMs: argo.timeoutMs,
        intervalMs: argo.intervalMs,
        sync: argo.sync,
        onChange: (line) => {
            events.push(line);
            core/* info */.pq(`${argo.application}: ${line}`);
        },
    });
    return done.health;
}


/***/ })

};
