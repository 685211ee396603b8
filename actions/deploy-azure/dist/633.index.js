export const id = 633;
export const ids = [633];
export const modules = {

/***/ 8633:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deployAzure: () => (/* binding */ deployAzure)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(8261);
// EXTERNAL MODULE: ./src/lib/azure.ts
var azure = __webpack_require__(516);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(7268);
;// CONCATENATED MODULE: ./src/deploy-azure/slot.ts


const isProduction = (ref) => ref.slot === 'production';
const label = (ref) => (isProduction(ref) ? ref.app : `${ref.app}/${ref.slot}`);
const imageOf = (linuxFxVersion) => (linuxFxVersion ?? '').replace(/^DOCKER\|/i, '');
/** The slot's default host name, or undefined when it does not exist. */
async function findSlot(ref) {
    const { client, resourceGroup, app, slot } = ref;
    try {
        const site = await (0,azure/* azure */.ec)(`Get ${label(ref)}`, () => isProduction(ref) ? client.webApps.get(resourceGroup, app) : client.webApps.getSlot(resourceGroup, app, slot));
        return { defaultHostName: site.defaultHostName ?? '' };
    }
    catch (error) {
        if ((0,azure/* isNotFound */.c4)(error) && !isProduction(ref))
            return undefined;
        throw error;
    }
}
async function readConfig(ref) {
    const { client, resourceGroup, app, slot } = ref;
    return (0,azure/* azure */.ec)(`Get config/web of ${label(ref)}`, () => isProduction(ref)
        ? client.webApps.getConfiguration(resourceGroup, app)
        : client.webApps.getConfigurationSlot(resourceGroup, app, slot));
}
async function readSettings(ref) {
    const { client, resourceGroup, app, slot } = ref;
    const answer = await (0,azure/* azure */.ec)(`List app settings of ${label(ref)}`, () => isProduction(ref)
        ? client.webApps.listApplicationSettings(resourceGroup, app)
        : client.webApps.listApplicationSettingsSlot(resourceGroup, app, slot));
    return { ...answer.properties };
}
async function writeConfig(ref, change) {
    const { client, resourceGroup, app, slot } = ref;
    const config = {
        linuxFxVersion: `DOCKER|${change.image}`,
        ...(change.startupCommand !== undefined ? { appCommandLine: change.startupCommand } : {}),
        ...(change.managedIdentityPull ? { acrUseManagedIdentityCreds: true } : {}),
    };
    await (0,azure/* azure */.ec)(`Update config/web of ${label(ref)}`, () => isProduction(ref)
        ? client.webApps.updateConfiguration(resourceGroup, app, config)
        : client.webApps.updateConfigurationSlot(resourceGroup, app, slot, config));
}
/**
 * Merges settings into the slot's set. The API's PUT replaces the whole set, so the current one is read
 * first and written back with the changes; nothing is written when nothing changes. Returns the keys changed.
 */
async function mergeSettings(ref, changes) {
    if (changes.size === 0)
        return [];
    const current = await readSettings(ref);
    const changed = [...changes].filter(([key, value]) => current[key] !== value).map(([key]) => key);
    if (changed.length === 0)
        return [];
    const properties = { ...current, ...Object.fromEntries(changes) };
    const { client, resourceGroup, app, slot } = ref;
    await (0,azure/* azure */.ec)(`Update app settings of ${label(ref)}`, () => isProduction(ref)
        ? client.webApps.updateApplicationSettings(resourceGroup, app, { properties })
        : client.webApps.updateApplicationSettingsSlot(resourceGroup, app, slot, { properties }));
    return changed;
}
async function restartSlot(ref) {
    const { client, resourceGroup, app, slot } = ref;
    await (0,azure/* azure */.ec)(`Restart ${label(ref)}`, () => isProduction(ref)
        ? client.webApps.restart(resourceGroup, app)
        : client.webApps.restartSlot(resourceGroup, app, slot));
}
/** Creates the slot in the app's plan with the config and app settings of `from` (production or a slot). */
async function createSlot(ref, from) {
    const { client, resourceGroup, app, slot } = ref;
    const source = { ...ref, slot: from };
    const site = await (0,azure/* azure */.ec)(`Get ${app}`, () => client.webApps.get(resourceGroup, app));
    const config = await readConfig(source);
    const settings = await readSettings(source);
    const created = await (0,azure/* azure */.ec)(`Create slot ${label(ref)}`, () => client.webApps.beginCreateOrUpdateSlotAndWait(resourceGroup, app, slot, {
        location: site.location ?? '',
        serverFarmId: site.serverFarmId,
        siteConfig: {
            linuxFxVersion: config.linuxFxVersion,
            appCommandLine: config.appCommandLine,
            alwaysOn: config.alwaysOn,
        },
    }));
    if (Object.keys(settings).length)
        await mergeSettings(ref, new Map(Object.entries(settings)));
    core/* info */.pq(`Created slot ${slot} with the config and ${Object.keys(settings).length} app settings of ${from}`);
    return { defaultHostName: created.defaultHostName ?? '' };
}
/** Swaps the slot with production (a long-running operation, polled until Azure reports it done). */
async function swapWithProduction(ref, intervalMs) {
    const { client, resourceGroup, app, slot } = ref;
    await (0,azure/* azure */.ec)(`Swap ${label(ref)} with production`, () => client.webApps.beginSwapSlotAndWait(resourceGroup, app, slot, { targetSlot: 'production', preserveVnet: true }, { updateIntervalInMs: intervalMs }));
}
/** Deletes the slot; true when it was there. */
async function deleteSlot(ref) {
    const { client, resourceGroup, app, slot } = ref;
    try {
        await (0,azure/* azure */.ec)(`Delete slot ${label(ref)}`, () => client.webApps.deleteSlot(resourceGroup, app, slot));
        return true;
    }
    catch (error) {
        if ((0,azure/* isNotFound */.c4)(error))
            return false;
        throw error;
    }
}

// EXTERNAL MODULE: ./src/lib/poll.ts
var poll = __webpack_require__(3962);
// EXTERNAL MODULE: ./src/lib/probe.ts + 2 modules
var probe = __webpack_require__(6749);
;// CONCATENATED MODULE: ./src/deploy-azure/wait.ts




/** The URL that proves a slot: health-url, or https://<defaultHostName><health-path> as ARM names the host. */
function healthUrl(defaultHostName, wait) {
    return wait.healthUrl ?? `https://${defaultHostName}${wait.healthPath}`;
}
/**
 * Probes the slot until it answers 2xx with the expected version (and twice in a row, so a warm-up answer
 * from the old container is not taken for the new one), or the time runs out.
 */
async function waitUntilServes(url, wait, what) {
    const started = Date.now();
    const json = wait.expectedVersion
        ? (0,probe/* parseJsonExpectations */.vP)('expected-version', [`${wait.versionField}=${wait.expectedVersion}`])
        : [];
    const run = await (0,probe/* probeUntil */.bK)({ url, timeoutMs: Math.min(30_000, wait.timeoutMs) }, { status: (0,probe/* parseStatus */.i$)('health', '2xx'), json }, {
        timeoutMs: wait.timeoutMs,
        intervalMs: wait.intervalMs,
        backoff: 1.5,
        maxIntervalMs: Math.max(wait.intervalMs, 30_000),
        consecutiveSuccesses: 2,
        onAttempt: (result, attempt) => core/* info */.pq(`  ${what} #${attempt}: ${result.status ?? 'no answer'}${result.passed ? ' ok' : `: ${result.failures.join('; ')}`}`),
    });
    const ms = Date.now() - started;
    if (!run.passed) {
        const last = run.results.at(-1);
        const why = last?.failures.join('; ') ?? 'no answer';
        const Failure = run.results.some((r) => r.status !== undefined) ? errors/* RolloutFailed */.hl : errors/* TimeoutError */.MU;
        throw new Failure(`${what} did not serve ${wait.expectedVersion ? `version ${wait.expectedVersion}` : 'a healthy answer'} at ${url} within ${(0,poll/* formatDuration */.a)(ms)} (${run.attempts} probes; last: ${why}).`, "Look at the slot's log stream (az webapp log tail) for why the container does not start, or raise timeout.");
    }
    return { url, run, ms };
}

;// CONCATENATED MODULE: ./src/deploy-azure/deploy.ts





async function deployAzure(inputs) {
    const client = await (0,azure/* appServiceClient */.mE)(inputs.target, 'deploy-azure');
    const production = { client, resourceGroup: inputs.resourceGroup, app: inputs.app, slot: 'production' };
    const slot = { ...production, slot: inputs.slot };
    const report = {
        app: inputs.app,
        slot: inputs.slot,
        image: inputs.image,
        previousImage: '',
        webappUrl: '',
        slotUrl: '',
        createdSlot: false,
        settingsChanged: [],
        swapped: false,
    };
    // Everything is read before anything is changed: a missing app or slot fails with nothing touched.
    const app = await core/* group */.Os('Read the app', async () => {
        const found = await findSlot(production);
        report.webappUrl = `https://${found?.defaultHostName}`;
        return found;
    });
    if (inputs.mode === 'delete-slot') {
        report.deletedSlot = await core/* group */.Os(`Delete slot ${inputs.slot}`, () => deleteSlot(slot));
        core/* info */.pq(report.deletedSlot ? `Deleted slot ${inputs.slot}.` : `Slot ${inputs.slot} does not exist: nothing to delete.`);
        return report;
    }
    let target = inputs.slot === 'production' ? app : await findSlot(slot);
    if (!target && !inputs.createSlot) {
        throw new errors/* InputError */.dz(`Slot '${inputs.slot}' of ${inputs.app} does not exist: nothing was changed.`, "Create it (az webapp deployment slot create), or set create-slot: true to create it from production's settings.");
    }
    const before = target ? imageOf((await readConfig(slot)).linuxFxVersion) : '';
    const productionBefore = inputs.swap ? imageOf((await readConfig(production)).linuxFxVersion) : before;
    report.previousImage = inputs.swap ? productionBefore : before;
    try {
        await core/* group */.Os(`Configure ${inputs.slot}`, async () => {
            if (!target) {
                target = await createSlot(slot, inputs.createSlotFrom);
                report.createdSlot = true;
            }
            const settings = new Map(inputs.appSettings);
            if (inputs.registry) {
                settings.set('DOCKER_REGISTRY_SERVER_URL', inputs.registry.url);
                if (inputs.registry.username)
                    settings.set('DOCKER_REGISTRY_SERVER_USERNAME', inputs.registry.username);
                if (inputs.registry.password)
                    settings.set('DOCKER_REGISTRY_SERVER_PASSWORD', inputs.registry.password);
            }
            report.settingsChanged = await mergeSettings(slot, settings);
            if (report.settingsChanged.length)
                core/* info */.pq(`App settings changed: ${report.settingsChanged.join(', ')}`);
            await writeConfig(slot, {
                image: inputs.image,
                startupCommand: inputs.startupCommand,
                managedIdentityPull: inputs.managedIdentityPull,
            });
            core/* info */.pq(`${inputs.slot}: ${before || '(new slot)'} → ${inputs.image}`);
            await restartSlot(slot);
        });
        report.slotUrl = `https://${target?.defaultHostName}`;
        report.slotProbe = await core/* group */.Os(`Wait until ${inputs.slot} serves the new version`, () => waitUntilServes(healthUrl(target?.defaultHostName ?? '', inputs.wait), inputs.wait, inputs.slot));
        if (inputs.swap) {
            await core/* group */.Os(`Swap ${inputs.slot} into production`, async () => {
                const started = Date.now();
                await swapWithProduction(slot, inputs.wait.intervalMs);
                report.swapMs = Date.now() - started;
                report.swapped = true;
                core/* info */.pq(`Swapped ${inputs.slot} into production; ${inputs.slot} now holds ${productionBefore}.`);
            });
            report.productionProbe = await core/* group */.Os('Verify production', () => waitUntilServes(healthUrl(app?.defaultHostName ?? '', { ...inputs.wait, healthUrl: undefined }), inputs.wait, 'production'));
        }
    }
    catch (error) {
        report.error = error;
    }
    return report;
}


/***/ })

};
