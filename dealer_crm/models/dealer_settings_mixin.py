# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dealer CRM's settings, defined once.

Administrators set them in Settings (``res.config.settings``); a dealer's managers set
them in Dealer CRM > Configuration > Settings (``dealer.settings``), which writes only
these ``dealer_crm.*`` parameters. Both inherit the fields from here, each one stored in
its ``ir.config_parameter`` (``config_parameter``).

Code reads a setting through one reader, ``_dealer_get(field name)``: the stored text
cast to the field's type, or the field's default when unset or unreadable. SQL reports
receive settings as parameters (``_table_query``), never by reading the parameter table.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class DealerSettingsMixin(models.AbstractModel):
    _name = "dealer.settings.mixin"
    _description = "Dealer CRM Settings (Fields)"

    dealer_retention_years = fields.Integer(
        string="Anonymise Customers Inactive For (Years)",
        config_parameter="dealer_crm.retention_years",
        help="Used by the scheduled action 'Dealer CRM: personal data retention', which "
        "is off by default. 0 keeps customers for ever.",
    )

    dealer_service_due_window_days = fields.Integer(
        string="Due Soon Window (Days)",
        config_parameter="dealer_crm.service_due_window_days",
        default=30,
    )
    dealer_reminder_recent_days = fields.Integer(
        string="Do Not Remind Again Within (Days)",
        config_parameter="dealer_crm.reminder_recent_days",
        default=60,
    )

    dealer_collection_followup_days = fields.Integer(
        string="Follow Up Uncollected Items After (Days)",
        config_parameter="dealer_crm.collection_followup_days",
        default=14,
        help="An item ready for collection and not collected after this many days gets a "
        "follow-up activity for its service advisor, again every this many days.",
    )

    # Customer evaluation (dealer.customer.score)
    dealer_rfm_window_months = fields.Integer(
        string="Evaluation Window (Months)",
        config_parameter="dealer_crm.rfm_window_months",
        default=24,
    )
    dealer_rfm_new_days = fields.Integer(
        string="New For (Days)", config_parameter="dealer_crm.rfm_new_days", default=90
    )
    dealer_rfm_active_days = fields.Integer(
        string="Active Within (Days)", config_parameter="dealer_crm.rfm_active_days", default=180
    )
    dealer_rfm_at_risk_days = fields.Integer(
        string="At Risk After (Days)", config_parameter="dealer_crm.rfm_at_risk_days", default=365
    )
    dealer_rfm_lost_days = fields.Integer(
        string="Lost After (Days)", config_parameter="dealer_crm.rfm_lost_days", default=730
    )
    dealer_rfm_loyal_frequency = fields.Integer(
        string="Loyal From (Purchases and Visits)",
        config_parameter="dealer_crm.rfm_loyal_frequency",
        default=3,
    )
    dealer_churn_months = fields.Integer(
        string="Churn Risk After (Months Without Service)",
        config_parameter="dealer_crm.churn_months",
        default=12,
    )
    dealer_verify_months = fields.Integer(
        string="Verify Details Every (Months)",
        config_parameter="dealer_crm.verify_months",
        default=12,
    )
    # Satisfaction surveys
    dealer_survey_sale_id = fields.Many2one(
        "survey.survey",
        string="Survey After a Sale",
        config_parameter="dealer_crm.survey_sale_id",
    )
    dealer_survey_service_id = fields.Many2one(
        "survey.survey",
        string="Survey After a Visit",
        config_parameter="dealer_crm.survey_service_id",
    )
    dealer_low_satisfaction = fields.Float(
        string="Follow Up Scores Up To",
        config_parameter="dealer_crm.low_satisfaction",
        default=2.0,
    )

    # Service standards: the targets every report compares its figures with
    dealer_target_first_response_hours = fields.Float(
        string="First Response Within (Hours)",
        config_parameter="dealer_crm.target_first_response_hours",
        default=8,
    )
    dealer_target_resolution_days = fields.Float(
        string="Complaints Resolved Within (Days)",
        config_parameter="dealer_crm.target_resolution_days",
        default=5,
    )
    dealer_target_satisfaction = fields.Float(
        string="Satisfaction At Least (1-5)",
        config_parameter="dealer_crm.target_satisfaction",
        default=4,
    )
    dealer_target_promises_kept = fields.Float(
        string="Promises Kept On Time (%)",
        config_parameter="dealer_crm.target_promises_kept",
        default=90,
    )
    dealer_target_reminders_answered = fields.Float(
        string="Service Reminders Answered (%)",
        config_parameter="dealer_crm.target_reminders_answered",
        default=50,
    )
    dealer_target_comebacks = fields.Float(
        string="Service Comebacks At Most (%)",
        config_parameter="dealer_crm.target_comebacks",
        default=5,
    )
    dealer_target_retention = fields.Float(
        string="Buyers Back Within 12 Months (%)",
        config_parameter="dealer_crm.target_retention",
        default=60,
    )
    dealer_comeback_days = fields.Integer(
        string="Comeback Within (Days)",
        config_parameter="dealer_crm.comeback_days",
        default=30,
        help="A second visit for the same vehicle within this many days is a comeback.",
    )
    dealer_target_visits_on_time = fields.Float(
        string="Visits Ready On Time (%)",
        config_parameter="dealer_crm.target_visits_on_time",
        default=90,
        help="Of the visits with a promised-ready time, the share done by it.",
    )

    dealer_trade_in_limit = fields.Float(
        string="Trade-in Offers Above Need a Manager",
        config_parameter="dealer_crm.trade_in_limit",
        help="A trade-in appraised above this value waits for a manager's approval before "
        "the sale is delivered. 0: no approval needed.",
    )

    # Lifecycle leads (issue 28): the nightly job's triggers
    dealer_lifecycle_warranty_days = fields.Integer(
        string="Warranty Lead Before Its End (Days)",
        config_parameter="dealer_crm.lifecycle_warranty_days",
        default=60,
        help="A vehicle whose warranty ends within this many days gets an opportunity for "
        "its owner's salesperson: an extended warranty or a service plan to offer.",
    )
    dealer_lifecycle_replacement_years = fields.Integer(
        string="Replacement Lead From Age (Years)",
        config_parameter="dealer_crm.lifecycle_replacement_years",
        default=8,
        help="A vehicle this old (from its model year, else its purchase date) gets a "
        "replacement opportunity.",
    )
    dealer_lifecycle_replacement_km = fields.Integer(
        string="Replacement Lead From Distance (km)",
        config_parameter="dealer_crm.lifecycle_replacement_km",
        default=160000,
        help="A vehicle whose odometer reaches this distance gets a replacement "
        "opportunity. In kilometres: a vehicle that reads miles is compared converted.",
    )

    def _valid_field_parameter(self, field, name):
        return name == "config_parameter" or super()._valid_field_parameter(field, name)

    def _dealer_check_settings(self):
        """The settings make sense: evaluation boundaries in order, targets not negative."""
        self.ensure_one()
        self.env["dealer.customer.score"]._check_settings(
            {
                key: self[f"dealer_{key}"]
                for key in (
                    "rfm_window_months",
                    "rfm_new_days",
                    "rfm_active_days",
                    "rfm_at_risk_days",
                    "rfm_lost_days",
                    "rfm_loyal_frequency",
                    "churn_months",
                )
            }
        )
        if self.dealer_comeback_days < 1 or any(
            self[f"dealer_target_{key}"] < 0
            for key in (
                "first_response_hours",
                "resolution_days",
                "satisfaction",
                "promises_kept",
                "reminders_answered",
                "comebacks",
                "retention",
                "visits_on_time",
            )
        ):
            raise ValidationError(_("Service standard targets cannot be negative."))
        if self.dealer_trade_in_limit < 0:
            raise ValidationError(_("The trade-in approval limit cannot be negative."))
        if self.dealer_verify_months < 1:
            raise ValidationError(_("Customer details must be verified at least every month."))
        if self.dealer_collection_followup_days < 1:
            raise ValidationError(_("Uncollected items are followed up after at least one day."))
        if (
            self.dealer_lifecycle_warranty_days < 1
            or self.dealer_lifecycle_replacement_years < 1
            or self.dealer_lifecycle_replacement_km < 1
        ):
            raise ValidationError(
                _(
                    "Lifecycle leads need a positive number of days before the warranty "
                    "ends, of years and of kilometres for a replacement."
                )
            )

    # ------------------------------------------------------------------ the reader
    @api.model
    def _dealer_get(self, name):
        """The setting ``name`` (a field of this mixin), typed as its field: an int, a
        float, a bool, a record (empty if none or deleted), a selection key or a text.
        Unset or empty gives the field's default; an unreadable value gives the default
        too, with a warning in the log."""
        field = self._fields[name]
        raw = self.env["ir.config_parameter"].sudo().get_param(field.config_parameter)
        return self._dealer_cast(field, raw)

    @api.model
    def _dealer_cast(self, field, raw):
        """The stored text ``raw`` of setting ``field`` as the field's type (see
        ``_dealer_get``): the one cast the reader and the managers' form share."""
        if raw is None or raw is False or (isinstance(raw, str) and not raw.strip()):
            return self._dealer_default(field)
        try:
            if field.type == "integer":
                return int(raw)
            if field.type == "float":
                return float(raw)
            if field.type == "boolean":
                return {"true": True, "1": True, "false": False, "0": False}[str(raw).lower()]
            if field.type == "many2one":
                return self.env[field.comodel_name].browse(int(raw)).exists()
            if field.type == "selection" and raw not in dict(field.get_values(self.env)):
                raise ValueError(raw)
        except (TypeError, ValueError, KeyError):
            _logger.warning(
                "Dealer CRM setting %s has an unreadable value %r: its default is used",
                field.config_parameter,
                raw,
            )
            return self._dealer_default(field)
        return raw

    @api.model
    def _dealer_default(self, field):
        """The value of setting ``field`` when none is stored."""
        value = field.default(self) if field.default else False
        if field.type == "many2one":
            return self.env[field.comodel_name].browse(value or ())
        if field.type == "integer":
            return int(value or 0)
        if field.type == "float":
            return float(value or 0.0)
        if field.type == "boolean":
            return bool(value)
        return value

    # ------------------------------------------------------------------ low satisfaction
    @api.model
    def _dealer_low_satisfaction_limit(self):
        """Scores (1 to 5) up to this are low: the setting "Follow Up Scores Up To"."""
        return self._dealer_get("dealer_low_satisfaction")

    @api.model
    def _dealer_is_low_satisfaction(self, score):
        """Whether ``score`` (1 to 5; 0 or empty: not scored) is a low satisfaction score,
        the one definition survey follow-ups, ticket follow-ups and the satisfaction
        analysis share."""
        return bool(score) and 0 < float(score) <= self._dealer_low_satisfaction_limit()

    @api.model
    def _dealer_low_satisfaction_sql(self, score):
        """SQL twin of ``_dealer_is_low_satisfaction``: 1 for a low ``score`` (an SQL
        expression of a score on 1 to 5), else 0, with the setting as a parameter."""
        return SQL(
            "(COALESCE(%s, 0) > 0 AND %s <= %s)::int",
            score,
            score,
            self._dealer_low_satisfaction_limit(),
        )
