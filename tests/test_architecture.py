"""ARCHITECTURE.md's import rules as code. The contracts live in pyproject.toml ([tool.importlinter]) and are checked
by import-linter, which reads every import, direct or through a chain of modules: imports flow web -> processes ->
engine; engine/ and processes/ never import Flask; web/ never imports SpiffWorkflow; the generic task platform never
imports the bereavement case; the public app reaches nothing that opens the staff database or personal data. Each
contract is shown to catch a fake module that breaks it, so a contract that can never fail does not pass unnoticed."""
from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from engine.settings import PROJECT_ROOT

PYPROJECT = PROJECT_ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}


def lint_imports(folder: Path, config: Path) -> tuple[dict[str, bool], str]:
    """Run import-linter over the packages in `folder`: ({contract id: kept}, its report)."""
    environment = {**os.environ, "PYTHONPATH": str(folder), "COLUMNS": "1000"}  # one contract per line
    run = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config)], cwd=folder, env=environment,
                         capture_output=True, text=True, timeout=120)
    report = run.stdout + run.stderr
    kept = {}
    for contract_id, contract in CONTRACTS.items():
        if f"{contract['name']} KEPT" in report:
            kept[contract_id] = True
        elif f"{contract['name']} BROKEN" in report:
            kept[contract_id] = False
    assert set(kept) == set(CONTRACTS), f"import-linter did not check every contract:\n{report}"
    assert (run.returncode == 0) == all(kept.values()), report
    return kept, report


def test_the_tree_keeps_every_import_contract():
    kept, report = lint_imports(PROJECT_ROOT, PYPROJECT)
    assert [contract_id for contract_id, ok in kept.items() if not ok] == [], report


def test_importing_the_public_app_loads_nothing_of_the_staff_side():
    """What import-linter cannot see: a parent package's __init__ runs when web.public is imported."""
    forbidden = CONTRACTS["public-without-personal-data"]["forbidden_modules"]
    run = subprocess.run([sys.executable, "-c", "import sys, web.public; print('\\n'.join(sys.modules))"],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True)
    loaded = set(run.stdout.split())
    assert sorted(m for m in loaded if any(m == f or m.startswith(f + ".") for f in forbidden)) == []


# ------------------------------------------------------------------------------ each contract can fail
def fake_project(folder: Path, modules: dict[str, str]) -> Path:
    """A project in `folder` with every package the contracts name, empty, plus `modules` ({file: source});
    its pyproject.toml holds the real contracts."""
    names = set(CONFIG["root_packages"])
    for contract in CONTRACTS.values():
        names.update(contract.get("layers", []), contract.get("source_modules", []),
                     contract.get("forbidden_modules", []))
    for name in names:
        if name.split(".")[0] not in CONFIG["root_packages"]:
            continue                                        # an external package (flask, SpiffWorkflow)
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):
            package = folder.joinpath(*parts[:depth])
            package.mkdir(exist_ok=True)
            (package / "__init__.py").touch()
    for file, source in modules.items():
        (folder / file).write_text(source, encoding="utf-8")
    config = folder / "pyproject.toml"
    config.write_text(PYPROJECT.read_text(encoding="utf-8"), encoding="utf-8")
    return config


VIOLATIONS = {
    "one-way": {"engine/registry.py": "from processes.okuyami import booking\n"},
    "engine-without-flask": {"engine/db/session.py": "from flask import g\n"},
    "processes-without-flask": {"processes/okuyami/booking.py": "import werkzeug.exceptions\n"},
    "web-without-spiffworkflow": {"web/staff/cases.py": "from SpiffWorkflow.bpmn import BpmnWorkflow\n"},
    "tasks-without-okuyami": {"processes/tasks/completion.py": "from processes.okuyami import booking\n"},
    # through a chain: the public app imports a shared piece of web/ that opens the staff database
    "public-without-personal-data": {"web/public/app.py": "from web import formatting\n",
                                     "web/formatting.py": "from engine.db import session\n"},
}


def test_a_project_that_breaks_no_rule_keeps_every_contract(tmp_path):
    kept, report = lint_imports(tmp_path, fake_project(tmp_path, {"web/staff/cases.py": "from processes import okuyami\n",
                                                                  "processes/okuyami/booking.py": "import engine.db\n"}))
    assert all(kept.values()), report


@pytest.mark.parametrize("contract_id", sorted(VIOLATIONS))
def test_a_module_breaking_a_rule_is_reported_against_that_contract(tmp_path, contract_id):
    modules = VIOLATIONS[contract_id]
    kept, report = lint_imports(tmp_path, fake_project(tmp_path, modules))
    assert [broken for broken, ok in kept.items() if not ok] == [contract_id], report
    offender = next(iter(modules)).removesuffix(".py").replace("/", ".")
    assert offender in report
