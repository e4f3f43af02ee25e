# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The shared test setup: a quiet context, one user per department, and the factories
every test file builds its history with (one copy of each, here)."""

import importlib.util
import os
import subprocess
import sys
import threading
import time
import unittest
from datetime import datetime, timedelta
from datetime import time as day_time
from pathlib import Path

import psycopg2

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, retrying
from odoo.tests import new_test_user
from odoo.tools import SQL, config, mute_logger

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT, BaseCommon

# ``make test-dates`` runs the suite for users in a time zone that changes to summer time.
TEST_TZ = os.environ.get("DEALER_TEST_TZ") or None

VEHICLE_MODEL = "fleet.model_corolla_ts"


def load_migration(version, stage="post", topic="migration"):
    """The module of dealer_crm's ``migrations/<version>/<stage>-<topic>.py``, to run
    its functions on the test database."""
    path = Path(__file__).parent.parent / f"migrations/{version}/{stage}-{topic}.py"
    name = f"dealer_crm_{stage}_{topic}_{version.replace('.', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def same_label_pairs(model):
    """The pairs of fields of ``model`` with one label where one is dealer_crm's (named
    ``dealer_...`` on another module's model), as Odoo's install warning finds them."""
    by_label, pairs = {}, []
    for name, field in model._fields.items():
        other = by_label.setdefault(field.string, name)
        if other != name and "dealer_" in (other[:7], name[:7]):
            pairs.append((other, name, field.string))
    return pairs


class DealerFactories:
    """Factories for dealer records, shared by the transaction and the browser tests.

    Each takes the values a test cares about and fills in the rest; extra ``vals`` are
    passed to ``create`` as they are.
    """

    @classmethod
    def _today(cls):
        """Today in the users' time zone: the day the code under test takes as today."""
        return fields.Date.context_today(cls.env.user)

    @classmethod
    def _today_of(cls, user):
        """Today in ``user``'s own time zone (UTC without one): the day a request of theirs
        (a portal page, a link followed by the public user) records, which differs from
        the administrator's (Brussels) between 23:00 and midnight UTC."""
        return fields.Date.context_today(user.with_user(user).with_context(tz=user.tz))

    # Companies and users ------------------------------------------------------
    @classmethod
    def _create_company(cls, name, **vals):
        """Another dealership in the database."""
        return cls.env["res.company"].create({"name": name, **vals})

    @classmethod
    def _create_user(cls, login, groups, company=None, **vals):
        """A user of ``groups`` (comma-separated xml ids); with ``company``, working
        only there."""
        if company:
            vals.update(company_id=company.id, company_ids=[Command.set(company.ids)])
        return new_test_user(cls.env, login=login, groups=groups, **vals)

    @classmethod
    def _create_company_b(cls, name, **groups_by_login):
        """A second dealership and, per ``login=groups``, a user working only there.

        Returns the company then the users in the order given:
        ``company_b, sales_b = cls._create_company_b("B", t_sales_b="dealer_crm.group_sales")``.
        """
        company = cls._create_company(name)
        users = [
            cls._create_user(login, groups, company) for login, groups in groups_by_login.items()
        ]
        return (company, *users)

    # Vehicles and the workshop ------------------------------------------------
    @classmethod
    def _create_vehicle(cls, vin="1M8GDM9AXKP042788", **vals):
        # "sold by us" (seller, order) is recorded by a delivery: arranged here in sudo
        Vehicle = cls.env["dealer.vehicle"]
        if {"seller_id", "sale_order_id"} & set(vals):
            Vehicle = Vehicle.sudo()
        return Vehicle.create(
            {
                "vin": vin,
                "license_plate": vals.pop("license_plate", "AB 1234"),
                "model_id": cls.env.ref(VEHICLE_MODEL).id,
                **vals,
            }
        ).sudo(False)

    @classmethod
    def _create_visit(cls, vehicle, day=None, advisor=None, **vals):
        """A workshop visit of ``vehicle`` on ``day`` (today), booked by ``advisor``
        (the current user when not given)."""
        if advisor:
            vals["advisor_id"] = advisor.id
        return cls.env["dealer.service.record"].create(
            {"vehicle_id": vehicle.id, "date": day or cls._today(), **vals}
        )

    # Sales ----------------------------------------------------------------------
    @classmethod
    def _create_order(cls, partner, product, amount=None, confirm=True, user=None, **vals):
        """A sale order to ``partner``, one line per product of ``product``.

        With ``amount``, each line is at that price and without tax; without, at the
        product's price and taxes. Confirmed unless ``confirm`` is false; created by
        ``user`` when given, in ``vals["company_id"]``'s company when given.
        """
        line = {} if amount is None else {"price_unit": amount, "tax_id": False}
        Order = cls.env["sale.order"]
        if user:
            Order = Order.with_user(user)
        if vals.get("company_id"):
            Order = Order.with_company(vals["company_id"])
        order = Order.create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": p.id, **line}) for p in product],
                **vals,
            }
        )
        if confirm:
            order.action_confirm()
        return order

    # Complaints -----------------------------------------------------------------
    @classmethod
    def _create_sla_team(cls, name):
        """A helpdesk team working 9 to 17 on weekdays (UTC), by its own calendar, and
        counting service levels (helpdesk_mgmt_sla)."""
        calendar = cls.env["resource.calendar"].create(
            {
                "name": f"{name} 9-17",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Weekday {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 17,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        return cls.env["helpdesk.ticket.team"].create(
            {"name": name, "resource_calendar_id": calendar.id, "use_sla": True}
        )

    @classmethod
    def _create_ticket(cls, partner, created=None, **vals):
        """A complaint of ``partner``, dated ``created`` (now when not given)."""
        ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Complaint",
                "description": "x",
                "partner_id": partner.id,
                "dealer_feedback_kind": "complaint",
                **vals,
            }
        )
        if created:
            cls._backdate_tickets(ticket, created)
        return ticket

    @classmethod
    def _backdate_tickets(cls, tickets, when):
        """Date ``tickets`` at ``when``, as if opened then; their deadlines follow."""
        when = fields.Datetime.to_datetime(when)
        tickets.flush_recordset()
        tickets.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET create_date = %s WHERE id IN %s",
                when,
                tuple(tickets.ids),
            )
        )
        tickets.invalidate_recordset(["create_date"])
        tickets._dealer_restart_sla()
        tickets.flush_recordset()

    # Loyalty --------------------------------------------------------------------
    @classmethod
    def _create_loyalty_program(cls, name, rewards=None, env=None, **vals):
        """A dealer loyalty scheme earning by its dealer rules only (no core rule).

        ``rewards``: the rewards' values (discounts unless they say otherwise), in
        place of core's default reward; ``env``: to create it in another company.
        """
        if rewards is not None:
            vals["reward_ids"] = [Command.clear()] + [
                Command.create({"reward_type": "discount", **reward}) for reward in rewards
            ]
        return (env or cls.env)["loyalty.program"].create(
            {
                "name": name,
                "program_type": "loyalty",
                "dealer_scheme": True,
                "rule_ids": [Command.clear()],
                **vals,
            }
        )

    @classmethod
    def _redeem_on_visit(cls, card, reward, visit, user):
        """``card`` redeems ``reward`` on the service ``visit``, through the wizard as
        ``user``."""
        cls.env["dealer.loyalty.redeem"].with_user(user).create(
            {"card_id": card.id, "reward_id": reward.id, "service_record_id": visit.id}
        ).action_confirm()

    # A long history, fast -------------------------------------------------------
    @classmethod
    def _create_history(cls, partner, rows=1, vehicles=1):
        """``partner``'s history as the customer form and the timeline show it: a vehicle
        owned, a completed visit, a confirmed order, a ticket, an interaction, an email,
        a loyalty movement, an event invitation, a consent and an open promise, each made
        by its factory or its model; then, to reach ``rows`` timeline rows and
        ``vehicles`` vehicles, copies of them made in SQL (a long history in a second)."""
        product = cls.env["product.product"].create({"name": "Accessory", "list_price": 10})
        vehicle = cls._create_vehicle(vin=f"PERF{partner.id:013d}", owner_id=partner.id)
        visit = cls._create_visit(vehicle, state="done", amount=100)
        order = cls._create_order(partner, product, amount=10)
        ticket = cls._create_ticket(partner)
        interaction = cls.env["dealer.interaction"].create(
            {"partner_id": partner.id, "channel": "phone", "subject": "Called"}
        )
        email = partner.message_post(body="Hello", subject="Offer", message_type="email")
        program = cls._create_loyalty_program("Club", trigger="auto")
        card = cls.env["loyalty.card"].create({"program_id": program.id, "partner_id": partner.id})
        movement = cls.env["loyalty.history"].create(
            {"card_id": card.id, "description": "Welcome", "issued": 10}
        )
        event = cls.env["event.event"].create(
            {
                "name": "Open Day",
                "date_begin": fields.Datetime.now(),
                "date_end": fields.Datetime.now(),
            }
        )
        registration = cls.env["event.registration"].create(
            {"event_id": event.id, "partner_id": partner.id}
        )
        cls.env["dealer.consent"].create(
            {
                "partner_id": partner.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "granted",
            }
        )
        promise = cls.env["dealer.promise"].create(
            {"name": "Call back", "partner_id": partner.id, "date_due": cls._today()}
        )
        sources = (interaction, email, order, visit, ticket, movement, registration)
        more = rows - len(sources)
        earlier = SQL("t.create_date - g * interval '1 hour'")
        copies = {
            interaction: {"date": SQL("t.date - g * interval '1 hour'")},
            email: {"date": SQL("t.date - g * interval '1 hour'")},
            order: {"date_order": SQL("t.date_order - g * interval '1 hour'")},
            visit: {"date": SQL("t.date - g")},
            ticket: {"create_date": earlier},
            movement: {"create_date": earlier},
            registration: {"create_date": earlier, "barcode": SQL("t.barcode || '-' || g")},
        }
        for index, (record, values) in enumerate(copies.items()):
            count = more // len(sources) + (index < more % len(sources))
            if count > 0:
                cls._copy_rows(record, count, **values)
        if more > 0:
            cls._copy_rows(promise, min(more, 99))
        if vehicles > 1:
            copied = cls._copy_rows(vehicle, vehicles - 1, vin=SQL("t.vin || '-' || g"))
            cls.env.cr.execute(
                SQL(
                    """INSERT INTO dealer_vehicle_ownership (vehicle_id, partner_id, date_start,
                              origin, company_id, create_uid, write_uid, create_date, write_date)
                       SELECT v, %(partner)s, %(day)s, 'register', %(company)s, %(uid)s, %(uid)s,
                              now(), now()
                         FROM unnest(%(vehicles)s) v""",
                    partner=partner.id,
                    day=cls._today(),
                    company=vehicle.company_id.id,
                    uid=cls.env.uid,
                    vehicles=copied.ids,
                )
            )
        cls.env.invalidate_all()
        return partner

    @classmethod
    def _copy_rows(cls, record, count, **values):
        """``count`` copies of ``record``'s row, inserted in SQL; ``values``: the column
        values that differ, as SQL over the copied row ``t`` and the copy's number ``g``."""
        record.flush_recordset()
        cr = cls.env.cr
        cr.execute(
            SQL(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = %s AND column_name != 'id'",
                record._table,
            )
        )
        columns = [column for (column,) in cr.fetchall()]
        cr.execute(
            SQL(
                "INSERT INTO %(table)s (%(columns)s) SELECT %(values)s"
                " FROM %(table)s t, generate_series(1, %(count)s) g WHERE t.id = %(id)s"
                " RETURNING id",
                table=SQL.identifier(record._table),
                columns=SQL(", ").join(SQL.identifier(column) for column in columns),
                values=SQL(", ").join(
                    values.get(column, SQL.identifier("t", column)) for column in columns
                ),
                count=count,
                id=record.id,
            )
        )
        return record.browse(id_ for (id_,) in cr.fetchall())

    # Evaluation snapshots and win-backs (issue 28) -----------------------------------
    @classmethod
    def _create_score(cls, partner, month, segment=False, churn_risk=False, company=None):
        """``partner``'s evaluation snapshot of ``month`` (any day of it) in ``company``
        (the current one), as the evaluation records it: their latest one there. Create
        them in the order of their months."""
        company = company or cls.env.company
        Score = cls.env["dealer.customer.score"].sudo()
        month = month.replace(day=1)
        Score.search([("partner_id", "=", partner.id), ("company_id", "=", company.id)]).write(
            {"latest": False}
        )
        return Score.create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "month": month,
                "segment": segment,
                "churn_risk": churn_risk,
                "latest": True,
                "evaluated_on": month,
            }
        )

    # Update mailings (issue 28) ----------------------------------------------------
    @classmethod
    def _create_update_mailing(cls, user=None, **vals):
        """An email mailing to contacts (``res.partner``), created by ``user`` (the
        current user when not given); ``vals``: its filters, domain, company..."""
        Mailing = cls.env["mailing.mailing"]
        if user:
            Mailing = Mailing.with_user(user)
        return Mailing.create(
            {
                "subject": vals.pop("subject", "Winter check"),
                "mailing_type": "mail",
                "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "body_html": "<p>Your winter check is open for booking.</p>",
                **vals,
            }
        )

    # Recalls (issue 28) --------------------------------------------------------
    @classmethod
    def _create_recall_campaign(cls, name="24V-001", models=None, open_it=True, **vals):
        """A safety recall of ``models`` (the test vehicle model), opened unless
        ``open_it`` is false."""
        models = models or cls.env.ref(VEHICLE_MODEL)
        campaign = cls.env["dealer.recall.campaign"].create(
            {
                "name": name,
                "title": "Brake hose may chafe",
                "remedy": "Fit a retaining clip.",
                "model_ids": [Command.set(models.ids)],
                **vals,
            }
        )
        if open_it:
            campaign.action_open()
        return campaign

    @classmethod
    def _recall_vin(cls, number):
        """A valid European VIN (no check digit) numbered ``number``."""
        return f"WVWZZZ1KZ{number:08d}"

    # Workshop bookings (issue 29) ------------------------------------------------
    @classmethod
    def _create_workshop_type(
        cls, service_type="maintenance", combinations=1, duration=1.0, **vals
    ):
        """A booking type of its own workshop (open 06:00-20:00 UTC every day) for the kind
        of work ``service_type``, needing one of ``combinations`` bay and technician pairs."""
        Resource = cls.env["resource.resource"]
        calendar = cls.env["resource.calendar"].create(
            {
                "name": "Test Workshop Hours",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 6,
                            "hour_to": 20,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        rels = []
        for number in range(1, combinations + 1):
            pair = Resource.create(
                [
                    {
                        "name": f"Test {role} {number}",
                        "resource_type": "material",
                        "dealer_workshop_role": role,
                        "calendar_id": calendar.id,
                    }
                    for role in ("bay", "technician")
                ]
            )
            combination = cls.env["resource.booking.combination"].create(
                {"resource_ids": [Command.set(pair.ids)]}
            )
            rels.append(Command.create({"combination_id": combination.id, "sequence": number}))
        return cls.env["resource.booking.type"].create(
            {
                "name": f"Test {service_type}",
                "dealer_service_type": service_type,
                "duration": duration,
                "slot_duration": duration,
                "resource_calendar_id": calendar.id,
                "combination_rel_ids": rels,
                **vals,
            }
        )

    @classmethod
    def _workshop_slot(cls, days=1, hour=10):
        """The naive UTC start ``days`` after today at ``hour``:00 (negative: past)."""
        return datetime.combine(cls._today() + timedelta(days=days), day_time(hour))

    @classmethod
    def _create_booking(cls, booking_type, partner, vehicle=None, start=None, user=None, **vals):
        """A booking of ``booking_type`` by ``partner`` for ``vehicle``, scheduled at
        ``start`` (tomorrow 10:00 UTC), with ``user`` (the current user) as advisor."""
        return cls.env["resource.booking"].create(
            {
                "type_id": booking_type.id,
                "partner_ids": [Command.set(partner.ids)],
                "dealer_vehicle_id": vehicle.id if vehicle else False,
                "start": start or cls._workshop_slot(),
                "user_id": (user or cls.env.user).id,
                **vals,
            }
        )

    # The customer portal (issue 29) ----------------------------------------------
    @classmethod
    def _create_portal_user(cls, partner, login):
        """A portal user (password: the login) who is the customer ``partner``."""
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=partner.id,
            name=partner.name,
        )

    # Delayed service (issue 29) ------------------------------------------------
    @classmethod
    def _create_late_visit(cls, vehicle, promised, state="scheduled", **vals):
        """A visit of ``vehicle`` promised ready at ``promised`` (a naive UTC datetime),
        moved to ``state`` by its buttons (as a superuser: the tests' arrangement)."""
        visit = cls._create_visit(vehicle, dealer_promised_ready=promised, **vals)
        if state in ("in_progress", "done"):
            visit.sudo().action_start()
        if state == "done":
            visit.sudo().action_done()
        elif state == "cancelled":
            visit.sudo().action_cancel()
        return visit

    @classmethod
    def _create_service_consent(cls, partner, channel, state="granted"):
        """``partner``'s consent to service messages (the purpose *Service reminders*)
        on the consent ``channel``, in the current company."""
        return cls.env["dealer.consent"].create(
            {
                "partner_id": partner.id,
                "purpose": "service_reminder",
                "channel": channel,
                "state": state,
            }
        )

    @classmethod
    def _merge_customers_by_wizard(cls, source, destination, user):
        """Merge ``source`` into ``destination`` as ``user`` does: Odoo's merge wizard
        opened on the two contacts, then Merge Contacts."""
        wizard = (
            cls.env["base.partner.merge.automatic.wizard"]
            .with_user(user)
            .with_context(active_model="res.partner", active_ids=(source | destination).ids)
            .create({})
        )
        wizard.dst_partner_id = destination
        wizard.action_merge()
        cls.env.invalidate_all()

    # Workshop load against capacity (issue 29) ---------------------------------
    @classmethod
    def _create_load_calendar(cls, name="Workshop", days=range(5), hours=(8, 17), **vals):
        """A working calendar open ``days`` (0 is Monday) from ``hours`` (UTC)."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": "UTC",
                "attendance_ids": [
                    Command.clear(),
                    *(
                        Command.create(
                            {
                                "name": f"Day {day}",
                                "dayofweek": str(day),
                                "hour_from": hours[0],
                                "hour_to": hours[1],
                                "day_period": "morning",
                            }
                        )
                        for day in days
                    ),
                ],
                **vals,
            }
        )

    @classmethod
    def _create_load_bay(cls, name, calendar, role="bay", **vals):
        """A workshop resource (a service bay by default) working on ``calendar``."""
        return cls.env["resource.resource"].create(
            {
                "name": name,
                "resource_type": "material",
                "calendar_id": calendar.id,
                "tz": "UTC",
                "dealer_workshop_role": role,
                **vals,
            }
        )

    @classmethod
    def _create_load_booking_type(cls, bays, calendar, service_type="maintenance", **vals):
        """A booking type of the kind of work ``service_type``, with one combination per
        bay of ``bays``, on ``calendar``."""
        combinations = cls.env["resource.booking.combination"].create(
            [{"resource_ids": [Command.set(bay.ids)]} for bay in bays]
        )
        return cls.env["resource.booking.type"].create(
            {
                "name": f"Workshop {service_type}",
                "duration": 2.0,
                "resource_calendar_id": calendar.id,
                "dealer_service_type": service_type,
                "combination_rel_ids": [
                    Command.create({"sequence": index, "combination_id": combination.id})
                    for index, combination in enumerate(combinations)
                ],
                **vals,
            }
        )

    @classmethod
    def _create_load_booking(cls, booking_type, bay, partner, start, **vals):
        """A booking of ``bay`` (its combination in ``booking_type``) for ``partner`` at
        ``start`` (naive UTC): scheduled, as staff book it."""
        combination = booking_type.combination_rel_ids.combination_id.filtered(
            lambda c: c.resource_ids == bay
        )
        return cls.env["resource.booking"].create(
            {
                "partner_ids": [Command.set(partner.ids)],
                "type_id": booking_type.id,
                "combination_id": combination.id,
                "combination_auto_assign": False,
                "start": start,
                **vals,
            }
        )

    @classmethod
    def _set_load_due_date(cls, vehicle, due):
        """Make ``vehicle`` due for service on ``due``, as its plan would."""
        vehicle.env.flush_all()  # its own due date computed first, then replaced
        vehicle.sudo().write({"next_service_date": due})
        return vehicle

    # Booking from the reminder (issue 29, helper "reminder") -------------------------
    @classmethod
    def _create_reminder_booking_type(cls, kind="maintenance", company=None, **vals):
        """A workshop booking type for ``kind`` of work, of ``company`` (none: every
        company), with one service bay open round the clock (UTC), so that any hour to
        come fits: tests do not depend on the hour they run."""
        calendar = cls.env["resource.calendar"].create(
            {
                "name": f"Workshop {kind} round the clock",
                "tz": "UTC",
                "company_id": company.id if company else False,
                "attendance_ids": [
                    Command.clear(),
                    *(
                        Command.create(
                            {
                                "name": f"Day {day}",
                                "dayofweek": str(day),
                                "hour_from": 0,
                                "hour_to": 24,
                                "day_period": "morning",
                            }
                        )
                        for day in range(7)
                    ),
                ],
            }
        )
        bay = cls.env["resource.resource"].create(
            {
                "name": f"Bay {kind}",
                "resource_type": "material",
                "calendar_id": calendar.id,
                "company_id": company.id if company else False,
            }
        )
        combination = cls.env["resource.booking.combination"].create(
            {"resource_ids": [Command.set(bay.ids)]}
        )
        return cls.env["resource.booking.type"].create(
            {
                "name": vals.pop("name", f"Workshop: {kind}"),
                "dealer_service_type": kind,
                "company_id": company.id if company else False,
                "resource_calendar_id": calendar.id,
                "duration": 1.0,
                "slot_duration": 1.0,
                "modifications_deadline": 0,
                "combination_rel_ids": [Command.create({"combination_id": combination.id})],
                **vals,
            }
        )

    @classmethod
    def _schedule_reminder_booking(cls, booking, hours_ahead=2):
        """Schedule ``booking`` (of a type from ``_create_reminder_booking_type``) on the
        hour, ``hours_ahead`` hours from now, as the customer's confirmation does."""
        start = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        booking.sudo().write({"start": start + timedelta(hours=hours_ahead)})
        booking.sudo().action_confirm()
        return booking


class DealerCrmCase(DealerFactories, BaseCommon):
    """One user per department and a quiet context, shared by every test."""

    @classmethod
    def default_env_context(cls):
        context = {
            **DISABLED_MAIL_CONTEXT,
            # one time zone for the test env and every test user, so "today" is
            # the same day for all of them at any hour (their own day, as in use)
            "tz": TEST_TZ or cls.env.user.tz or "UTC",
        }
        # the creator follows what they create, as in use
        context.pop("mail_create_nosubscribe")
        return context

    @classmethod
    def setup_main_company(cls, currency_code="USD"):
        # The ORM dates new records with the transaction's timestamp, which a real cursor
        # takes from PostgreSQL. Take it from Python's clock, as Odoo's own test cursor
        # does, so a clock moved for the Python process (make test-dates) dates them too.
        # (Set here: the first hook after the cursor opens, before any record is made.)
        cls.cr._now = fields.Datetime.now()
        # and no currency forced on the company: the tests convert with the rates they create

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_department_users()

    @classmethod
    def _setup_department_users(cls):
        cls.user_sales = cls._create_user("t_sales", "dealer_crm.group_sales")
        cls.user_service = cls._create_user("t_service", "dealer_crm.group_service")
        cls.user_relations = cls._create_user("t_relations", "dealer_crm.group_customer_relations")
        cls.user_manager = cls._create_user("t_manager", "dealer_crm.group_manager")
        cls.user_plain = cls._create_user("t_plain", "base.group_user")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Chan Tai Man", "email": "chan@example.com", "phone": "+852 9123 4567"}
        )


class DealerCoinstallMixin:
    """dealer_crm beside an OCA module that dealers run with it and that it does not
    depend on (issue 31): ``_coinstalled_module``. The tests are skipped, saying why,
    where that module is not installed; make test always installs it."""

    _coinstalled_module = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls._coinstalled_module
        if not cls.env["ir.module.module"].search_count(
            [("name", "=", module), ("state", "=", "installed")]
        ):
            raise unittest.SkipTest(
                f"{module} is not installed in this database: make test installs it beside "
                "dealer_crm (COINSTALL_MODULES in scripts/dev.sh)"
            )


class DealerCoinstallCase(DealerCoinstallMixin, DealerCrmCase):
    """:class:`DealerCoinstallMixin` on the shared setup."""


# =============================================================================
# Two transactions at once (issue 27): the harness of the concurrency tests.
# Keep this API stable: the job tests build on it.
# =============================================================================


class RaceOutcome:
    """What one racing transaction ended with: ``result`` (what its callable returned;
    plain data, never records of its closed cursor) or ``error`` (the exception)."""

    __slots__ = ("error", "index", "result", "retried", "tries")

    def __init__(self, index):
        self.index = index
        self.result = None
        self.error = None
        self.tries = 0
        self.retried = []  # with ``retry``: the errors of the tries that were retried

    @property
    def ok(self):
        return self.error is None

    @property
    def retryable(self):
        """The error is one Odoo's RPC layer retries (serialization failure, lock not
        available, deadlock)."""
        return isinstance(self.error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)

    def __repr__(self):
        what = f"error={self.error!r}" if self.error is not None else f"result={self.result!r}"
        return f"<RaceOutcome {self.index} {what} tries={self.tries}>"


class ConcurrentCaseMixin:
    """Real second transactions for a ``TransactionCase``: commit fixtures outside the
    test's own transaction, race callables in threads with their own cursors, read the
    committed state with a fresh cursor, and delete every committed row afterwards.

    Use it before the case class: ``class T(ConcurrentCaseMixin, DealerCrmCase)``.

    - No department users (``self.user_sales``...) in the test's own transaction: see
      ``_setup_department_users``.
    - ``self._committed(fn, uid=SUPERUSER_ID)``: ``fn(env)`` in a new cursor, committed;
      returns what ``fn`` returns (return ids, not records). ``self._factories(env)`` gives
      the ``DealerFactories`` working in that env (``F._create_vehicle(...)``).
    - ``self._race(fn_a, fn_b, ..., retry=False)``: each ``fn(env)`` runs in its own thread
      and cursor (superuser env; ``env(user=uid)`` for a user). Every transaction first
      takes its snapshot (REPEATABLE READ, as Odoo's cursors), all wait on a barrier, then
      each calls its ``fn`` and commits. So each reads the state before anyone wrote.
      With ``retry=True``, each runs under ``odoo.service.model.retrying`` as an RPC call
      does (retries serialization failures, turns integrity errors into ValidationError).
      Returns one ``RaceOutcome`` per callable, in order (``retried``: the errors retried).
    - ``self._fresh(fn)``: ``fn(env)`` in a new cursor, rolled back: the committed state.
    - ``self.assertCleanLoss(outcome)``: a retryable PostgreSQL error or a UserError
      (ValidationError included), nothing else; ``self._one_winner(outcomes)``: asserts
      exactly one of two won, returns (winner, loser).

    Cleanup: the first ``_committed``/``_race`` notes every table's id sequence; the
    cleanup (``addCleanup``, so also after a failure) deletes every committed row above
    it, table after table until none is left, and fails if one cannot be deleted.
    Rows already in the database before the test must not be written by the fixtures
    or the race (they are not restored): build the fixtures' own partners, users,
    programs. Do not use rows the test's own transaction created or wrote either (its
    users, ``self.customer``): they are uncommitted, invisible to the other cursors, and
    waiting on their locks would hang; use other logins than the shared users'.
    """

    race_timeout = 120  # seconds a racing thread may take before it is cancelled

    @classmethod
    def _setup_department_users(cls):
        """No shared users: creating a user writes rows other users share (the default
        digest's subscribers), which the test's transaction would then hold and every
        committed user of a fixture wait on. Create the users a race needs in
        ``_committed`` (other logins than ``t_sales``...)."""

    def _concurrency_start(self):
        if getattr(self, "_watermarks", None) is not None:
            return
        if self.registry.in_test_mode():
            raise AssertionError(
                "The registry is in test mode (HttpCase?): its cursors share the test's "
                "transaction, so no two transactions can race. Use a TransactionCase."
            )
        with self.registry.cursor() as cr:
            cr.execute(_SEQUENCE_TABLES)
            self._watermarks = dict(cr.fetchall())
        self.addCleanup(self._concurrency_cleanup)

    def _factories(self, env):
        """The shared factories, creating in ``env`` (a fixture's or a racer's)."""
        return type("BoundFactories", (DealerFactories,), {"env": env})

    def _committed(self, fn, uid=SUPERUSER_ID, context=None):
        self._concurrency_start()
        with self.registry.cursor() as cr:
            # a row the test's own transaction holds fails the fixture, not hangs it
            cr.execute("SET LOCAL lock_timeout = '60s'")
            env = api.Environment(cr, uid, {**DISABLED_MAIL_CONTEXT, **(context or {})})
            result = fn(env)
            env.flush_all()
        # the committed data's caches (rights, rules, xml ids) are this process's
        self.env.registry.clear_cache()
        return result

    def _fresh(self, fn, uid=SUPERUSER_ID):
        with self.registry.cursor() as cr:
            try:
                return fn(api.Environment(cr, uid, {}))
            finally:
                cr.rollback()

    def _race(self, *fns, retry=False, context=None):
        self._concurrency_start()
        outcomes = [RaceOutcome(index) for index in range(len(fns))]
        barrier = threading.Barrier(len(fns), timeout=self.race_timeout)
        pids = {}
        testing = getattr(threading.current_thread(), "testing", False)

        def run(index, fn):
            thread = threading.current_thread()
            thread.testing = testing
            outcome = outcomes[index]
            try:
                with self.registry.cursor() as cr:
                    cr.execute("SELECT pg_backend_pid()")  # the snapshot is taken here
                    pids[index] = cr.fetchone()[0]
                    env = api.Environment(cr, SUPERUSER_ID, dict(context or {}))
                    barrier.wait()

                    def call():
                        outcome.tries += 1
                        try:
                            result = fn(env)
                            env.flush_all()
                        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                            outcome.retried.append(error)
                            raise
                        return result

                    if retry:
                        outcome.result = retrying(call, env)
                    else:
                        outcome.result = call()
                        # a racer commits as a request does
                        cr.commit()  # pylint: disable=invalid-commit
            except threading.BrokenBarrierError as error:
                outcome.error = error
            except Exception as error:  # noqa: BLE001 - the outcome is what the test asserts
                outcome.error = error
                barrier.abort()

        threads = [
            threading.Thread(target=run, args=(index, fn), name=f"race-{index}")
            for index, fn in enumerate(fns)
        ]
        # Odoo's own runner (odoo-bin --test-enable) runs the tests holding Registry._lock:
        # the racers' lookups of the registry by name (a new Environment, the retry's reset)
        # would wait for it until the race timed out. It is swapped for the race, as
        # Registry.enter_test_mode does for HttpCase's requests. The loser's failed query
        # (and a mail sent by a transaction that Odoo then retries) is its outcome, not an
        # error to log.
        saved_lock, Registry._lock = Registry._lock, DummyRLock()
        try:
            with mute_logger("odoo.sql_db", "odoo.addons.mail.models.mail_mail"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(self.race_timeout)
                stuck = [index for index, thread in enumerate(threads) if thread.is_alive()]
                if stuck:
                    # waiting on a lock the test's own transaction holds, or on each other
                    with self.registry.cursor() as cr:
                        for index in stuck:
                            if index in pids:
                                cr.execute("SELECT pg_cancel_backend(%s)", [pids[index]])
                    for index in stuck:
                        threads[index].join(self.race_timeout)
        finally:
            Registry._lock = saved_lock
        if stuck:
            raise AssertionError(f"racing transactions {stuck} did not finish: {outcomes}")
        return outcomes

    def _one_winner(self, outcomes):
        """(winner, loser) of a race of two that exactly one won."""
        self.assertEqual(sorted(o.ok for o in outcomes), [False, True], outcomes)
        return sorted(outcomes, key=lambda o: not o.ok)

    def assertCleanLoss(self, outcome):
        """``outcome`` lost cleanly: a retryable PostgreSQL error or a message to the
        user, never another exception."""
        self.assertIsNotNone(outcome.error, f"{outcome} did not fail")
        if not (outcome.retryable or isinstance(outcome.error, UserError)):
            raise AssertionError(f"{outcome} failed with neither a retryable error nor a UserError")

    def _concurrency_cleanup(self):
        watermarks, self._watermarks = self._watermarks, None
        with self.registry.cursor() as cr:
            # a row the test's own transaction still holds must fail the test, not hang it
            cr.execute("SET LOCAL lock_timeout = '30s'")
            cr.execute(_SEQUENCE_TABLES)
            tables = [
                table for table, last in cr.fetchall() if (last or 0) > (watermarks.get(table) or 0)
            ]
            tables = {table: watermarks.get(table) or 0 for table in tables}
            errors = {}
            while tables:
                progress = False
                for table, mark in list(tables.items()):
                    try:
                        with cr.savepoint(flush=False):
                            # a row still referenced fails here and goes in a later round
                            cr.execute(
                                SQL(
                                    "DELETE FROM %s WHERE id > %s",
                                    SQL.identifier(table),
                                    mark,
                                ),
                                log_exceptions=False,
                            )
                    except psycopg2.Error as error:
                        errors[table] = error
                        continue
                    del tables[table]
                    errors.pop(table, None)
                    progress = True
                if not progress:
                    break
            if tables:
                cr.rollback()
                raise AssertionError(f"committed rows left, cannot delete them: {errors}")
        self.env.registry.clear_cache()


# every table with an ``id`` sequence, and the sequence's last value
_SEQUENCE_TABLES = """
    SELECT t.relname, s.last_value
      FROM pg_sequences s
      JOIN pg_class sc ON sc.relname = s.sequencename AND sc.relkind = 'S'
      JOIN pg_depend d ON d.objid = sc.oid AND d.deptype = 'a'
      JOIN pg_class t ON t.oid = d.refobjid
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
     WHERE s.schemaname = current_schema() AND a.attname = 'id'
"""


# =============================================================================
# Scheduled jobs under real transactions (issue 27): the harness of the job tests,
# built on ConcurrentCaseMixin.
# =============================================================================

#: one job run as the cron runner runs it, in a process of its own: one call per
#: transaction, committed, until a call takes nothing; each batch's ids printed once
#: committed. Arguments: Odoo conf, database, model, method, batch size.
_JOB_PROCESS = """
import sys
import odoo
from odoo import SUPERUSER_ID, api
rc, db, model, method, size = sys.argv[1:6]
odoo.tools.config.parse_config(["-c", rc, "-d", db, "--log-level=warn"])
registry = odoo.modules.registry.Registry(db)
while True:
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"mail_notify_force_send": False})
        ids = getattr(env[model], method)(batch_size=int(size)).ids
    print(ids, flush=True)
    if not ids:
        break
"""


class JobCaseMixin(ConcurrentCaseMixin):
    """Run a scheduled job against committed data, as its cron does, in this process or
    in another one that a test can kill.

    - ``self._hold(sql)``: a transaction of its own takes the row locks of ``sql`` (a
      ``SELECT ... FOR UPDATE``) and keeps them until the test ends or it is rolled back.
    - ``self._hold_others(model, ids)``: every row of ``model`` but ``ids`` held: the rows
      in the database before the test, which a job taking its rows with SKIP LOCKED then
      leaves alone (the test must not change them).
    - ``self._run_job(model, method, batch_size)``: one call per transaction, committed,
      until a call takes nothing; returns each call's ids.
    - ``self._job_process(model, method, batch_size)``: the same loop in a new Python
      process on this database (``subprocess.Popen``; killed at cleanup if still running).
    """

    def _hold(self, sql):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)  # rolls back: the locks go
        cr.execute(sql)
        return cr

    def _hold_others(self, model, ids):
        table = SQL.identifier(self.env[model]._table)
        return self._hold(SQL("SELECT id FROM %s WHERE id != ALL(%s) FOR UPDATE", table, ids))

    def _run_job(self, model, method, batch_size):
        batches = []
        while True:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"mail_notify_force_send": False})
                ids = getattr(env[model], method)(batch_size=batch_size).ids
            if not ids:
                return batches
            batches.append(ids)

    def _job_process(self, model, method, batch_size):
        odoo_root = os.path.dirname(os.path.dirname(odoo.__file__))
        env = {**os.environ, "PYTHONPATH": odoo_root}
        args = [config.rcfile, self.env.cr.dbname, model, method, str(batch_size)]
        process = subprocess.Popen(
            [sys.executable, "-c", _JOB_PROCESS, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(self._end_process, process)
        return process

    def _end_process(self, process):
        if process.poll() is None:
            process.kill()
        process.communicate()
        # its server side goes with it (a backend waiting on a lock outlives its client)
        self._terminate_backends(process)

    def _terminate_backends(self, process):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s",
                [f"odoo-{process.pid}"],
            )

    def _waiting_on_a_lock(self, process):
        """Whether ``process`` has a transaction waiting on a row lock."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT 1 FROM pg_stat_activity WHERE application_name = %s "
                "AND wait_event_type = 'Lock'",
                [f"odoo-{process.pid}"],
            )
            return bool(cr.fetchall())

    def _wait_for(self, condition, what, process=None, timeout=300):
        """Poll ``condition()`` until true (a bounded wait, not a timed assertion)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if process is not None and process.poll() is not None:
                _out, err = process.communicate()
                raise AssertionError(f"the job process ended before {what}:\n{err[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}")
            time.sleep(0.2)
