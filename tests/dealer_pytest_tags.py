"""pytest plugin: select Odoo tests by their tags, as Odoo's own runner does.

pytest-odoo runs every test class it finds. Odoo's runner (``odoo/tests/loader.py``) runs
only the classes a test module defines itself (not those it imports), only the methods
a class defines itself, and only the tests matching ``--test-tags`` (``+standard`` by
default), so tests tagged ``-standard``, ``external`` or for localisations that are not
installed stay out. Load it with
``-p dealer_pytest_tags`` and the ``tests/`` folder on ``PYTHONPATH``.

It also runs the tests in Odoo's test mode, as Odoo 18's runner does
(``odoo.modules.module.current_test``, set around the suites in ``odoo/tests/loader.py``;
pytest-odoo sets it only from Odoo 19): mails are built but no SMTP server is called.
"""

import types

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--odoo-test-tags",
        default="standard",
        help="Odoo test tags to select, as odoo-bin --test-tags (default: standard)",
    )
    parser.addoption(
        "--odoo-known-failures",
        default=None,
        help="a file of tests that fail without dealer_crm too, one per line: "
        "<module>/tests/<file>.py::<Class>::<method>  # why",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtestloop(session):
    from odoo.modules import module

    module.current_test = True
    try:
        yield
    finally:
        module.current_test = False


def _known_failures(path):
    """{(module, test file, class, method)} read from ``path``."""
    known = set()
    if not path:
        return known
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            node = line.split("#", 1)[0].strip()
            if not node:
                continue
            file_path, cls_name, method = node.split("::")
            parts = file_path.split("/")
            known.add((parts[0], parts[-1].removesuffix(".py"), cls_name, method))
    return known


def pytest_collection_modifyitems(config, items):
    from odoo.tests.tag_selector import TagsSelector

    selector = TagsSelector(config.getoption("--odoo-test-tags"))
    known = _known_failures(config.getoption("--odoo-known-failures"))
    keep, drop = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is None or not hasattr(cls, "test_tags"):
            keep.append(item)
            continue
        method = item.name.split("[")[0]
        if cls.__module__ != item.module.__name__ or (
            method not in vars(cls) and not getattr(cls, "allow_inherited_tests_method", False)
        ):
            drop.append(item)  # imported or inherited: Odoo runs it with its own module
            continue
        file_stem = item.module.__name__.rsplit(".", 1)[-1]
        if (cls.test_module, file_stem, cls.__name__, method) in known:
            drop.append(item)
            continue
        probe = types.SimpleNamespace(
            test_tags=cls.test_tags,
            test_module=cls.test_module,
            test_class=cls.test_class,
            _testMethodName=method,
            __module__=cls.__module__,
        )
        (keep if selector.check(probe) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
