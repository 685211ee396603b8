export const id = 230;
export const ids = [230];
export const modules = {

/***/ 5230:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   deployAzure: () => (/* binding */ deployAzure)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8261);
/* harmony import */ var _lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4214);
/* harmony import */ var _lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6079);
/* harmony import */ var _lib_azure_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(516);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7268);





async function deployAzure(inputs, report) {
    const client = await (0,_lib_azure_js__WEBPACK_IMPORTED_MODULE_3__/* .appServiceClient */ .mE)(inputs.target, 'deploy-azure');
    const production = { client, resourceGroup: inputs.resourceGroup, app: inputs.app, slot: 'production' };
    const deployment = { inputs, production, slot: { ...production, slot: inputs.slot }, report };
    // Everything is read before anything is changed: a missing app or slot fails with nothing touched.
    const app = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Read the app', () => readApp(deployment));
    if (inputs.mode === 'delete-slot')
        return removeSlot(deployment);
    const existing = inputs.slot === 'production' ? app : await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .findSlot */ .q3)(deployment.slot);
    const before = await readImagesBefore(deployment, existing);
    const target = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Configure ${inputs.slot}`, () => configure(deployment, existing, before));
    report.slotUrl = `https://${target.defaultHostName}`;
    report.slotProbe = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Wait until ${inputs.slot} serves the new version`, () => (0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .waitUntilServes */ .ID)((0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .healthUrl */ .gZ)(target.defaultHostName, inputs.wait), inputs.wait, inputs.slot));
    if (inputs.swap)
        await swapIntoProduction(deployment, app);
}
async function readApp({ production, report }) {
    const found = await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .findSlot */ .q3)(production);
    report.webappUrl = `https://${found?.defaultHostName}`;
    return found;
}
async function removeSlot({ inputs, slot, report }) {
    report.deletedSlot = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Delete slot ${inputs.slot}`, () => (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .deleteSlot */ .KH)(slot));
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(report.deletedSlot ? `Deleted slot ${inputs.slot}.` : `Slot ${inputs.slot} does not exist: nothing to delete.`);
}
/**
 * The slot's image before the deployment ('' for a slot still to be created), and the previous image for the
 * outputs: production's when the slot is swapped into it, else the slot's.
 */
async function readImagesBefore({ inputs, production, slot, report }, existing) {
    if (!existing && !inputs.createSlot) {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`Slot '${inputs.slot}' of ${inputs.app} does not exist: nothing was changed.`, "Create it (az webapp deployment slot create), or set create-slot: true to create it from production's settings.");
    }
    const before = existing ? await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .readImage */ .AM)(slot) : '';
    report.previousImage = inputs.swap ? await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .readImage */ .AM)(production) : before;
    return before;
}
/** Creates the slot when asked, merges its settings, sets the image and restarts it. Returns the slot. */
async function configure({ inputs, slot, report }, existing, before) {
    report.changing = true;
    let target = existing;
    if (!target) {
        target = await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .createSlot */ .TL)(slot, inputs.createSlotFrom);
        report.createdSlot = true;
    }
    report.settingsChanged = await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .mergeSettings */ .ss)(slot, settingsToWrite(inputs));
    if (report.settingsChanged.length)
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`App settings changed: ${report.settingsChanged.join(', ')}`);
    await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .writeConfig */ .AU)(slot, {
        image: inputs.image,
        startupCommand: inputs.startupCommand,
        managedIdentityPull: inputs.managedIdentityPull,
    });
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${inputs.slot}: ${before || '(new slot)'} → ${inputs.image}`);
    await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .restartSlot */ .AH)(slot);
    return target;
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
    await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Swap ${inputs.slot} into production`, async () => {
        const started = Date.now();
        await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .swapWithProduction */ .Lr)(slot, inputs.wait.intervalMs);
        report.swapMs = Date.now() - started;
        report.swapped = true;
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Swapped ${inputs.slot} into production; ${inputs.slot} now holds ${report.previousImage}.`);
    });
    report.productionProbe = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Verify production', () => (0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .waitUntilServes */ .ID)((0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .healthUrl */ .gZ)(app?.defaultHostName ?? '', { ...inputs.wait, healthUrl: undefined }), inputs.wait, 'production'));
}


/***/ })

};
