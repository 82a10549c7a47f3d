"""The tests' own layout: no module under tests/ imports a test module. What several test modules
share lives in a helper module (factories.py, helpers.py, …) or in a conftest.py fixture, so that
running, moving or deleting one test module never changes another."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def enclosing_test_module(name):
    """The test module a dotted name is or lies inside (`tests.cms.test_search` for
    `tests.cms.test_search.add_news`), or None."""
    parts = name.split(".")
    for number, part in enumerate(parts):
        if part.startswith("test_"):
            return ".".join(parts[: number + 1])
    return None


def imported_names(tree, package):
    """Every module an `import` or `from … import` names, relative ones resolved against
    `package`, and each name a `from` imports below its module (it may be a module itself:
    `from tests.cms import test_search`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module
            for alias in node.names:
                yield f"{module}.{alias.name}"


def imported_test_modules(tree, package):
    return sorted({enclosing_test_module(name) for name in imported_names(tree, package)} - {None})


def imports_of_test_modules():
    """(file, test module) for each test module imported by a module under tests/."""
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS.parent)
        package = ".".join(relative.parent.parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [(str(relative), module) for module in imported_test_modules(tree, package)]
    return found


def test_no_module_under_tests_imports_a_test_module():
    assert imports_of_test_modules() == []


def test_the_check_sees_each_way_of_importing_a_test_module():
    def seen(source, package="tests.reports"):
        return imported_test_modules(ast.parse(source), package)

    assert seen("from tests.cms.test_search import add_news") == ["tests.cms.test_search"]
    assert seen("import tests.reports.test_import") == ["tests.reports.test_import"]
    assert seen("import tests.reports.test_import as imports") == ["tests.reports.test_import"]
    assert seen("from tests.cms import test_search") == ["tests.cms.test_search"]
    assert seen("from .test_admin import add_url") == ["tests.reports.test_admin"]
    assert seen("from . import test_sync") == ["tests.reports.test_sync"]
    assert seen("from ..cms.test_api import pages") == ["tests.cms.test_api"]
    assert seen("def f():\n    from tests.cms.test_search import publish") == [
        "tests.cms.test_search"
    ]
    assert seen("from tests.cms.factories import NewsPageFactory") == []
    assert seen("from .helpers import form_data") == []
    assert seen("from tests.redis_broker import REDIS_URL") == []
