"""The validator refuses bad models with messages a process owner can act on: which file, which element, what.

Bad models are made by mutating the good fixture XML (review.bpmn + priority.dmn) in the test.
"""
from __future__ import annotations

import re

import pytest

from engine.registry import ModelSource
from tests.support import FIXTURE_MODELS

GOOD_BPMN = (FIXTURE_MODELS / "review.bpmn").read_text(encoding="utf-8")
GOOD_DMN = (FIXTURE_MODELS / "priority.dmn").read_text(encoding="utf-8")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def bpmn_with(old: str, new: str) -> str:
    assert old in GOOD_BPMN, f"fixture no longer contains {old!r}"
    return GOOD_BPMN.replace(old, new, 1)


def dmn_with(old: str, new: str) -> str:
    assert old in GOOD_DMN, f"fixture no longer contains {old!r}"
    return GOOD_DMN.replace(old, new, 1)


def with_timer(expression: str) -> str:
    """review.bpmn with a timer (待機) between 来庁対応 and the end event."""
    return bpmn_with('<bpmn:sequenceFlow id="f6" sourceRef="visit" targetRef="end" />', f"""
    <bpmn:intermediateCatchEvent id="wait" name="待機">
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDuration>{expression}</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f6" sourceRef="visit" targetRef="wait" />
    <bpmn:sequenceFlow id="f7" sourceRef="wait" targetRef="end" />""")


def sources(bpmn: str = GOOD_BPMN, dmn: str = GOOD_DMN, *extra: ModelSource) -> list[ModelSource]:
    return [ModelSource("review.bpmn", bpmn.encode("utf-8")), ModelSource("priority.dmn", dmn.encode("utf-8")), *extra]


BILLION_LAUGHS = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="lol_definitions"
                  targetNamespace="http://okuyami.example/test">
  <bpmn:process id="lol" name="&lol9;" isExecutable="true" />
</bpmn:definitions>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="xxe" name="&secret;" isExecutable="true" />
</bpmn:definitions>
"""
# A DOCTYPE hidden behind more than 4 KiB of comment still carries its entities.
PADDED_DOCTYPE = BILLION_LAUGHS.replace("<!DOCTYPE", "<!--" + " " * 5000 + "-->\n<!DOCTYPE")


# (case, sources, file, element, code, key words in the message)
REFUSALS = [
    ("lane without role", sources(bpmn_with('name="dept_staff"', 'name="経理課"')),
     "review.bpmn", "lane_dept", "lane", ["レーン", "経理課", "ロール"]),
    ("user task outside any lane", sources(bpmn_with("<bpmn:flowNodeRef>intake</bpmn:flowNodeRef>", "")),
     "review.bpmn", "intake", "lane", ["予約受付", "レーン"]),
    ("user task in the system lane",
     sources(bpmn_with("<bpmn:flowNodeRef>precheck</bpmn:flowNodeRef>", "")
             .replace("<bpmn:flowNodeRef>tally</bpmn:flowNodeRef>",
                      "<bpmn:flowNodeRef>tally</bpmn:flowNodeRef><bpmn:flowNodeRef>precheck</bpmn:flowNodeRef>")),
     "review.bpmn", "precheck", "lane", ["事前確認", "システム"]),
    ("user task without form",
     sources(bpmn_with('<spiffworkflow:property name="formJsonSchemaFilename" value="precheck.json" />', "")),
     "review.bpmn", "precheck", "form", ["事前確認", "フォーム"]),
    ("form file missing", sources(bpmn_with("precheck.json", "nonexistent.json")),
     "review.bpmn", "precheck", "form", ["事前確認", "nonexistent.json"]),
    ("import in a script",
     sources(bpmn_with("procedure_count = len(procedures)", "import os\nprocedure_count = len(procedures)")),
     "review.bpmn", "tally", "script", ["手続数の集計", "スクリプト", "1行目", "import は使えません"]),
    ("class walk in a script",
     sources(bpmn_with("procedure_count = len(procedures)",
                       "procedure_count = len(procedures)\nleak = ().__class__.__base__.__subclasses__()")),
     "review.bpmn", "tally", "script", ["手続数の集計", "2行目", "「__class__」のように _ で始まる属性は使えません"]),
    ("open() in a script",
     sources(bpmn_with("checked_on = today().isoformat()", "checked_on = open('/etc/passwd').read()")),
     "review.bpmn", "tally", "script", ["手続数の集計", "2行目", "「open」はモデルのスクリプトでは使えません"]),
    ("gateway condition syntax", sources(bpmn_with("procedure_count &gt; 0", "procedure_count &gt;")),
     "review.bpmn", "route", "expression", ["来庁が必要か", "条件式", "procedure_count >"]),
    ("gateway condition escapes", sources(bpmn_with("procedure_count &gt; 0", '__import__("os").system("id")')),
     "review.bpmn", "route", "expression", ["来庁が必要か", "条件式", "__import__"]),
    ("timer expression", sources(with_timer('"P1D" +')),
     "review.bpmn", "wait", "expression", ["待機", "タイマー式", '"P1D" +', "構文に誤りがあります"]),
    ("timer without quotes", sources(with_timer("P1D")),
     "review.bpmn", "wait", "timer", ["待機", "引用符で囲んでください", '"P1D"']),
    ("DMN cell that escapes", sources(dmn=dmn_with("&gt;= 65", '__import__("os")')),
     "priority.dmn", "rule_elderly", "dmn_cell", ["1 行目", "条件", "__import__", "使えません"]),
    ("DMN cell in Python syntax", sources(dmn=dmn_with("&gt;= 65", "== 65")),
     "priority.dmn", "rule_elderly", "dmn_cell", ["優先度判定", "1 行目", "年齢", "== 65", "「=」"]),
    ("DMN cell cut short", sources(dmn=dmn_with("&gt;= 65", "[65..")),
     "priority.dmn", "rule_elderly", "dmn_cell", ["1 行目", "条件", "途中で終わっています"]),
    ("DMN output in single quotes", sources(dmn=dmn_with('"high"', "'high'")),
     "priority.dmn", "rule_elderly", "dmn_cell", ["1 行目", "出力「priority」", "二重引用符"]),
    ("DMN input expression", sources(dmn=dmn_with("<text>age</text>", "<text>age +</text>")),
     "priority.dmn", "input_age", "dmn_expression", ["入力「年齢」", "式"]),
    ("unknown hit policy", sources(dmn=dmn_with('hitPolicy="FIRST"', 'hitPolicy="SOMETIMES"')),
     "priority.dmn", "priority_table", "hit_policy", ["ヒットポリシー", "SOMETIMES", "使えるもの", "RULE ORDER"]),
    ("unknown aggregation", sources(dmn=dmn_with('hitPolicy="FIRST"', 'hitPolicy="COLLECT" aggregation="MEDIAN"')),
     "priority.dmn", "priority_table", "hit_policy", ["ヒットポリシー", "COLLECT MEDIAN", "COLLECT SUM"]),
    ("aggregation without COLLECT", sources(dmn=dmn_with('hitPolicy="FIRST"', 'hitPolicy="FIRST" aggregation="SUM"')),
     "priority.dmn", "priority_table", "hit_policy", ["ヒットポリシー", "FIRST SUM"]),
    ("PRIORITY without output values", sources(dmn=dmn_with('hitPolicy="FIRST"', 'hitPolicy="PRIORITY"')),
     "priority.dmn", "priority_table", "dmn", ["PRIORITY", "outputValues"]),
    ("XML that does not parse", sources(bpmn_with("</bpmn:process>", "")),
     "review.bpmn", None, "xml", ["XML", f"{len(GOOD_BPMN.splitlines())}行目", "process"]),
    ("billion laughs",
     sources(GOOD_BPMN, GOOD_DMN, ModelSource("lol.bpmn", BILLION_LAUGHS.format(encoding="UTF-8").encode())),
     "lol.bpmn", None, "xml", ["XML", "ENTITY"]),
    ("billion laughs behind a long comment",
     sources(GOOD_BPMN, GOOD_DMN, ModelSource("lol.bpmn", PADDED_DOCTYPE.format(encoding="UTF-8").encode())),
     "lol.bpmn", None, "xml", ["XML", "ENTITY"]),
    ("billion laughs in UTF-16",
     sources(GOOD_BPMN, GOOD_DMN, ModelSource("lol.bpmn", BILLION_LAUGHS.format(encoding="UTF-16").encode("utf-16"))),
     "lol.bpmn", None, "xml", ["XML", "読み込めません"]),
    ("external entity", sources(GOOD_BPMN, GOOD_DMN, ModelSource("xxe.bpmn", EXTERNAL_ENTITY.encode())),
     "xxe.bpmn", None, "xml", ["XML", "ENTITY"]),
    ("neither BPMN nor DMN",
     sources(GOOD_BPMN, GOOD_DMN, ModelSource("page.bpmn", b'<?xml version="1.0"?><html><body>x</body></html>')),
     "page.bpmn", None, "kind", ["BPMN", "DMN", "名前空間"]),
    ("no executable process", sources(bpmn_with('isExecutable="true"', 'isExecutable="false"')),
     "review.bpmn", None, "not_executable", ["実行可能なプロセス", "isExecutable"]),
    ("same file twice", sources(GOOD_BPMN, GOOD_DMN, ModelSource("priority.dmn", GOOD_DMN.encode())),
     "priority.dmn", None, "duplicate", ["同じ名前"]),
]


@pytest.mark.parametrize("case, given, file, element, code, words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_bad_model_is_refused_with_a_message_naming_file_element_and_fault(
        registry, case, given, file, element, code, words):
    _parsed, problems = registry.validate(given)

    matching = [p for p in problems if p.code == code and p.file == file and p.element == element
                and all(word in p.message for word in words)]
    assert matching, f"expected a {code!r} problem on {file} [{element}] saying {words}, got: {problems}"
    problem = matching[0]
    assert JAPANESE.search(problem.message), problem.message
    assert str(problem) == file + (f" [{element}]" if element else "") + ": " + problem.message
    assert problem.as_dict() == {"file": file, "element": element, "message": problem.message, "code": code}


def test_the_good_fixture_models_pass(registry):
    parsed, problems = registry.validate(sources())

    assert problems == []
    assert set(parsed.processes) == {"review"}


PRIORITY_LIST = ('<output id="output_priority" label="優先度" name="priority" typeRef="string">'
                 '<outputValues><text>"high","normal"</text></outputValues></output>')
DMN_13_HIT_POLICIES = {
    "UNIQUE": ('hitPolicy="UNIQUE"', False), "no attribute (UNIQUE)": ("", False),
    "FIRST": ('hitPolicy="FIRST"', False), "ANY": ('hitPolicy="ANY"', False),
    "PRIORITY": ('hitPolicy="PRIORITY"', True), "COLLECT": ('hitPolicy="COLLECT"', False),
    "COLLECT SUM": ('hitPolicy="COLLECT" aggregation="SUM"', False),
    "COLLECT MIN": ('hitPolicy="COLLECT" aggregation="MIN"', False),
    "COLLECT MAX": ('hitPolicy="COLLECT" aggregation="MAX"', False),
    "COLLECT COUNT": ('hitPolicy="COLLECT" aggregation="COUNT"', False),
    "RULE ORDER": ('hitPolicy="RULE ORDER"', False), "OUTPUT ORDER": ('hitPolicy="OUTPUT ORDER"', True),
}


@pytest.mark.parametrize("policy, with_output_values", DMN_13_HIT_POLICIES.values(), ids=DMN_13_HIT_POLICIES.keys())
def test_every_dmn_13_hit_policy_deploys(database, registry, policy, with_output_values):
    dmn = dmn_with('hitPolicy="FIRST"', policy)
    if with_output_values:
        dmn = dmn.replace('<output id="output_priority" label="優先度" name="priority" typeRef="string" />',
                          PRIORITY_LIST)

    with database.transaction() as session:
        deployed = registry.deploy(session, sources(dmn=dmn), actor="process-owner")

    assert [v.process_id for v in deployed.new_versions] == ["review"]


@pytest.mark.parametrize("expression", ['"P1D"', '"2030-04-01T09:00:00+09:00"'])
def test_a_timer_with_a_quoted_expression_passes(registry, expression):
    _parsed, problems = registry.validate(sources(with_timer(expression)))

    assert problems == []


def test_every_problem_of_an_upload_is_reported_at_once(registry):
    bpmn = (bpmn_with('name="dept_staff"', 'name="経理課"')
            .replace("visit.json", "missing.json")
            .replace("procedure_count = len(procedures)", "import os"))

    _parsed, problems = registry.validate(sources(bpmn, dmn_with('hitPolicy="FIRST"', 'hitPolicy="SOMETIMES"')))

    assert {(p.code, p.file, p.element) for p in problems} == {
        ("lane", "review.bpmn", "lane_dept"),
        ("form", "review.bpmn", "visit"),
        ("script", "review.bpmn", "tally"),
        ("hit_policy", "priority.dmn", "priority_table"),
    }


def test_a_task_calling_a_decision_that_is_not_uploaded_is_refused(registry):
    _parsed, problems = registry.validate([ModelSource("review.bpmn", GOOD_BPMN.encode())])

    assert problems, "review.bpmn calls priority_decision, which is in no uploaded file"
    assert all(p.file == "review.bpmn" and JAPANESE.search(p.message) for p in problems)
    assert any("priority_decision" in p.message for p in problems)
