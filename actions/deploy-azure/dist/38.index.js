export const id = 38;
export const ids = [38];
export const modules = {

/***/ 5038:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deployAzure: () => (/* binding */ deployAzure)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(7264);
// EXTERNAL MODULE: ./src/lib/app-service.ts
var app_service = __webpack_require__(4214);
// EXTERNAL MODULE: ./src/lib/app-service-wait.ts + 3 modules
var app_service_wait = __webpack_require__(6615);
// EXTERNAL MODULE: ./src/lib/azure.ts + 2 modules
var azure = __webpack_require__(3032);
// EXTERNAL MODULE: ./src/lib/azure-container.ts
var azure_container = __webpack_require__(9678);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(7268);
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

;// CONCATENATED MODULE: ./src/deploy-azure/deploy.ts







async function deployAzure(inputs, report) {
    if (inputs.publishProfile) {
        const { deployByPublishProfile } = await __webpack_require__.e(/* import() */ 450).then(__webpack_require__.bind(__webpack_require__, 1450));
        return deployByPublishProfile(inputs, inputs.publishProfile, report);
    }
    const client = await (0,azure/* appServiceClient */.mE)(inputs.target, 'deploy-azure');
    const resourceGroup = inputs.resourceGroup ?? (await findResourceGroup(client, inputs.app));
    const { timeoutMs, intervalMs } = inputs.wait;
    const deadline = Date.now() + timeoutMs;
    const production = { client, resourceGroup, app: inputs.app, slot: 'production', deadline, intervalMs };
    const deployment = { inputs, production, slot: { ...production, slot: inputs.slot }, report };
    // Everything is read before anything is changed: a missing app or slot fails with nothing touched.
    const app = await core/* group */.Os('Read the app', () => readApp(deployment));
    if (inputs.mode === 'delete-slot')
        return removeSlot(deployment);
    const found = inputs.slot === 'production' ? app : await (0,app_service/* findSlot */.q3)(deployment.slot);
    const { chosen, existing } = await slotOrInPlace(deployment, app, found);
    const before = await readImagesBefore(chosen, existing);
    const target = await core/* group */.Os(`Configure ${chosen.inputs.slot}`, () => configure(chosen, existing, before));
    report.slotUrl = `https://${target.defaultHostName}`;
    report.slotProbe = await core/* group */.Os(`Wait until ${chosen.inputs.slot} serves the new version`, () => proveOrPutBack(chosen, target));
    report.webappUrl = report.slotUrl;
    if (chosen.inputs.swap)
        await swapIntoProduction({ ...chosen, slot: { ...chosen.slot, deadline: Date.now() + timeoutMs } }, app);
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
/** Waits until the slot serves; in place, a failure puts the previous image back on production before it is told. */
async function proveOrPutBack(deployment, target) {
    const { inputs, slot, report } = deployment;
    try {
        return await prove(deployment, target);
    }
    catch (error) {
        if (!report.inPlace || !report.previousImage)
            throw error;
        core/* info */.pq(`Putting ${report.previousImage} back on production`);
        await (0,app_service/* writeConfig */.AU)({ ...slot, deadline: Date.now() + inputs.wait.timeoutMs }, { image: report.previousImage });
        await (0,app_service/* restartSlot */.AH)(slot);
        report.putBack = true;
        throw error;
    }
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
async function configure({ inputs, slot, report }, existing, before) {
    report.changing = true;
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
async function swapIntoProduction({ inputs, slot, report }, app) {
    await core/* group */.Os(`Swap ${inputs.slot} into production`, async () => {
        const started = Date.now();
        await (0,app_service/* swapWithProduction */.Lr)(slot);
        report.swapMs = Date.now() - started;
        report.swapped = true;
        report.webappUrl = report.productionUrl;
        core/* info */.pq(`Swapped ${inputs.slot} into production; ${inputs.slot} now holds ${report.previousImage}.`);
    });
    if (inputs.verify !== 'health')
        return;
    report.productionProbe = await core/* group */.Os('Verify production', () => (0,app_service_wait/* waitUntilServes */.ID)((0,app_service_wait/* healthUrl */.gZ)(app?.defaultHostName ?? '', { ...inputs.wait, healthUrl: undefined }), inputs.wait, 'production'));
}


/***/ })

};
