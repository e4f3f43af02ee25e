# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The figure registry: every figure the trend report, the service plan's KPIs and the
manager dashboard show, by name, in the style of Odoo's ``digest``
(``digest.digest._calculate_company_based_kpi``).

A figure is read from its source (an analysis view in ``report/`` or the records) over a
period, in one company, with one grouped query; nothing is typed. To add a figure, add a
:class:`Figure` to :data:`FIGURES`: the trend report shows it, and when it has a target
setting it is a service standard, which the dashboard shows and a KPI can measure.
Whether a figure meets its target is decided by :func:`..tools.target.status` alone.
"""

from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import LazyTranslate
from odoo.tools.translate import LazyGettext

from ..tools.period import period_bounds
from ..tools.target import status

_lt = LazyTranslate(__name__)


class Figure(NamedTuple):
    """One named figure. ``domain`` is added to the company and period domains."""

    code: str
    #: the figure's name, translated where it is shown (``_lt``: said in the reader's
    #: language by ``env._(figure.label)``)
    label: LazyGettext
    #: the source: a model or analysis view that has ``company_id``
    model: str
    #: a ``_read_group`` aggregate on ``model``: "field:sum", "field:avg" or "__count"
    aggregate: str
    #: the Date or Datetime field that puts a row in the period (whole days, user's tz)
    date_field: str
    domain: tuple = ()
    #: "" (a count or a plain number), "amount" (company currency), "%", "h", "d"
    unit: str = ""
    #: "higher" when a higher figure is better, "lower" when a lower one is
    direction: str = "higher"
    #: the ``dealer.settings.mixin`` field holding the target; a figure with one is a
    #: service standard: measured on nothing it is "no data", not 0
    target_setting: str | None = None
    #: the rows are those of the period this many months earlier (retention)
    lag_months: int = 0
    #: a ``dealer.figure`` method ``(figure, domain, company)`` for a figure that is not
    #: one aggregate of its rows
    compute: str | None = None
    #: measured on nothing it is "no data", not 0, though it has no target (a share
    #: of something that did not happen in the period)
    no_data: bool = False


_DONE = (("state", "=", "done"),)
_CLOSED = (("closed", "=", True),)
_COMPLAINT = (("kind", "=", "complaint"),)

FIGURES = (
    Figure(
        "customers_new",
        _lt("New customers"),
        "dealer.customer.report",
        "customer_count:sum",
        "create_date",
    ),
    Figure(
        "visits",
        _lt("Service visits completed"),
        "dealer.service.report",
        "visit_count:sum",
        "date",
        _DONE,
    ),
    Figure(
        "service_revenue",
        _lt("Service revenue"),
        "dealer.service.report",
        "amount:sum",
        "date",
        _DONE,
        "amount",
    ),
    Figure(
        "sales_orders",
        _lt("Sales confirmed"),
        "sale.order",
        "__count",
        "date_order",
        (("state", "=", "sale"), ("dealer_estimate_visit_id", "=", False)),
    ),
    # untaxed, in the company currency at each order's date
    Figure(
        "sales_revenue",
        _lt("Sales revenue (untaxed)"),
        "sale.order",
        "amount_untaxed:sum",
        "date_order",
        (("state", "=", "sale"), ("dealer_estimate_visit_id", "=", False)),
        "amount",
        compute="_dealer_compute_company_currency_sum",
    ),
    Figure(
        "interactions",
        _lt("Interactions recorded"),
        "dealer.interaction.report",
        "interaction_count:sum",
        "date",
    ),
    Figure(
        "complaints",
        _lt("Complaints received"),
        "dealer.complaint.report",
        "ticket_count:sum",
        "create_date",
        _COMPLAINT,
        direction="lower",
    ),
    Figure(
        "first_response_hours",
        _lt("First response (hours)"),
        "dealer.complaint.report",
        "response_hours:avg",
        "create_date",
        unit="h",
        direction="lower",
        target_setting="dealer_target_first_response_hours",
    ),
    Figure(
        "resolution_days",
        _lt("Complaint resolution (days)"),
        "dealer.complaint.report",
        "resolution_days:avg",
        "closed_date",
        _CLOSED,
        "d",
        "lower",
        "dealer_target_resolution_days",
    ),
    Figure(
        "sla_met",
        _lt("Complaints within service level (%)"),
        "dealer.complaint.report",
        "sla_met:avg",
        "closed_date",
        _CLOSED,
        "%",
    ),
    Figure(
        "satisfaction",
        _lt("Satisfaction (1-5)"),
        "dealer.satisfaction.report",
        "score:avg",
        "date",
        target_setting="dealer_target_satisfaction",
    ),
    Figure(
        "promises_kept",
        _lt("Promises kept on time (%)"),
        "dealer.promise",
        "on_time_score:avg",
        "date_due",
        (("state", "in", ("kept", "broken")),),
        "%",
        target_setting="dealer_target_promises_kept",
    ),
    # of the vehicles reminded in the period, the share booked for service since
    Figure(
        "reminders_answered",
        _lt("Service reminders answered (%)"),
        "dealer.vehicle",
        "__count",
        "service_reminder_date",
        unit="%",
        target_setting="dealer_target_reminders_answered",
        compute="_dealer_compute_reminders_answered",
    ),
    Figure(
        "comebacks",
        _lt("Service comebacks (%)"),
        "dealer.service.report",
        "comeback_rate:avg",
        "date",
        _DONE,
        "%",
        "lower",
        "dealer_target_comebacks",
    ),
    Figure(
        "retention",
        _lt("Buyers back for service within 12 months (%)"),
        "dealer.retention.report",
        "retention_rate:avg",
        "sale_date",
        unit="%",
        target_setting="dealer_target_retention",
        lag_months=12,
    ),
    Figure(
        "points_earned", _lt("Loyalty points earned"), "dealer.loyalty.report", "earned:sum", "date"
    ),
    Figure(
        "points_redeemed",
        _lt("Loyalty points redeemed"),
        "dealer.loyalty.report",
        "redeemed:sum",
        "date",
    ),
    Figure(
        "points_expired",
        _lt("Loyalty points expired"),
        "dealer.loyalty.report",
        "expired:sum",
        "date",
        direction="lower",
    ),
    Figure(
        "lost_enquiries",
        _lt("Enquiries lost"),
        "dealer.unmet.need.report",
        "count:sum",
        "closed_at",
        (("kind", "=", "lost_enquiry"),),
        direction="lower",
    ),
    # of the win-backs closed in the period, those won back: "no data" when none closed
    Figure(
        "winbacks_won",
        _lt("Customers won back"),
        "dealer.winback",
        "__count",
        "outcome_date",
        (("state", "=", "done"),),
        compute="_dealer_compute_winbacks_won",
        no_data=True,
    ),
    Figure(
        "winbacks_opened",
        _lt("Win-backs opened"),
        "dealer.winback",
        "__count",
        "date",
        direction="lower",
    ),
    Figure(
        "lifecycle_leads_won",
        _lt("Lifecycle leads won"),
        "crm.lead",
        "__count",
        "date_closed",
        (("dealer_lifecycle_outcome", "=", "won"),),
    ),
    # of the workshop bookings of the period, those the customer missed: "no data" when
    # the workshop had no booking (issue 29)
    Figure(
        "bookings_no_show",
        _lt("Workshop bookings missed (no-shows)"),
        "resource.booking",
        "__count",
        "start",
        (("type_id.dealer_service_type", "!=", False), ("meeting_id", "!=", False)),
        direction="lower",
        compute="_dealer_compute_bookings_no_show",
        no_data=True,
    ),
    # of the visits promised ready in the period and done or past their promise, the
    # share done by it (issue 29): "no data" when no visit had a promise
    Figure(
        "visits_on_time",
        _lt("Visits ready on time (%)"),
        "dealer.service.record",
        "__count",
        "dealer_promised_ready",
        (("dealer_promised_ready", "!=", False), ("state", "!=", "cancelled")),
        "%",
        target_setting="dealer_target_visits_on_time",
        compute="_dealer_compute_visits_on_time",
    ),
)


class DealerFigure(models.AbstractModel):
    _name = "dealer.figure"
    _description = "Figure Registry"

    # ------------------------------------------------------------------ registry
    @api.model
    def _dealer_figures(self):
        """{code: Figure}, in the order the reports show them."""
        return {figure.code: figure for figure in FIGURES}

    @api.model
    def _dealer_is_count(self, code):
        """Whether the figure ``code`` counts things (customers, visits, enquiries): a
        plain number not averaged, shown in whole numbers. Points and averages are not."""
        figure = self._dealer_figures().get(code)
        return bool(
            figure
            and not figure.unit
            and (figure.aggregate == "__count" or figure.aggregate.endswith("count:sum"))
        )

    @api.model
    def _dealer_standards(self):
        """{code: Figure} of the service standards: the figures with a target."""
        return {code: f for code, f in self._dealer_figures().items() if f.target_setting}

    @api.model
    def _dealer_selection(self, standards_only=False):
        """The (code, label) selection of the figures, or of the standards only."""
        figures = self._dealer_standards() if standards_only else self._dealer_figures()
        return [(code, self.env._(figure.label)) for code, figure in figures.items()]

    @api.model
    def _dealer_targets(self):
        """{code: target} of every standard, from the settings (their default when unset
        or unreadable)."""
        get = self.env["dealer.settings.mixin"]._dealer_get
        return {
            code: get(figure.target_setting) for code, figure in self._dealer_standards().items()
        }

    @api.model
    def _dealer_status(self, code, value, target):
        """How ``value`` of the figure ``code`` stands against ``target``: the one rule
        (a figure not chosen yet counts as higher-is-better, like a KPI being typed)."""
        figure = self._dealer_figures().get(code)
        return status(value, target, figure.direction if figure else "higher")

    # ------------------------------------------------------------------ compute
    @api.model
    def _dealer_period_bounds(self, date_from, date_to):
        """The UTC instants a datetime is compared with for whole days from ``date_from``
        to ``date_to`` in the user's time zone: ``start <= value < end``."""
        return period_bounds(date_from, date_to, self.env.context.get("tz") or self.env.user.tz)

    @api.model
    def _dealer_period_domain(self, figure, date_from, date_to):
        """The rows of ``figure`` in the period: by day for a Date, by the user's whole
        days for a Datetime."""
        if figure.lag_months:
            date_from -= relativedelta(months=figure.lag_months)
            date_to -= relativedelta(months=figure.lag_months)
        name = figure.date_field
        if self.env[figure.model]._fields[name].type == "datetime":
            start, end = self._dealer_period_bounds(date_from, date_to)
            return [(name, ">=", start), (name, "<", end)]
        return [(name, ">=", date_from), (name, "<=", date_to)]

    @api.model
    def _dealer_compute(self, codes, company, date_from, date_to):
        """{code: value} of the figures ``codes`` (all when None) for the period
        [date_from, date_to] in ``company``, rounded to 2 decimals.

        Set-based: figures of one source and domain are read by one ``_read_group``. A
        standard measured on nothing is None ("no data"), never a perfect figure: Odoo's
        ``_read_group`` gives False for the average of no rows. Other figures are 0,
        but those declared ``no_data``.
        """
        figures = self._dealer_figures()
        codes = list(figures) if codes is None else codes
        registry = self.with_context(allowed_company_ids=[company.id])
        company_domain = [("company_id", "in", (company.id, False))]
        values, batches = {}, {}
        for code in codes:
            figure = figures[code]
            domain = (
                company_domain
                + list(figure.domain)
                + registry._dealer_period_domain(figure, date_from, date_to)
            )
            if figure.compute:
                values[code] = getattr(registry, figure.compute)(figure, domain, company)
            else:
                batch = batches.setdefault((figure.model, repr(domain)), (domain, []))
                batch[1].append(figure)
        for (model, _key), (domain, batch) in batches.items():
            aggregates = list(dict.fromkeys(figure.aggregate for figure in batch))
            [row] = registry.env[model]._read_group(domain, [], aggregates)
            read = dict(zip(aggregates, row, strict=True))
            values.update({figure.code: read[figure.aggregate] for figure in batch})
        return {
            code: (None if figures[code].target_setting or figures[code].no_data else 0.0)
            if values[code] is None or values[code] is False
            else round(float(values[code]), 2)
            for code in codes
        }

    @api.model
    def _dealer_compute_company_currency_sum(self, figure, domain, company):
        """The sum of the aggregate's field in the company currency at each row's date."""
        field = figure.aggregate.split(":")[0]
        return (
            self.env["res.currency"]
            .with_company(company)
            ._dealer_company_sums(figure.model, domain, field, figure.date_field)
        )

    @api.model
    def _dealer_compute_reminders_answered(self, figure, domain, company):
        """Of the vehicles reminded in the period, the share booked for service since."""
        reminded = self.env[figure.model].search(domain)
        if not reminded:
            return None
        booked = self.env["dealer.service.record"]._read_group(
            [("vehicle_id", "in", reminded.ids), ("state", "!=", "cancelled")],
            ["vehicle_id"],
            ["create_date:max"],
        )
        answered = sum(
            1
            for vehicle, created in booked
            if created and created.date() >= vehicle.service_reminder_date
        )
        return 100.0 * answered / len(reminded)

    @api.model
    def _dealer_compute_winbacks_won(self, figure, domain, company):
        """Of the win-backs closed in the period, how many were won back; None (no data)
        when none was closed."""
        outcomes = dict(self.env[figure.model]._read_group(domain, ["outcome"], ["__count"]))
        return outcomes.get("won_back", 0) if outcomes else None

    @api.model
    def _dealer_compute_bookings_no_show(self, figure, domain, company):
        """Of the workshop bookings of the period, how many the customer missed; None
        (no data) when the workshop had none."""
        attendance = dict(
            self.env[figure.model]._read_group(domain, ["dealer_attendance"], ["__count"])
        )
        return attendance.get("no_show", 0) if attendance else None

    @api.model
    def _dealer_compute_visits_on_time(self, figure, domain, company):
        """Of the visits promised ready in the period whose outcome is known (done, with
        the time it was done, or flagged late), the share done by their promise; None
        (no data) when there is none. A visit still in the workshop before its promise
        is not counted yet, nor history imported as done (its done time is unknown)."""
        known = domain + ["|", ("dealer_done_at", "!=", False), ("dealer_late", "=", True)]
        counts = dict(self.env[figure.model]._read_group(known, ["dealer_late"], ["__count"]))
        total = sum(counts.values())
        if not total:
            return None
        return 100.0 * counts.get(False, 0) / total
