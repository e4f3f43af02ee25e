"""Every message of the addon can be translated, checked without Odoo (issue 30).

Odoo's export of the addon's terms (``make pot``) runs Babel's Python extractor on each
``.py`` file of the addon, ``tools/`` included, for the calls ``_()`` and ``_lt()``
(``odoo/tools/translate.py``, ``TranslationModuleReader``). Babel evaluates the
arguments of those calls: an f-string among them raises, and the export then drops
every term of the file without failing. A term is the literal text of the call: text
formatted inside the call (an f-string, ``%`` or ``.format``) is not the term, and a
message raised to a user outside ``_()`` is never translated.

Odoo's module-level ``_()`` finds the language in its caller's frame (``self``,
``context``): a comprehension, a generator expression or a lambda is a frame of its
own (Python 3.11), where ``_()`` finds none and returns the English text. There the
addon binds ``_ = self.env._`` in the enclosing method, or calls ``self.env._()``.
"""

import ast
from pathlib import Path

import pytest
from babel.messages.extract import extract

ADDON = Path(__file__).resolve().parent.parent / "dealer_crm"
FILES = sorted(ADDON.rglob("*.py"))
#: the keywords Odoo's export extracts
KEYWORDS = {"_": None, "_lt": None}
#: the exceptions that reach users with their message
USER_ERRORS = {"UserError", "ValidationError", "AccessError", "RedirectWarning", "MissingError"}
#: the expressions Python runs in a frame of their own
OWN_FRAME = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)


def _rel(path):
    return str(path.relative_to(ADDON))


def _is_translation(node):
    """``_(...)``, ``_lt(...)`` or ``env._(...)``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id in KEYWORDS) or (
        isinstance(func, ast.Attribute) and func.attr == "_"
    )


def _is_built_text(node):
    """Text put together in code: an f-string, a literal with ``%``, ``+`` or ``.format``."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return any(
            isinstance(side, (ast.Constant, ast.JoinedStr)) for side in (node.left, node.right)
        )
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, (ast.Constant, ast.JoinedStr))
    )


def _calls(path):
    return [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call)]


def _binds_env_translation(function):
    """The method binds ``_ = <env>._``: its ``_()`` is the environment's."""
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == "_" for target in node.targets)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "_"
        for node in ast.walk(function)
    )


def _translated_in_own_frame(tree):
    """Lines of the module-level ``_()``/``_lt()`` called in a comprehension, a
    generator expression or a lambda; a lambda of ``self`` (a field's default) and a
    method binding ``_ = self.env._`` are fine."""
    wrong = []

    def visit(node, function, own_frame):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function, own_frame = node, False
        elif isinstance(node, ast.Lambda) and "self" in [arg.arg for arg in node.args.args]:
            own_frame = False
        elif isinstance(node, OWN_FRAME):
            own_frame = True
        elif (
            own_frame
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in KEYWORDS
            and not (node.func.id == "_" and function and _binds_env_translation(function))
        ):
            wrong.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child, function, own_frame)

    visit(tree, None, False)
    return wrong


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_odoo_extracts_every_term_of_the_file(path):
    with path.open("rb") as source:
        terms = list(extract("python", source, keywords=KEYWORDS, options={"encoding": "UTF-8"}))
    # a call of _ or _lt (not of __init__ or another name ending in an underscore)
    if any(
        isinstance(call.func, ast.Name | ast.Attribute)
        and getattr(call.func, "id", getattr(call.func, "attr", None)) in ("_", "_lt")
        for call in _calls(path)
    ):
        assert terms or "tests" in path.parts, f"{_rel(path)}: no term extracted"


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_the_term_is_the_literal_text_of_the_call(path):
    wrong = []
    for call in filter(_is_translation, _calls(path)):
        first = call.args[0] if call.args else None
        if any(isinstance(node, ast.JoinedStr) for node in ast.walk(call)):
            wrong.append(f"line {call.lineno}: an f-string in the call")
        elif first is not None and _is_built_text(first):
            wrong.append(f"line {call.lineno}: the text is formatted inside the call")
        elif (
            isinstance(call.func, ast.Name)
            and first is not None
            and not (isinstance(first, ast.Constant) and isinstance(first.value, str))
        ):
            # env._(variable) says a term marked elsewhere; _() and _lt() mark the term
            wrong.append(f"line {call.lineno}: {call.func.id}() of no literal text")
    assert not wrong, f"{_rel(path)}: {wrong}"


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_a_message_raised_to_users_is_translated(path):
    wrong = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        func = node.exc.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in USER_ERRORS and node.exc.args:
            message = node.exc.args[0]
            if isinstance(message, ast.Constant) or _is_built_text(message):
                wrong.append(f"line {node.lineno}: {name}({ast.unparse(message)[:60]})")
    assert not wrong, f"{_rel(path)}: messages outside _(): {wrong}"


@pytest.mark.parametrize("path", [path for path in FILES if "tests" not in path.parts], ids=_rel)
def test_no_translation_in_a_frame_without_language(path):
    wrong = _translated_in_own_frame(ast.parse(path.read_text()))
    assert not wrong, f"{_rel(path)}: _() in a comprehension or lambda, lines {wrong}"


def test_the_frame_check_catches_the_old_code():
    old = ast.parse(
        "from odoo import _\n"
        "def expire(self, cards):\n"
        "    return [{'description': _('%s points expired', n)} for n in cards]\n"
        "def columns(self, messages):\n"
        "    return [{_('Date'): str(m.date)} for m in messages]\n"
        "def later(self):\n"
        "    return sorted(self, key=lambda r: _('Done'))\n"
    )
    assert _translated_in_own_frame(old) == [3, 5, 7]
    fixed = ast.parse(
        "from odoo import _\n"
        "def expire(self, cards):\n"
        "    _ = self.env._\n"
        "    return [{'description': _('%s points expired', n)} for n in cards]\n"
        "def columns(self, messages):\n"
        "    return [{self.env._('Date'): str(m.date)} for m in messages]\n"
        "name = fields.Char(default=lambda self: _('New'))\n"
    )
    assert _translated_in_own_frame(fixed) == []


def test_the_checks_catch_what_they_are_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from odoo import _\nfrom odoo.exceptions import UserError\n"
        "def f(self, x):\n"
        "    self.env._('Plate %s', f'{x}')\n"
        "    _('Plate %s' % x)\n"
        "    raise UserError(f'No plate {x}')\n"
    )
    tree_calls = list(filter(_is_translation, _calls(bad)))
    assert len(tree_calls) == 2
    assert _is_built_text(tree_calls[1].args[0])
    with bad.open("rb") as source, pytest.raises(NameError):
        list(extract("python", source, keywords=KEYWORDS, options={"encoding": "UTF-8"}))
