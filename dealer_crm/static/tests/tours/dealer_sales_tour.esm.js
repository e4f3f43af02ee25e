/**
 * A sales consultant's day: a walk-in enquiry with the vehicle of interest, a
 * quotation, the quotation confirmed with the customer (a logged visit), and the car
 * delivered (registered as sold by us, with its warranty and follow-ups).
 */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("dealer_crm_sales_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dealer_crm.dealer_crm_root_menu", "Open Dealer CRM"),
        {trigger: '[data-menu-xmlid="dealer_crm.interactions_menu"]', run: "click"},
        {trigger: '[data-menu-xmlid="dealer_crm.crm_lead_menu"]', run: "click"},
        {trigger: ".o_breadcrumb:contains(Pipeline)"},
        {trigger: ".o_switch_view.o_list", run: "click"},
        {trigger: ".o_list_view .o_list_button_add", run: "click"},
        {trigger: ".o_form_view .o_field_widget[name=expected_revenue]"},
        {
            content: "The walk-in customer's enquiry",
            trigger: ".o_field_widget[name=name] textarea",
            run: "edit Walk-in: a family car for test drive",
        },
        {trigger: ".o_field_widget[name=partner_id] input", run: "edit Cheung Siu"},
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Cheung Siu Wai)",
            run: "click",
        },
        {trigger: ".o_notebook_headers a:contains(Vehicle)", run: "click"},
        {
            trigger: ".o_field_widget[name=dealer_vehicle_model_id] input",
            run: "edit Corolla",
        },
        {trigger: ".o-autocomplete--dropdown-item a:contains(Corolla)", run: "click"},
        {
            trigger: ".o_field_widget[name=dealer_enquiry_channel] select",
            run: "selectByLabel Face-to-face visit",
        },
        ...stepUtils.saveForm(),
        {
            content: "Quote from the enquiry",
            trigger: "button[name=action_sale_quotations_new]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input:value(Cheung Siu Wai)",
        },
        {trigger: ".o_field_x2many_list_row_add a", run: "click"},
        {
            trigger: ".o_field_widget[name=product_template_id] input",
            run: "edit Corolla Hybrid 2027",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Corolla Hybrid 2027)",
            run: "click",
        },
        {trigger: ".o_data_row td[name=price_subtotal]:contains(268,000)"},
        {trigger: ".o_form_view .o_field_widget[name=note]", run: "click"},
        ...stepUtils.saveForm(),
        {
            content: "The customer confirms in the showroom",
            trigger: "button[name=action_dealer_confirm_with_customer]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=channel] select",
            run: "selectByLabel Face-to-face visit",
        },
        {
            trigger: ".modal .o_field_widget[name=summary] .odoo-editor-editable",
            run: "editor Customer signed the quotation in the showroom.",
        },
        {trigger: ".modal button.btn-primary:contains(Log)", run: "click"},
        {
            content: "The quotation is now a sales order",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains(Sales Order)",
        },
        {
            content: "Hand the car over: the delivery registers it",
            trigger: "button[name=action_dealer_deliver_vehicle]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=vin] input",
            run: "edit WVWZZZ1KZAW808080",
        },
        {
            trigger: ".modal .o_field_widget[name=license_plate] input",
            run: "edit CW 2027",
        },
        {trigger: ".modal .o_field_widget[name=odometer] input", run: "edit 8"},
        {trigger: ".modal button[name=action_deliver]", run: "click"},
        {
            content: "The registered vehicle, sold by us, with its warranty",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=warranty_end_date]",
        },
    ],
});
