# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from odoo import api, models, tools
from odoo.tools import SQL


def selection_of(model, field):
    """The selection of ``model``'s ``field``, for an analysis column that copies it,
    with its labels in the reader's language (a selection given as a function is not
    translated by Odoo: its labels are those the function returns)."""
    return lambda self: self.env[model]._fields[field]._description_selection(self.env)


class DealerAnalysisMixin(models.AbstractModel):
    """An analysis for pivot and graph views: a SQL view whose ids are the source rows'.

    A model inheriting it defines ``_query()`` (an ``SQL`` SELECT with an ``id`` column)
    and ``_depends`` (what the ORM flushes before reading the view). An analysis whose
    query takes a setting or today defines ``_table_query`` (returning ``_query()``): it is
    then built when read, with them as parameters, instead of a view. Nothing is copied:
    the figures are the records themselves, so a report never disagrees with its facts.
    """

    _name = "dealer.analysis.mixin"
    _description = "Dealer Analysis"
    _auto = False
    _dealer_partner_fields = ()  # views over records already covered by the registry
    _dealer_not_personal_links = ("partner_id",)

    def _query(self):
        raise NotImplementedError

    @api.model
    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        """Grouped without PostgreSQL's JIT compilation, then the setting restored.

        The planner over-costs these queries (every customer row evaluates the OR of
        EXISTS of "is a customer", estimated through COALESCE expressions it has no
        statistics for), far above ``jit_above_cost``: on 100,000 customers, compiling
        the data-quality analysis took 6.2 s of its 7.0 s, for 0.4 s of work."""
        self.env.cr.execute(SQL("SELECT current_setting('jit'), set_config('jit', 'off', true)"))
        jit = self.env.cr.fetchone()[0]
        try:
            return super()._read_group(
                domain, groupby, aggregates, having=having, offset=offset, limit=limit, order=order
            )
        finally:
            # also when the read fails and its caller carries on (a bad groupby is
            # refused before any query); a failed query aborted the transaction, whose
            # rollback (or its savepoint's) restores the setting by itself
            if self.env.cr._cnx.get_transaction_status() != TRANSACTION_STATUS_INERROR:
                self.env.cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        if type(self)._table_query is not None:
            return  # built when read (``_table_query``): settings and today as parameters
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
