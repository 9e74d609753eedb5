// The BPMN editor page: bpmn-js Modeler with its properties panel and our own group (lane → role, user task →
// form and deadline rule), save as draft / validate / deploy against the server, problems shown on the
// elements. Read-only roles get the navigated viewer. Everything comes from the page's data-* attributes.
import BpmnModeler from "bpmn-js/lib/Modeler";
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";

import { bindActions } from "./editor/actions";
import OkuyamiPropertiesProvider from "./editor/okuyami-properties";
import { ProblemDisplay } from "./editor/problems";
import { getText } from "./editor/server";
import spiffworkflow from "./editor/spiffworkflow-moddle";
import translateModule from "./editor/translate";
import { keepUnresolvedReferences } from "./editor/unresolved-references";

const OkuyamiPropertiesModule = {
  __init__: ["okuyamiPropertiesProvider"],
  okuyamiPropertiesProvider: ["type", OkuyamiPropertiesProvider],
};

function createModeler(root, readOnly, options) {
  const container = root.querySelector("[data-role=canvas]");
  if (readOnly) {
    return new NavigatedViewer({ container, moddleExtensions: { spiffworkflow }, additionalModules: [translateModule] });
  }
  return new BpmnModeler({
    container,
    propertiesPanel: {
      parent: root.querySelector("[data-role=properties]"),
      // Our group opens by itself: it holds what a process owner of this city edits most.
      layout: { groups: { general: { open: true }, okuyami: { open: true } } },
    },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, OkuyamiPropertiesModule,
      translateModule],
    moddleExtensions: { spiffworkflow },
    okuyami: options,
  });
}

async function start(root) {
  const readOnly = root.dataset.readonly === "true";
  const options = JSON.parse(root.dataset.options || "{}");
  const modeler = createModeler(root, readOnly, options);
  const status = root.querySelector("[data-role=status]");
  try {
    const { warnings } = await modeler.importXML(await getText(root.dataset.sourceUrl));
    keepUnresolvedReferences(modeler.get("moddle"), warnings);
    modeler.get("canvas").zoom("fit-viewport");
  } catch (error) {
    status.textContent = `モデルを表示できませんでした（${error.message}）。`;
    status.dataset.kind = "error";
    return;
  }
  root.dataset.ready = "true";
  if (readOnly) {
    return;
  }
  const problems = new ProblemDisplay({
    canvas: modeler.get("canvas"), overlays: modeler.get("overlays"),
    elementRegistry: modeler.get("elementRegistry"), selection: modeler.get("selection"),
  }, root.querySelector("[data-role=problems]"));
  bindActions(root, {
    exportXml: async () => (await modeler.saveXML({ format: true })).xml,
    showProblems: (list) => problems.show(list),
  });
}

const root = document.getElementById("bpmn-editor");
if (root) {
  start(root);
}
