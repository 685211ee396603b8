export const id = 922;
export const ids = [922];
export const modules = {

/***/ 5922:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  stage: () => (/* binding */ stage)
});

// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(5288);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(8112);
// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/exec/lib/exec.js + 2 modules
var exec = __webpack_require__(4498);
;// CONCATENATED MODULE: ./src/terraform/cli.ts



/** Who holds a state lock and since when, from Terraform's "Error acquiring the state lock" report. */
function parseLock(stderr) {
    if (!/Error acquiring the state lock/i.test(stderr))
        return undefined;
    const text = stderr.replace(/^[│╷╵]\s?/gm, '');
    const field = (name) => new RegExp(`^\\s*${name}:[ \\t]*(.*\\S)?[ \\t]*$`, 'm').exec(text)?.[1];
    return {
        id: field('ID'),
        path: field('Path'),
        who: field('Who'),
        created: field('Created'),
        operation: field('Operation'),
        version: field('Version'),
        info: field('Info'),
    };
}
const completedActions = { Creation: 'created', Modifications: 'changed', Destruction: 'destroyed' };
const startedActions = {
    Creating: 'create-unfinished',
    Modifying: 'change-unfinished',
    Destroying: 'destroy-unfinished',
};
/**
 * What an apply had done when it stopped, from its progress lines: the changes it finished (the state records
 * them, whatever failed after), then those it started and did not finish (`Creating...` with no `Creation
 * complete`): Terraform keeps such an object in the state as tainted, to be replaced by the next apply.
 */
function completedChanges(stdout) {
    const done = [];
    const started = new Map();
    for (const match of stdout.matchAll(/^(\S+): (?:(Creation|Modifications|Destruction) complete after|(Creating|Modifying|Destroying)\.\.\.)/gm)) {
        const address = match[1] ?? '';
        if (match[3])
            started.set(address, startedActions[match[3]]);
        else {
            started.delete(address);
            done.push({ address, action: completedActions[match[2]] });
        }
    }
    return [...done, ...[...started].map(([address, action]) => ({ address, action }))];
}
/** Terraform failed: the lock that stopped it, or what an apply had done before it stopped. */
class TerraformFailed extends errors/* DeployError */.sH {
    details;
    constructor(message, hint, reason, details) {
        super(message, hint, { reason });
        this.details = details;
    }
}
/** The error blocks Terraform printed, without its boilerplate, for a message a reader can act on. */
function errorText(stderr, limit = 1500) {
    const start = stderr.search(/^Error: /m);
    const text = (start >= 0 ? stderr.slice(start) : stderr).trim();
    return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
/**
 * Runs the Terraform (or OpenTofu) binary in the working directory, capturing exit code and output in
 * process: no PATH wrapper, so `$(terraform output -raw x)` in a later step still prints only the value.
 */
class TerraformCli {
    path;
    cwd;
    env;
    constructor(path, cwd, env) {
        this.path = path;
        this.cwd = cwd;
        this.env = env;
    }
    async run(args, options = {}) {
        const env = {};
        for (const [name, value] of Object.entries(process.env))
            if (value !== undefined)
                env[name] = value;
        const result = await (0,exec/* getExecOutput */.H)(this.path, args, {
            cwd: this.cwd,
            env: { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...this.env },
            ignoreReturnCode: true,
            silent: options.silent,
        });
        if (![0, ...(options.ok ?? [])].includes(result.exitCode))
            throw this.failure(args, result);
        return result;
    }
    failure(args, result) {
        const command = `${this.path.split(/[\\/]/).pop()} ${args[0]}`;
        const lock = parseLock(result.stderr);
        if (lock) {
            return new TerraformFailed(`${command} could not take the state lock: it is held by ${lock.who ?? 'another run'} since ${lock.created ?? 'an unknown time'}` +
                ` (${lock.operation ?? 'unknown operation'}, lock ID ${lock.id ?? 'unknown'}).`, `Wait for that run to finish, or raise 'lock-timeout' to wait for it. If the run died, release the lock with: terraform force-unlock ${lock.id ?? '<ID>'}`, 'state-locked', { lock, command: args[0] ?? '' });
        }
        if (/Saved plan is stale/i.test(result.stderr)) {
            return new errors/* DeployError */.sH(`${command} refused the saved plan: the state changed since it was made, so it is not the plan that was reviewed.`, 'Run plan again, review it, and apply the new plan.', { reason: 'plan-changed' });
        }
        core/* debug */.Yz(result.stderr);
        const completed = args[0] === 'apply' ? completedChanges(result.stdout) : undefined;
        return new TerraformFailed(`${command} failed (exit code ${result.exitCode})${completed ? afterChanges(completed) : ''}:\n${errorText(result.stderr || result.stdout)}`, completed
            ? "The error above is Terraform's own. The state records every change listed as done; fix the error, then plan again: the new plan shows what is left to do."
            : "The error above is Terraform's own; fix the configuration or the inputs it names.", 'terraform-failed', { completed, command: args[0] ?? '' });
    }
}
function afterChanges(completed) {
    const finished = completed.filter(({ action }) => !action.endsWith('-unfinished'));
    const unfinished = completed.filter(({ action }) => action.endsWith('-unfinished'));
    const list = (items) => items.map(({ address, action }) => `${address} (${action})`).join(', ');
    const plural = (n) => `${n} resource${n === 1 ? '' : 's'}`;
    const done = finished.length === 0
        ? ' before it had changed any resource'
        : ` after it had already changed ${plural(finished.length)}: ${list(finished)}`;
    return unfinished.length === 0
        ? done
        : `${done}; it had started and not finished ${plural(unfinished.length)}: ${list(unfinished)} (an object created part-way is kept in the state as tainted, and replaced by the next apply)`;
}

// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(4776);
// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/io/lib/io.js
var io = __webpack_require__(699);
// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/tool-cache/lib/tool-cache.js + 2 modules
var tool_cache = __webpack_require__(9767);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ../../../work/main/node_modules/semver/index.js
var semver = __webpack_require__(8350);
;// CONCATENATED MODULE: ./src/terraform/version.ts




/** Translates one Terraform version constraint (`~> 1.5`, `>= 1.3, < 2.0`, `= 1.2.3`) to a semver range. */
function constraintToRange(constraint) {
    const parts = constraint
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => {
        const match = /^(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+){0,2}(?:-[\w.]+)?)$/.exec(part);
        if (!match)
            throw new Error(`'${part}' is not a version constraint`);
        const [, operator = '=', version = ''] = match;
        if (operator !== '~>')
            return operator === '=' ? version : `${operator}${version}`;
        const segments = version.split('-')[0].split('.').map(Number);
        const [major = 0, minor = 0, patch = 0] = segments;
        // `~> 1.5` allows any 1.x from 1.5; `~> 1.5.3` only 1.5.x from 1.5.3 (the rightmost part may grow).
        return segments.length === 3
            ? `>=${major}.${minor}.${patch} <${major}.${minor + 1}.0`
            : `>=${major}.${minor}.0 <${major + 1}.0.0`;
    });
    // `!=` has no single-range form; leaving it out only widens the choice to the version it excludes.
    return parts.filter((part) => !part.startsWith('!=')).join(' ');
}
/** Parses the `terraform-version` input or a version found in the working directory. */
function parseSpec(raw, source) {
    const text = raw.trim();
    if (text === 'latest')
        return { kind: 'latest' };
    const exact = semver.valid(semver.clean(text) ?? '');
    if (exact)
        return { kind: 'exact', version: exact };
    let range;
    try {
        range = semver.validRange(/~>|,|^=/.test(text) ? constraintToRange(text) : text);
    }
    catch {
        range = null;
    }
    if (!range) {
        throw new errors/* InputError */.dz(`${source} '${text}' is not a version, a range or 'latest'.`, 'Examples: 1.11.4, ~1.11, >=1.9 <2, ~> 1.9 (Terraform syntax), latest.');
    }
    return { kind: 'range', range };
}
/**
 * The version the working directory asks for: `.terraform-version` (tfenv, tofuenv's `.opentofu-version`)
 * first, then `required_version` in its `.tf` files. Undefined when it says nothing.
 */
function versionFromDirectory(dir) {
    for (const file of ['.terraform-version', '.opentofu-version']) {
        let text;
        try {
            text = (0,external_node_fs_.readFileSync)((0,external_node_path_.join)(dir, file), 'utf8').split('\n')[0].trim();
        }
        catch {
            continue;
        }
        if (text !== '' && text !== 'min-required')
            return parseSpec(text, file);
    }
    let files;
    try {
        files = (0,external_node_fs_.readdirSync)(dir).filter((name) => name.endsWith('.tf'));
    }
    catch {
        return undefined;
    }
    for (const file of files.sort()) {
        const match = /required_version\s*=\s*"([^"]+)"/.exec((0,external_node_fs_.readFileSync)((0,external_node_path_.join)(dir, file), 'utf8'));
        if (match)
            return parseSpec(match[1], `required_version in ${file}`);
    }
    return undefined;
}
function satisfies(version, spec) {
    if (spec.kind === 'latest')
        return false;
    if (spec.kind === 'exact')
        return semver.eq(version, spec.version);
    return semver.satisfies(version, spec.range);
}
function describeSpec(spec) {
    return spec.kind === 'latest' ? 'latest' : spec.kind === 'exact' ? spec.version : spec.range;
}

;// CONCATENATED MODULE: ./src/terraform/install.ts












const platforms = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' };
const architectures = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
/** The release's file names, laid out as releases.hashicorp.com and OpenTofu's GitHub releases do. */
function releaseFiles(binary, baseUrl, version) {
    const os = platforms[process.platform] ?? process.platform;
    const arch = architectures[process.arch] ?? process.arch;
    const zip = `${binary}_${version}_${os}_${arch}.zip`;
    const folder = binary === 'terraform' ? `${baseUrl}/terraform/${version}` : `${baseUrl}/v${version}`;
    return { zip, zipUrl: `${folder}/${zip}`, sumsUrl: `${folder}/${binary}_${version}_SHA256SUMS` };
}
const http = () => new lib/* HttpClient */.Qq('deploy-actions/terraform', [], { allowRetries: true, maxRetries: 3 });
async function getText(url, what) {
    const response = await http().get(url);
    const body = await response.readBody();
    const status = response.message.statusCode ?? 0;
    if (status !== 200) {
        throw new errors/* InputError */.dz(`Could not fetch ${what} from ${url}: HTTP ${status}.`, status === 404
            ? "Check 'terraform-version' (the release must exist) and 'download-url' (your mirror must hold it)."
            : "Check that 'download-url' is reachable from the runner.");
    }
    return body;
}
/** The newest stable release matching the spec, from the releases site's version index. */
async function resolveVersion(options, spec) {
    if (spec.kind === 'exact')
        return spec.version;
    const indexUrl = options.binary === 'terraform'
        ? `${options.downloadUrl}/terraform/index.json`
        : 'https://get.opentofu.org/tofu/api.json';
    const index = JSON.parse(await getText(indexUrl, 'the list of releases'));
    const versions = Array.isArray(index.versions) ? index.versions.map((v) => v.id) : Object.keys(index.versions);
    const stable = versions.filter((v) => semver.valid(v) && !semver.prerelease(v));
    const chosen = spec.kind === 'latest' ? semver.rsort(stable)[0] : semver.maxSatisfying(stable, spec.range);
    if (!chosen) {
        throw new errors/* InputError */.dz(`No ${options.binary} release matches '${describeSpec(spec)}' (${stable.length} releases listed at ${indexUrl}).`, "Loosen 'terraform-version' or required_version.");
    }
    return chosen;
}
async function sha256(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}
/** The version a binary reports (`version -json`, which OpenTofu also answers with `terraform_version`). */
async function binaryVersion(path) {
    const result = await (0,exec/* getExecOutput */.H)(path, ['version', '-json'], { silent: true, ignoreReturnCode: true });
    try {
        return JSON.parse(result.stdout).terraform_version;
    }
    catch {
        return /v(\d+\.\d+\.\d+\S*)/.exec(result.stdout)?.[1];
    }
}
async function download(options, version) {
    const files = releaseFiles(options.binary, options.downloadUrl, version);
    const sums = await getText(files.sumsUrl, `the SHA256SUMS of ${options.binary} ${version}`);
    const expected = sums
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .find(([, name]) => name === files.zip)?.[0];
    if (!expected) {
        throw new errors/* InputError */.dz(`${files.sumsUrl} lists no checksum for ${files.zip}.`, 'This platform may have no build of that version: pick another version.');
    }
    core/* info */.pq(`Downloading ${files.zipUrl}`);
    let zip;
    try {
        zip = await tool_cache/* downloadTool */.bq(files.zipUrl);
    }
    catch (error) {
        const status = error.httpStatusCode;
        throw new errors/* InputError */.dz(`Could not download ${files.zipUrl}${status ? `: HTTP ${status}` : ''}.`, "Check 'terraform-version' and 'download-url'.", { cause: error });
    }
    const actual = await sha256(zip);
    if (actual !== expected.toLowerCase()) {
        await (0,promises_.rm)(zip, { force: true });
        throw new errors/* DeployError */.sH(`The checksum of ${files.zip} does not match its SHA256SUMS: expected ${expected}, got ${actual}. Nothing was installed.`, "The download was corrupted or tampered with. Retry; if it persists, check the mirror in 'download-url'.", { reason: 'checksum-mismatch' });
    }
    core/* info */.pq(`SHA256 ${actual} matches ${files.sumsUrl}`);
    const extracted = await tool_cache/* extractZip */.JE(zip);
    await (0,promises_.rm)(zip, { force: true });
    return tool_cache/* cacheDir */.e8(extracted, options.binary, version);
}
const executable = (dir, binary) => (0,external_node_path_.join)(dir, process.platform === 'win32' ? `${binary}.exe` : binary);
/**
 * Finds or installs the wanted version: a binary on PATH that satisfies it, else the runner's tool cache,
 * else a download whose SHA256 is checked against the release's SHA256SUMS before it is cached.
 */
async function install(options) {
    const onPath = await io/* which */.K7(options.binary, false);
    if (onPath) {
        const version = await binaryVersion(onPath);
        if (version && (options.spec === undefined || satisfies(version, options.spec))) {
            return { path: onPath, version, source: 'path' };
        }
    }
    const spec = options.spec ?? { kind: 'latest' };
    if (spec.kind !== 'latest') {
        const cached = tool_cache/* find */.I6(options.binary, spec.kind === 'exact' ? spec.version : spec.range);
        if (cached) {
            core/* addPath */.fM(cached);
            return { path: executable(cached, options.binary), version: cached.split(/[\\/]/).at(-2), source: 'cache' };
        }
    }
    const version = await resolveVersion(options, spec);
    const cached = tool_cache/* find */.I6(options.binary, version);
    const dir = cached || (await download(options, version));
    core/* addPath */.fM(dir);
    return { path: executable(dir, options.binary), version, source: cached ? 'cache' : 'download' };
}

// EXTERNAL MODULE: ./src/terraform/outputs.ts
var outputs = __webpack_require__(3206);
// EXTERNAL MODULE: ./src/terraform/phases.ts
var phases = __webpack_require__(6614);
// EXTERNAL MODULE: ./src/terraform/publish.ts + 1 modules
var publish = __webpack_require__(7056);
;// CONCATENATED MODULE: ./src/terraform/review.ts




/**
 * Apply only what was reviewed. Three ways to say what was reviewed: the saved plan file itself (Terraform
 * refuses it when the state moved on), the `plan-hash` of the reviewed plan, or the hash recorded in this
 * pull request's plan comment. Without any of them, only `auto-approve: true` applies a fresh plan.
 */
async function applyReviewed(tf, inputs, planFile, reviewedHash) {
    if (inputs.command === 'apply' && inputs.planFile && (0,external_node_fs_.existsSync)(planFile)) {
        core/* info */.pq(`Applying the saved plan ${planFile}.`);
        const saved = { ...(await (0,phases/* inspectPlan */.In)(tf, planFile)), hasChanges: true, text: '' };
        saved.hasChanges =
            saved.summary.add + saved.summary.change + saved.summary.destroy + saved.summary.outputs.length > 0;
        saved.text = await (0,phases/* applyPlan */.gj)(tf, inputs, planFile);
        return { plan: saved, applied: true };
    }
    if (inputs.command === 'apply' && inputs.planFile) {
        throw new errors/* InputError */.dz(`Input 'plan-file' names ${planFile}, which does not exist.`, 'Download the plan artifact the plan job uploaded before this step, or give plan-hash instead.');
    }
    if (!reviewedHash && !inputs.autoApprove) {
        throw new errors/* InputError */.dz(`Nothing says which plan was reviewed, so ${inputs.command} will not guess.`, "Give 'plan-file' (the saved plan) or 'plan-hash' (the plan step's output), run on the pull request whose plan comment was reviewed, or set 'auto-approve: true'.");
    }
    const fresh = await (0,phases/* plan */.et)(tf, inputs, planFile, { destroy: inputs.command === 'destroy' });
    if (reviewedHash && fresh.hash !== reviewedHash) {
        const s = fresh.summary;
        throw new errors/* DeployError */.sH(`The plan changed since it was reviewed (reviewed ${reviewedHash.slice(0, 16)}, now ${fresh.hash.slice(0, 16)}: ` +
            `${s.add} to add, ${s.change} to change, ${s.destroy} to destroy). Nothing was applied.`, 'Someone changed the infrastructure, the code or the variables after the review. Plan again, review the new plan, then apply it.', { reason: 'plan-changed' });
    }
    if (!fresh.hasChanges) {
        core/* info */.pq('No changes to apply.');
        return { plan: fresh, applied: false };
    }
    fresh.text = `${fresh.text.trim()}\n\n${(await (0,phases/* applyPlan */.gj)(tf, inputs, planFile)).trim()}`;
    return { plan: fresh, applied: true };
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/terraform/setup.ts




/**
 * setup-terraform's `cli_config_credentials_*`: a `credentials` block in the CLI configuration (Terraform CLI
 * configuration, "Credentials"), for HCP Terraform or Terraform Enterprise backends and private registries.
 * The file is TF_CLI_CONFIG_FILE when it names one (kept, the block added), else a file of the runner's temp
 * folder, exported as TF_CLI_CONFIG_FILE so this step's Terraform and every later step of the job read it.
 */
function writeCliCredentials({ hostname, token }) {
    const configured = process.env.TF_CLI_CONFIG_FILE;
    const file = configured && configured !== '/dev/null'
        ? configured
        : (0,external_node_path_.join)(process.env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)(), 'deploy-actions-terraform', 'cli.tfrc');
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(file), { recursive: true });
    const existing = (0,external_node_fs_.existsSync)(file) ? (0,external_node_fs_.readFileSync)(file, 'utf8').trimEnd() : '';
    const block = `credentials "${hostname}" {\n  token = "${token}"\n}\n`;
    (0,external_node_fs_.writeFileSync)(file, existing ? `${existing}\n\n${block}` : block, { mode: 0o600 });
    core/* exportVariable */.dN('TF_CLI_CONFIG_FILE', file);
    core/* info */.pq(`Credentials for ${hostname} are in the CLI configuration ${file} (TF_CLI_CONFIG_FILE, for later steps too).`);
    return file;
}

;// CONCATENATED MODULE: ./src/terraform/stage.ts












/** Runs the phases; a failure of Terraform's is recorded in the report (the lock, what an apply did) as well. */
async function stage(report) {
    try {
        await stage_phases(report);
    }
    catch (error) {
        recordFailure(report, error);
        throw error;
    }
}
function recordFailure(report, error) {
    if (error instanceof errors/* DeployError */.sH && error.reason === 'plan-changed')
        report.dflookReason = 'plan-changed';
    if (!(error instanceof TerraformFailed))
        return;
    report.lock = error.details.lock;
    report.completed = error.details.completed;
    if (error.reason === 'state-locked')
        report.dflookReason = 'state-locked';
    else if (error.details.command === 'apply')
        report.dflookReason = 'apply-failed';
}
/** The phases in order: install, init, workspace, then the command; outputs and the comment last. */
async function stage_phases(report) {
    const { inputs } = report;
    const isDirectory = (0,external_node_fs_.statSync)(inputs.workingDirectory, { throwIfNoEntry: false })?.isDirectory() === true;
    if (!isDirectory && inputs.command !== 'setup') {
        throw new errors/* InputError */.dz(`Input 'working-directory' is ${inputs.workingDirectory}, which is not a directory.`);
    }
    const spec = inputs.version
        ? parseSpec(inputs.version, "Input 'terraform-version'")
        : isDirectory
            ? versionFromDirectory(inputs.workingDirectory)
            : undefined;
    const pr = (0,publish/* commentTarget */.lt)(report);
    const installed = await core/* group */.Os('Install', async () => {
        const found = await install({ ...inputs, spec });
        core/* info */.pq(`Using ${inputs.binary} ${found.version} from the ${found.source}: ${found.path}`);
        return found;
    });
    report.installed = installed;
    if (inputs.credentials)
        writeCliCredentials(inputs.credentials);
    // setup-terraform's job: Terraform on PATH (and its credentials) for the `run:` steps after this one.
    if (inputs.command === 'setup')
        return;
    const tf = new TerraformCli(installed.path, inputs.workingDirectory, (0,phases/* secretEnvironment */.gY)(inputs));
    await core/* group */.Os('Init', () => (0,phases/* init */.Ts)(tf, inputs));
    if (inputs.workspace && inputs.command !== 'validate') {
        report.workspaceCreated = await core/* group */.Os('Workspace', () => (0,phases/* selectWorkspace */.Iu)(tf, inputs.workspace, inputs.lockTimeoutMs));
    }
    const planFile = planFilePath(inputs);
    if (inputs.command === 'validate')
        report.validated = await core/* group */.Os('Validate', () => (0,phases/* validate */.tf)(tf));
    if (inputs.command === 'plan')
        report.plan = await core/* group */.Os('Plan', () => (0,phases/* plan */.et)(tf, inputs, planFile));
    if (inputs.command === 'apply' || inputs.command === 'destroy') {
        const reviewed = inputs.planHash ?? (inputs.planFile ? undefined : await (0,publish/* reviewedHashFromComment */.pK)(report, pr));
        const result = await core/* group */.Os('Apply', () => applyReviewed(tf, inputs, planFile, reviewed));
        Object.assign(report, result);
    }
    if (['apply', 'destroy', 'output'].includes(inputs.command)) {
        report.outputs = await core/* group */.Os('Outputs', () => (0,phases/* readOutputs */.T7)(tf));
        report.outputsFile = (0,outputs/* publishRootOutputs */.S)(report.outputs);
    }
    const worthComment = report.plan && (report.plan.hasChanges || !inputs.commentOnlyChanges);
    if (pr && worthComment)
        await core/* group */.Os('Comment', () => commentOn(pr, report));
}
/** A plan's comment is what reviewers read, so failing to write it fails the plan; after an apply it is news. */
async function commentOn(pr, report) {
    try {
        report.commentUrl = await (0,publish/* comment */.Im)(report, pr);
    }
    catch (error) {
        if (report.inputs.command === 'plan')
            throw error;
        core/* warning */.$e(`Applied, but could not update the plan comment: ${(0,errors/* describe */.q0)(error)}`);
    }
}
/** Plan writes `tfplan` in the working directory unless told otherwise; apply re-plans into the temp folder. */
function planFilePath(inputs) {
    if (inputs.planFile) {
        return (0,external_node_path_.isAbsolute)(inputs.planFile) ? inputs.planFile : (0,external_node_path_.resolve)(inputs.workingDirectory, inputs.planFile);
    }
    if (inputs.command === 'plan')
        return (0,external_node_path_.join)(inputs.workingDirectory, 'tfplan');
    return (0,external_node_path_.join)(process.env.RUNNER_TEMP ?? inputs.workingDirectory, `terraform-${process.pid}-${Date.now()}.tfplan`);
}


/***/ })

};
