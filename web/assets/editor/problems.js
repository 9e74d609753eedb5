// Validation problems on the diagram: a marker on each element named by a problem, an overlay with its
// Japanese message(s), and the full list beside the diagram (problems without an element are listed there).
const MARKER = "okuyami-problem";
const OVERLAY_TYPE = "okuyami-problem";
const READABLE_ZOOM = 0.9;

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
    const first = problems.find((p) => p.element && this.elementRegistry.get(p.element));
    if (first) {
      this.focus(first.element, { select: false });
    }
    for (const problem of problems) {
      const item = document.createElement("li");
      const onDiagram = problem.element && this.elementRegistry.get(problem.element);
      if (onDiagram) {
        const name = onDiagram.businessObject && onDiagram.businessObject.name;
        const link = textElement("button", "link-button", name ? `${name}（${problem.element}）` : problem.element);
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

  /** Bring an element into view at a readable zoom (the whole case process fits only when zoomed far out). */
  focus(id, { select = true } = {}) {
    const element = this.elementRegistry.get(id);
    if (!element) {
      return;
    }
    if (select) {
      this.selection.select(element);
    }
    if (this.canvas.zoom() < READABLE_ZOOM) {
      this.canvas.zoom(READABLE_ZOOM);
    }
    this.canvas.scrollToElement(element, { top: 120, bottom: 120, left: 240, right: 160 });
  }
}
