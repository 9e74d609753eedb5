// Reading and writing <spiffworkflow:properties><spiffworkflow:property name value/></spiffworkflow:properties>
// on a BPMN element, as undoable commands (one multi-command per change).
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

function propertiesContainer(businessObject) {
  const extension = businessObject.get("extensionElements");
  return extension && extension.get("values").find((value) => is(value, "spiffworkflow:Properties"));
}

export function getSpiffProperty(element, name) {
  const container = propertiesContainer(getBusinessObject(element));
  const property = container && container.get("properties").find((p) => p.name === name);
  return property ? property.value : undefined;
}

function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

/** Set several properties at once; an empty or null value removes the property. */
export function setSpiffProperties(element, values, { bpmnFactory, commandStack }) {
  const businessObject = getBusinessObject(element);
  const commands = [];
  let extension = businessObject.get("extensionElements");
  if (!extension) {
    extension = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    extension.$parent = businessObject;
    commands.push(update(element, businessObject, { extensionElements: extension }));
  }
  let container = propertiesContainer(businessObject);
  if (!container) {
    container = bpmnFactory.create("spiffworkflow:Properties", { properties: [] });
    container.$parent = extension;
    commands.push(update(element, extension, { values: [...extension.get("values"), container] }));
  }
  let list = [...container.get("properties")];
  for (const [name, value] of Object.entries(values)) {
    const existing = list.find((p) => p.name === name);
    if (value === undefined || value === null || value === "") {
      list = list.filter((p) => p !== existing);
    } else if (existing) {
      commands.push(update(element, existing, { value }));
    } else {
      const property = bpmnFactory.create("spiffworkflow:Property", { name, value });
      property.$parent = container;
      list.push(property);
    }
  }
  commands.push(update(element, container, { properties: list }));
  commandStack.execute("properties-panel.multi-command-executor", commands);
}
