export const id = 355;
export const ids = [355];
export const modules = {

/***/ 2355:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deployAzure: () => (/* binding */ deployAzure)
});

// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(1802);
// EXTERNAL MODULE: ./src/lib/app-service.ts
var app_service = __webpack_require__(9082);
// EXTERNAL MODULE: ./src/lib/app-service-wait.ts + 2 modules
var app_service_wait = __webpack_require__(6009);
// EXTERNAL MODULE: ./src/lib/azure.ts + 3 modules
var azure = __webpack_require__(2750);
// EXTERNAL MODULE: ./src/lib/azure-container.ts
var azure_container = __webpack_require__(8114);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(8112);
;// CONCATENATED MODULE: ./src/lib/azure-site.ts


/**
 * Finding a web app by its name alone, as azure/webapps-deploy does when resource-group-name is not given: the
 * subscription's sites (ARM: GET /subscriptions/{id}/providers/Microsoft.Web/sites) with that name.
 */
async function findResourceGroup(client, app) {
    const groups = await (0,azure/* azure */.ec)(`List the web apps of the subscription to find ${app}`, async () => {
        const found = [];
        for await (const site of client.webApps.list()) {
            if (site.name?.toLowerCase() === app.toLowerCase())
                found.push(site.resourceGroup ?? groupOf(site.id));
        }
        return found;
    });
    if (groups.length === 1)
        return groups[0] ?? '';
    if (groups.length === 0) {
        throw new errors/* CloudError */.K2(`No web app named '${app}' in the subscription.`, 'ResourceNotFound', 'Check app-name and subscription-id (or the subscription the az session selected), or give resource-group-name.');
    }
    throw new errors/* InputError */.dz(`Web apps named '${app}' are in several resource groups (${groups.join(', ')}): which one is meant is ambiguous.`, 'Give resource-group-name.');
}
const groupOf = (id) => /\/resourceGroups\/([^/]+)\//i.exec(id ?? '')?.[1] ?? '';

;// CONCATENATED MODULE: ./src/deploy-azure/deployment.ts
/**
 * Starts a phase of the deployment (waiting for the slot, the swap, putting the previous version back): each gets
 * the step's timeout, and every request and wait in it ends by then.
 */
function newPhase(deployment) {
    const deadline = Date.now() + deployment.inputs.wait.timeoutMs;
    deployment.bounds.deadline = deadline;
    deployment.production.deadline = deadline;
    deployment.slot.deadline = deadline;
}

// EXTERNAL MODULE: ./src/lib/image.ts
var lib_image = __webpack_require__(4866);
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

;// CONCATENATED MODULE: ./src/deploy-azure/state.ts

const isText = (value) => typeof value === 'string';
function parse(value) {
    const v = (typeof value === 'object' && value !== null ? value : {});
    const wrong = ['resourceGroup', 'app', 'slot', 'image', 'previousImage'].filter((key) => !isText(v[key]));
    if (v.how !== 'swap' && v.how !== 'in-place')
        wrong.push('how');
    if (wrong.length)
        throw new Error(`The state saved by deploy-azure's main step is not a rollback plan: ${wrong.join(', ')}.`);
    return {
        resourceGroup: v.resourceGroup,
        app: v.app,
        how: v.how,
        slot: v.slot,
        image: v.image,
        previousImage: v.previousImage,
        startupCommand: isText(v.startupCommand) ? v.startupCommand : undefined,
        acrUseManagedIdentityCreds: typeof v.acrUseManagedIdentityCreds === 'boolean' ? v.acrUseManagedIdentityCreds : undefined,
    };
}
/** Saved when production is first changed, cleared when the main step ends: set only while a change is in flight. */
const rollbackState = stateSlot('azure-rollback', parse);

;// CONCATENATED MODULE: ./src/deploy-azure/production.ts








async function readBefore({ production, inputs }, settingsChange) {
    const config = await (0,app_service/* readConfig */.Xg)(production);
    return {
        image: (0,app_service/* imageOf */.dT)(config.linuxFxVersion),
        startupCommand: config.appCommandLine ?? undefined,
        acrUseManagedIdentityCreds: config.acrUseManagedIdentityCreds ?? undefined,
        settings: settingsChange || inputs.registry ? await (0,app_service/* readSettings */.sb)(production) : undefined,
    };
}
/**
 * Says, the moment it becomes true, that production is changed: the `changed` output at once (a later step or a
 * cancelled run's pipeline reads it), and the rollback plan for the post step of a cancelled run.
 */
function markChanged(deployment, how, before) {
    const { report, production, inputs } = deployment;
    if (report.changed)
        return;
    report.changed = true;
    core/* setOutput */.uH('changed', 'true');
    rollbackState.save({
        resourceGroup: production.resourceGroup,
        app: production.app,
        how,
        slot: inputs.slot,
        image: inputs.image,
        previousImage: report.previousImage ?? '',
        startupCommand: before?.startupCommand,
        acrUseManagedIdentityCreds: before?.acrUseManagedIdentityCreds,
    });
}
/**
 * After a failure once production was changed: puts the previous version back with `putBack` (which says how, and
 * how it was proven), or says exactly what production runs. Always throws `failure` afterwards.
 */
async function putBackOrSay(deployment, failure, putBack) {
    const { report, inputs } = deployment;
    newPhase(deployment);
    if (!inputs.rollbackOnFailure) {
        await notProven(deployment, 'rollback is off');
        throw failure;
    }
    core/* info */.pq(`Putting ${report.previousImage} back on production: ${firstLine(failure)}`);
    try {
        report.putBack = await core/* group */.Os('Put the previous version back', putBack);
        report.rolledBack = true;
        report.endState = `app ${inputs.app} runs ${report.previousImage} again: ${report.putBack}.`;
        core/* warning */.$e(report.endState);
    }
    catch (error) {
        newPhase(deployment);
        await notProven(deployment, `rollback failed: ${firstLine(error)}`);
    }
    throw failure;
}
/** The NOT proven sentence, with what production runs as read back (or as last known when it cannot be read). */
async function notProven({ report, inputs, production }, why) {
    const runs = await (0,app_service/* readImage */.AM)(production).catch(() => (report.swapped || !inputs.swap ? inputs.image : undefined));
    report.endState = `app ${inputs.app} runs ${runs ?? '(unknown: production could not be read back)'}, which is NOT proven; ${why}`;
    core/* error */.z3(report.endState);
}
const firstLine = (error) => (0,errors/* describe */.q0)(error).split('\n')[0] ?? '';
/** The version the previous image's health answer reports: its tag (none for latest or a digest). */
function previousVersion(image) {
    const tag = (0,lib_image/* parseImageReference */.o_)(image)?.tag;
    return tag === 'latest' ? undefined : tag;
}
/**
 * Proves production serves the previous image by the check the deployment uses: the health answer with the
 * previous version (and the docker log after a restart), the docker log alone (verify: container), or, with
 * verify: none, its config read back.
 */
async function provePrevious(deployment, host, restarted, useHealthUrl) {
    const { inputs, production, report } = deployment;
    const previous = report.previousImage ?? '';
    const wait = {
        ...inputs.wait,
        expectedVersion: previousVersion(previous),
        healthUrl: useHealthUrl ? inputs.wait.healthUrl : undefined,
    };
    if (inputs.verify === 'health') {
        const served = await (0,app_service_wait/* waitUntilServes */.ID)((0,app_service_wait/* healthUrl */.gZ)(host, wait), wait, 'production', restarted);
        return `proven by ${served.run.attempts} probes of ${served.url}`;
    }
    if (inputs.verify === 'container' && restarted) {
        await (0,app_service_wait/* waitForContainer */.s6)(restarted, wait.timeoutMs, 'production');
        return 'proven by the docker log (its container is ready)';
    }
    const runs = await (0,app_service/* readImage */.AM)(production);
    if (runs !== previous)
        throw new errors/* RolloutFailed */.hl(`production's config reads ${runs}, not ${previous}.`);
    return 'its config read back (verify: none proves nothing more)';
}
/** In place: the previous settings, config and image back on production, restarted and proven. */
async function restoreInPlace(deployment, before, host) {
    const { production } = deployment;
    if (before.settings)
        await (0,app_service/* replaceSettings */.qp)(production, before.settings);
    await (0,app_service/* writeConfig */.AU)(production, {
        image: before.image,
        startupCommand: before.startupCommand,
        acrUseManagedIdentityCreds: before.acrUseManagedIdentityCreds,
    });
    const log = (0,azure_container/* armDockerLog */.fj)(production);
    const containers = await (0,azure_container/* containersBefore */.GT)(log);
    await (0,app_service/* restartSlot */.AH)(production);
    const restarted = containers && { log, image: before.image, before: containers };
    const proof = await provePrevious(deployment, host, restarted, true);
    return `set back on production and restarted, ${proof}`;
}
/**
 * Swaps the slot with production; when the answer is lost (or the swap ran past the timeout), reads both back and
 * goes on by what is true. Returns whether production runs the new image.
 */
async function swapReadBack(deployment, image) {
    const { slot, production, report, inputs } = deployment;
    try {
        await (0,app_service/* swapWithProduction */.Lr)(slot);
        return true;
    }
    catch (error) {
        if (!(0,app_service/* isLostAnswer */.vd)(error))
            throw error;
        newPhase(deployment);
        const [runs, slotRuns] = await Promise.all([(0,app_service/* readImage */.AM)(production), (0,app_service/* readImage */.AM)(slot)]);
        report.readBack = `production runs ${runs}, ${inputs.slot} runs ${slotRuns}`;
        core/* warning */.$e(`The swap's answer was lost (${firstLine(error)}); read back: ${report.readBack}.`);
        if (runs === image)
            return true;
        throw error;
    }
}
/**
 * After a swap that failed or whose end is not known: production as read back. Still the previous image: the
 * swap did not take place, said so. The new one (the swap went through after all): put back as after any failure.
 */
async function afterFailedSwap(deployment, failure, host) {
    const { report, inputs, production } = deployment;
    newPhase(deployment);
    const runs = await (0,app_service/* readImage */.AM)(production).catch(() => undefined);
    if (runs !== undefined && runs === report.previousImage) {
        report.endState = `app ${inputs.app} runs ${runs} in production, as before: the swap did not take place (read back).`;
        core/* warning */.$e(report.endState);
        throw failure;
    }
    if (runs === inputs.image)
        report.swapped = true;
    return putBackOrSay(deployment, failure, () => swapBack(deployment, host));
}
/** Swaps the slot (which holds the previous image after the swap) back, and proves production serves it. */
async function swapBack(deployment, host) {
    const previous = deployment.report.previousImage ?? '';
    await swapReadBack(deployment, previous);
    deployment.report.swapped = false;
    const proof = await provePrevious(deployment, host, undefined, false);
    return `swapped ${deployment.inputs.slot} back into production, ${proof}`;
}

;// CONCATENATED MODULE: ./src/deploy-azure/deploy.ts










async function deployAzure(inputs, report) {
    if (inputs.publishProfile) {
        const { deployByPublishProfile } = await __webpack_require__.e(/* import() */ 798).then(__webpack_require__.bind(__webpack_require__, 1798));
        return deployByPublishProfile(inputs, inputs.publishProfile, report);
    }
    const { timeoutMs, intervalMs } = inputs.wait;
    // Reading the app before any change is bounded per request; each phase that changes or waits gets timeout.
    const requestTimeoutMs = inputs.target.requestTimeoutMs ?? 30_000;
    const bounds = { requestTimeoutMs, deadline: Date.now() + Math.max(timeoutMs, requestTimeoutMs) };
    const client = await (0,azure/* appServiceClient */.mE)(inputs.target, 'deploy-azure', bounds);
    const resourceGroup = inputs.resourceGroup ?? (await findResourceGroup(client, inputs.app));
    const production = {
        client,
        resourceGroup,
        app: inputs.app,
        slot: 'production',
        deadline: bounds.deadline,
        intervalMs,
    };
    const slot = inputs.slot === 'production' ? production : { ...production, slot: inputs.slot };
    const deployment = { inputs, production, slot, bounds, report };
    try {
        await deploy(deployment);
    }
    finally {
        // The post step of a cancelled run finds nothing to put back once this step has said how it ended.
        if (report.changed)
            rollbackState.clear();
    }
}
async function deploy(deployment) {
    const { inputs, report } = deployment;
    // Everything is read before anything is changed: a missing app or slot fails with nothing touched.
    const app = await core/* group */.Os('Read the app', () => readApp(deployment));
    if (inputs.mode === 'delete-slot')
        return removeSlot(deployment);
    const found = inputs.slot === 'production' ? app : await (0,app_service/* findSlot */.q3)(deployment.slot);
    const { chosen, existing } = await slotOrInPlace(deployment, app, found);
    const before = await readImagesBefore(chosen, existing);
    const inPlace = chosen.slot === chosen.production;
    const productionBefore = inPlace ? await readBefore(chosen, settingsToWrite(inputs).size > 0) : undefined;
    newPhase(chosen);
    try {
        const target = await core/* group */.Os(`Configure ${chosen.inputs.slot}`, () => configure(chosen, existing, before, productionBefore));
        report.slotUrl = `https://${target.defaultHostName}`;
        newPhase(chosen);
        report.slotProbe = await core/* group */.Os(`Wait until ${chosen.inputs.slot} serves the new version`, () => prove(chosen, target));
    }
    catch (error) {
        if (!productionBefore || !report.changed)
            throw error;
        return putBackOrSay(chosen, error, () => restoreInPlace(chosen, productionBefore, app?.defaultHostName ?? ''));
    }
    report.webappUrl = report.slotUrl;
    if (chosen.inputs.swap) {
        newPhase(chosen);
        await swapIntoProduction(chosen, app);
    }
}
/**
 * On a plan without deployment slots (Free, Shared, Basic) a missing slot cannot be created: the image is deployed
 * in place to production instead, proven, and put back to the previous one when it does not serve.
 */
async function slotOrInPlace(deployment, app, found) {
    const { inputs, production, report } = deployment;
    if (found || inputs.slot === 'production')
        return { chosen: deployment, existing: found };
    const tier = await (0,app_service/* tierWithoutSlots */.kD)(production, app?.serverFarmId);
    if (!tier)
        return { chosen: deployment, existing: found };
    core/* warning */.$e(`The plan of ${inputs.app} is ${tier}, which has no deployment slots: deploying in place to production (not to '${inputs.slot}'), and putting the previous image back if the new one does not serve.`);
    report.slot = 'production';
    report.inPlace = true;
    const chosen = { ...deployment, inputs: { ...inputs, slot: 'production', swap: false }, slot: production };
    return { chosen, existing: app };
}
/** Proves the slot as `verify` says: its health answer (and docker log), its docker log only, or not at all. */
async function prove({ inputs }, target) {
    const { wait, slot } = inputs;
    if (inputs.verify === 'none') {
        core/* warning */.$e(`verify: none: ${slot} was restarted with the new image; nothing proves it serves.`);
        return undefined;
    }
    if (inputs.verify === 'container') {
        if (!target.restarted)
            throw new errors/* InputError */.dz("verify: container needs the slot's docker log, which cannot be read here.", 'Use verify: health.');
        await (0,app_service_wait/* waitForContainer */.s6)(target.restarted, wait.timeoutMs, slot);
        return undefined;
    }
    return (0,app_service_wait/* waitUntilServes */.ID)((0,app_service_wait/* healthUrl */.gZ)(target.defaultHostName, wait), wait, slot, target.restarted);
}
async function readApp({ production, report }) {
    const found = await (0,app_service/* findSlot */.q3)(production);
    report.productionUrl = `https://${found?.defaultHostName}`;
    return found;
}
async function removeSlot({ inputs, slot, report }) {
    report.deletedSlot = await core/* group */.Os(`Delete slot ${inputs.slot}`, () => (0,app_service/* deleteSlot */.KH)(slot));
    core/* info */.pq(report.deletedSlot ? `Deleted slot ${inputs.slot}.` : `Slot ${inputs.slot} does not exist: nothing to delete.`);
}
/**
 * The slot's image before the deployment ('' for a slot still to be created), and the previous image for the
 * outputs: production's when the slot is swapped into it, else the slot's.
 */
async function readImagesBefore({ inputs, production, slot, report }, existing) {
    if (!existing && !inputs.createSlot) {
        throw new errors/* InputError */.dz(`Slot '${inputs.slot}' of ${inputs.app} does not exist: nothing was changed.`, "Create it (az webapp deployment slot create), or set create-slot: true to create it from production's settings.");
    }
    const before = existing ? await (0,app_service/* readImage */.AM)(slot) : '';
    report.previousImage = inputs.swap ? await (0,app_service/* readImage */.AM)(production) : before;
    return before;
}
/** Creates the slot when asked, merges its settings, sets the image and restarts it. Returns the slot. */
async function configure(deployment, existing, before, productionBefore) {
    const { inputs, slot, report } = deployment;
    report.changing = true;
    if (productionBefore)
        markChanged(deployment, 'in-place', productionBefore);
    let target = existing;
    if (!target) {
        target = await (0,app_service/* createSlot */.TL)(slot, inputs.createSlotFrom);
        report.createdSlot = true;
    }
    report.settingsChanged = await (0,app_service/* mergeSettings */.ss)(slot, settingsToWrite(inputs));
    if (report.settingsChanged.length)
        core/* info */.pq(`App settings changed: ${report.settingsChanged.join(', ')}`);
    await (0,app_service/* writeConfig */.AU)(slot, {
        image: inputs.image,
        startupCommand: inputs.startupCommand,
        managedIdentityPull: inputs.managedIdentityPull,
    });
    core/* info */.pq(`${inputs.slot}: ${before || '(new slot)'} → ${inputs.image}`);
    const log = (0,azure_container/* armDockerLog */.fj)(slot);
    const containers = await (0,azure_container/* containersBefore */.GT)(log);
    await (0,app_service/* restartSlot */.AH)(slot);
    return { ...target, restarted: containers && { log, image: inputs.image, before: containers } };
}
/** app-settings, with the registry login as the DOCKER_REGISTRY_SERVER_* settings App Service pulls with. */
function settingsToWrite({ appSettings, registry }) {
    const settings = new Map(appSettings);
    if (registry) {
        settings.set('DOCKER_REGISTRY_SERVER_URL', registry.url);
        if (registry.username)
            settings.set('DOCKER_REGISTRY_SERVER_USERNAME', registry.username);
        if (registry.password)
            settings.set('DOCKER_REGISTRY_SERVER_PASSWORD', registry.password);
    }
    return settings;
}
/**
 * Swaps the slot into production and verifies production serves the new version. From the swap's start on,
 * production is changed: a failure puts the previous version back (the slot holds it) or says what runs.
 */
async function swapIntoProduction(deployment, app) {
    const { inputs, report } = deployment;
    const host = app?.defaultHostName ?? '';
    markChanged(deployment, 'swap');
    await core/* group */.Os(`Swap ${inputs.slot} into production`, async () => {
        const started = Date.now();
        try {
            await swapReadBack(deployment, inputs.image);
        }
        catch (error) {
            await afterFailedSwap(deployment, error, host);
        }
        report.swapMs = Date.now() - started;
        report.swapped = true;
        report.webappUrl = report.productionUrl;
        core/* info */.pq(`Swapped ${inputs.slot} into production; ${inputs.slot} now holds ${report.previousImage}.`);
    });
    if (inputs.verify !== 'health')
        return;
    newPhase(deployment);
    try {
        report.productionProbe = await core/* group */.Os('Verify production', () => (0,app_service_wait/* waitUntilServes */.ID)((0,app_service_wait/* healthUrl */.gZ)(host, { ...inputs.wait, healthUrl: undefined }), inputs.wait, 'production'));
    }
    catch (error) {
        await putBackOrSay(deployment, error, () => swapBack(deployment, host));
    }
}


/***/ })

};
