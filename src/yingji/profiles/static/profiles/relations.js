/* The profile's relationship view (profiles/relations.html): an SVG of records joined by their foreign
   keys. The start node is the enterprise; clicking a node asks /api/profiles/graph/?node=<slug:pk> for its
   neighbours and lays the new ones on a ring around it; a double click opens the record. No library. */
(function () {
  const svg = document.getElementById("relations");
  if (!svg) return;
  const NS = "http://www.w3.org/2000/svg";
  const COLOURS = {"organizations": "#0b3a6e", "risk-points": "#ff7d00", "hazard-sources": "#d9001b",
    "monitoring-points": "#1677ff", "persons": "#389e0d", "hazards": "#f7ba1e", "inspections": "#722ed1",
    "enforcement-cases": "#c41d7f", "incidents": "#5c0011", "credit-listings": "#434343"};
  const nodes = new Map(), edges = new Set(), expanded = new Set();
  const edgeLayer = document.createElementNS(NS, "g"), nodeLayer = document.createElementNS(NS, "g");
  svg.append(edgeLayer, nodeLayer);
  const more = document.getElementById("relations-more");
  const size = () => ({w: svg.clientWidth || 900, h: svg.clientHeight || 560});

  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (text) e.textContent = text;
    return e;
  }

  function drawEdge(e) {
    const a = nodes.get(e.from), b = nodes.get(e.to);
    if (!a || !b) return;
    const line = el("line", {x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: "#b8c2cc", "stroke-width": 1.2});
    line.append(el("title", {}, e.label));
    edgeLayer.append(line);
  }

  function drawNode(n) {
    const g = el("g", {transform: `translate(${n.x},${n.y})`, tabindex: 0, role: "button", "data-node": n.id,
                       "aria-label": `${n.kind_label}：${n.label}`});
    g.style.cursor = "pointer";
    g.append(el("circle", {r: n.id === svg.dataset.start ? 16 : 10, fill: COLOURS[n.kind] || "#8c8c8c",
                           stroke: "#fff", "stroke-width": 2}));
    g.append(el("text", {y: 26, "text-anchor": "middle", "font-size": 11, fill: "#1f2d3d"}, n.label));
    g.append(el("title", {}, `${n.kind_label}：${n.label}（单击展开，双击打开）`));
    g.addEventListener("click", () => expand(n.id));
    g.addEventListener("keydown", ev => { if (ev.key === "Enter") expand(n.id); });
    g.addEventListener("dblclick", () => { window.location.href = n.url; });
    nodeLayer.append(g);
  }

  function redraw() {
    edgeLayer.replaceChildren();
    nodeLayer.replaceChildren();
    edges.forEach(key => drawEdge(JSON.parse(key)));
    nodes.forEach(drawNode);
  }

  async function expand(id) {
    if (expanded.has(id)) return;
    expanded.add(id);
    const response = await fetch(`${svg.dataset.api}?node=${encodeURIComponent(id)}`, {credentials: "same-origin",
      headers: {"Accept": "application/json"}});
    if (!response.ok) { more.textContent = "无法读取该节点的关系（可能不在您的查看范围内）"; return; }
    const data = await response.json();
    const {w, h} = size();
    if (!nodes.has(data.node.id)) nodes.set(data.node.id, {...data.node, x: w / 2, y: h / 2});
    const centre = nodes.get(data.node.id);
    const fresh = data.nodes.filter(n => !nodes.has(n.id));
    const radius = Math.min(w, h) / (nodes.size > 1 ? 4 : 2.6);
    fresh.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / Math.max(fresh.length, 1);
      nodes.set(n.id, {...n, x: Math.max(30, Math.min(w - 30, centre.x + radius * Math.cos(angle))),
                       y: Math.max(20, Math.min(h - 30, centre.y + radius * Math.sin(angle)))});
    });
    data.edges.forEach(e => edges.add(JSON.stringify(e)));
    more.replaceChildren();
    data.more.forEach(m => {
      const a = document.createElement("a");
      a.href = m.url;
      a.textContent = `${data.node.label}：另有${m.label} ${m.count} 个`;
      a.className = "me-3";
      more.append(a);
    });
    redraw();
  }

  expand(svg.dataset.start);
})();
