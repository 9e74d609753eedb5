"""The BPMN MIWG reference models (foreign, drawn by other tools) never crash the registry: each either deploys or
is refused with problems that name the file and say in Japanese what is wrong. The files are read in place."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from engine.errors import ModelRejected
from engine.registry import ModelSource
from tests.support import MIWG_DIR

EXPECTED_FILES = 21
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# A missing directory must fail, not skip (pytest skips an empty parameter list): keep one missing path then.
MIWG_FILES = sorted(MIWG_DIR.glob("*.bpmn")) or [MIWG_DIR / "missing-reference-suite.bpmn"]


def _check_problems(path, problems) -> None:
    for problem in problems:
        assert problem.file == path.name, str(problem)
        assert problem.message.strip() and JAPANESE.search(problem.message), str(problem)
        assert problem.code, str(problem)


def test_the_reference_suite_is_complete():
    assert MIWG_DIR.is_dir(), f"BPMN MIWG reference models not found at {MIWG_DIR}"
    assert len(list(MIWG_DIR.glob("*.bpmn"))) >= EXPECTED_FILES


@pytest.mark.parametrize("path", MIWG_FILES, ids=lambda p: p.name)
def test_a_reference_model_validates_or_is_refused_with_readable_problems(registry, path):
    assert path.is_file(), f"{path} is missing"

    parsed, problems = registry.validate([ModelSource.from_path(path)])

    _check_problems(path, problems)
    if not problems:
        assert parsed.processes, f"{path.name} passed validation without an executable process"


@pytest.mark.parametrize("path", MIWG_FILES, ids=lambda p: p.name)
def test_a_reference_model_deploys_or_is_rejected_as_a_whole(database, registry, path):
    assert path.is_file(), f"{path} is missing"
    _parsed, expected = registry.validate([ModelSource.from_path(path)])

    try:
        with database.transaction() as session:
            result = registry.deploy(session, [ModelSource.from_path(path)], actor="miwg")
    except ModelRejected as rejected:
        assert rejected.problems == expected and rejected.problems
        _check_problems(path, rejected.problems)
        with database.transaction(write=False) as session:
            assert registry.live_files(session) == [] and registry.list_versions(session) == []
    else:
        assert expected == []
        assert result.new_versions and [f.name for f in result.files] == [path.name]


def test_deployed_and_refused_counts_add_up(registry, capsys):
    outcomes: Counter = Counter()
    codes: Counter = Counter()
    for path in MIWG_FILES:
        assert path.is_file(), f"{path} is missing"
        _parsed, problems = registry.validate([ModelSource.from_path(path)])
        outcomes["refused" if problems else "deployable"] += 1
        codes.update(p.code for p in problems)
        _check_problems(path, problems)

    with capsys.disabled():
        print(f"\nMIWG reference: {outcomes['deployable']} deployable, {outcomes['refused']} refused "
              f"(problem codes: {dict(sorted(codes.items()))})")
    assert outcomes["deployable"] + outcomes["refused"] == len(MIWG_FILES) >= EXPECTED_FILES
    assert sum(codes.values()) >= outcomes["refused"]
