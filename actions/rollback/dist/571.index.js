export const id = 571;
export const ids = [571];
export const modules = {

/***/ 7571:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  rollbackAzure: () => (/* binding */ rollbackAzure)
});

// EXTERNAL MODULE: ../../../work/main/node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(1802);
// EXTERNAL MODULE: ./src/lib/app-service.ts
var app_service = __webpack_require__(9082);
// EXTERNAL MODULE: ./src/lib/app-service-wait.ts + 3 modules
var app_service_wait = __webpack_require__(6332);
// EXTERNAL MODULE: ./src/lib/azure-container.ts
var azure_container = __webpack_require__(8114);
// EXTERNAL MODULE: ./src/lib/azure.ts + 3 modules
var azure = __webpack_require__(2750);
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

;// CONCATENATED MODULE: ./src/rollback/azure.ts







/**
 * The Azure half of rollback: production must run previous-image again. When the slot holds it (a swap went
 * wrong), the slot is swapped back; otherwise previous-image is set on production and it is restarted. Either
 * way the step waits until production serves it. Idempotent: when production already runs previous-image,
 * nothing is changed and the step only proves it serves.
 */
async function rollbackAzure(inputs) {
    const { timeoutMs, intervalMs } = inputs.wait;
    // Every ARM, Entra and GitHub request is cut after request-timeout, and none outlives the step's timeout.
    const bounds = { requestTimeoutMs: inputs.azure.requestTimeoutMs ?? 30_000, deadline: Date.now() + timeoutMs };
    const client = await (0,azure/* appServiceClient */.mE)(inputs.azure, 'rollback', bounds);
    const production = {
        client,
        resourceGroup: inputs.resourceGroup ?? (await findResourceGroup(client, inputs.app)),
        app: inputs.app,
        slot: 'production',
        deadline: bounds.deadline,
        intervalMs,
    };
    const app = await (0,app_service/* findSlot */.q3)(production);
    const current = await (0,app_service/* readImage */.AM)(production);
    const facts = [['App', inputs.app]];
    const url = (0,app_service_wait/* healthUrl */.gZ)(app?.defaultHostName ?? '', inputs.wait);
    if (current === inputs.previousImage) {
        await (0,app_service_wait/* waitUntilServes */.ID)(url, inputs.wait, 'production');
        return {
            outcome: 'already-current',
            to: current,
            from: current,
            headline: `${inputs.app} already runs ${current}: nothing was changed.`,
            facts,
        };
    }
    const { how, restarted } = await putBack(inputs, production, app?.serverFarmId, bounds);
    core/* info */.pq(`${inputs.app}: ${current} → ${inputs.previousImage} (${how})`);
    // Waiting for it to serve gets the timeout again (its docker log reads are ARM requests).
    bounds.deadline = Date.now() + timeoutMs;
    const served = await (0,app_service_wait/* waitUntilServes */.ID)(url, inputs.wait, 'production', restarted);
    return {
        outcome: 'rolled-back',
        to: inputs.previousImage,
        from: current,
        headline: `${inputs.app} serves ${inputs.previousImage} again (was ${current}).`,
        facts: [...facts, ['How', how], ['Probes', `${served.run.attempts} of ${served.url}`]],
    };
}
/**
 * Swaps the slot back when it holds previous-image, else sets previous-image on production and restarts it (then
 * the docker log shows when its container is up, as for a deploy). Says which.
 */
async function putBack(inputs, production, serverFarmId, bounds) {
    const slot = inputs.slot === 'production' ? undefined : { ...production, slot: inputs.slot };
    const slotImage = slot && (await (0,app_service/* findSlot */.q3)(slot)) ? await (0,app_service/* readImage */.AM)(slot) : undefined;
    if (slot && slotImage === inputs.previousImage) {
        await swapReadBack(slot, production, inputs.previousImage, bounds);
        return { how: `swapped ${inputs.slot} back into production` };
    }
    // On a plan without slots deploy-azure deployed in place: previous-image goes back on production.
    const inPlace = slot && slotImage === undefined && (await (0,app_service/* tierWithoutSlots */.kD)(production, serverFarmId));
    if (inPlace)
        core/* info */.pq(`The plan of ${inputs.app} is ${inPlace} (no slots): setting previous-image on production.`);
    else if (slot && slotImage === undefined) {
        throw new errors/* InputError */.dz(`Slot '${inputs.slot}' of ${inputs.app} does not exist: nothing was changed.`, 'Give the slot deploy-azure swapped from, or leave slot-name empty to set previous-image on production.');
    }
    await (0,app_service/* writeConfig */.AU)(production, { image: inputs.previousImage });
    const log = (0,azure_container/* armDockerLog */.fj)(production);
    const before = await (0,azure_container/* containersBefore */.GT)(log);
    await (0,app_service/* restartSlot */.AH)(production);
    const restarted = before && { log, image: inputs.previousImage, before };
    return { how: 'set previous-image on production', restarted };
}
/** Swaps back; when the swap's answer is lost, production is read back and the step goes on by what it runs. */
async function swapReadBack(slot, production, previous, bounds) {
    try {
        await (0,app_service/* swapWithProduction */.Lr)(slot);
    }
    catch (error) {
        if (!(0,app_service/* isLostAnswer */.vd)(error))
            throw error;
        // Reading back gets a request's time of its own, past the deadline the swap may have used up.
        bounds.deadline = Date.now() + bounds.requestTimeoutMs;
        const runs = await (0,app_service/* readImage */.AM)(production);
        core/* warning */.$e(`The swap's answer was lost; read back: production runs ${runs}.`);
        if (runs !== previous)
            throw error;
    }
}


/***/ })

};
