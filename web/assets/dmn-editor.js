// The DMN editor page: dmn-js (requirements graph, decision tables, literal expressions) with the same
// save as draft / validate / deploy cycle as the BPMN editor. The cells keep the FEEL unary tests dmn-js
// writes; the server's DMN engine evaluates exactly those.
import DmnModeler from "dmn-js/lib/Modeler";
import DmnViewer from "dmn-js/lib/NavigatedViewer";

import { bindActions } from "./editor/actions";
import { DmnProblemDisplay } from "./editor/dmn-problems";
import { getText } from "./editor/server";
import translateModule from "./editor/translate";

const VIEW_LABELS = { drd: "決定要求図", decisionTable: "決定表", literalExpression: "式" };

function renderTabs(modeler, tabs) {
  const active = modeler.getActiveView();
  tabs.replaceChildren(...modeler.getViews().map((view) => {
    const button = document.createElement("button");
    button.type = "button";
    const name = view.element.name || view.element.id;
    button.textContent = view.type === "drd" ? VIEW_LABELS.drd : `${VIEW_LABELS[view.type] || view.type}: ${name}`;
    button.setAttribute("aria-pressed", String(active && active.element === view.element));
    button.dataset.view = view.element.id;
    button.addEventListener("click", () => modeler.open(view));
    return button;
  }));
}

async function start(root) {
  const readOnly = root.dataset.readonly === "true";
  const container = root.querySelector("[data-role=canvas]");
  // Each view gets the module itself: dmn-js replaces a view's additionalModules, it does not merge "common" ones.
  const translated = Object.fromEntries(["drd", "decisionTable", "literalExpression", "boxedExpression"]
    .map((view) => [view, { additionalModules: [translateModule] }]));
  const modeler = readOnly ? new DmnViewer({ container, ...translated }) : new DmnModeler({ container, ...translated });
  const tabs = root.querySelector("[data-role=views]");
  modeler.on("views.changed", () => renderTabs(modeler, tabs));
  const status = root.querySelector("[data-role=status]");
  try {
    await modeler.importXML(await getText(root.dataset.sourceUrl));
  } catch (error) {
    status.textContent = `モデルを表示できませんでした（${error.message}）。`;
    status.dataset.kind = "error";
    return;
  }
  const table = modeler.getViews().find((view) => view.type === "decisionTable");
  if (table && root.dataset.initialView !== "drd") {
    await modeler.open(table);
  }
  root.dataset.ready = "true";
  if (readOnly) {
    return;
  }
  const problems = new DmnProblemDisplay(modeler, root.querySelector("[data-role=problems]"));
  bindActions(root, {
    exportXml: async () => (await modeler.saveXML({ format: true })).xml,
    showProblems: (list) => problems.show(list),
  });
}

const root = document.getElementById("dmn-editor");
if (root) {
  start(root);
}
