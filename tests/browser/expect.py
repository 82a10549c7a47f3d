"""Playwright's `expect` for the browser tests: one place says what happens without Playwright
(the tests skip, unless LIANHE_REQUIRE_BROWSER is set, as `.ci/run` does). Imported at the top
of a test module, its module-level skip skips that module."""

import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest's `browser` fixture says how to install it
    if os.environ.get("LIANHE_REQUIRE_BROWSER"):
        raise
    pytest.skip("Playwright is not installed", allow_module_level=True)

__all__ = ["expect"]
