/**
 * A manager's day: the 360 of a customer with a long history, points redeemed against
 * a quotation, and the promise report.
 */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("dealer_crm_manager_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dealer_crm.dealer_crm_root_menu", "Open Dealer CRM"),
        {trigger: '[data-menu-xmlid="dealer_crm.customers_menu"]', run: "click"},
        {trigger: '[data-menu-xmlid="dealer_crm.res_partner_menu"]', run: "click"},
        {trigger: ".o_searchview_input", run: "edit Chan Tai Man"},
        {trigger: ".o_searchview_input", run: "press Enter"},
        {trigger: ".o_kanban_record:contains(Chan Tai Man)", run: "click"},
        {
            content: "The customer 360: timeline, promises and loyalty",
            trigger: ".o_notebook_headers a:contains(Customer 360)",
            run: "click",
        },
        {trigger: ".o_field_widget[name=dealer_timeline_ids] .o_data_row"},
        {trigger: "button[name=action_dealer_view_loyalty]:contains(pts)"},
        {
            trigger:
                "button[name=action_dealer_view_vehicles] .o_stat_value:not(:contains(0))",
        },
        {
            content: "Redeem points on the customer's quotation",
            trigger: "button[name=action_dealer_view_loyalty]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Redeem)",
            run: "click",
        },
        {trigger: ".modal .o_field_widget[name=reward_id] input", run: "edit 10%"},
        {trigger: ".o-autocomplete--dropdown-item a:contains(10%)", run: "click"},
        {trigger: ".modal .o_field_widget[name=points]:contains(500)"},
        {trigger: ".modal .o_field_widget[name=sale_order_id] input", run: "click"},
        {trigger: ".o-autocomplete--dropdown-item a:contains(S0)", run: "click"},
        {trigger: ".modal .modal-footer button:contains(Redeem)", run: "click"},
        {trigger: "body:not(:has(.modal))"},
        {
            content: "The promise report",
            trigger: '[data-menu-xmlid="dealer_crm.reporting_menu"]',
            run: "click",
        },
        {
            trigger: '[data-menu-xmlid="dealer_crm.dealer_promise_analysis_menu"]',
            run: "click",
        },
        {trigger: ".o_pivot, .o_graph_renderer, .o_list_renderer"},
    ],
});
