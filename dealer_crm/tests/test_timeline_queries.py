# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The timeline reads one customer's page through the sources' indexes, in a fixed
number of queries, and reads its rows by id without scanning a source table."""

from odoo.tests import tagged
from odoo.tools import SQL

from .common import DealerCrmCase

#: what the timeline shows of a row (its list on the customer form)
ROW_SPEC = {"date": {}, "kind": {}, "name": {}, "user_id": {"fields": {"display_name": {}}}}
#: the sources and the tables a branch reads (the customer's, then the row's own)
SOURCE_TABLES = (
    "dealer_interaction",
    "mail_message",
    "sale_order",
    "dealer_service_record",
    "helpdesk_ticket",
    "loyalty_history",
    "event_registration",
)


@tagged("post_install", "-at_install")
class TestTimelineQueries(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.short = cls._create_history(cls.customer)
        twin = cls.customer.copy({"name": "Chan Siu Ming", "email": "ming@example.com"})
        cls.long = cls._create_history(twin, rows=2000)
        cls.Timeline = cls.env["dealer.customer.timeline"]

    def _first_page(self, partner, user=None):
        Timeline = self.Timeline.with_user(user or self.user_relations)
        return Timeline.web_search_read([("partner_id", "=", partner.id)], ROW_SPEC, limit=80)

    def _plan(self, query):
        """The plan PostgreSQL chooses for ``query`` when a scan of a whole table is its
        last resort: a table scanned there has no index that answers the query."""
        self.env.flush_all()
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN %s", query))
        plan = "\n".join(line for (line,) in self.env.cr.fetchall())
        self.env.cr.execute("SET LOCAL enable_seqscan = on")
        return plan

    def test_the_first_page_costs_the_same_queries_for_a_short_or_a_long_history(self):
        for partner in (self.short, self.long):  # what every read caches (rules, fields)
            self.env.invalidate_all()
            self._first_page(partner)
        # the rows, their names, their staff; and once the page is full, the pager's count
        for partner, queries in ((self.short, 6), (self.long, 7)):
            self.env.cr.flush()
            self.env.invalidate_all()
            with self.assertQueryCount(queries):
                page = self._first_page(partner)
        self.assertEqual(len(page["records"]), 80)
        self.assertGreaterEqual(page["length"], 2000)
        dates = [row["date"] for row in page["records"]]
        self.assertEqual(dates, sorted(dates, reverse=True))

    def test_rows_read_by_id_are_the_rows_found(self):
        found = self.Timeline.search([("partner_id", "=", self.short.id)])
        self.assertEqual(
            set(found.mapped("kind")),
            {"interaction", "email", "sale", "service", "ticket", "loyalty", "event"},
        )
        values = found.read(["kind", "res_model", "res_id", "source_name", "date"])
        self.env.invalidate_all()
        self.assertEqual(self.Timeline.browse(found.ids).read(list(values[0])[1:]), values)
        self.assertEqual(
            self.Timeline.search([("id", "in", found.ids)], order="id"), found.sorted("id")
        )
        row = found[0]
        self.assertEqual(self.Timeline.search([("id", "=", row.id)]), row)
        # an id no source gives, or of no row, finds nothing
        self.assertFalse(self.Timeline.search([("id", "in", [row.id % 10**10, 9 * 10**10 + 1])]))
        self.assertEqual(
            self.Timeline.search_count(
                [("id", "not in", found.ids), ("partner_id", "=", self.short.id)]
            ),
            0,
        )

    def test_a_read_by_id_is_answered_by_each_source_index(self):
        # some rows of each source (the first page alone may hold none of one source)
        rows = self.Timeline.browse()
        for kind in ("interaction", "email", "sale", "service", "ticket", "loyalty", "event"):
            rows |= self.Timeline.search(
                [("partner_id", "=", self.long.id), ("kind", "=", kind)], limit=12
            )
        plan = self._plan(self.Timeline._search([("id", "in", rows.ids)]).select("id"))
        # each branch keeps its own rows by its source's id (by the primary key, or by
        # another index and then the id: the planner's choice on a small table), never
        # by computing every row's view id
        self.assertNotIn("10000000000", plan, "a view id computed for every source row")
        for table in SOURCE_TABLES:
            self.assertNotIn(f"Seq Scan on {table}", plan)
        self.assertGreaterEqual(plan.count("(id = ANY"), len(SOURCE_TABLES))

    def test_a_customer_page_is_read_through_the_customer_indexes(self):
        query = self.Timeline.with_user(self.user_relations)._search(
            [("partner_id", "=", self.long.id)], limit=80, order="date desc, id desc"
        )
        plan = self._plan(query.select("id"))
        # tickets and loyalty movements: indexed by customer and card by the lookup work
        for table in set(SOURCE_TABLES) - {"helpdesk_ticket", "loyalty_history"}:
            self.assertNotIn(f"Seq Scan on {table}", plan)

    def test_who_may_open_a_page_of_every_kind_is_one_query(self):
        rows = self.Timeline.with_user(self.user_sales).search([("partner_id", "=", self.short.id)])
        rows.fetch(["kind", "res_model", "res_id", "partner_id"])
        rows._readable_records()  # the record rules of each source, computed once
        with self.assertQueryCount(1):
            readable = rows._readable_records()
        self.assertNotIn(
            ("helpdesk.ticket", rows.filtered(lambda r: r.kind == "ticket").res_id), readable
        )
        self.assertIn(("res.partner", self.short.id), readable, "the emails on the customer")
