# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Records that are evidence: one mechanism for every model.

A model lists in ``_dealer_protected_fields`` what only its workflow writes: states,
approvals and approvers, segments, tiers, scores, recorded figures, "recorded by" and
flags. ``create`` and ``write`` refuse those fields unless the environment is superuser,
whatever the context: a workflow method checks its caller first
(``_dealer_check_caller``), then writes them with ``sudo()``.

What a client may still send, so that Odoo's own forms and imports keep working:
- on ``create``, an empty value or the field's own default (never a ``default_*`` key of
  the context nor a user default, which a client controls);
- on ``write``, the value the record already has.
"""

import functools
from datetime import date, datetime

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..tools.item_wording import (
    NO_VEHICLE_GROUP,
    NO_VEHICLE_LABELS,
    NO_VEHICLE_WORDING,
    VEHICLE_ONLY_CHOICES,
    compile_wording,
)
from ..tools.values import (
    NOT_A_NUMBER,
    NOT_A_RECORD,
    NOT_FINITE,
    NOT_TEXT,
    NUL,
    OUT_OF_RANGE,
    UNICODE,
    value_problem,
)

#: the arch attributes a reader sees (``string`` of fields, pages, buttons, groups...)
_READ_ATTRIBUTES = ("string", "help", "placeholder", "confirm", "title", "sum", "avg")


@functools.cache
def _no_vehicle_rewording(lang):
    """The rewording of tools/item_wording.py in ``lang``: both sides of every pair
    translated, so a translated screen is reworded too (code translations are loaded
    once per process, as this cache)."""

    def text(term, lang):
        return term._translate(lang) if hasattr(term, "_translate") else term

    def pairs(table):
        for source, target in table:
            english = text(source, "en_US")
            translated = text(source, lang)
            # a term translated without its replacement would mix two languages
            if translated == english or text(target, lang) != text(target, "en_US"):
                yield translated, text(target, lang)
            if translated != english:  # an untranslated label still shows in English
                yield english, text(target, lang)

    return compile_wording(list(pairs(NO_VEHICLE_LABELS)), list(pairs(NO_VEHICLE_WORDING)))


@functools.cache
def _vehicle_only_choices(lang):
    """The labels of vehicle-only choices in ``lang`` (and in English)."""
    return frozenset(
        label
        for term in VEHICLE_ONLY_CHOICES
        for label in (term._translate(lang), term._translate("en_US"))
    )


class Base(models.AbstractModel):
    _inherit = "base"

    # Personal data (dealer.personal.data) ------------------------------------
    #: None means "not declared"; a tuple (possibly empty) means declared.
    _dealer_partner_fields = None
    _dealer_personal_fields = ()

    # Records that are evidence -------------------------------------------------
    #: Fields only this model's workflow methods write (with ``sudo()``). Declared on the
    #: model itself, next to the fields; ``tests/test_evidence.py`` walks every model's list.
    _dealer_protected_fields = frozenset()
    #: Public methods a reader of the record may call (they still check "read" first);
    #: every other public method checks that its caller may write the record.
    _dealer_read_actions = frozenset()

    # Hooks ------------------------------------------------------------------
    def _dealer_protected_records(self):
        """The records of ``self`` whose protected fields are guarded (default: all).

        A model whose protection depends on the record (a loyalty card of a dealer
        scheme, not a gift card of core loyalty) narrows it here."""
        return self

    @api.model
    def _dealer_protected_create_vals(self, vals_list):
        """The values of ``vals_list`` whose protected fields are guarded (default: all)."""
        return vals_list

    # The guard ---------------------------------------------------------------
    @api.model
    def _dealer_protected_default(self, name):
        field = self._fields[name]
        if not field.default:
            return field.convert_to_cache(False, self, validate=False)
        return field.convert_to_cache(field.default(self), self, validate=False)

    def _dealer_refuse_protected(self, names):
        labels = ", ".join(
            sorted(self._fields[name].get_description(self.env)["string"] for name in names)
        )
        raise AccessError(
            _(
                "%(fields)s of %(model)s are recorded by its workflow (its buttons and "
                "scheduled jobs), and cannot be typed or sent directly.",
                fields=labels,
                model=self._description,
            )
        )

    @api.model
    def default_get(self, fields_list):
        """A client's defaults (``default_*`` keys of the context, the user's own
        ir.default) never give a protected field a value: only the field's own default."""
        defaults = super().default_get(fields_list)
        if self._dealer_protected_fields and not self.env.su:
            for name in self._dealer_protected_fields.intersection(defaults):
                field = self._fields[name]
                if field.default:
                    value = field.convert_to_cache(field.default(self), self, validate=False)
                    defaults[name] = field.convert_to_write(value, self)
                else:
                    del defaults[name]
        return defaults

    # Values no column can hold (issue 27) -------------------------------------
    @api.model
    def _dealer_check_values(self, vals):
        """Refuse, in words, a value of ``vals`` that the field's column cannot hold or
        that Odoo cannot convert: a text with a NUL character, a number that is no number
        or not finite, a whole number out of range, a date that is no date, a choice that
        is not offered. Else the client gets a database or conversion error naming no
        field, or (NaN, Infinity) a figure that breaks every sum after it."""
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None or value is None or value is False:
                continue
            if field.type in ("date", "datetime") and isinstance(value, str) and not value:
                # an empty cell or field is no date, as a form sends it
                vals[name] = False
                continue
            if field.translate and isinstance(value, dict):
                continue  # a translated text may come as its translations by language
            problem = value_problem(field.type, value)
            if problem == NOT_TEXT and (self.env.su or not self._dealer_typed_in()):
                # data files and code give a context or domain as a dict or list, which
                # Odoo writes as text: only what users type into is judged so
                problem = None
            if not problem and field.type in ("date", "datetime"):
                problem = self._dealer_date_problem(field, value)
            elif (
                not problem
                and field.type == "selection"
                and value != ""  # an empty text is no choice, as Odoo reads it
                and value not in field.get_values(self.env)
            ):
                problem = "choice"
            if problem:
                self._dealer_refuse_value(field, value, problem)

    @api.model
    def _dealer_typed_in(self):
        """The records staff type into: dealer_crm's own and the customers."""
        return self._name.startswith("dealer.") or self._name == "res.partner"

    @api.model
    def _dealer_date_problem(self, field, value):
        if not isinstance(value, (str, date)):
            # Odoo reads 0 as no date, and sends it to the column as text
            return "date"
        convert = fields.Date.to_date if field.type == "date" else fields.Datetime.to_datetime
        try:
            convert(value)
            if field.type == "date" and isinstance(value, str) and len(value.strip()) > 10:
                # Odoo reads the first ten characters, but the column gets the whole
                # text: a time after the date must be one ("2026-11-30xyz" is no date)
                datetime.fromisoformat(value.strip())
        except (TypeError, ValueError, OverflowError):
            return "date"
        return None

    @api.model
    def _dealer_refuse_value(self, field, value, problem):
        label = field._description_string(self.env)
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        reasons = {
            NUL: _("it contains the NUL character (\\x00), which no text may hold"),
            UNICODE: _("it contains characters that are no valid text"),
            NOT_A_NUMBER: _("it is no number"),
            NOT_FINITE: _("it is no finite number"),
            OUT_OF_RANGE: _("it is beyond the largest number this field holds"),
            NOT_A_RECORD: _("it names no record"),
            NOT_TEXT: _("it is no text"),
            "date": _("it is no date"),
            "choice": _("it is none of the choices offered"),
        }
        raise ValidationError(
            _(
                "%(field)s of %(model)s cannot be %(value)s: %(reason)s.",
                field=label,
                model=self._description,
                value=shown,
                reason=reasons[problem],
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._dealer_check_values(vals)
        if self._dealer_protected_fields and not self.env.su:
            refused = set()
            for vals in self._dealer_protected_create_vals(vals_list):
                for name in self._dealer_protected_fields.intersection(vals):
                    value = self._fields[name].convert_to_cache(vals[name], self, validate=False)
                    if value and value != self._dealer_protected_default(name):
                        refused.add(name)
            if refused:
                self._dealer_refuse_protected(refused)
        return super().create(vals_list)

    def write(self, vals):
        self._dealer_check_values(vals)
        if self._dealer_protected_fields and not self.env.su:
            names = self._dealer_protected_fields.intersection(vals)
            if names:
                guarded = self.sudo()._dealer_protected_records()
                refused = set()
                for name in names:
                    field = self._fields[name]
                    value = field.convert_to_record(
                        field.convert_to_cache(vals[name], guarded, validate=False), guarded
                    )
                    if any(record[name] != value for record in guarded):
                        refused.add(name)
                if refused:
                    self._dealer_refuse_protected(refused)
        return super().write(vals)

    # Callers of public methods ---------------------------------------------
    def _dealer_check_caller(self, groups=None, operation="write"):
        """The first line of a workflow method: who calls it may ``operation`` these
        records (access rights and record rules) and, if ``groups`` is given, belongs to
        one of them. Nothing has run as superuser yet."""
        if self.env.su:
            return
        if groups and not self.env.user.has_groups(groups):
            raise AccessError(
                _(
                    "You are not allowed to do this on %(model)s: it belongs to another "
                    "department's part of the workflow.",
                    model=self._description,
                )
            )
        self.check_access(operation)

    # Scheduled jobs ----------------------------------------------------------
    @api.model
    def _dealer_claim(self, domain, limit, order="id"):
        """The next batch of a scheduled job: up to ``limit`` records of ``domain``,
        locked with ``FOR UPDATE SKIP LOCKED`` until the batch commits.

        A row another transaction holds (the same job running twice, a user saving it)
        is left for the next call. A row another run changed and committed after this
        transaction began cannot be locked under Odoo's repeatable read: the batch is
        then empty (the other run did it) rather than done twice.
        """
        query = self._search(domain, order=order, limit=limit)
        sql = SQL(
            "%s FOR NO KEY UPDATE OF %s SKIP LOCKED",
            query.select(),
            SQL.identifier(self._table),
        )
        self.env.flush_query(sql)
        try:
            with self.env.cr.savepoint(flush=False):
                ids = [row[0] for row in self.env.execute_query(sql)]
        except psycopg2.errors.SerializationFailure:
            return self.browse()
        return self.browse(ids)

    @api.model
    def _dealer_claim_marker(self, key):
        """Lock a job's progress marker (the ``ir.config_parameter`` ``key``) with
        ``SKIP LOCKED`` until the batch commits, so that only one run moves it.

        False when another run holds it, or moved it since this transaction began: this
        call then does nothing, and the marker's run goes on. True when locked, or not
        recorded yet (the job's first batch records it).
        """
        Param = self.env["ir.config_parameter"].sudo()
        domain = [("key", "=", key)]
        return bool(Param._dealer_claim(domain, 1)) or not Param.search_count(domain)

    # Two transactions at once (issue 27) ----------------------------------------
    def _dealer_lock_rows(self):
        """Take these rows for this transaction (``FOR NO KEY UPDATE``, by id) before
        reading what a workflow decides on: a concurrent transaction changing them is
        waited for, and one that changed them since this one began makes this one fail
        with a serialization error, which Odoo retries (the retry reads the new state).

        Workflows lock in one order, so two of them never wait on each other: the
        document (vehicle, visit, order, wizard), then the customer, then the loyalty
        card (``loyalty.card._dealer_lock``)."""
        if not self.ids:
            return
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                SQL.identifier(self._table),
                tuple(sorted(self.ids)),
            )
        )

    # Navigation --------------------------------------------------------------
    def _dealer_related_action(self, xmlid, field, name=None, domain=(), **context):
        """The window action ``xmlid`` on the records whose ``field`` is this record
        (and that match ``domain``), titled ``name`` if given: every smart button's target.

        Smart-button methods are named ``action_dealer_view_<things>`` on core models and
        ``action_view_<things>`` on dealer models (tests/test_names.py)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if name:
            action["name"] = self._dealer_reword(name)
        action["domain"] = [(field, "=", self.id), *domain]
        action["context"] = context or {f"default_{field}": self.id}
        return action

    # Words -------------------------------------------------------------------
    @api.model
    def _dealer_labels(self, field):
        """{value: label} of the selection ``field`` in the user's language. A selection
        list's own labels (``field.selection``, a module's constant) are English."""
        return dict(self._fields[field]._description_selection(self.env))

    # A company that sells no vehicles (issue 32) ----------------------------
    @api.model
    def _dealer_sells_no_vehicles(self):
        """Whether the current user's companies sell no vehicles (res.users keeps the
        group in step with res.company's ``dealer_item_kinds``)."""
        group_id = self.env["res.groups"]._get_group_definitions().get_id(NO_VEHICLE_GROUP)
        return bool(group_id) and group_id in self.env.user._get_group_ids()

    @api.model
    def _dealer_reword(self, text):
        """``text`` in the words of the current user: a vehicle term becomes the item's
        word for a user whose companies sell no vehicles (tools/item_wording.py)."""
        if not text or not self._dealer_sells_no_vehicles():
            return text
        return _no_vehicle_rewording(self.env.lang or "en_US")(str(text))

    @api.model
    def _dealer_reword_arch(self, arch):
        """Rewords the labels of a view's ``arch`` (an etree) in place."""
        reword = _no_vehicle_rewording(self.env.lang or "en_US")
        for node in arch.iter():
            if not isinstance(node.tag, str):
                continue
            for attribute in _READ_ATTRIBUTES:
                if node.get(attribute):
                    node.set(attribute, reword(node.get(attribute)))
            if node.text and node.text.strip():
                node.text = reword(node.text)
            if node.tail and node.tail.strip():
                node.tail = reword(node.tail)

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if self._dealer_sells_no_vehicles():
            self._dealer_reword_arch(arch)
        return arch, view

    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        key = super()._get_view_cache_key(view_id, view_type, **options)
        return (*key, self._dealer_sells_no_vehicles())

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        descriptions = super().fields_get(allfields, attributes)
        if not self._dealer_sells_no_vehicles():
            return descriptions
        reword = _no_vehicle_rewording(self.env.lang or "en_US")
        vehicle_only = _vehicle_only_choices(self.env.lang or "en_US")
        for description in descriptions.values():
            for key in ("string", "help"):
                if description.get(key):
                    description[key] = reword(description[key])
            if isinstance(description.get("selection"), list):
                labels = {label for __, label in description["selection"]}
                choices = []
                for value, label in description["selection"]:
                    if label in vehicle_only:
                        continue  # a recall, a trade-in: a road vehicle's only
                    new = reword(label)
                    if new != label and new in labels:
                        continue  # "Vehicle" would read "Watch" next to "Watch": not a choice
                    choices.append((value, new))
                description["selection"] = choices
        return descriptions
