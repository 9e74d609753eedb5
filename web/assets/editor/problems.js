// Validation problems on the diagram: a marker on each element named by a problem, an overlay with its
// Japanese message(s), and the full list beside the diagram (problems without an element are listed there).
const MARKER = "okuyami-problem";
const OVERLAY_TYPE = "okuyami-problem";

function textElement(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

export class ProblemDisplay {
  constructor({ canvas, overlays, elementRegistry, selection }, listNode) {
    this.canvas = canvas;
    this.overlays = overlays;
    this.elementRegistry = elementRegistry;
    this.selection = selection;
    this.listNode = listNode;
    this.marked = [];
  }

  clear() {
    this.overlays.remove({ type: OVERLAY_TYPE });
    for (const id of this.marked) {
      if (this.elementRegistry.get(id)) {
        this.canvas.removeMarker(id, MARKER);
      }
    }
    this.marked = [];
    this.listNode.replaceChildren();
  }

  show(problems) {
    this.clear();
    const byElement = new Map();
    for (const problem of problems) {
      const key = problem.element && this.elementRegistry.get(problem.element) ? problem.element : null;
      if (!byElement.has(key)) {
        byElement.set(key, []);
      }
      byElement.get(key).push(problem.message);
    }
    for (const [id, messages] of byElement) {
      if (id === null) {
        continue;
      }
      this.canvas.addMarker(id, MARKER);
      this.marked.push(id);
      const box = document.createElement("div");
      box.className = "okuyami-problem-overlay";
      box.setAttribute("role", "note");
      box.dataset.element = id;
      for (const message of messages) {
        box.appendChild(textElement("p", "okuyami-problem-message", message));
      }
      this.overlays.add(id, OVERLAY_TYPE, { position: { bottom: -6, left: 0 }, html: box });
    }
    for (const problem of problems) {
      const item = document.createElement("li");
      const onDiagram = problem.element && this.elementRegistry.get(problem.element);
      if (onDiagram) {
        const link = textElement("button", "link-button", problem.element);
        link.type = "button";
        link.addEventListener("click", () => this.focus(problem.element));
        item.append(link, "：");
      } else if (problem.element) {
        item.append(`${problem.element}：`);
      }
      item.append(problem.message);
      this.listNode.appendChild(item);
    }
  }

  focus(id) {
    const element = this.elementRegistry.get(id);
    if (!element) {
      return;
    }
    this.selection.select(element);
    this.canvas.scrollToElement(element);
  }
}
