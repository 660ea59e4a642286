/* tipgraph map viewer.
 * Data comes only from the JSON block #tipgraph-data; every data-derived string is shown
 * with textContent or drawn on the canvas, never parsed as HTML. */
(function () {
  "use strict";

  var raw = document.getElementById("tipgraph-data").textContent;
  var data = JSON.parse(raw);
  var settings = data.settings;
  var container = document.getElementById("tg-network");
  var tooltip = document.getElementById("tg-tooltip");
  var details = document.getElementById("tg-details");
  var results = document.getElementById("tg-results");
  var search = document.getElementById("tg-search");
  var loading = document.getElementById("tg-loading");
  var barFill = document.getElementById("tg-bar-fill");
  var SVG = "http://www.w3.org/2000/svg"; // the SVG namespace name, not a resource: nothing is fetched

  var byId = Object.create(null);
  var adjacency = Object.create(null);
  data.nodes.forEach(function (n) { byId[n.id] = n; adjacency[n.id] = []; });
  data.edges.forEach(function (e, i) {
    if (adjacency[e.f]) adjacency[e.f].push(i);
    if (adjacency[e.t] && e.t !== e.f) adjacency[e.t].push(i);
  });

  // ---- small DOM helpers (text only) ---------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function sourceInfo(i) { return (data.sourceInfo || [])[i] || {}; }
  function sourceNames(list) {
    return (list || []).map(function (i) {
      var d = sourceInfo(i).d;
      return data.sources[i] + (d ? " (" + d + ")" : "");
    });
  }
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\/[^\s"'<>\\]+$/i.test(u) ? u : null; }
  function sourceField(parent, list) {
    if (!list || !list.length) return;
    var box = el("div", "tg-field");
    box.appendChild(el("div", "tg-field-name", "Sources"));
    var ul = el("ul", "tg-list");
    list.forEach(function (i) {
      var li = el("li"), info = sourceInfo(i), url = safeUrl(info.u);
      if (url) {
        var a = el("a", "tg-source", data.sources[i]);
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        li.appendChild(a);
      } else {
        li.appendChild(document.createTextNode(data.sources[i]));
      }
      if (info.d) li.appendChild(el("span", "tg-source-date", " " + info.d));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    parent.appendChild(box);
  }
  function relName(e) { return data.relations[e.r]; }
  function nodeLabel(id) { return byId[id] ? byId[id].l : id; }

  function swatch(group, size) {
    var style = data.groups[group] || data.groups.other;
    var s = size || 14, h = s / 2, svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", s); svg.setAttribute("height", s);
    svg.setAttribute("viewBox", "0 0 " + s + " " + s);
    svg.setAttribute("class", "tg-swatch");
    svg.setAttribute("aria-hidden", "true");
    var shape, r = h - 1.5, pts = [];
    function poly(points) {
      shape = document.createElementNS(SVG, "polygon");
      shape.setAttribute("points", points.map(function (p) { return p[0].toFixed(2) + "," + p[1].toFixed(2); }).join(" "));
    }
    switch (style.shape) {
      case "diamond": poly([[h, 1], [s - 1, h], [h, s - 1], [1, h]]); break;
      case "triangle": poly([[h, 1], [s - 1, s - 2], [1, s - 2]]); break;
      case "triangleDown": poly([[1, 2], [s - 1, 2], [h, s - 1]]); break;
      case "square":
        shape = document.createElementNS(SVG, "rect");
        shape.setAttribute("x", 2); shape.setAttribute("y", 2);
        shape.setAttribute("width", s - 4); shape.setAttribute("height", s - 4);
        break;
      case "hexagon":
        for (var i = 0; i < 6; i++) pts.push([h + r * Math.cos(Math.PI / 3 * i), h + r * Math.sin(Math.PI / 3 * i)]);
        poly(pts); break;
      case "star":
        for (var j = 0; j < 10; j++) {
          var rr = j % 2 ? r * 0.45 : r, a = -Math.PI / 2 + j * Math.PI / 5;
          pts.push([h + rr * Math.cos(a), h + rr * Math.sin(a)]);
        }
        poly(pts); break;
      default:
        shape = document.createElementNS(SVG, "circle");
        shape.setAttribute("cx", h); shape.setAttribute("cy", h); shape.setAttribute("r", r);
    }
    shape.setAttribute("fill", style.color);
    shape.setAttribute("stroke", style.border);
    shape.setAttribute("stroke-width", "1");
    svg.appendChild(shape);
    return svg;
  }

  // ---- vis-network data ------------------------------------------------------------
  function nodeSize(n) { return Math.min(36, 11 + 2.4 * Math.sqrt(n.k || 0)); }
  var visNodes = data.nodes.map(function (n) {
    var item = { id: n.id, label: n.s || n.l, group: n.g, size: nodeSize(n) };
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    if (n.f) {
      item.borderWidth = 4;
      item.size = nodeSize(n) + 6;
      item.font = { size: 17, color: "#102a43" };
    }
    return item;
  });
  var visEdges = data.edges.map(function (e) {
    var item = { id: e.id, from: e.f, to: e.t };
    if (settings.edgeLabels) item.label = relName(e);
    if (e.inf) item.dashes = [5, 4];
    if (e.p && !settings.large) {
      item.smooth = { enabled: true, type: e.p % 2 ? "curvedCW" : "curvedCCW", roundness: 0.2 * Math.ceil(e.p / 2) };
    }
    return item;
  });

  var groups = {};
  Object.keys(data.groups).forEach(function (g) {
    var s = data.groups[g];
    groups[g] = {
      shape: s.shape,
      color: {
        background: s.color, border: s.border,
        highlight: { background: s.light, border: "#102a43" },
        hover: { background: s.light, border: s.border }
      }
    };
  });

  var font = "Inter, Segoe UI, Helvetica Neue, Arial, Noto Sans, DejaVu Sans, sans-serif";
  var options = {
    autoResize: true,
    groups: groups,
    nodes: {
      borderWidth: 1.5, borderWidthSelected: 3,
      font: { size: 14, face: font, color: "#243b53", strokeWidth: 4, strokeColor: "rgba(245,247,250,0.92)" },
      widthConstraint: { maximum: 170 },
      scaling: { label: { drawThreshold: 6 } }
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.45 } },
      color: { color: "#a7b4c2", highlight: "#334e68", hover: "#52606d", inherit: false },
      width: 1.1, hoverWidth: 0.6, selectionWidth: 1.2,
      font: { size: 10, face: font, color: "#627d98", strokeWidth: 3, strokeColor: "#f5f7fa", align: "middle" },
      smooth: settings.large ? false : { enabled: true, type: "continuous", roundness: 0.3 }
    },
    interaction: {
      hover: true, tooltipDelay: 100, multiselect: true, navigationButtons: false, keyboard: false,
      hideEdgesOnDrag: settings.large, hideEdgesOnZoom: settings.large
    },
    layout: { randomSeed: 7, improvedLayout: settings.physics && data.nodes.length <= 150 },
    physics: settings.physics ? {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -70, centralGravity: 0.012, springLength: 110,
                          springConstant: 0.07, damping: 0.55, avoidOverlap: 0.7 },
      minVelocity: 0.8,
      stabilization: { enabled: true, iterations: settings.iterations || 700, updateInterval: 20, fit: true }
    } : { enabled: false }
  };

  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  var api = {
    network: network, nodes: nodes, edges: edges, data: data, ready: false,
    counts: function () {
      return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length,
               dataNodes: nodes.length, dataEdges: edges.length };
    },
    domPosition: function (id) {
      var p = network.getPositions([id])[id];
      var d = network.canvasToDOM(p);
      var r = container.getBoundingClientRect();
      return { x: r.left + d.x, y: r.top + d.y };
    },
    select: function (id) { showDetails(id); }
  };
  window.tipgraphMap = api;

  // ---- settling ------------------------------------------------------------------------
  var settled = !settings.physics;
  function finish() {
    loading.classList.add("tg-done");
  }
  if (settings.physics) {
    network.on("stabilizationProgress", function (p) {
      barFill.style.width = Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      settled = true;
      network.fit({ animation: false });
      finish();
      var focusNode = data.nodes.filter(function (n) { return n.f; })[0];
      if (focusNode) showDetails(focusNode.id, true);
    });
  } else {
    finish();
  }
  network.on("afterDrawing", function () {
    if (settled && !api.ready) {
      api.ready = true;
      document.documentElement.setAttribute("data-tg-ready", "1");
      if (!settings.physics) {
        var focusNode = data.nodes.filter(function (n) { return n.f; })[0];
        if (focusNode) showDetails(focusNode.id, true);
      }
    }
  });

  // ---- tooltips -------------------------------------------------------------------------
  function row(box, key, value) {
    if (!value || (Array.isArray(value) && !value.length)) return;
    var line = el("div", "tg-tt-row");
    line.appendChild(el("span", "tg-tt-key", key + ": "));
    var list = Array.isArray(value) ? value : [value];
    var shown = list.slice(0, 4).join("; ");
    if (list.length > 4) shown += " … and " + (list.length - 4) + " more";
    line.appendChild(el("span", null, shown));
    box.appendChild(line);
  }
  function nodeTooltip(n) {
    var box = document.createDocumentFragment();
    box.appendChild(el("div", "tg-tt-title", n.l));
    var type = el("div", "tg-tt-type");
    type.appendChild(swatch(n.g, 11));
    type.appendChild(document.createTextNode(" " + (n.c || (data.groups[n.g] || {}).name || "")));
    box.appendChild(type);
    row(box, "Also known as", n.a);
    row(box, "Role", n.r);
    row(box, "Sources", sourceNames(n.src));
    row(box, "Links", String(n.k || 0));
    return box;
  }
  function edgeTooltip(e) {
    var box = document.createDocumentFragment();
    box.appendChild(el("div", "tg-tt-title", nodeLabel(e.f) + " " + relName(e) + " " + nodeLabel(e.t)));
    row(box, "Countries", e.co);
    row(box, "Broader focus", e.bf);
    if (e.inf) box.appendChild(el("div", "tg-tt-type", "Inferred by tipgraph's reasoner"));
    row(box, "Sources", sourceNames(e.src));
    return box;
  }
  function showTooltip(content, pointer) {
    clear(tooltip);
    tooltip.appendChild(content);
    tooltip.hidden = false;
    var stage = container.getBoundingClientRect();
    var x = pointer.x + 14, y = pointer.y + 14;
    var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    if (x + w > stage.width - 8) x = Math.max(8, pointer.x - w - 14);
    if (y + h > stage.height - 8) y = Math.max(8, pointer.y - h - 14);
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }
  function hideTooltip() { tooltip.hidden = true; }
  network.on("hoverNode", function (p) { if (byId[p.node]) showTooltip(nodeTooltip(byId[p.node]), p.pointer.DOM); });
  network.on("blurNode", hideTooltip);
  network.on("hoverEdge", function (p) {
    var e = data.edges[Number(String(p.edge).slice(1))];
    if (e) showTooltip(edgeTooltip(e), p.pointer.DOM);
  });
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // ---- details panel ----------------------------------------------------------------------
  function field(parent, name, value, mono) {
    if (!value || (Array.isArray(value) && !value.length)) return;
    var box = el("div", "tg-field");
    box.appendChild(el("div", "tg-field-name", name));
    if (Array.isArray(value)) {
      var ul = el("ul", "tg-list");
      value.forEach(function (v) { ul.appendChild(el("li", mono ? "tg-mono" : null, v)); });
      box.appendChild(ul);
    } else {
      box.appendChild(el("div", "tg-field-value" + (mono ? " tg-mono" : ""), value));
    }
    parent.appendChild(box);
  }
  function linkTo(id) {
    var b = el("button", "tg-link", nodeLabel(id));
    b.type = "button";
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  function showDetails(id, quiet) {
    var n = byId[id];
    if (!n) return;
    clear(details);
    details.appendChild(el("h2", null, "Selected"));
    details.appendChild(el("div", "tg-details-title", n.l));
    var badge = el("div", "tg-badge");
    badge.appendChild(swatch(n.g, 13));
    badge.appendChild(document.createTextNode(n.c || (data.groups[n.g] || {}).name || ""));
    details.appendChild(badge);
    field(details, "Also known as", n.a);
    field(details, "Role", n.r);
    sourceField(details, n.src);
    field(details, "Identifier", n.q, true);
    field(details, "IRI", n.i, true);
    var links = (adjacency[id] || []).slice().sort(function (a, b) {
      var ea = data.edges[a], eb = data.edges[b];
      var ka = (ea.f === id ? "0" : "1") + relName(ea) + "\u0000" + nodeLabel(ea.f === id ? ea.t : ea.f);
      var kb = (eb.f === id ? "0" : "1") + relName(eb) + "\u0000" + nodeLabel(eb.f === id ? eb.t : eb.f);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    if (links.length) {
      var box = el("div", "tg-field");
      box.appendChild(el("div", "tg-field-name", "Links (" + links.length + ")"));
      var ul = el("ul", "tg-neighbours");
      links.slice(0, 80).forEach(function (i) {
        var e = data.edges[i], out = e.f === id, li = el("li");
        li.appendChild(el("span", "tg-rel", (out ? "" : "← ") + relName(e) + (out ? " →" : "")));
        li.appendChild(linkTo(out ? e.t : e.f));
        ul.appendChild(li);
      });
      if (links.length > 80) ul.appendChild(el("li", "tg-rel", "… and " + (links.length - 80) + " more"));
      box.appendChild(ul);
      details.appendChild(box);
    }
    if (!quiet) network.selectNodes([id]);
  }
  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 450, easingFunction: "easeInOutQuad" } });
    showDetails(id, true);
  }
  network.on("click", function (p) {
    hideTooltip();
    if (p.nodes && p.nodes.length) showDetails(p.nodes[0], true);
  });

  // ---- search ----------------------------------------------------------------------------------
  var haystack = data.nodes.map(function (n) {
    return [n.l].concat(n.a || [], n.q ? [n.q] : []).join("\u0000").toLowerCase();
  });
  var timer = null;
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    clear(results);
    if (!q) { results.hidden = true; network.unselectAll(); return; }
    var hits = [];
    for (var i = 0; i < haystack.length; i++) if (haystack[i].indexOf(q) !== -1) hits.push(data.nodes[i].id);
    results.hidden = false;
    results.appendChild(el("h2", null, hits.length + (hits.length === 1 ? " match" : " matches")));
    var ul = el("ul", "tg-results-list");
    hits.slice(0, 40).forEach(function (id) {
      var li = el("li");
      li.appendChild(swatch(byId[id].g, 11));
      li.appendChild(linkTo(id));
      ul.appendChild(li);
    });
    if (hits.length > 40) ul.appendChild(el("li", "tg-rel", "… and " + (hits.length - 40) + " more"));
    results.appendChild(ul);
    network.selectNodes(hits.slice(0, 2000));
    return hits;
  }
  search.addEventListener("input", function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(runSearch, 120);
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var hits = runSearch();
      if (hits && hits.length) focusNode(hits[0]);
    } else if (ev.key === "Escape") {
      search.value = ""; runSearch();
    }
  });

  // ---- legend with group filters ------------------------------------------------------------------
  var legend = document.getElementById("tg-legend");
  data.groupOrder.forEach(function (g) {
    var li = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true;
    box.setAttribute("aria-label", "Show " + data.groups[g].name);
    box.addEventListener("change", function () {
      var hidden = !box.checked;
      nodes.update(data.nodes.filter(function (n) { return n.g === g; })
        .map(function (n) { return { id: n.id, hidden: hidden }; }));
    });
    label.appendChild(box);
    label.appendChild(swatch(g, 15));
    label.appendChild(el("span", null, data.groups[g].name));
    label.appendChild(el("span", "tg-count", "(" + (data.groupCounts[g] || 0) + ")"));
    li.appendChild(label);
    legend.appendChild(li);
  });

  // ---- zoom buttons ----------------------------------------------------------------------------------
  document.getElementById("tg-zoom-in").addEventListener("click", function () {
    network.moveTo({ scale: network.getScale() * 1.3, animation: { duration: 200 } });
  });
  document.getElementById("tg-zoom-out").addEventListener("click", function () {
    network.moveTo({ scale: network.getScale() / 1.3, animation: { duration: 200 } });
  });
  document.getElementById("tg-fit").addEventListener("click", function () {
    network.fit({ animation: { duration: 300 } });
  });
})();
