// The SpiffWorkflow extension elements our models use (namespace "spiffworkflow"), so that bpmn-js reads,
// edits and writes them back exactly as SpiffWorkflow's parser expects them.
const attribute = (name) => ({ name, type: "String", isAttr: true });
const body = { name: "value", type: "String", isBody: true };
const element = (name, properties) => ({ name, superClass: ["Element"], properties });

export default {
  name: "SpiffWorkflow",
  uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
  prefix: "spiffworkflow",
  xml: { tagAlias: "lowerCase" },
  associations: [],
  types: [
    element("Properties", [{ name: "properties", type: "Property", isMany: true }]),
    element("Property", [attribute("name"), attribute("value")]),
    element("CalledDecisionId", [body]),
    element("ServiceTaskOperator", [attribute("id"), attribute("resultVariable"),
      { name: "parameterList", type: "Parameters" }]),
    element("Parameters", [{ name: "parameters", type: "Parameter", isMany: true }]),
    element("Parameter", [attribute("id"), attribute("type"), attribute("value")]),
    element("MessageVariable", [body]),
    element("MessagePayload", [body]),
    element("PreScript", [body]),
    element("PostScript", [body]),
    element("InstructionsForEndUser", [body]),
    element("UnitTests", [{ name: "unitTests", type: "UnitTest", isMany: true }]),
    element("UnitTest", [attribute("id"), { name: "inputJson", type: "InputJson" },
      { name: "expectedOutputJson", type: "ExpectedOutputJson" }]),
    element("InputJson", [body]),
    element("ExpectedOutputJson", [body]),
    element("ProcessVariableCorrelation", [{ name: "propertyId", type: "String" }, { name: "expression", type: "String" }]),
    element("SignalPayload", [body]),
    element("VariableName", [body]),
  ],
};
