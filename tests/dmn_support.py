"""Small DMN documents written in the tests, so that each test shows the table it is about."""
from __future__ import annotations

from xml.sax.saxutils import escape

from engine.dmn import DecisionService

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def document(*elements: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="{DMN13}" id="defs" name="tests" '
            f'namespace="http://okuyami.example/tests">\n' + "\n".join(elements) + "\n</definitions>\n").encode()


def table_decision(decision_id: str, inputs: list[str], outputs: list[str], rules: list[tuple],
                   hit_policy: str = "UNIQUE", aggregation: str | None = None, requires: tuple[str, ...] = (),
                   output_values: dict[str, str] | None = None, defaults: dict[str, str] | None = None,
                   name: str | None = None) -> str:
    """A decision table: `inputs` are input expressions, `outputs` output names, each rule a tuple of the
    input entries then the output entries (FEEL text). `output_values` / `defaults` by output name."""
    output_values, defaults = output_values or {}, defaults or {}
    attributes = f'hitPolicy="{hit_policy}"' + (f' aggregation="{aggregation}"' if aggregation else "")
    parts = [f'<decision id="{decision_id}" name="{escape(name or decision_id)}">']
    parts += [f'<informationRequirement><requiredDecision href="#{r}"/></informationRequirement>' for r in requires]
    parts.append(f'<decisionTable id="{decision_id}_table" {attributes}>')
    for i, expression in enumerate(inputs):
        parts.append(f'<input id="{decision_id}_in{i}" label="{escape(expression)}"><inputExpression>'
                     f'<text>{escape(expression)}</text></inputExpression></input>')
    for i, output in enumerate(outputs):
        values = (f"<outputValues><text>{escape(output_values[output])}</text></outputValues>"
                  if output in output_values else "")
        default = (f"<defaultOutputEntry><text>{escape(defaults[output])}</text></defaultOutputEntry>"
                   if output in defaults else "")
        parts.append(f'<output id="{decision_id}_out{i}" name="{escape(output)}">{values}{default}</output>')
    for r, cells in enumerate(rules, start=1):
        entries = [f"<inputEntry><text>{escape(c)}</text></inputEntry>" for c in cells[:len(inputs)]]
        entries += [f"<outputEntry><text>{escape(c)}</text></outputEntry>" for c in cells[len(inputs):]]
        parts.append(f'<rule id="{decision_id}_r{r}">' + "".join(entries) + "</rule>")
    parts.append("</decisionTable></decision>")
    return "\n".join(parts)


def literal_decision(decision_id: str, expression: str, requires: tuple[str, ...] = (),
                     name: str | None = None) -> str:
    required = "".join(f'<informationRequirement><requiredDecision href="#{r}"/></informationRequirement>'
                       for r in requires)
    return (f'<decision id="{decision_id}" name="{escape(name or decision_id)}">{required}'
            f'<literalExpression><text>{escape(expression)}</text></literalExpression></decision>')


def service(*elements: str) -> DecisionService:
    return DecisionService.from_xml(document(*elements))
