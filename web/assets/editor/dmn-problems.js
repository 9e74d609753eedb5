// Validation problems in the DMN editor: the full list beside the editor, and the elements they name marked
// where the active view shows them (a decision in the requirements graph, a rule's row in a decision table).
const MARKER = "okuyami-problem";

export class DmnProblemDisplay {
  constructor(modeler, listNode) {
    this.modeler = modeler;
    this.listNode = listNode;
    this.problems = [];
    modeler.on("views.changed", () => this.mark());
  }

  show(problems) {
    this.problems = problems;
    this.listNode.replaceChildren(...problems.map((problem) => {
      const item = document.createElement("li");
      item.textContent = problem.element ? `${problem.element}：${problem.message}` : problem.message;
      return item;
    }));
    this.mark();
  }

  mark() {
    const viewer = this.modeler.getActiveViewer();
    const view = this.modeler.getActiveView();
    if (!viewer || !view) {
      return;
    }
    const ids = new Set(this.problems.map((p) => p.element).filter(Boolean));
    if (view.type === "drd") {
      const canvas = viewer.get("canvas");
      for (const element of viewer.get("elementRegistry").getAll()) {
        if (ids.has(element.id)) {
          canvas.addMarker(element, MARKER);
        } else if (element.parent) {
          canvas.removeMarker(element, MARKER);
        }
      }
      return;
    }
    // Tables render after the view switch: wait one frame before looking for the rows.
    window.requestAnimationFrame(() => {
      const container = viewer._container || document;
      for (const cell of container.querySelectorAll("[data-row-id]")) {
        cell.classList.toggle(MARKER, ids.has(cell.dataset.rowId));
      }
    });
  }
}
