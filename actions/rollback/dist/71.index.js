export const id = 71;
export const ids = [71];
export const modules = {

/***/ 1071:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   rollbackAzure: () => (/* binding */ rollbackAzure)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8261);
/* harmony import */ var _lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4214);
/* harmony import */ var _lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5711);
/* harmony import */ var _lib_azure_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(516);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7268);





/**
 * The Azure half of rollback: production must run previous-image again. When the slot holds it (a swap went
 * wrong), the slot is swapped back; otherwise previous-image is set on production and it is restarted. Either
 * way the step waits until production serves it. Idempotent: when production already runs previous-image,
 * nothing is changed and the step only proves it serves.
 */
async function rollbackAzure(inputs) {
    const client = await (0,_lib_azure_js__WEBPACK_IMPORTED_MODULE_3__/* .appServiceClient */ .mE)(inputs.azure, 'rollback');
    const production = { client, resourceGroup: inputs.resourceGroup, app: inputs.app, slot: 'production' };
    const app = await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .findSlot */ .q3)(production);
    const current = await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .readImage */ .AM)(production);
    const facts = [['App', inputs.app]];
    const url = (0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .healthUrl */ .gZ)(app?.defaultHostName ?? '', inputs.wait);
    if (current === inputs.previousImage) {
        await (0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .waitUntilServes */ .ID)(url, inputs.wait, 'production');
        return {
            outcome: 'already-current',
            to: current,
            from: current,
            headline: `${inputs.app} already runs ${current}: nothing was changed.`,
            facts,
        };
    }
    const how = await putBack(inputs, production);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${inputs.app}: ${current} → ${inputs.previousImage} (${how})`);
    const served = await (0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .waitUntilServes */ .ID)(url, inputs.wait, 'production');
    return {
        outcome: 'rolled-back',
        to: inputs.previousImage,
        from: current,
        headline: `${inputs.app} serves ${inputs.previousImage} again (was ${current}).`,
        facts: [...facts, ['How', how], ['Probes', `${served.run.attempts} of ${served.url}`]],
    };
}
/** Swaps the slot back when it holds previous-image, else sets previous-image on production. Says which. */
async function putBack(inputs, production) {
    const slot = inputs.slot === 'production' ? undefined : { ...production, slot: inputs.slot };
    const slotImage = slot && (await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .findSlot */ .q3)(slot)) ? await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .readImage */ .AM)(slot) : undefined;
    if (slot && slotImage === inputs.previousImage) {
        await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .swapWithProduction */ .Lr)(slot, inputs.wait.intervalMs);
        return `swapped ${inputs.slot} back into production`;
    }
    if (slot && slotImage === undefined) {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`Slot '${inputs.slot}' of ${inputs.app} does not exist: nothing was changed.`, 'Give the slot deploy-azure swapped from, or leave slot-name empty to set previous-image on production.');
    }
    await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .writeConfig */ .AU)(production, { image: inputs.previousImage });
    await (0,_lib_app_service_js__WEBPACK_IMPORTED_MODULE_1__/* .restartSlot */ .AH)(production);
    return 'set previous-image on production';
}


/***/ })

};
