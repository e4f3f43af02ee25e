/**
 * The screen crawl of `make test` (tests/test_ui_crawl.py).
 *
 * Logged in as one department user, it opens every menu item under Dealer CRM that the
 * user can see, then the first record of the list or kanban, each notebook tab of its
 * form and each smart button. It stops at the first error dialog or failed RPC and
 * names the user and the menu path. As the user of a company that sells no vehicles
 * (issue 32), it also opens each list's New form and fails on any vehicle term that a
 * screen shows (VEHICLE_TERMS). Menus are read from the menu service, so a menu
 * added later is crawled without editing anything here.
 */

import {App} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {rpcBus} from "@web/core/network/rpc";

const pendingRPC = new Map();
let failedRPC = null;

rpcBus.addEventListener("RPC:REQUEST", ({detail}) => {
    const params = detail.data.params || {};
    pendingRPC.set(
        detail.data.id,
        params.model ? `${params.model}.${params.method}` : detail.url
    );
});
rpcBus.addEventListener("RPC:RESPONSE", ({detail}) => {
    const call = pendingRPC.get(detail.data.id);
    pendingRPC.delete(detail.data.id);
    if (detail.error && !failedRPC) {
        const error = detail.error;
        failedRPC = `${call}: ${error.data?.name || error.name || "RPC error"}: ${
            error.data?.message || error.message
        }`;
    }
});

function busy() {
    let tasks = 0;
    for (const app of App.apps) {
        tasks += app.scheduler.tasks.size;
    }
    return pendingRPC.size > 0 || tasks > 0;
}

function problem() {
    if (failedRPC) {
        return failedRPC;
    }
    const dialog = document.querySelector(".o_error_dialog");
    if (dialog) {
        return `error dialog: ${dialog.innerText.slice(0, 1500)}`;
    }
    return null;
}

/** Wait until no RPC and no rendering is pending (and `until()` holds), or fail. */
async function settle(where, until = () => true) {
    // Let the click start its work before watching it end.
    await new Promise((resolve) => browser.setTimeout(resolve, 30));
    for (let waited = 0; ; waited += 25) {
        const error = problem();
        if (error) {
            throw new Error(`${where}: ${error}`);
        }
        if (!busy() && until()) {
            await new Promise((resolve) => requestAnimationFrame(resolve));
            if (!busy() && !problem()) {
                return;
            }
        }
        if (waited > 30000) {
            throw new Error(`${where}: still loading after 30 seconds`);
        }
        await new Promise((resolve) => browser.setTimeout(resolve, 25));
    }
}

/**
 * Vehicle terms a user of a company that sells no vehicles must never read (issue 32).
 * "Make" only as a whole label, a vehicle's brand (a column or a field's label, alone on
 * its line), not the verb ("Make a trend report").
 */
const VEHICLE_TERMS = [
    /\b(VIN|Vehicles?|Odometers?|(?:License |Licence )?Plates?|Mileage|km|Test[ -]Drives?|Trade[ -]ins?|Recalls?|Recalled|Model Year|Fuel|Cars?)\b/i,
    /^\s*Make\s*$/m,
];

/** When set (a watch retailer's crawl), every screen is read for vehicle terms. */
let readTerms = false;
/** The vehicle terms found, one line per screen and term: the crawl fails at its end. */
const termsFound = [];

function checkTerms(where) {
    if (!readTerms) {
        return;
    }
    const text = document.body.innerText;
    for (const term of VEHICLE_TERMS) {
        const global = new RegExp(term.source, `${term.flags}g`);
        const seen = new Set();
        for (const match of text.matchAll(global)) {
            if (seen.has(match[0].toLowerCase())) {
                continue;
            }
            seen.add(match[0].toLowerCase());
            const around = text
                .slice(Math.max(0, match.index - 50), match.index + 50)
                .replace(/\s+/g, " ");
            termsFound.push(
                `${where}: the vehicle term "${match[0]}" is on the screen ("…${around}…")`
            );
            browser.console.log(`dealer-crawl-term: ${termsFound.at(-1)}`);
        }
    }
}

async function click(element, where) {
    for (const type of ["mouseover", "mouseenter", "mousedown", "mouseup", "click"]) {
        element.dispatchEvent(
            new MouseEvent(type, {bubbles: true, cancelable: true, view: window})
        );
    }
    await settle(where);
    checkTerms(where);
}

/** Models whose New form the crawl does not open: mass_mailing's body editor fails in
 * a headless browser on a new mailing (its template list is not loaded yet). */
const NO_NEW_FORM = new Set(["mailing.mailing"]);

/** The New form of the list or kanban (the form's labels, without a record to open):
 * read, then discarded. Only for a crawl that reads the screens' terms. */
async function openNewForm(env, where) {
    const action = env.services.action;
    const listId = action.currentController.jsId;
    const newButton = document.querySelector(
        ".o_control_panel .o_list_button_add, .o_control_panel .o-kanban-button-new"
    );
    const model = action.currentController.action.res_model;
    if (
        !readTerms ||
        !newButton ||
        newButton.closest(".dropdown-menu") ||
        NO_NEW_FORM.has(model)
    ) {
        return;
    }
    await click(newButton, `${where} > New`);
    if (document.querySelector(".modal .o_form_view")) {
        await click(
            document.querySelector(".modal .btn-close"),
            `${where} > close New`
        );
    }
    if (action.currentController.jsId !== listId) {
        const discard = document.querySelector(".o_form_button_cancel");
        if (discard && discard.offsetParent) {
            await click(discard, `${where} > discard New`);
        }
        if (action.currentController.jsId !== listId) {
            await action.restore(listId);
            await settle(`${where} > back from New`);
        }
    }
    // A kanban's quick create: leave it closed
    const quickCancel = document.querySelector(
        ".o_kanban_quick_create .o_kanban_cancel"
    );
    if (quickCancel) {
        await click(quickCancel, `${where} > cancel quick create`);
    }
}

/** Leaf menus under `root`, with their path of names. */
function leafMenus(menuService, root, path = []) {
    const here = [...path, root.name];
    const leaves = root.actionID ? [{menu: root, path: here.join(" > ")}] : [];
    for (const childId of root.children) {
        leaves.push(...leafMenus(menuService, menuService.getMenu(childId), here));
    }
    return leaves;
}

/** A cell of the first list row that opens the record when clicked (no star, toggle or button). */
function firstRecord() {
    if (document.querySelector(".o_action_manager .o_view_sample_data")) {
        // An empty view shows made-up sample records: nothing real to open
        return null;
    }
    const row = document.querySelector(".o_content .o_data_row");
    if (row) {
        return [...row.querySelectorAll("td.o_data_cell:not(.o_list_button)")].find(
            (cell) =>
                !cell.querySelector("input, button, a, .o_priority, .o_field_boolean")
        );
    }
    return document.querySelector(".o_content .o_kanban_record:not(.o_kanban_ghost)");
}

async function openFirstRecord(where) {
    let record = firstRecord();
    const groupHeader = document.querySelector(".o_content .o_group_header");
    if (!record && groupHeader) {
        await click(groupHeader, `${where} > first group`);
        record = firstRecord();
    }
    const listSwitch = document.querySelector(".o_switch_view.o_list:not(.active)");
    if (!record && listSwitch) {
        await click(listSwitch, `${where} > list view`);
        record = firstRecord();
    }
    if (!record) {
        browser.console.log(`dealer-crawl: ${where}: no record to open`);
        return false;
    }
    await click(record, `${where} > first record`);
    return Boolean(document.querySelector(".o_action_manager .o_form_view"));
}

/** Smart buttons that open a page outside the web client (a URL in the same tab): the
 * crawl would leave the client with them. resource_booking's "Preview" opens the
 * booking's portal page; the portal has its own crawl (test_portal.py). */
const LEAVES_THE_CLIENT = new Set(["action_open_portal"]);

function statButtons() {
    return [
        ...document.querySelectorAll(
            ".o_action_manager .o_form_view .o-form-buttonbox > button.oe_stat_button"
        ),
    ];
}

async function crawlForm(env, where) {
    const tabs = document.querySelectorAll(
        ".o_action_manager .o_notebook_headers .nav-link"
    );
    for (const tab of tabs) {
        await click(tab, `${where} > tab "${tab.innerText.trim()}"`);
    }
    const action = env.services.action;
    const formId = action.currentController.jsId;
    const moreButton = () =>
        document.querySelector(".o_action_manager .o-form-buttonbox .o_button_more");
    let inMore = 0;
    if (moreButton()) {
        await click(moreButton(), `${where} > More`);
        inMore = document.querySelectorAll(
            ".o_dropdown_more button.oe_stat_button"
        ).length;
        await click(moreButton(), `${where} > More`);
    }
    const count = statButtons().length + inMore;
    for (let index = 0; index < count; index++) {
        let button = statButtons()[index];
        if (!button && moreButton()) {
            await click(moreButton(), `${where} > More`);
            button = document.querySelectorAll(
                ".o_dropdown_more button.oe_stat_button"
            )[index - statButtons().length];
        }
        if (!button || !button.getAttribute("name")) {
            continue;
        }
        if (LEAVES_THE_CLIENT.has(button.getAttribute("name"))) {
            browser.console.log(
                `dealer-crawl: ${where}: "${button.getAttribute("name")}" leaves the web client, not followed`
            );
            continue;
        }
        const label = button.innerText.replace(/\s+/g, " ").trim();
        await click(button, `${where} > smart button "${label}"`);
        const modalClose = document.querySelector(".modal .btn-close");
        if (modalClose) {
            await click(modalClose, `${where} > close "${label}"`);
        }
        if (action.currentController.jsId !== formId) {
            await action.restore(formId);
            await settle(`${where} > back from "${label}"`);
        }
    }
}

/**
 * Crawl every Dealer CRM menu the current user sees.
 * @param {String} who the login, for the messages
 * @param {String} rootXmlid the app menu to crawl
 */
export async function dealerCrmCrawl(
    who,
    rootXmlid = "dealer_crm.dealer_crm_root_menu",
    {noVehicleTerms = false} = {}
) {
    readTerms = noVehicleTerms;
    termsFound.length = 0;
    const env = odoo.__WOWL_DEBUG__.root.env;
    const menuService = env.services.menu;
    const root = menuService.getAll().find((menu) => menu.xmlid === rootXmlid);
    if (!root) {
        throw new Error(`${who}: the menu ${rootXmlid} is not visible`);
    }
    const leaves = leafMenus(menuService, menuService.getMenuAsTree(root.id));
    for (const {menu, path} of leaves) {
        const where = `${who}: ${path}`;
        browser.console.log(`dealer-crawl: ${where}`);
        failedRPC = null;
        try {
            await menuService.selectMenu(menu);
        } catch (error) {
            throw new Error(`${where}: ${error.message}`);
        }
        await settle(where, () =>
            document.querySelector(".o_action_manager .o_action")
        );
        checkTerms(where);
        await openNewForm(env, where);
        if (await openFirstRecord(where)) {
            await crawlForm(env, where);
        }
    }
    browser.console.log(`dealer-crawl: ${who} opened ${leaves.length} menu items`);
    if (termsFound.length) {
        throw new Error(
            `${who}: ${termsFound.length} vehicle terms on screen:\n${termsFound.join("\n")}`
        );
    }
    return leaves.map((leaf) => leaf.path);
}

window.dealerCrmCrawl = dealerCrmCrawl;
