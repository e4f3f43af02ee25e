/**
 * Issue 29: a customer books from the service reminder's link on the portal, then the
 * advisor opens the booking in the backend and, when the customer arrives, turns it into
 * the service visit. The test (test_ui_tours.py) runs the
 * reminder job and starts this tour at the link the reminder carries, logged in as the
 * demo customer ("chan").
 */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("dealer_crm_portal_booking_tour", {
    steps: () => [
        // --- the customer, on the reminder's link -----------------------------------
        {
            content: "The schedule page of the pending booking",
            trigger: ".o_booking_calendar",
        },
        {
            content: "Next month: free slots whatever the hour the test runs",
            trigger: ".o_booking_calendar a[title='Next month']",
            run: "click",
        },
        {
            content:
                "Pick a day (of next month: the page offers the previous month now)",
            trigger:
                ".o_booking_calendar:has(a[title='Previous month']) .dropdown-toggle",
            run: "click",
        },
        {
            content: "Pick a slot: it opens its confirmation",
            trigger: ".o_booking_calendar .dropdown-menu.show .dropdown-item",
            run() {
                // What the slot's click does (data-bs-toggle="modal"), through Bootstrap's
                // API: a click landing while the day's dropdown still animates opened
                // nothing now and then
                const modal = document.querySelector(this.anchor.dataset.bsTarget);
                window.Modal.getOrCreateInstance(modal).show();
            },
        },
        {
            content: "Confirm the booking",
            trigger: ".modal.show button[type=submit]:contains(Confirm booking)",
            run: "click",
        },
        {
            content: "The booking is confirmed",
            trigger:
                ".badge[title='Current state of this booking']:contains(Confirmed)",
        },
        // --- the advisor, in the backend ---------------------------------------------
        {trigger: "body", run: "goToUrl /web/session/logout?redirect=/web/login"},
        {trigger: "input#login", run: "edit service"},
        {trigger: "input#password", run: "edit service"},
        {trigger: "button[type=submit]:contains(Log in)", run: "click"},
        {
            trigger: ".o_main_navbar",
            run: "goToUrl /odoo/action-resource_booking.resource_booking_action",
        },
        {trigger: ".o_switch_view.o_list", run: "click"},
        {trigger: ".o_list_view"},
        {trigger: ".o_searchview_facet .o_facet_remove", run: "click"},
        {
            content: "Every booking listed",
            trigger: ".o_searchview:not(:has(.o_searchview_facet))",
        },
        {
            content: "The confirmed maintenance booking",
            trigger: ".o_data_row:contains(Confirmed) td.o_data_cell[name=type_id]",
            run: "click",
        },
        {
            content: "The advisor sees the customer's booking",
            trigger:
                ".o_form_view .o_field_widget[name=partner_ids]:contains(Chan Tai Man)",
        },
        // --- the customer arrives: the booking becomes the service visit --------------
        {
            content: "The customer arrives",
            trigger: ".o_form_view button[name=action_dealer_arrived]",
            run: "click",
        },
        {
            content: "The service visit's form opens, with the booking's vehicle",
            trigger:
                ".o_form_view:has(button[name=action_view_bookings]) .o_field_widget[name=vehicle_id]",
        },
    ],
});
