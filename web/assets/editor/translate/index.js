// The editors in Japanese: bpmn-js, its properties panel and dmn-js call the `translate` service for every label,
// tooltip and menu entry; this module replaces it (as bpmn-io's "custom-translate" example does) with a lookup in
// our Japanese dictionary, keeping `{placeholder}` replacements. A string not in the dictionary stays as written.
import ja from "./ja";

export function translate(template, replacements) {
  const text = ja[template] ?? template;
  return text.replace(/{([^}]+)}/g, (whole, key) => (replacements && key in replacements ? replacements[key] : whole));
}

export default { translate: ["value", translate] };
