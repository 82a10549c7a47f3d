"""The shape docs/architecture.md describes, kept: small product modules, one class per name."""

import ast
import collections
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("cms", "activities", "campaigns", "reports")
MAX_LINES = 400


def product_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            # Data, not code: migrations and demo content.
            if "migrations" in parts or "demo" in parts:
                continue
            yield path


def test_no_product_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): count
        for path in product_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_two_product_classes_share_a_name():
    places = collections.defaultdict(list)
    for path in product_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                places[node.name].append(str(path.relative_to(ROOT)))
    # Django finds a management command by its module's name; its class is always `Command`.
    places.pop("Command", None)
    shared = {name: where for name, where in places.items() if len(where) > 1}
    assert shared == {}
