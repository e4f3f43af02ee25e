# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Records that are evidence: the two walks of issue 24.

1. Every dealer_crm model's protected fields (``_dealer_protected_fields``) are tried by
   ``write`` and ``create`` as every department: each attempt must be refused. A stored
   field that a workflow sets (read-only in its definition, or a state) is either
   declared protected or listed below with the reason it is not evidence.
2. Every public method that dealer_crm defines is called as every department on the
   demo records: a method that writes as superuser must have checked first that its
   caller may write the record (``_dealer_check_caller``), or be declared on its model
   as one that a reader may call (``_dealer_read_actions``).
"""

import inspect
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import DealerCrmCase

#: Stored fields that look like evidence (read-only or a state) and are not, with why.
#: A new entry needs a reason a reviewer would accept.
NOT_EVIDENCE = {
    ("dealer.vehicle", "plate_normalized"): "the plate's search key, recomputed from it",
    ("dealer.vehicle", "serial_normalized"): "the serial number's search and uniqueness "
    "key, recomputed from it",
    ("dealer.consent", "state"): "the customer's own answer, typed by whoever heard it with "
    "its date, source and evidence file (a partner's Privacy tab, an import of signed "
    "forms); every change is tracked, and Granted and Withdrawn give no department more "
    "than it may already write",
    ("helpdesk.ticket", "ticket_sla_ids"): "helpdesk_mgmt_sla's lines seen from the ticket: "
    "every command on them is a create, write or unlink of helpdesk.ticket.sla, whose own "
    "fields are protected and whose unlink is refused to clients",
    ("resource.booking", "dealer_bay_id"): "the bay among the booked resources, recomputed "
    "from the booking's combination",
    ("rating.rating", "dealer_requested"): "set by the rating request in sudo; the rating's "
    "own create and write refuse it to everyone else, managers too, and a ticket's rating "
    "to any non-manager (test_ticket_rating.py)",
}

#: Methods the walk does not call, with why.
NOT_WALKED = {
    "init": "creates the SQL view at install",
    "get_import_templates": "lists the import files",
    "generate_xlsx_report": "called by report_xlsx with its own arguments",
    "get_workbook_options": "called by report_xlsx",
    "message_new": "mail gateway entry with its own arguments",
    "message_update": "mail gateway entry with its own arguments",
    "message_post": "mail.thread's own access check",
    "set_values": "res.config.settings' own access check",
}

#: Models whose sudo writes are the plumbing of mail and the bus, not evidence.
PLUMBING = ("mail.", "bus.", "ir.attachment", "res.users.log")


def _dealer_classes(model):
    # a class's own _module: the registry's class of a model inherits the attribute from
    # the last module's class, with every field of the model in its namespace
    return [cls for cls in type(model).__mro__ if vars(cls).get("_module") == "dealer_crm"]


def _concrete_dealer_models(env):
    for name in sorted(env.registry):
        model = env[name]
        if model._abstract or model._transient or not model._auto:
            continue
        if _dealer_classes(model):
            yield model


@tagged("post_install", "-at_install")
class TestEvidenceWalks(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b, cls.user_sales_b = cls._create_company_b(
            "Walk Dealer B", t_walk_sales_b="dealer_crm.group_sales"
        )
        cls.user_portal = new_test_user(cls.env, login="t_walk_portal", groups="base.group_portal")
        cls.departments = (
            cls.user_sales,
            cls.user_service,
            cls.user_relations,
            cls.user_manager,
            cls.user_plain,
        )

    # Helpers ----------------------------------------------------------------
    def _other_value(self, record, name, avoid=()):
        """A value of ``name`` different from ``record``'s (a selection: not in ``avoid``
        if given), in write() format."""
        field = record._fields[name]
        current = record[name]
        if field.type == "selection":
            values = [value for value, _label in field._description_selection(record.env)]
            # on create, any value but the default (``avoid``); on write, any but the current
            others = [value for value in values if value not in (avoid or (current,))]
            return others[0] if others else None
        if field.type == "many2one":
            other = (
                record.env[field.comodel_name]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "!=", current.id)], limit=1)
            )
            return other.id
        if field.type == "boolean":
            return not current
        if field.type == "integer":
            return (current or 0) + 1000
        if field.type in ("float", "monetary"):
            return (current or 0.0) + 1000.0
        if field.type in ("char", "text", "html"):
            return f"{current or ''} forged"
        if field.type == "date":
            return (current or fields.Date.to_date("2020-01-01")) + timedelta(days=1)
        if field.type == "datetime":
            return (current or fields.Datetime.to_datetime("2020-01-01 00:00:00")) + timedelta(
                days=1
            )
        if field.type in ("many2many", "one2many"):
            return [Command.clear()] if current else None
        return None

    def _demo_records(self, model, limit=2):
        """Demo records of the departments' company (the demo watch retailer's are
        another company's: the departments are refused them for that reason)."""
        Model = model.sudo().with_context(active_test=False)
        domain = []
        if "company_id" in Model._fields and Model._fields["company_id"].store:
            domain = [("company_id", "in", [False, self.env.company.id])]
        state = Model._fields.get("state")
        if state and state.type == "selection" and state.store:
            records = Model.browse()
            for value, _label in state._description_selection(self.env):
                records |= Model.search([*domain, ("state", "=", value)], limit=1)
            return records
        return Model.search(domain, limit=limit, order="id desc")

    @contextmanager
    def _rolled_back(self):
        class Rollback(Exception):
            pass

        try:
            with self.env.cr.savepoint():
                yield
                raise Rollback
        except Rollback:
            self.env.invalidate_all()
        else:
            self.env.invalidate_all()

    # 1. Protected fields -------------------------------------------------------
    def test_every_workflow_field_is_declared_protected(self):
        """A stored field a workflow sets is protected, or says why it is not evidence."""
        missing = []
        for model in _concrete_dealer_models(self.env):
            protected = model._dealer_protected_fields
            for name, field in model._fields.items():
                if not field.store or field.related or name in models.MAGIC_COLUMNS:
                    continue
                if not any(name in vars(cls) for cls in _dealer_classes(model)):
                    continue
                looks_recorded = field.readonly or (
                    field.type == "selection" and (name == "state" or name.endswith("_state"))
                )
                if (
                    looks_recorded
                    and name not in protected
                    and (model._name, name) not in NOT_EVIDENCE
                ):
                    missing.append(f"{model._name}.{name}")
        self.assertFalse(missing, "declare these in _dealer_protected_fields or NOT_EVIDENCE")

    def test_protected_fields_are_never_copied(self):
        for model in _concrete_dealer_models(self.env):
            for name in model._dealer_protected_fields:
                with self.subTest(field=f"{model._name}.{name}"):
                    self.assertIn(name, model._fields)
                    # a core field keeps core's copy (a dealer card's copy is refused)
                    if any(name in vars(cls) for cls in _dealer_classes(model)):
                        self.assertFalse(model._fields[name].copy)

    def test_no_department_writes_a_protected_field(self):
        accepted = []
        for model in _concrete_dealer_models(self.env):
            if not model._dealer_protected_fields:
                continue
            record = self._demo_records(model, limit=1)[:1]
            record = record.sudo()._dealer_protected_records()[:1] or record
            self.assertTrue(record, f"{model._name} has protected fields and no demo record")
            for name in sorted(model._dealer_protected_fields):
                value = self._other_value(record, name)
                if value is None:
                    continue
                for user in self.departments:
                    with self._rolled_back():
                        try:
                            record.with_user(user).write({name: value})
                        except AccessError:
                            continue
                        except (UserError, ValidationError) as error:
                            accepted.append(f"{model._name}.{name} as {user.login}: {error}")
                            continue
                        accepted.append(f"{model._name}.{name} written by {user.login}")
        self.assertFalse(accepted, "\n".join(accepted))

    def test_no_department_creates_a_record_with_a_protected_field(self):
        accepted = []
        for model in _concrete_dealer_models(self.env):
            if not model._dealer_protected_fields:
                continue
            record = self._demo_records(model, limit=1)[:1]
            record = record.sudo()._dealer_protected_records()[:1] or record
            template = record.sudo().copy_data()[0]
            for name in sorted(model._dealer_protected_fields):
                # the field's own default is accepted on create: try another value
                value = self._other_value(
                    record, name, avoid=(model._dealer_protected_default(name),)
                )
                if value is None or not value:
                    continue
                label = model._fields[name].get_description(self.env)["string"]
                for user in self.departments:
                    can_create = (
                        self.env["ir.model.access"]
                        .with_user(user)
                        .check(model._name, "create", raise_exception=False)
                    )
                    with self._rolled_back():
                        try:
                            model.with_user(user).create({**template, name: value})
                        except AccessError as error:
                            if can_create and label not in str(error):
                                accepted.append(
                                    f"{model._name}.{name} as {user.login} refused for "
                                    f"another reason: {error}"
                                )
                            continue
                        except Exception as error:  # noqa: BLE001 - any other refusal
                            accepted.append(
                                f"{model._name}.{name} as {user.login}: not refused as "
                                f"protected ({type(error).__name__}: {error})"
                            )
                            continue
                        accepted.append(f"{model._name}.{name} created by {user.login}")
        self.assertFalse(accepted, "\n".join(accepted))

    # 2. Public methods -----------------------------------------------------
    def _public_methods(self, model):
        names = set()
        for cls in _dealer_classes(model):
            for name, value in vars(cls).items():
                if name.startswith("_") or name in NOT_WALKED or not inspect.isfunction(value):
                    continue
                if name in ("create", "write", "unlink", "copy", "pool") or name.startswith(
                    ("web_", "search", "read", "name_", "fields_", "default_get", "onchange")
                ):
                    continue
                params = list(inspect.signature(value).parameters.values())[1:]
                if any(
                    p.default is inspect.Parameter.empty
                    and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                    for p in params
                ):
                    continue
                names.add(name)
        return sorted(names)

    def test_every_public_method_checks_its_caller(self):
        """A method that writes as superuser has checked that its caller may write."""
        touched = []
        original = {
            "write": models.BaseModel.write,
            "create": models.BaseModel.create,
            "unlink": models.BaseModel.unlink,
        }

        def recorder(operation):
            def wrapper(self, *args, **kwargs):
                if self.env.su and not self._name.startswith(PLUMBING):
                    touched.append(f"{operation} {self._name}")
                return original[operation](self, *args, **kwargs)

            return wrapper

        failures = []
        users = (*self.departments, self.user_sales_b, self.user_portal)
        for model in _concrete_dealer_models(self.env):
            methods = self._public_methods(model)
            if not methods:
                continue
            records = self._demo_records(model)
            read_actions = model._dealer_read_actions
            for method in methods:
                for record in records:
                    for user in users:
                        touched.clear()
                        as_user = record.with_user(user)
                        with self._rolled_back():
                            with (
                                patch.object(models.BaseModel, "write", recorder("write")),
                                patch.object(models.BaseModel, "create", recorder("create")),
                                patch.object(models.BaseModel, "unlink", recorder("unlink")),
                            ):
                                try:
                                    getattr(as_user, method)()
                                except (AccessError, UserError, ValidationError, RedirectWarning):
                                    continue
                        if not touched:
                            continue
                        operation = "read" if method in read_actions else "write"
                        try:
                            as_user.check_access(operation)
                        except AccessError:
                            failures.append(
                                f"{model._name}.{method} on #{record.id} as {user.login} "
                                f"({operation} not allowed) ran: {sorted(set(touched))}"
                            )
        self.assertFalse(failures, "\n".join(failures))
