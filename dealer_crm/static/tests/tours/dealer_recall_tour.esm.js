/**
 * A service advisor opens the visit of a recalled vehicle, sees the open recall and
 * ticks it, so that the work is done while the car is in (issue 28).
 */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("dealer_crm_recall_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dealer_crm.dealer_crm_root_menu", "Open Dealer CRM"),
        {trigger: '[data-menu-xmlid="dealer_crm.service_menu"]', run: "click"},
        {
            trigger: '[data-menu-xmlid="dealer_crm.dealer_service_record_menu"]',
            run: "click",
        },
        {trigger: ".o_breadcrumb:contains(Service Visits)"},
        {trigger: ".o_switch_view.o_list", run: "click"},
        {
            content: "Open the visit planned for the recalled vehicle",
            trigger: ".o_data_row:contains(AB 1185):contains(Scheduled) td[name=name]",
            run: "click",
        },
        {
            content: "The visit shows the vehicle's open recall",
            trigger: ".o_dealer_recall_alert:contains(24V-0815)",
        },
        {
            content: "Tick the recall the visit performs",
            trigger: ".o_field_widget[name=dealer_recall_line_ids] input",
            run: "edit 24V-0815",
        },
        {trigger: ".o-autocomplete--dropdown-item a:contains(24V-0815)", run: "click"},
        {
            trigger:
                ".o_field_widget[name=dealer_recall_line_ids] .o_tag:contains(24V-0815)",
        },
        ...stepUtils.saveForm(),
    ],
});
