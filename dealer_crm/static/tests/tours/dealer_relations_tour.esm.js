/**
 * A customer relations officer's day: a complaint from intake to a resolution the
 * customer confirms, with the customer's satisfaction recorded.
 */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("dealer_crm_relations_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dealer_crm.dealer_crm_root_menu", "Open Dealer CRM"),
        {trigger: '[data-menu-xmlid="dealer_crm.complaints_menu"]', run: "click"},
        {trigger: '[data-menu-xmlid="dealer_crm.helpdesk_ticket_menu"]', run: "click"},
        {trigger: ".o_breadcrumb:contains(Complaints and Feedback)"},
        {trigger: ".o_list_view .o_list_button_add", run: "click"},
        {
            content: "Intake: what the customer complains of",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour: rattle from the dashboard after service",
        },
        {trigger: ".o_field_widget[name=partner_id] input", run: "edit Wong Mei"},
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Wong Mei Ling)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=description] .odoo-editor-editable",
            run: "editor The dashboard rattles since the last service.",
        },
        {trigger: ".o_field_widget[name=dealer_severity_id] input", run: "edit Medium"},
        {trigger: ".o-autocomplete--dropdown-item a:contains(Medium)", run: "click"},
        ...stepUtils.saveForm(),
        {trigger: ".o_field_widget[name=dealer_resolution_deadline]:not(:empty)"},
        {trigger: ".o_notebook_headers a:contains(Complaint Handling)", run: "click"},
        {
            content: "Clarified with the customer on the phone",
            trigger: ".o_field_widget[name=dealer_contact_date] input",
            run: "click",
        },
        {
            trigger:
                ".o_datetime_picker .o_today, .o_datetime_picker button:contains(Today)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=dealer_root_cause_id] input",
            run: "edit Workmanship",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Workmanship)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=dealer_resolution] .odoo-editor-editable",
            run: "editor Trim clip refitted free of charge; road test with the customer.",
        },
        {
            trigger: ".o_field_widget[name=dealer_customer_confirmed] input",
            run: "click",
        },
        {
            content: "The customer's satisfaction",
            trigger: ".o_field_widget[name=dealer_satisfaction] select",
            run: "selectByIndex 5",
        },
        ...stepUtils.saveForm(),
        {
            content: "Close the complaint",
            trigger: ".o_statusbar_status button.dropdown-toggle",
            run: "click",
        },
        {trigger: ".o-dropdown--menu .dropdown-item:contains(Done)", run: "click"},
        {trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)"},
    ],
});
