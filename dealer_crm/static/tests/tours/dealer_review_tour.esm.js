/**
 * A manager reviews a KPI of the customer service plan: the actual figure comes from the
 * data, the manager judges it and decides a corrective action, which becomes tracked work.
 */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("dealer_crm_review_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dealer_crm.dealer_crm_root_menu", "Open Dealer CRM"),
        {trigger: '[data-menu-xmlid="dealer_crm.strategy_menu"]', run: "click"},
        {
            trigger: '[data-menu-xmlid="dealer_crm.dealer_service_plan_menu"]',
            run: "click",
        },
        {
            trigger: ".o_data_row:contains(Customer service plan) td[name=name]",
            run: "click",
        },
        {
            content: "The KPIs with their actual figures, from the data",
            trigger: ".o_field_widget[name=kpi_ids] .o_data_row:contains(Satisfaction)",
        },
        {
            trigger:
                ".o_field_widget[name=kpi_ids] .o_data_row:contains(Satisfaction) button[name=action_review]",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=plan_id]:contains(Customer service plan)",
        },
        {
            content: "Judge it",
            trigger: ".o_field_widget[name=judgement] input[data-value=off_track]",
            run: "click",
        },
        {
            content: "Decide a corrective action",
            trigger: ".o_field_widget[name=action_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=action_ids] .o_data_row .o_field_widget[name=name] input",
            run: "edit Call every unhappy customer within a day",
        },
        {
            trigger:
                ".o_field_widget[name=action_ids] .o_data_row .o_field_widget[name=date_due] input",
            run: "edit 12/31/2030",
        },
        {trigger: ".o_form_button_save", run: "click"},
        {trigger: ".o_form_view .o_form_saved"},
    ],
});
