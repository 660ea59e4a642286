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
      var info = sourceInfo(i), extra = [info.p, info.d].filter(Boolean).join(", ");
      return data.sources[i] + (extra ? " (" + extra + ")" : "");
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
      var extra = [info.p ? "published by " + info.p : "", info.d].filter(Boolean).join(", ");
      if (extra) li.appendChild(el("span", "tg-source-date", " — " + extra));
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
  // Busy maps draw link labels only on hover, for the selected node, or zoomed in; small ones always.
  function labelAll(nodeCount, edgeCount) { return settings.edgeLabels && (nodeCount <= 25 || edgeCount <= 30); }
  var labelsAlways = labelAll(data.nodes.length, data.edges.length);
  var visEdges = data.edges.map(function (e) {
    var item = { id: e.id, from: e.f, to: e.t };
    if (labelsAlways) item.label = relName(e);
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
    select: function (id) { showDetails(id); dim(id); }
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
  function factRows(box, facts) {
    (facts || []).slice(0, 8).forEach(function (f) { row(box, f[0], f[1]); });
  }
  function quoted(list) { return (list || []).map(function (t) { return "\u201c" + t + "\u201d"; }); }
  function nodeTooltip(n) {
    var box = document.createDocumentFragment();
    box.appendChild(el("div", "tg-tt-title", n.l));
    var type = el("div", "tg-tt-type");
    type.appendChild(swatch(n.g, 11));
    type.appendChild(document.createTextNode(" " + (n.c || (data.groups[n.g] || {}).name || "")));
    box.appendChild(type);
    row(box, "Also known as", n.a);
    row(box, "Role", n.r);
    factRows(box, n.fa);
    row(box, "Evidence", quoted(n.ev));
    row(box, "Sources", sourceNames(n.src));
    row(box, "Links", String(n.k || 0));
    return box;
  }
  function edgeTooltip(e) {
    var box = document.createDocumentFragment();
    box.appendChild(el("div", "tg-tt-title", nodeLabel(e.f) + " " + relName(e) + " " + nodeLabel(e.t)));
    row(box, "Countries", e.co);
    row(box, "Broader focus", e.bf);
    factRows(box, e.fa);
    row(box, "Evidence", quoted(e.ev));
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
  function factField(parent, facts) {
    if (!facts || !facts.length) return;
    var box = el("div", "tg-field");
    box.appendChild(el("div", "tg-field-name", "Facts"));
    var dl = el("dl", "tg-facts");
    facts.forEach(function (f) { dl.appendChild(el("dt", null, f[0])); dl.appendChild(el("dd", null, f[1])); });
    box.appendChild(dl);
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
    factField(details, n.fa);
    field(details, "Evidence", quoted(n.ev));
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
    dim(id);
    setHash(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 450, easingFunction: "easeInOutQuad" } });
    showDetails(id, true);
  }
  network.on("click", function (p) {
    hideTooltip();
    if (p.nodes && p.nodes.length) {
      showDetails(p.nodes[0], true);
      dim(p.nodes[0]);
      setHash(p.nodes[0]);
    } else if (!p.edges || !p.edges.length) {
      dim(null);
    }
  });

  // ---- search ----------------------------------------------------------------------------------
  var names = data.nodes.map(function (n) {
    return [n.l].concat(n.a || [], n.q ? [n.q] : []).map(function (x) { return String(x).toLowerCase(); });
  });
  var haystack = names.map(function (list) { return list.join("\u0000"); });
  // Exact name or alias first, then names that start with the query, then the rest (each by degree).
  function rank(i, q) {
    var list = names[i];
    if (list.indexOf(q) !== -1) return 0;
    for (var j = 0; j < list.length; j++) if (list[j].indexOf(q) === 0) return 1;
    return 2;
  }
  var timer = null;
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    clear(results);
    if (!q) { results.hidden = true; network.unselectAll(); return; }
    var hits = [];
    var found = [];
    for (var i = 0; i < haystack.length; i++) if (haystack[i].indexOf(q) !== -1) found.push([rank(i, q), -(data.nodes[i].k || 0), i]);
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    found.forEach(function (f) { hits.push(data.nodes[f[2]].id); });
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
      if (timer) { clearTimeout(timer); timer = null; }
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
      if (box.checked) delete filters.groups[g]; else filters.groups[g] = 1;
      applyFilters();
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
  // ---- highlighting a neighbourhood ------------------------------------------------------------
  var dimmedNow = 0;
  var LARGE_DIM = 5000;
  function dim(id) {
    if (data.nodes.length > LARGE_DIM && id) return; // too costly on huge maps: selection only
    var keepNodes = Object.create(null), keepEdges = Object.create(null);
    if (id) {
      keepNodes[id] = 1;
      (adjacency[id] || []).forEach(function (i) {
        var e = data.edges[i];
        keepEdges[e.id] = 1; keepNodes[e.f] = 1; keepNodes[e.t] = 1;
      });
    }
    if (!id && !dimmedNow) return;
    dimmedNow = 0;
    nodes.update(data.nodes.map(function (n) {
      var faded = id && !keepNodes[n.id];
      if (faded) dimmedNow++;
      return { id: n.id, opacity: faded ? 0.15 : 1 };
    }));
    edges.update(data.edges.map(function (e) {
      var on = !id || keepEdges[e.id];
      var item = { id: e.id, color: { opacity: on ? 1 : 0.08 } };
      if (!labelsAlways && settings.edgeLabels) item.label = id && on ? relName(e) : (zoomLabels ? relName(e) : "");
      return item;
    }));
    selectedId = id;
    scheduleDeclutter();
  }
  var selectedId = null;

  // ---- link labels on hover and when zoomed in ---------------------------------------------------
  var zoomLabels = false;
  var ZOOM_LABELS_AT = 1.4;
  function edgeLabel(ids, on) {
    if (labelsAlways || !settings.edgeLabels) return;
    edges.update(ids.map(function (eid) {
      var e = data.edges[Number(String(eid).slice(1))];
      return { id: eid, label: on || zoomLabels ? relName(e) : "" };
    }));
  }
  network.on("hoverEdge", function (p) { edgeLabel([p.edge], true); });
  network.on("blurEdge", function (p) {
    var e = data.edges[Number(String(p.edge).slice(1))];
    if (!selectedId || (e.f !== selectedId && e.t !== selectedId)) edgeLabel([p.edge], false);
  });
  network.on("zoom", function () {
    var want = network.getScale() >= ZOOM_LABELS_AT && data.edges.length <= 2000;
    if (want !== zoomLabels) {
      zoomLabels = want;
      if (!labelsAlways && settings.edgeLabels) {
        edges.update(data.edges.map(function (e) {
          var mine = selectedId && (e.f === selectedId || e.t === selectedId);
          return { id: e.id, label: want || mine ? relName(e) : "" };
        }));
      }
    }
    scheduleDeclutter();
  });

  // ---- node labels that do not overlap ----------------------------------------------------------
  // Greedy: the selected node's neighbourhood first, then better-connected nodes keep their
  // labels; a label whose box would overlap one already placed is hidden (labels scale with the
  // zoom, so overlaps do not go away by zooming; hovering still names the node, and selecting
  // a node labels its whole neighbourhood). Only on maps small enough to check.
  var DECLUTTER_LIMIT = 1500;
  var labelHidden = Object.create(null);
  var declutterTimer = null;
  function scheduleDeclutter() {
    if (data.nodes.length > DECLUTTER_LIMIT) return;
    if (declutterTimer) clearTimeout(declutterTimer);
    declutterTimer = setTimeout(declutter, 120);
  }
  function declutter() {
    declutterTimer = null;
    var scale = network.getScale();
    var near = Object.create(null);
    if (selectedId) {
      near[selectedId] = 1;
      (adjacency[selectedId] || []).forEach(function (i) { near[data.edges[i].f] = 1; near[data.edges[i].t] = 1; });
    }
    var ids = data.nodes.filter(function (n) { return !hiddenNow[n.id]; })
      .sort(function (a, b) {
        return (near[b.id] || 0) - (near[a.id] || 0) || (b.f || 0) - (a.f || 0) || (b.k || 0) - (a.k || 0);
      });
    var pos = network.getPositions(ids.map(function (n) { return n.id; }));
    var placed = [], changes = [];
    ids.forEach(function (n) {
      var p = pos[n.id];
      if (!p) return;
      var text = n.s || n.l, size = (n.f ? 17 : 14) * scale;
      var w = Math.min(170 * scale, text.length * size * 0.5), lines = Math.ceil(text.length * size * 0.5 / (170 * scale)) || 1;
      var h = size * 1.25 * lines, r = nodeSize(n) * scale;
      // a slightly smaller box than the text's: labels that only touch may both stay
      var box = { x0: p.x * scale - w * 0.42, x1: p.x * scale + w * 0.42, y0: p.y * scale + r + h * 0.1,
                  y1: p.y * scale + r + h * 0.9 };
      var clash = size < 6 ? false : placed.some(function (b) {
        return box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1;
      });
      var hide = clash && !n.f && !near[n.id];
      if (!hide) placed.push(box);
      if (!!labelHidden[n.id] !== hide) {
        if (hide) labelHidden[n.id] = 1; else delete labelHidden[n.id];
        changes.push({ id: n.id, label: hide ? "" : text });
      }
    });
    if (changes.length) nodes.update(changes);
  }
  api.labelsHidden = function () { return Object.keys(labelHidden).length; };

  // ---- filters: groups, relations, sources, dates; isolated nodes dropped; re-layout ------------------
  var filters = { groups: {}, relations: {}, source: -1, from: "", to: "" };
  var hiddenNow = Object.create(null);
  var hiddenEdgesNow = Object.create(null);
  function nodeDate(n) { return [n.ts || "", n.te || n.ts || ""]; }
  function outOfRange(start, end) {
    if (!start && !end) return false;             // undated things stay
    if (filters.to && start && start > filters.to) return true;
    if (filters.from && (end || start) < filters.from) return true;
    return false;
  }
  function filtering() {
    return Object.keys(filters.relations).length || filters.source >= 0 || filters.from || filters.to
      || Object.keys(filters.groups).length;
  }
  function applyFilters(noLayout) {
    var nodeOff = Object.create(null), edgeOff = Object.create(null);
    data.nodes.forEach(function (n) {
      if (filters.groups[n.g]) nodeOff[n.id] = 1;
      else { var d = nodeDate(n); if (outOfRange(d[0], d[1])) nodeOff[n.id] = 1; }
    });
    var degree = Object.create(null);
    var edgeFilter = Object.keys(filters.relations).length || filters.source >= 0 || filters.from || filters.to;
    data.edges.forEach(function (e) {
      var off = nodeOff[e.f] || nodeOff[e.t] || filters.relations[e.r]
        || (filters.source >= 0 && (e.src || []).indexOf(filters.source) === -1)
        || outOfRange(e.ts || "", e.te || e.ts || "");
      if (off) edgeOff[e.id] = 1;
      else { degree[e.f] = (degree[e.f] || 0) + 1; degree[e.t] = (degree[e.t] || 0) + 1; }
    });
    if (filtering()) {
      // a node that a filter leaves with no link is dropped (the view's subject stays)
      data.nodes.forEach(function (n) { if (!degree[n.id] && !n.f && (edgeFilter || (adjacency[n.id] || []).length)) nodeOff[n.id] = 1; });
    }
    var nodeChanges = [], edgeChanges = [];
    data.nodes.forEach(function (n) {
      var off = !!nodeOff[n.id];
      if (off !== !!hiddenNow[n.id]) nodeChanges.push({ id: n.id, hidden: off });
    });
    data.edges.forEach(function (e) {
      var off = !!edgeOff[e.id];
      if (off !== !!hiddenEdgesNow[e.id]) edgeChanges.push({ id: e.id, hidden: off });
    });
    hiddenNow = nodeOff; hiddenEdgesNow = edgeOff;
    var want = labelAll(data.nodes.length - Object.keys(nodeOff).length, data.edges.length - Object.keys(edgeOff).length);
    if (want !== labelsAlways) {  // few links left: label them all
      labelsAlways = want;
      edges.update(data.edges.map(function (e) { return { id: e.id, label: want || zoomLabels ? relName(e) : "" }; }));
    }
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    var shown = data.nodes.length - Object.keys(nodeOff).length;
    var shownEdges = data.edges.length - Object.keys(edgeOff).length;
    document.getElementById("tg-filter-status").textContent = filtering()
      ? "Showing " + shown + " of " + data.nodes.length + " nodes, " + shownEdges + " of " + data.edges.length + " links"
      : "";
    if (!noLayout && (nodeChanges.length || edgeChanges.length)) relayout(shown);
    else scheduleDeclutter();
  }
  var relayoutRunning = false;
  function relayout(shown) {
    api.layoutDone = false;
    if (shown > 1500) { network.fit({ animation: false }); api.layoutDone = true; scheduleDeclutter(); return; }
    relayoutRunning = true;
    network.setOptions({ physics: {
      enabled: true, solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -70, centralGravity: 0.012, springLength: 110,
                          springConstant: 0.07, damping: 0.55, avoidOverlap: 0.7 },
      minVelocity: 0.8, stabilization: { enabled: false } } });
    network.stabilize(shown > 300 ? 120 : 250);
  }
  network.on("stabilized", function () {
    if (!relayoutRunning) return;
    relayoutRunning = false;
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
    api.layoutDone = true;
    scheduleDeclutter();
  });
  api.filters = filters;
  api.applyFilters = applyFilters;
  api.layoutDone = true;
  api.visible = function () {
    return { nodes: data.nodes.filter(function (n) { return !hiddenNow[n.id]; }).map(function (n) { return n.id; }),
             edges: data.edges.filter(function (e) { return !hiddenEdgesNow[e.id]; }).map(function (e) { return e.id; }) };
  };
  api.dimmed = function () { return dimmedNow; };

  // the filter controls
  var relList = document.getElementById("tg-relations");
  var relCounts = data.relations.map(function () { return 0; });
  data.edges.forEach(function (e) { relCounts[e.r]++; });
  data.relations.map(function (r, i) { return i; })
    .sort(function (a, b) { return relCounts[b] - relCounts[a] || (data.relations[a] < data.relations[b] ? -1 : 1); })
    .forEach(function (i) {
      var li = el("li"), label = el("label"), box = el("input");
      box.type = "checkbox"; box.checked = true; box.value = String(i);
      box.setAttribute("aria-label", "Show links: " + data.relations[i]);
      box.addEventListener("change", function () {
        if (box.checked) delete filters.relations[i]; else filters.relations[i] = 1;
        applyFilters();
      });
      label.appendChild(box);
      label.appendChild(el("span", null, data.relations[i]));
      label.appendChild(el("span", "tg-count", "(" + relCounts[i] + ")"));
      li.appendChild(label);
      relList.appendChild(li);
    });
  function setAllRelations(on) {
    relList.querySelectorAll("input").forEach(function (b) {
      b.checked = on;
      if (on) delete filters.relations[b.value]; else filters.relations[b.value] = 1;
    });
    applyFilters();
  }
  document.getElementById("tg-rel-all").addEventListener("click", function () { setAllRelations(true); });
  document.getElementById("tg-rel-none").addEventListener("click", function () { setAllRelations(false); });
  var sourceSelect = document.getElementById("tg-source-filter");
  data.sources.forEach(function (name, i) {
    var o = el("option", null, name.length > 70 ? name.slice(0, 69) + "…" : name);
    o.value = String(i);
    sourceSelect.appendChild(o);
  });
  sourceSelect.addEventListener("change", function () { filters.source = Number(sourceSelect.value); applyFilters(); });
  var fromInput = document.getElementById("tg-date-from"), toInput = document.getElementById("tg-date-to");
  fromInput.addEventListener("change", function () { filters.from = fromInput.value; applyFilters(); });
  toInput.addEventListener("change", function () { filters.to = toInput.value; syncSlider(); applyFilters(); });

  // the time slider: what had begun by the chosen day (events and engagement periods)
  var dates = [];
  (function () {
    var seen = Object.create(null);
    data.nodes.concat(data.edges).forEach(function (x) {
      [x.ts, x.te].forEach(function (d) { if (d && !seen[d]) { seen[d] = 1; dates.push(d); } });
    });
    dates.sort();
  })();
  var slider = document.getElementById("tg-time"), sliderLabel = document.getElementById("tg-time-label");
  if (!dates.length) {
    document.getElementById("tg-time-box").hidden = true;
  } else {
    slider.min = "0"; slider.max = String(dates.length); slider.step = "1"; slider.value = String(dates.length);
    sliderLabel.textContent = "all dates";
    slider.addEventListener("input", function () {
      var i = Number(slider.value);
      filters.to = i >= dates.length ? "" : dates[i];
      toInput.value = filters.to;
      sliderLabel.textContent = filters.to ? "up to " + filters.to : "all dates";
      applyFilters();
    });
  }
  function syncSlider() {
    if (!dates.length) return;
    var i = filters.to ? dates.filter(function (d) { return d <= filters.to; }).length - 1 : dates.length;
    slider.value = String(Math.max(0, i));
    sliderLabel.textContent = filters.to ? "up to " + filters.to : "all dates";
  }
  api.dates = dates;
  document.getElementById("tg-filter-reset").addEventListener("click", function () {
    filters.relations = {}; filters.source = -1; filters.from = ""; filters.to = "";
    fromInput.value = ""; toInput.value = ""; sourceSelect.value = "-1";
    relList.querySelectorAll("input").forEach(function (b) { b.checked = true; });
    syncSlider();
    applyFilters();
  });

  // ---- links to a node: #node=<prefixed name, IRI or id> -------------------------------------------
  function byName(name) {
    if (byId[name]) return name;
    var hit = data.nodes.filter(function (n) { return n.q === name || n.i === name; })[0];
    return hit ? hit.id : null;
  }
  function setHash(id) {
    var n = byId[id];
    if (!n || !window.history || !history.replaceState) return;
    try { history.replaceState(null, "", "#node=" + encodeURIComponent(n.q || n.i || n.id)); } catch (err) { /* sandboxed frames */ }
  }
  function fromHash() {
    var m = /^#node=(.+)$/.exec(location.hash || "");
    if (!m) return false;
    var id = byName(decodeURIComponent(m[1]));
    if (id) { focusNode(id); return true; }
    return false;
  }
  window.addEventListener("hashchange", fromHash);
  api.fromHash = fromHash;

  // ---- pictures: PNG and SVG of the current view ------------------------------------------------------
  function download(name, url) {
    var a = document.createElement("a");
    a.download = name; a.href = url; a.rel = "noopener";
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
  }
  function fileBase() {
    return (data.title || "tipgraph-map").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "tipgraph-map";
  }
  function pngUrl() {
    var canvas = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = canvas.width; out.height = canvas.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#f5f7fa";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    return out.toDataURL("image/png");
  }
  function svgText() {
    var rect = container.getBoundingClientRect(), W = Math.round(rect.width), H = Math.round(rect.height);
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("xmlns", SVG);
    svg.setAttribute("width", W); svg.setAttribute("height", H);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("font-family", font);
    var bg = document.createElementNS(SVG, "rect");
    bg.setAttribute("width", W); bg.setAttribute("height", H); bg.setAttribute("fill", "#f5f7fa");
    svg.appendChild(bg);
    var title = document.createElementNS(SVG, "title");
    title.textContent = data.title;
    svg.appendChild(title);
    var vis_ = api.visible(), shownNodes = Object.create(null);
    vis_.nodes.forEach(function (id) { shownNodes[id] = 1; });
    var pos = network.getPositions(vis_.nodes), scr = Object.create(null);
    vis_.nodes.forEach(function (id) { scr[id] = network.canvasToDOM(pos[id]); });
    var inView = function (p) { return p.x > -50 && p.y > -50 && p.x < W + 50 && p.y < H + 50; };
    var g = document.createElementNS(SVG, "g");
    vis_.edges.forEach(function (eid) {
      var e = data.edges[Number(eid.slice(1))], a = scr[e.f], b = scr[e.t];
      if (!a || !b || (!inView(a) && !inView(b))) return;
      var line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", a.x.toFixed(1)); line.setAttribute("y1", a.y.toFixed(1));
      line.setAttribute("x2", b.x.toFixed(1)); line.setAttribute("y2", b.y.toFixed(1));
      line.setAttribute("stroke", "#a7b4c2"); line.setAttribute("stroke-width", "1.1");
      if (e.inf) line.setAttribute("stroke-dasharray", "5 4");
      var t = document.createElementNS(SVG, "title");
      t.textContent = nodeLabel(e.f) + " " + relName(e) + " " + nodeLabel(e.t);
      line.appendChild(t);
      g.appendChild(line);
    });
    svg.appendChild(g);
    var scale = network.getScale();
    vis_.nodes.forEach(function (id) {
      var n = byId[id], p = scr[id];
      if (!inView(p)) return;
      var style = data.groups[n.g] || data.groups.other, r = nodeSize(n) * scale;
      var c = document.createElementNS(SVG, "circle");
      c.setAttribute("cx", p.x.toFixed(1)); c.setAttribute("cy", p.y.toFixed(1)); c.setAttribute("r", r.toFixed(1));
      c.setAttribute("fill", style.color); c.setAttribute("stroke", style.border);
      var t = document.createElementNS(SVG, "title");
      t.textContent = n.l;
      c.appendChild(t);
      svg.appendChild(c);
      if (!labelHidden[id] && 14 * scale >= 6) {
        var text = document.createElementNS(SVG, "text");
        text.setAttribute("x", p.x.toFixed(1)); text.setAttribute("y", (p.y + r + 14 * scale).toFixed(1));
        text.setAttribute("text-anchor", "middle"); text.setAttribute("font-size", (14 * scale).toFixed(1));
        text.setAttribute("fill", "#243b53");
        text.textContent = n.s || n.l;
        svg.appendChild(text);
      }
    });
    return new XMLSerializer().serializeToString(svg);
  }
  api.png = pngUrl;
  api.svg = svgText;
  document.getElementById("tg-png").addEventListener("click", function () { download(fileBase() + ".png", pngUrl()); });
  document.getElementById("tg-svg").addEventListener("click", function () {
    download(fileBase() + ".svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText()));
  });

  // ---- timeline: events and periods on a time axis ------------------------------------------------------
  var timeline = document.getElementById("tg-timeline"), timelineBody = document.getElementById("tg-timeline-body");
  function dayNumber(d) { var t = Date.parse(d + "T00:00:00Z"); return isNaN(t) ? null : t / 86400000; }
  function drawTimeline() {
    clear(timelineBody);
    var items = [];
    data.nodes.forEach(function (n) {
      if (n.ts && !hiddenNow[n.id]) items.push({ label: n.l, g: n.g, s: n.ts, e: n.te || n.ts, pc: n.pc, pw: n.pw, id: n.id });
    });
    data.edges.forEach(function (e) {
      if (e.ts && !hiddenEdgesNow[e.id]) items.push({ label: nodeLabel(e.f) + " " + relName(e) + " " + nodeLabel(e.t), g: "engagement", s: e.ts, e: e.te || e.ts });
    });
    items = items.filter(function (x) { return dayNumber(x.s) !== null; });
    if (!items.length) { timelineBody.appendChild(el("p", "tg-hint", "Nothing on this map has a date.")); return items; }
    items.sort(function (a, b) { return a.s < b.s ? -1 : a.s > b.s ? 1 : 0; });
    var lo = Math.min.apply(null, items.map(function (x) { return dayNumber(x.s); }));
    var hi = Math.max.apply(null, items.map(function (x) { return dayNumber(x.e) || dayNumber(x.s); }));
    if (hi - lo < 30) { lo -= 15; hi += 15; }
    var W = 760, left = 250, rowH = 26, H = 56 + rowH * items.length;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", W); svg.setAttribute("height", H); svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("class", "tg-timeline-svg");
    function x(d) { return left + (W - left - 20) * (dayNumber(d) - lo) / (hi - lo); }
    function add(tag, attrs, text) {
      var node = document.createElementNS(SVG, tag);
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
      if (text !== undefined) node.textContent = text;
      svg.appendChild(node);
      return node;
    }
    add("line", { x1: left, x2: W - 20, y1: 24, y2: 24, stroke: "#9fb3c8" });
    var iso = function (dn) { return new Date(dn * 86400000).toISOString().slice(0, 10); };
    add("text", { x: left, y: 36, "font-size": 10, fill: "#829ab1" }, iso(lo));
    add("text", { x: W - 20, y: 36, "font-size": 10, fill: "#829ab1", "text-anchor": "end" }, iso(hi));
    var y0 = new Date(lo * 86400000).getUTCFullYear(), y1 = new Date(hi * 86400000).getUTCFullYear();
    for (var yr = y0; yr <= y1 + 1; yr++) {
      var d = yr + "-01-01", dn = dayNumber(d);
      if (dn < lo || dn > hi) continue;
      add("line", { x1: x(d), x2: x(d), y1: 18, y2: H, stroke: "#e4e7eb" });
      add("text", { x: x(d) + 3, y: 14, "font-size": 11, fill: "#627d98" }, String(yr));
    }
    items.forEach(function (it, i) {
      var y = 56 + i * rowH, style = data.groups[it.g] || data.groups.other;
      var text = it.label.length > 40 ? it.label.slice(0, 39) + "…" : it.label;
      add("text", { x: 4, y: y + 4, "font-size": 12, fill: "#243b53" }, text);
      var xs = x(it.s), xe = Math.max(x(it.e), xs + 6);
      add("rect", { x: xs.toFixed(1), y: y - 6, width: (xe - xs).toFixed(1), height: 12, rx: 3, fill: style.color, stroke: style.border });
      var note = it.s + (it.e && it.e !== it.s ? " – " + it.e : "");
      if (it.pc !== undefined) {
        note += " · " + it.pc + " participants";
        if (it.pw !== undefined) note += ", " + (it.pc ? Math.round(100 * it.pw / it.pc) : 0) + "% women";
      }
      var tx = xe + 6 > W - 220 ? Math.max(left, xs - 6) : xe + 6;
      add("text", { x: tx.toFixed(1), y: y + 4, "font-size": 11, fill: "#52606d", "text-anchor": tx < xs ? "end" : "start",
                    class: "tg-timeline-note" }, note);
    });
    timelineBody.appendChild(svg);
    return items;
  }
  api.timeline = function () { timeline.hidden = false; return drawTimeline().length; };
  document.getElementById("tg-timeline-open").addEventListener("click", function () { timeline.hidden = false; drawTimeline(); });
  document.getElementById("tg-timeline-close").addEventListener("click", function () { timeline.hidden = true; });
  if (!dates.length) document.getElementById("tg-timeline-open").hidden = true;

  network.on("afterDrawing", function () {
    if (api.ready && !api.hashDone) { api.hashDone = true; fromHash(); scheduleDeclutter(); }
  });
})();
