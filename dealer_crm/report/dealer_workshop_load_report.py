# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL

from .dealer_analysis_mixin import selection_of

BASE = 10**15
#: the rows are the days from this many days ago...
DAYS_BACK = 14
#: ...to this many weeks ahead
WEEKS_AHEAD = 12
#: the hours a forecast visit takes when its company has no maintenance booking type
FORECAST_HOURS_DEFAULT = 1.0
#: the booking states that hold the workshop (OCA resource_booking)
HOLDING_STATES = ("scheduled", "confirmed")


class DealerWorkshopLoadReport(models.Model):
    """The workshop's load against its capacity, per day (issue 29).

    One row per fact, so that every sum is right whatever the grouping:

    - **capacity**: a service bay (``dealer_workshop_role`` "bay") on a day, with the
      hours its working calendar opens it (none on a day a leave of the bay or of its
      calendar touches);
    - **booking**: a booking that holds the workshop (scheduled or confirmed) on one bay
      of its combination, with its hours;
    - **forecast**: a vehicle due for service on a day (its next service date) that has
      no booking nor open visit yet, with the hours of its company's maintenance booking
      type.

    Free hours are capacity less bookings (negative when overbooked). The advisor reads
    today's rows; the manager the next weeks', by week, against the forecast. The rows
    carry no customer nor vehicle: every reader of the workshop may see them.
    """

    _name = "dealer.workshop.load.report"
    _inherit = "dealer.analysis.mixin"
    _description = "Workshop Load"
    _auto = False
    _order = "date, kind, resource_id"
    _depends = {
        "resource.resource": ["dealer_workshop_role", "calendar_id", "company_id", "active"],
        "resource.calendar.attendance": [
            "calendar_id",
            "resource_id",
            "dayofweek",
            "hour_from",
            "hour_to",
            "week_type",
            "display_type",
            "date_from",
            "date_to",
        ],
        "resource.calendar.leaves": ["calendar_id", "resource_id", "date_from", "date_to"],
        "resource.booking": ["state", "start", "duration", "combination_id", "type_id", "active"],
        "resource.booking.combination": ["resource_ids"],
        "resource.booking.type": ["company_id", "duration", "active", "dealer_service_type"],
        "dealer.vehicle": ["next_service_date", "owner_id", "company_id", "active"],
        "dealer.service.record": ["vehicle_id", "state"],
    }

    date = fields.Date(readonly=True)
    kind = fields.Selection(
        [("capacity", "Capacity"), ("booking", "Booking"), ("forecast", "Forecast")],
        readonly=True,
    )
    resource_id = fields.Many2one("resource.resource", string="Bay", readonly=True)
    type_id = fields.Many2one("resource.booking.type", string="Booking Type", readonly=True)
    service_type = fields.Selection(
        selection_of("resource.booking.type", "dealer_service_type"),
        string="Kind of Work",
        readonly=True,
    )
    capacity_hours = fields.Float(readonly=True, help="Hours the bays are open.")
    booked_hours = fields.Float(readonly=True, help="Hours booked on the bays.")
    free_hours = fields.Float(
        readonly=True, help="Capacity less bookings: negative when the workshop is overbooked."
    )
    forecast_visits = fields.Integer(
        readonly=True, help="Vehicles due for service that day, neither booked nor in yet."
    )
    forecast_hours = fields.Float(
        readonly=True,
        help="The forecast visits' hours: their company's maintenance booking type's "
        "duration (an hour when it has none).",
    )
    company_id = fields.Many2one("res.company", readonly=True)

    def _query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH days AS (
                SELECT d::date AS day FROM generate_series(%(start)s::date, %(end)s::date,
                                                           interval '1 day') d
            ), bays AS (
                SELECT r.id, r.company_id, r.calendar_id,
                       COALESCE(NULLIF(c.tz, ''), NULLIF(r.tz, ''), 'UTC') AS tz
                  FROM resource_resource r
                  JOIN resource_calendar c ON c.id = r.calendar_id
                 WHERE r.dealer_workshop_role = 'bay' AND r.active
            )
            SELECT %(base)s * 1 + b.id * 100000 + (days.day - DATE '2000-01-01') AS id,
                   days.day AS date, 'capacity' AS kind, b.id AS resource_id,
                   NULL::integer AS type_id, NULL::varchar AS service_type,
                   open.hours AS capacity_hours, 0.0 AS booked_hours, open.hours AS free_hours,
                   0 AS forecast_visits, 0.0 AS forecast_hours, b.company_id
              FROM bays b
             CROSS JOIN days
             CROSS JOIN LATERAL (
                SELECT COALESCE(SUM(a.hour_to - a.hour_from), 0.0) AS hours
                  FROM resource_calendar_attendance a
                 WHERE a.calendar_id = b.calendar_id
                   AND (a.resource_id IS NULL OR a.resource_id = b.id)
                   AND a.display_type IS NULL
                   AND a.dayofweek = (EXTRACT(ISODOW FROM days.day)::integer - 1)::varchar
                   AND (a.week_type IS NULL OR a.week_type = (
                        MOD((days.day - DATE '0001-01-01') / 7, 2))::varchar)
                   AND (a.date_from IS NULL OR a.date_from <= days.day)
                   AND (a.date_to IS NULL OR a.date_to >= days.day)
                 -- none on a day a leave of the bay or of its calendar touches
                   AND NOT EXISTS (
                    SELECT 1 FROM resource_calendar_leaves l
                     WHERE (l.resource_id = b.id
                            OR (l.resource_id IS NULL AND l.calendar_id = b.calendar_id))
                       AND (l.date_from AT TIME ZONE 'UTC' AT TIME ZONE b.tz)::date <= days.day
                       AND (l.date_to AT TIME ZONE 'UTC' AT TIME ZONE b.tz)::date >= days.day)
             ) open
            UNION ALL
            SELECT %(base)s * 2 + bk.id * 1000 + ROW_NUMBER() OVER (
                       PARTITION BY bk.id ORDER BY b.id),
                   (bk.start AT TIME ZONE 'UTC' AT TIME ZONE b.tz)::date,
                   'booking', b.id, bk.type_id, t.dealer_service_type,
                   0.0, bk.duration, -bk.duration, 0, 0.0, COALESCE(t.company_id, b.company_id)
              FROM resource_booking bk
              JOIN resource_booking_type t ON t.id = bk.type_id
              JOIN resource_booking_combination_resource_resource_rel rel
                ON rel.resource_booking_combination_id = bk.combination_id
              JOIN bays b ON b.id = rel.resource_resource_id
             WHERE bk.active AND bk.state IN %(holding)s
               AND bk.start >= %(start_utc)s AND bk.start < %(end_utc)s
               AND (bk.start AT TIME ZONE 'UTC' AT TIME ZONE b.tz)::date
                   BETWEEN %(start)s AND %(end)s
            UNION ALL
            SELECT %(base)s * 3 + v.id, v.next_service_date, 'forecast', NULL, NULL,
                   'maintenance', 0.0, 0.0, 0.0, 1,
                   COALESCE((SELECT t.duration FROM resource_booking_type t
                              WHERE t.active AND t.dealer_service_type = 'maintenance'
                                AND (t.company_id = v.company_id OR t.company_id IS NULL)
                              ORDER BY t.id LIMIT 1), %(default_hours)s),
                   v.company_id
              FROM dealer_vehicle v
              JOIN res_partner owner ON owner.id = v.owner_id
             WHERE v.active AND owner.active AND NOT COALESCE(owner.dealer_anonymized, FALSE)
               AND v.next_service_date >= %(today)s AND v.next_service_date <= %(end)s
               AND NOT EXISTS (
                    SELECT 1 FROM resource_booking bk
                     WHERE bk.dealer_vehicle_id = v.id AND bk.active
                       AND bk.state IN %(holding)s AND bk.start >= %(today_utc)s)
               AND NOT EXISTS (
                    SELECT 1 FROM dealer_service_record s
                     WHERE s.vehicle_id = v.id AND s.state IN ('scheduled', 'in_progress'))
            """,
            base=BASE,
            start=today - timedelta(days=DAYS_BACK),
            end=today + timedelta(weeks=WEEKS_AHEAD),
            # a day early and late: the bookings' own day is taken in their bay's zone
            start_utc=today - timedelta(days=DAYS_BACK + 1),
            end_utc=today + timedelta(weeks=WEEKS_AHEAD, days=2),
            today=today,
            today_utc=today - timedelta(days=1),
            holding=HOLDING_STATES,
            default_hours=FORECAST_HOURS_DEFAULT,
        )

    @property
    def _table_query(self):
        # built when read: the window of days runs from today
        return self._query()
