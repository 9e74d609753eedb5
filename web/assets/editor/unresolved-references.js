// SpiffWorkflow reads some BPMN references as variable names (loopDataInputRef / loopDataOutputRef of a
// multi-instance task name a list in the task data, not an element id). bpmn-moddle drops a reference it
// cannot resolve and warns; without this, saving the diagram would silently remove them. We put each one back
// as a detached placeholder element whose id is the name, so it is written out exactly as it was read.
const PLACEHOLDER_TYPE = "bpmn:DataInput";

export function keepUnresolvedReferences(moddle, warnings) {
  for (const warning of warnings || []) {
    const match = /^unresolved reference <(.+)>$/.exec(warning.message || "");
    const owner = warning.element;
    if (!match || !owner || !warning.property) {
      continue;
    }
    const placeholder = moddle.create(PLACEHOLDER_TYPE, { id: match[1] });
    const descriptor = owner.$descriptor.propertiesByName[warning.property]
      || owner.$descriptor.propertiesByName[warning.property.replace(/^.*:/, "")];
    if (descriptor && descriptor.isMany) {
      owner.get(warning.property).push(placeholder);
    } else {
      owner.set(warning.property, placeholder);
    }
  }
}
