"""A browser test without its browser: skipped on a developer's machine, a failure in CI (CI=true), so that a CI
run cannot pass green with every browser test left out."""
from __future__ import annotations

import pytest

from tests import browser_support

A_BROWSER_TEST = """
def test_a_screen(browser):
    assert browser is not None
"""


@pytest.fixture
def without_chromium(pytester, monkeypatch):
    monkeypatch.setattr(browser_support, "CHROMIUM", "/nonexistent/chromium")
    pytester.makepyfile(test_a_screen=A_BROWSER_TEST)
    return pytester


def test_without_chromium_a_browser_test_fails_in_ci(without_chromium, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = without_chromium.runpytest_inprocess("-p", "tests.browser_support", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*CI=true and the browser tests cannot run: Chromium is not installed*"])


def test_without_chromium_a_browser_test_is_skipped_outside_ci(without_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    result = without_chromium.runpytest_inprocess("-p", "tests.browser_support", "-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*Chromium is not installed at /nonexistent/chromium*"])
