/**
 * Issue 24, as the users concerned see it:
 * - a manager sets the trade-in limit in Dealer CRM > Configuration > Settings, without
 *   administrator rights;
 * - a sales consultant books a test drive, typing the customer's licence at the desk: the
 *   screen then shows only that a licence is on file.
 */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("dealer_crm_settings_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dealer_crm.dealer_crm_root_menu", "Open Dealer CRM"),
        {trigger: '[data-menu-xmlid="dealer_crm.configuration_menu"]', run: "click"},
        {trigger: '[data-menu-xmlid="dealer_crm.dealer_settings_menu"]', run: "click"},
        {
            content: "The dealer's own settings, for its manager",
            trigger: ".o_form_view .o_field_widget[name=dealer_trade_in_limit] input",
            run: "edit 75000",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=dealer_target_satisfaction] input",
            run: "edit 4.2",
        },
        {
            content: "Mark the page, to know when saving has reloaded it",
            trigger: ".o_form_view button[name=action_save]",
            run: () => document.body.classList.add("o_dealer_before_save"),
        },
        {trigger: ".o_form_view button[name=action_save]", run: "click"},
        {
            content: "Saved and reloaded: the form opens again with the new limit",
            trigger:
                "body:not(.o_dealer_before_save) .o_form_view:not(:has(.o_form_dirty)) .o_field_widget[name=dealer_trade_in_limit] input:value(75,000.00)",
        },
    ],
});

registry.category("web_tour.tours").add("dealer_crm_test_drive_licence_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dealer_crm.dealer_crm_root_menu", "Open Dealer CRM"),
        {trigger: '[data-menu-xmlid="dealer_crm.interactions_menu"]', run: "click"},
        {
            trigger: '[data-menu-xmlid="dealer_crm.dealer_test_drive_menu"]',
            run: "click",
        },
        {trigger: ".o_list_button_add", run: "click"},
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "edit Licence Tour Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Licence Tour Customer)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=vehicle_id] input",
            run: "edit TOUR 24",
        },
        {trigger: ".o-autocomplete--dropdown-item a:contains(TOUR 24)", run: "click"},
        {
            trigger: ".o_form_view .o_field_widget[name=start] input",
            run: "edit 05/01/2031 10:00:00",
        },
        {
            content: "The licence shown at the desk, typed by the consultant",
            trigger: ".o_form_view .o_field_widget[name=licence_number_entry] input",
            run: "edit HK-DL-2424242",
        },
        {trigger: ".o_form_button_save", run: "click"},
        {
            content: "Booked: the screen shows only that a licence is on file",
            trigger:
                ".o_form_view .o_form_saved .o_field_widget[name=licence_on_file] input:checked",
        },
        {
            trigger:
                ".o_form_view:not(:has(.o_field_widget[name=licence_number_entry]))",
        },
        {
            trigger: ".o_form_view:not(:contains(HK-DL-2424242))",
        },
    ],
});
