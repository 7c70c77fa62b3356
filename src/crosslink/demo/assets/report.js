// crosslink report: the interactive network and its evidence panel.
// All data text is inserted with textContent, never as HTML.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("crosslink-data").textContent);
  var REPORTS = DATA.reports || {};
  var panel = document.getElementById("panel");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function citation(reportId) {
    var r = REPORTS[reportId] || {};
    var span = el("span", "cite");
    span.appendChild(el("span", null, (r.title || reportId) + " \u2014 " + (r.originator || "?") + " "));
    span.appendChild(el("span", "grade", (r.scheme || "") + " " + (r.grading || "?")));
    span.appendChild(document.createTextNode(" "));
    span.appendChild(el("span", "hc", r.handling || "?"));
    if (r.protected) span.appendChild(el("span", "note", " (protected source: sanitised)"));
    return span;
  }

  function evidenceList(items) {
    var box = el("div");
    if (!items || !items.length) { box.appendChild(el("p", "note", "No evidence recorded.")); return box; }
    items.forEach(function (item) {
      var row = el("div", "ev");
      if (item.prop) {
        row.appendChild(el("span", "note", item.prop + ": "));
        row.appendChild(el("span", "v", item.value));
        row.appendChild(el("br"));
      } else if (item.what) {
        row.appendChild(el("span", "v", item.what));
        row.appendChild(el("br"));
      }
      row.appendChild(citation(item.report));
      box.appendChild(row);
    });
    return box;
  }

  var nodeIndex = {};
  DATA.graph.nodes.forEach(function (n) { nodeIndex[n.id] = n; });

  function showNode(id) {
    var n = nodeIndex[id];
    if (!n) return;
    panel.textContent = "";
    panel.setAttribute("data-selected", id);
    panel.appendChild(el("h3", null, n.label));
    var meta = el("p");
    meta.appendChild(el("span", "role" + (n.protected ? " protected" : ""), n.role || n.kind));
    if (n.group !== null && n.group !== undefined) meta.appendChild(el("span", "note", "  group " + n.group));
    if (n.key_player) meta.appendChild(el("span", "kp", "  key player"));
    if (n.broker) meta.appendChild(el("span", "note", "  broker: " + n.broker));
    panel.appendChild(meta);
    if (n.protected) panel.appendChild(el("p", "note", "Recorded as " + n.role + ": not a target; excluded from key-player selection."));
    if (n.scores) {
      var s = el("p", "note", "degree " + n.scores.degree + " \u00b7 PageRank " + n.scores.pagerank.toFixed(4) +
        " \u00b7 betweenness " + Math.round(n.scores.betweenness).toLocaleString("en-GB"));
      panel.appendChild(s);
    }
    panel.appendChild(el("h4", null, "Evidence (" + (n.evidence || []).length + ")"));
    panel.appendChild(evidenceList(n.evidence));
  }

  function showEdge(id) {
    var e = edgeIndex[id];
    if (!e) return;
    panel.textContent = "";
    panel.setAttribute("data-selected", id);
    var a = nodeIndex[e.from], b = nodeIndex[e.to];
    panel.appendChild(el("h3", null, (a ? a.label : e.from) + " \u2194 " + (b ? b.label : e.to)));
    panel.appendChild(el("p", "note", e.kinds + " \u00b7 weight " + e.weight));
    panel.appendChild(el("h4", null, "Evidence (" + (e.evidence || []).length + ")"));
    panel.appendChild(evidenceList(e.evidence));
  }

  var edgeIndex = {};
  DATA.graph.edges.forEach(function (e) { edgeIndex[e.id] = e; });

  var palette = DATA.palette;
  var nodes = new vis.DataSet(DATA.graph.nodes.map(function (n) {
    var colour = n.group === null || n.group === undefined ? "#b8c1cf" : palette[n.group % palette.length];
    return {
      id: n.id, label: n.show_label ? n.label : undefined, title: n.label, x: n.x, y: n.y,
      shape: n.kind === "selector" ? "square" : (n.broker ? "diamond" : "dot"),
      size: n.size,
      color: { background: n.protected ? "#ffffff" : colour, border: n.key_player ? "#b42318" : colour,
               highlight: { background: colour, border: "#0f1f3a" } },
      borderWidth: n.key_player ? 4 : 1,
      font: { size: n.key_player ? 16 : 12, color: "#1d2433", strokeWidth: 3, strokeColor: "#ffffff" }
    };
  }));
  var edges = new vis.DataSet(DATA.graph.edges.map(function (e) {
    return { id: e.id, from: e.from, to: e.to, width: Math.min(1 + Math.log(1 + e.weight), 6),
             color: { color: "rgba(90,100,120,0.35)", highlight: "#0b5cad" } };
  }));
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodes, edges: edges }, {
    physics: false,
    interaction: { hover: true, tooltipDelay: 120, multiselect: false, navigationButtons: true, keyboard: true },
    edges: { smooth: false }
  });
  window.crosslinkNetwork = network;
  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });
  window.crosslinkShowNode = showNode;

  var search = document.getElementById("find");
  if (search) {
    search.addEventListener("change", function () {
      var q = search.value.toLowerCase();
      var hit = DATA.graph.nodes.find(function (n) { return n.label.toLowerCase().indexOf(q) >= 0; });
      if (hit) { network.selectNodes([hit.id]); network.focus(hit.id, { scale: 1.4, animation: true }); showNode(hit.id); }
    });
  }
  document.querySelectorAll("[data-node]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var id = link.getAttribute("data-node");
      document.getElementById("network").scrollIntoView();
      network.selectNodes([id]);
      network.focus(id, { scale: 1.4, animation: true });
      showNode(id);
    });
  });
})();
