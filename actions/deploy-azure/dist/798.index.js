export const id = 798;
export const ids = [798];
export const modules = {

/***/ 1798:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   deployByPublishProfile: () => (/* binding */ deployByPublishProfile)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1802);
/* harmony import */ var _lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6009);
/* harmony import */ var _lib_azure_container_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8114);
/* harmony import */ var _lib_azure_publish_profile_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(986);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8112);





/**
 * A deployment with azure/webapps-deploy's publish profile: the image is set through the app's Kudu site (no Azure
 * Resource Manager login), then proven as any other deployment, from the health answer and Kudu's docker log.
 * What ran before is not known to Kudu: previous-image stays empty, so rollback needs it from elsewhere.
 */
async function deployByPublishProfile(inputs, profile, report) {
    report.webappUrl = report.slotUrl = report.productionUrl = profile.site;
    const log = (0,_lib_azure_publish_profile_js__WEBPACK_IMPORTED_MODULE_3__/* .kuduDockerLog */ .Uf)(profile, inputs.app, inputs.wait.intervalMs);
    const before = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Read the docker log', () => (0,_lib_azure_container_js__WEBPACK_IMPORTED_MODULE_2__/* .containersBefore */ .GT)(log));
    report.changing = true;
    // A production site's profile (its user is $app; a slot's is $app__slot): setting the image changes production.
    const production = !profile.user.includes('__');
    const changed = () => {
        if (!production)
            return;
        report.changed = true;
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('changed', 'true');
    };
    try {
        await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Set ${inputs.image} through Kudu`, () => (0,_lib_azure_publish_profile_js__WEBPACK_IMPORTED_MODULE_3__/* .updateImageByKudu */ .JZ)(profile, inputs.image));
    }
    catch (error) {
        // Kudu refused (nothing changed), or its answer was lost (the image may be set).
        if (error instanceof _lib_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .CloudError */ .K2 && error.code === 'NetworkError')
            changed();
        throw error;
    }
    changed();
    try {
        await prove(inputs, profile, report, before && { log, image: inputs.image, before });
    }
    catch (error) {
        if (production) {
            // Kudu does not say what ran before: nothing can be put back from here.
            report.endState = `app ${inputs.app} runs ${inputs.image}, which is NOT proven; rollback failed: the previous image is not known with a publish profile (run rollback with the image that ran before).`;
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(report.endState);
        }
        throw error;
    }
}
async function prove(inputs, profile, report, restarted) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .notice */ .lm('Deployed with a publish profile: previous-image is not known (Kudu does not report the image that ran).');
    const what = new URL(profile.site).host;
    if (inputs.verify === 'none')
        return;
    if (inputs.verify === 'container' && restarted)
        return (0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_1__/* .waitForContainer */ .s6)(restarted, inputs.wait.timeoutMs, what);
    const host = new URL(profile.site).host;
    report.slotProbe = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Wait until ${what} serves the new version`, () => (0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_1__/* .waitUntilServes */ .ID)((0,_lib_app_service_wait_js__WEBPACK_IMPORTED_MODULE_1__/* .healthUrl */ .gZ)(host, inputs.wait), inputs.wait, what, restarted));
}


/***/ })

};
