"""One word per idea (issue 25): names checked on the source, without Odoo.

- every field dealer_crm adds to a core model starts with ``dealer_``;
- ``dealer_kind`` is declared on one model only (the kind of a loyalty points movement);
- smart-button methods follow one pattern: ``action_dealer_view_<things>`` on core models,
  ``action_view_<things>`` on dealer models, each starting with ``self.ensure_one()`` and
  returning the shared ``_dealer_related_action`` (models/base.py).
"""

import ast
import re
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent / "dealer_crm"

#: core fields dealer_crm declares again (to add tracking, an index, a label...), and the
#: fields whose name a core mechanism requires; none of them is a new field
REDECLARED = {
    # fleet's make/model catalog also holds watch references: one more vehicle type
    # (issue 32), a selection_add on fleet's own field
    ("fleet.vehicle.model", "vehicle_type"),
    # helpdesk_mgmt_sla's ticket fields, for staff only (the portal sees no SLA)
    ("helpdesk.ticket", "ticket_sla_ids"),
    ("helpdesk.ticket", "sla_deadline"),
    ("helpdesk.ticket", "sla_expired"),
    ("res.partner", "name"),
    ("res.partner", "email"),
    ("res.partner", "phone"),
    ("res.partner", "mobile"),
    ("res.partner", "street"),
    ("res.partner", "city"),
    # a core field given an index: the customer timeline reads registrations by contact
    ("event.registration", "partner_id"),
    # the contact merge wizard finds its grouping criteria by the ``group_by_`` prefix
    ("base.partner.merge.automatic.wizard", "group_by_dealer_vin"),
    ("base.partner.merge.automatic.wizard", "group_by_dealer_phone"),
    ("base.partner.merge.automatic.wizard", "group_by_dealer_name"),
    # a core field given an index: the customer timeline reads a customer's mailings by it
    ("mailing.trace", "res_id"),
    # a booking's company (its type's, stored): the figure registry reads a source's
    # company_id (issue 29)
    ("resource.booking", "company_id"),
    # helpdesk_mgmt's internal notes, made staff only: never read by a portal customer
    ("helpdesk.ticket", "notes"),
    # auto_backup's SFTP password, readable by OCA's readers only, not by the dealer
    # managers who read the backup schedules (issue 31)
    ("db.backup", "sftp_password"),
    # the link of a rating email, read by managers and the system only: staff who know
    # it could answer for the customer (issue 31, review F2)
    ("rating.rating", "access_token"),
}


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _classes():
    """(path, model, inherited models, class node, is a core model) of every model class."""
    for path in sorted(ADDON.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(ADDON).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            attrs = {
                stmt.targets[0].id: _literal(stmt.value)
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            }
            inherit = attrs.get("_inherit") or []
            inherit = [inherit] if isinstance(inherit, str) else list(inherit)
            model = attrs.get("_name") or (inherit[0] if inherit else None)
            if not model:
                continue
            yield path, model, inherit, node, not model.startswith("dealer.")


def _fields(node):
    for stmt in node.body:
        if (
            isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
            and getattr(stmt.value.func.value, "id", None) == "fields"
        ):
            yield stmt.targets[0].id


def _extensions():
    """Classes that add to a core model (``_inherit`` of it, with no or the same ``_name``)."""
    for path, model, inherit, node, core in _classes():
        if core and model in inherit:
            yield path, model, inherit, node


def test_every_field_added_to_a_core_model_starts_with_dealer():
    mixins = {
        m for _p, _m, inherit, _n in _extensions() for m in inherit if m.startswith("dealer.")
    }
    assert mixins, "the core models carry dealer mixins"
    wrong = []
    for path, model, _inherit, node in _extensions():
        for name in _fields(node):
            if not name.startswith("dealer_") and (model, name) not in REDECLARED:
                wrong.append(f"{path.name}: {model}.{name}")
    # a dealer mixin inherited by a core model adds its fields to that model too
    for path, model, _inherit, node, _core in _classes():
        if model in mixins:
            wrong += [
                f"{path.name}: {model}.{name}"
                for name in _fields(node)
                if not name.startswith("dealer_")
            ]
    assert not wrong, "fields added to core models without the dealer_ prefix:\n" + "\n".join(wrong)


def test_the_allow_list_names_only_fields_still_declared():
    declared = {(model, name) for _p, model, _i, node in _extensions() for name in _fields(node)}
    assert REDECLARED <= declared, REDECLARED - declared


def test_dealer_kind_is_the_loyalty_movement_only():
    declaring = sorted(
        {model for _p, model, _i, node, _c in _classes() if "dealer_kind" in _fields(node)}
    )
    assert declaring == ["loyalty.history"]


def _smart_buttons():
    """Every method that opens a record's related records (uses ``_dealer_related_action``)
    or is named like one; a dealer mixin of a core model counts as that core model."""
    core_mixins = {m for _p, _m, inherit, _n in _extensions() for m in inherit}
    for path, model, _inherit, node, core in _classes():
        core = core or model in core_mixins
        for method in node.body:
            if not isinstance(method, ast.FunctionDef):
                continue
            calls = {
                sub.func.attr
                for sub in ast.walk(method)
                if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
            }
            named = method.name.startswith(("action_view_", "action_dealer_view_"))
            if named or ("_dealer_related_action" in calls and not method.name.startswith("_")):
                yield path, model, core, method, calls


def test_smart_button_methods_follow_one_pattern():
    buttons = list(_smart_buttons())
    assert len(buttons) >= 11
    wrong = []
    for path, model, core, method, calls in buttons:
        prefix = "action_dealer_view_" if core else "action_view_"
        first = method.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            first = method.body[1]  # the docstring
        problems = [
            not method.name.startswith(prefix) and f"not named {prefix}<things>",
            "_dealer_related_action" not in calls and "not through _dealer_related_action",
            ast.unparse(first) != "self.ensure_one()" and "does not start with ensure_one",
        ]
        wrong += [f"{path.name}: {model}.{method.name} {p}" for p in problems if p]
    assert not wrong, "\n".join(wrong)


def test_view_buttons_call_smart_button_methods_that_exist():
    """The views and tours name the methods as the models spell them (a renamed method
    left in a view fails only when clicked)."""
    methods = {method.name for _p, _m, _c, method, _calls in _smart_buttons()}
    named = set()
    for path in [*ADDON.rglob("*.xml"), *ADDON.rglob("*.js")]:
        named.update(re.findall(r"(?<!\w)action_(?:dealer_)?view_\w+", path.read_text()))
    assert named, "the views have smart buttons"
    assert named <= methods, named - methods
