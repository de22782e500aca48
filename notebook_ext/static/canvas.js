// The lineage canvas: draws the one scene Python sends (mlg.notebook.cytoscape_view).
//
// Python owns the state. Each change arrives as one `scene` ({nodes, edges, view,
// positions, serial}); this file makes Cytoscape.js hold exactly those elements (a
// diff: remove, add, update), then applies the viewport action: "fit" (everything),
// "keep" (an expand: the view does not move), or focus on a few nodes (find).
// Clicks, double clicks and edge hovers go back to Python as messages.

const FIT_PADDING = 30;
const MAX_FIT_ZOOM = 1.25;
const FOCUS_PADDING = 80;

function loadCytoscape(model) {
  // one copy per page, whatever the number of diagrams
  if (!globalThis.__mlgCytoscape) {
    const source = model.get("_library");
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    globalThis.__mlgCytoscape = import(url).then((m) => m.default);
  }
  return globalThis.__mlgCytoscape;
}

function fitAll(cy) {
  if (cy.elements().empty()) return;
  cy.fit(cy.elements(), FIT_PADDING);
  if (cy.zoom() > MAX_FIT_ZOOM) {
    cy.zoom(MAX_FIT_ZOOM);
    cy.center();
  }
}

function focusOn(cy, ids) {
  let found = cy.collection();
  for (const id of ids) found = found.union(cy.getElementById(id));
  if (found.empty()) return;
  cy.fit(found, FOCUS_PADDING);
  if (cy.zoom() > MAX_FIT_ZOOM) {
    cy.zoom(MAX_FIT_ZOOM);
    cy.center(found);
  }
}

function applyScene(cy, scene) {
  const nodes = new Map(scene.nodes.map((n) => [n.data.id, n]));
  const edges = new Map(scene.edges.map((e) => [e.data.id, e]));
  const relayout = scene.layout === "all";
  cy.batch(() => {
    cy.edges().forEach((e) => {
      if (!edges.has(e.id())) e.remove();
    });
    cy.nodes().forEach((n) => {
      if (!nodes.has(n.id())) n.remove();
    });
    const added = [];
    for (const [id, n] of nodes) {
      const have = cy.getElementById(id);
      if (have.empty()) {
        added.push({ group: "nodes", data: n.data, classes: n.classes, position: n.position });
      } else {
        have.data(n.data);
        have.classes(n.classes);
        if (relayout && n.position) have.position(n.position);
      }
    }
    for (const [id, e] of edges) {
      const have = cy.getElementById(id);
      if (have.empty()) {
        added.push({ group: "edges", data: e.data, classes: e.classes });
      } else {
        have.data(e.data);
        have.classes(e.classes);
      }
    }
    cy.add(added);
  });
}

function applyView(cy, view) {
  if (view === "fit") fitAll(cy);
  else if (view && view.focus) focusOn(cy, view.focus);
}

export default {
  async render({ model, el }) {
    const cytoscape = await loadCytoscape(model);
    const box = document.createElement("div");
    box.className = "mlg-canvas-box";
    box.style.height = model.get("height");
    const container = document.createElement("div");
    container.className = "mlg-cytoscape";
    const busy = document.createElement("div");
    busy.className = "mlg-busy-overlay";
    busy.innerHTML = "<span class='mlg-spinner'></span> working\u2026";
    box.append(container, busy);
    el.append(box);

    const cy = cytoscape({
      container,
      style: model.get("stylesheet"),
      layout: { name: "null" }, // positions come from Python; the default grid layout
      // fails on a container not yet laid out
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autoungrabify: false,
    });
    let pending = null; // a viewport action waiting for the canvas to have a size
    let serial = -1;
    let lastView = null; // fit / focus, redone on a resize until the user moves the view
    const moved = () => (lastView = null);
    cy.on("scrollzoom dragpan pinchzoom", moved);

    const report = (ms) => {
      const ext = cy.extent();
      model.send({
        event: "drawn",
        serial,
        ms,
        nodes: cy.nodes().length,
        edges: cy.edges().length,
        zoom: cy.zoom(),
        width: container.clientWidth,
        height: container.clientHeight,
        extent: [ext.x1, ext.y1, ext.x2, ext.y2],
      });
    };

    const draw = () => {
      const scene = model.get("scene");
      if (!scene || !scene.nodes) return;
      const started = performance.now();
      applyScene(cy, scene);
      serial = scene.serial;
      if (scene.view !== "keep") lastView = scene.view;
      if (container.clientWidth && container.clientHeight) {
        cy.resize();
        applyView(cy, scene.view);
      } else {
        pending = scene.view === "keep" ? pending || "fit" : scene.view;
      }
      container.dataset.serial = String(serial);
      report(Math.round(performance.now() - started));
    };

    const showBusy = () => box.classList.toggle("mlg-busy", !!model.get("busy"));

    const resized = new ResizeObserver(() => {
      if (!container.clientWidth || !container.clientHeight) return;
      cy.resize();
      const view = pending || lastView;
      pending = null;
      if (view) {
        applyView(cy, view);
        report(0);
      }
    });
    resized.observe(container);
    // Cytoscape.js caches where its canvas is on the page, and learns of scrolling from
    // the ancestors it had when created: none, as the widget is not in the page yet.
    // JupyterLab scrolls an inner panel, so clicks would land beside the nodes.
    let stale = false;
    const onScroll = () => (stale = true);
    document.addEventListener("scroll", onScroll, true);
    const refresh = () => {
      if (stale) {
        stale = false;
        cy.resize();
      }
    };
    box.addEventListener("mouseenter", () => cy.resize());
    box.addEventListener("mousedown", refresh, true);
    box.addEventListener("mousemove", refresh, true);

    cy.on("tap", "node", (e) => model.send({ event: "tap", id: e.target.id() }));
    cy.on("dbltap", "node", (e) => model.send({ event: "dbltap", id: e.target.id() }));
    cy.on("tap", (e) => {
      if (e.target === cy) model.send({ event: "tap-background" });
    });
    cy.on("mouseover", "edge", (e) => model.send({ event: "hover", data: e.target.data() }));

    model.on("change:scene", draw);
    model.on("change:stylesheet", () => cy.style(model.get("stylesheet")));
    model.on("change:busy", showBusy);
    draw();
    showBusy();
    return () => {
      document.removeEventListener("scroll", onScroll, true);
      resized.disconnect();
      cy.destroy();
    };
  },
};
