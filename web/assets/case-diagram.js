// The case screen's process diagram: the BPMN of the case's own model version in the bpmn-js navigated viewer
// (the UMD bundle vendor/bpmn-navigated-viewer.js, global BpmnJS), each step marked completed / active /
// cancelled from the server's JSON (data-diagram-url). No inline script: the page only carries data-* attributes.
const MARKERS = { completed: "step-completed", active: "step-active", cancelled: "step-cancelled" };

function showStatus(root, text) {
  let status = root.querySelector(".diagram-status");
  if (!status) {
    status = document.createElement("p");
    status.className = "diagram-status";
    root.prepend(status);
  }
  status.textContent = text;
}

async function render(root) {
  const response = await fetch(root.dataset.diagramUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    showStatus(root, "プロセス図を読み込めませんでした。");
    return;
  }
  const { xml, states } = await response.json();
  root.querySelector(".diagram-status")?.remove();
  const canvasHost = document.createElement("div");
  canvasHost.className = "diagram-canvas";
  root.append(canvasHost);
  const viewer = new window.BpmnJS({ container: canvasHost });
  await viewer.importXML(xml);
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  const marked = [];
  for (const [elementId, state] of Object.entries(states)) {
    if (MARKERS[state] && registry.get(elementId)) {
      canvas.addMarker(elementId, MARKERS[state]);
      marked.push(`${elementId}:${state}`);
    }
  }
  canvas.zoom("fit-viewport");
  root.dataset.marked = marked.join(" ");
  root.dataset.ready = "true";
}

function start() {
  const root = document.getElementById("case-diagram");
  if (!root || !window.BpmnJS) return;
  render(root).catch(() => showStatus(root, "プロセス図を表示できませんでした。"));
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
