/**
 * A service advisor's day: book a visit, record the odometer, complete the visit and
 * see the vehicle's next service date move.
 */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("dealer_crm_service_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dealer_crm.dealer_crm_root_menu", "Open Dealer CRM"),
        {trigger: '[data-menu-xmlid="dealer_crm.vehicles_menu"]', run: "click"},
        {trigger: '[data-menu-xmlid="dealer_crm.dealer_vehicle_menu"]', run: "click"},
        // The vehicles' own search, once they are shown (not the screen before's)
        {trigger: ".o_breadcrumb:contains(Vehicles)"},
        {trigger: ".o_kanban_record"},
        {trigger: ".o_searchview_input", run: "edit JK 1148"},
        {trigger: ".o_searchview_input", run: "press Enter"},
        {
            trigger:
                ".o_kanban_record:contains(JK 1148), .o_data_row:contains(JK 1148)",
            run: "click",
        },
        {
            content: "The vehicle is due: note its next service",
            trigger: ".o_field_widget[name=next_service_date]:contains(/)",
        },
        {trigger: '[data-menu-xmlid="dealer_crm.service_menu"]', run: "click"},
        {
            trigger: '[data-menu-xmlid="dealer_crm.dealer_service_record_menu"]',
            run: "click",
        },
        {trigger: ".o_breadcrumb:contains(Service Visits)"},
        {trigger: ".o_switch_view.o_list", run: "click"},
        {trigger: ".o_list_button_add", run: "click"},
        {
            content: "Book the visit for the vehicle",
            trigger: ".o_field_widget[name=vehicle_id] input",
            run: "edit JK 1148",
        },
        {trigger: ".o-autocomplete--dropdown-item a:contains(JK 1148)", run: "click"},
        {trigger: ".o_field_widget[name=partner_id] input:value(Liam Nguyen)"},
        {
            content: "Record the odometer read at reception",
            trigger: ".o_field_widget[name=odometer] input",
            run: "edit 96500",
        },
        {
            trigger: ".o_field_widget[name=work_done] .odoo-editor-editable",
            run: "editor Oil and filter change, brake check.",
        },
        ...stepUtils.saveForm(),
        {trigger: "button[name=action_start]", run: "click"},
        {
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains(In Progress)",
        },
        {trigger: "button[name=action_done]", run: "click"},
        {trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)"},
        {
            content: "Back to the vehicle: its next service has moved",
            trigger:
                ".o_field_widget[name=vehicle_id] .o_external_button, .o_field_widget[name=vehicle_id] a",
            run: "click",
        },
        {trigger: ".o_field_widget[name=odometer] input:value(96,500)"},
    ],
});
