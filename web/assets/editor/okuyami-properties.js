// Our own group in the properties panel: what this application needs that stock bpmn-js does not know.
//   lane       → role (spiffworkflow:property "role": the engine maps the lane's tasks to this role; a lane
//                without it is mapped by its name, so an unnamed lane is named after the role it gets)
//   user task  → form (property "formJsonSchemaFilename", a file of forms/tasks/)
//   user task  → deadline rule: a DMN decision (property "deadlineDecision") or a business-day expression
//                (property "deadlineBusinessDays", e.g. `-1` = one business day before the visit)
// The choices (roles, forms, decisions) come from the server through the page's data-options attribute.
import { h } from "@bpmn-io/properties-panel/preact";
import {
  isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited, SelectEntry, TextAreaEntry, TextFieldEntry,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { getSpiffProperty, setSpiffProperties } from "./spiff-properties";

export const FORM_PROPERTY = "formJsonSchemaFilename";
export const ROLE_PROPERTY = "role";
export const DEADLINE_DECISION = "deadlineDecision";
export const DEADLINE_BUSINESS_DAYS = "deadlineBusinessDays";
const BUSINESS_DAYS = /^[+-]?\d{1,3}$/;

// The components must stay the same functions between renders (else preact remounts them while typing),
// so they read the server's choices from here instead of closing over them.
let choices = { roles: [], forms: [], decisions: [] };

function roleOfLaneName(name, roles) {
  const wanted = (name || "").trim().toLowerCase();
  const found = roles.find((role) => role.code.toLowerCase() === wanted
    || role.aliases.some((alias) => alias.toLowerCase() === wanted));
  return found ? found.code : "";
}

function useTools() {
  return { bpmnFactory: useService("bpmnFactory"), commandStack: useService("commandStack"),
    modeling: useService("modeling") };
}

function LaneRoleEntry({ element, id }) {
  const options = choices;
  const tools = useTools();
  return h(SelectEntry, {
    element, id, label: "担当ロール",
    getValue: () => getSpiffProperty(element, ROLE_PROPERTY) || roleOfLaneName(getBusinessObject(element).name,
      options.roles),
    setValue: (code) => {
      setSpiffProperties(element, { [ROLE_PROPERTY]: code }, tools);
      const role = options.roles.find((r) => r.code === code);
      if (role && !(getBusinessObject(element).name || "").trim()) {
        tools.modeling.updateLabel(element, role.aliases[0] || role.code);
      }
    },
    getOptions: () => [{ value: "", label: "（未設定）" },
      ...options.roles.map((role) => ({ value: role.code, label: role.label }))],
  });
}

function FormEntry({ element, id }) {
  const options = choices;
  const tools = useTools();
  return h(SelectEntry, {
    element, id, label: "入力フォーム",
    getValue: () => getSpiffProperty(element, FORM_PROPERTY) || "",
    setValue: (value) => setSpiffProperties(element, { [FORM_PROPERTY]: value }, tools),
    getOptions: () => {
      const current = getSpiffProperty(element, FORM_PROPERTY);
      const forms = options.forms.includes(current) || !current ? options.forms : [...options.forms, current];
      return [{ value: "", label: "（未設定）" }, ...forms.map((form) => ({ value: form, label: form }))];
    },
  });
}

function deadlineKind(element) {
  if (getSpiffProperty(element, DEADLINE_DECISION)) return "decision";
  if (getSpiffProperty(element, DEADLINE_BUSINESS_DAYS)) return "business_days";
  return "";
}

function DeadlineKindEntry({ element, id }) {
  const tools = useTools();
  return h(SelectEntry, {
    element, id, label: "期限の決め方",
    getValue: () => deadlineKind(element),
    setValue: (kind) => setSpiffProperties(element, {
      [DEADLINE_DECISION]: kind === "decision" ? (getSpiffProperty(element, DEADLINE_DECISION) || "") : "",
      [DEADLINE_BUSINESS_DAYS]: kind === "business_days" ? (getSpiffProperty(element, DEADLINE_BUSINESS_DAYS) || "-1") : "",
    }, tools),
    getOptions: () => [{ value: "", label: "期限なし" }, { value: "decision", label: "DMNの決定で決める" },
      { value: "business_days", label: "来庁日からの営業日数" }],
  });
}

function DeadlineDecisionEntry({ element, id }) {
  const options = choices;
  const tools = useTools();
  return h(SelectEntry, {
    element, id, label: "期限を決めるDMNの決定",
    getValue: () => getSpiffProperty(element, DEADLINE_DECISION) || "",
    setValue: (value) => setSpiffProperties(element, { [DEADLINE_DECISION]: value }, tools),
    getOptions: () => [{ value: "", label: "（選んでください）" },
      ...options.decisions.map((d) => ({ value: d.id, label: d.name ? `${d.name}（${d.id}）` : d.id }))],
  });
}

function DeadlineDaysEntry({ element, id }) {
  const tools = useTools();
  return h(TextFieldEntry, {
    element, id, label: "来庁日からの営業日数",
    description: "例: -1 は来庁日の1営業日前（17:00）、3 は3営業日後",
    debounce: (fn) => fn,
    getValue: () => getSpiffProperty(element, DEADLINE_BUSINESS_DAYS) || "",
    setValue: (value) => setSpiffProperties(element, { [DEADLINE_BUSINESS_DAYS]: (value || "").trim() }, tools),
    validate: (value) => (value && !BUSINESS_DAYS.test(value.trim())
      ? "営業日数は -1 や 3 のような整数で書いてください。" : undefined),
  });
}


// A condition on a flow leaving an exclusive or inclusive gateway: a Python expression on the task data, as
// SpiffWorkflow evaluates it (checked by the server's sandbox compiler when the model is validated).
function ConditionEntry({ element, id }) {
  const bpmnFactory = useService("bpmnFactory");
  const modeling = useService("modeling");
  return h(TextAreaEntry, {
    element, id, label: "条件式（Python の式）",
    description: "例: channel == \"walk_in\"　空欄にすると条件なし（既定の流れ）になります。",
    debounce: (fn) => fn,
    getValue: () => {
      const expression = getBusinessObject(element).get("conditionExpression");
      return expression ? expression.get("body") || "" : "";
    },
    setValue: (value) => {
      const body = (value || "").trim();
      modeling.updateProperties(element, {
        conditionExpression: body ? bpmnFactory.create("bpmn:FormalExpression", { body }) : undefined,
      });
    },
  });
}

function isConditionalFlow(element) {
  const source = is(element, "bpmn:SequenceFlow") && element.source;
  return Boolean(source) && (is(source, "bpmn:ExclusiveGateway") || is(source, "bpmn:InclusiveGateway"));
}

function entry(id, component, _options, isEdited) {
  return { id, component, isEdited };
}

export default function OkuyamiPropertiesProvider(propertiesPanel, config) {
  choices = { roles: [], forms: [], decisions: [], ...(config || {}) };
  const options = choices;
  this.getGroups = (element) => (groups) => {
    const entries = [];
    if (is(element, "bpmn:Lane")) {
      entries.push(entry("okuyami-lane-role", LaneRoleEntry, options, isSelectEntryEdited));
    }
    if (isConditionalFlow(element)) {
      entries.push(entry("okuyami-condition", ConditionEntry, options, isTextAreaEntryEdited));
    }
    if (is(element, "bpmn:UserTask")) {
      entries.push(entry("okuyami-form", FormEntry, options, isSelectEntryEdited));
      entries.push(entry("okuyami-deadline-kind", DeadlineKindEntry, options, isSelectEntryEdited));
      const kind = deadlineKind(element);
      if (kind === "decision") {
        entries.push(entry("okuyami-deadline-decision", DeadlineDecisionEntry, options, isSelectEntryEdited));
      } else if (kind === "business_days") {
        entries.push(entry("okuyami-deadline-days", DeadlineDaysEntry, options, isTextFieldEntryEdited));
      }
    }
    if (entries.length) {
      groups.splice(1, 0, { id: "okuyami", label: "おくやみ業務の設定", entries });
    }
    return groups;
  };
  propertiesPanel.registerProvider(400, this);
}
OkuyamiPropertiesProvider.$inject = ["propertiesPanel", "config.okuyami"];
