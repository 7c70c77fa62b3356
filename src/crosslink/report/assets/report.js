// crosslink report: the interactive network, the evidence panel and the find box.
// All data text is inserted with textContent, never as HTML.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("crosslink-data").textContent);
  var REPORTS = DATA.reports || {};
  var ENTITIES = DATA.entities || {};
  var panel = document.getElementById("panel");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function citation(reportId) {
    var r = REPORTS[reportId] || {};
    var span = el("div", "cite");
    span.appendChild(el("span", null, (r.title || reportId) + " \u2014 " + (r.originator || "?") + " "));
    span.appendChild(el("span", "grade", (r.scheme || "") + " " + (r.grading || "?")));
    span.appendChild(document.createTextNode(" "));
    span.appendChild(el("span", "hc", r.handling || "?"));
    if (r.protected) span.appendChild(el("span", "note", " (protected source: sanitised)"));
    return span;
  }

  // A link that opens another listed entity's evidence.
  function entityLink(id, label) {
    var a = el("a", null, label);
    a.href = "#network";
    a.setAttribute("data-node", id);
    a.addEventListener("click", function (event) { event.preventDefault(); openEntity(id); });
    return a;
  }

  // Evidence grouped per value: each value once, then every report that states it.
  function evidenceList(items) {
    var box = el("div");
    if (!items || !items.length) { box.appendChild(el("p", "note", "No evidence recorded.")); return box; }
    items.forEach(function (item) {
      var row = el("div", "ev");
      if (item.prop) row.appendChild(el("span", "note", item.prop + ": "));
      if (item.holder && ENTITIES[item.holder]) row.appendChild(entityLink(item.holder, item.value));
      else row.appendChild(el("span", "v", item.value !== undefined ? item.value : item.what));
      if (item.uncleaned) row.appendChild(el("span", "note", " (kept as written: " + item.uncleaned + ")"));
      (item.reports || []).forEach(function (r) { row.appendChild(citation(r)); });
      box.appendChild(row);
    });
    return box;
  }

  function showEntity(id) {
    var n = ENTITIES[id];
    if (!n) return false;
    panel.textContent = "";
    panel.setAttribute("data-selected", id);
    panel.appendChild(el("h3", null, n.label));
    var meta = el("p");
    meta.appendChild(el("span", "role" + (n.protected ? " protected" : ""), n.role || n.schema || n.kind));
    if (n.group !== null && n.group !== undefined) meta.appendChild(el("span", "note", "  group " + n.group));
    if (n.key_player) meta.appendChild(el("span", "kp", "  key player"));
    if (n.broker) meta.appendChild(el("span", "note", "  broker: " + n.broker));
    panel.appendChild(meta);
    if (!n.drawn) panel.appendChild(el("p", "note", "Not drawn in the picture (it shows the best-connected people of each group); its evidence is all here."));
    if (n.protected) panel.appendChild(el("p", "note", "Recorded as " + n.role + ": not a target; excluded from key-player selection."));
    if (n.scores) {
      panel.appendChild(el("p", "note", "degree " + n.scores.degree + " \u00b7 PageRank " + n.scores.pagerank.toFixed(4) +
        " \u00b7 betweenness " + Math.round(n.scores.betweenness).toLocaleString("en-GB")));
    }
    var title = n.kind === "selector" ? "Stated for" : "Evidence";
    panel.appendChild(el("h4", null, title + " (" + (n.evidence || []).length + ")"));
    panel.appendChild(evidenceList(n.evidence));
    return true;
  }

  function showEdge(id) {
    var e = edgeIndex[id];
    if (!e) return;
    panel.textContent = "";
    panel.setAttribute("data-selected", id);
    var a = ENTITIES[e.from], b = ENTITIES[e.to];
    panel.appendChild(el("h3", null, (a ? a.label : e.from) + " \u2194 " + (b ? b.label : e.to)));
    panel.appendChild(el("p", "note", e.kinds + " \u00b7 weight " + e.weight));
    panel.appendChild(el("h4", null, "Evidence (" + (e.evidence || []).reduce(function (n, x) { return n + (x.reports || []).length; }, 0) + " reports)"));
    panel.appendChild(evidenceList(e.evidence));
  }

  var edgeIndex = {};
  DATA.graph.edges.forEach(function (e) { edgeIndex[e.id] = e; });
  var drawn = {};
  DATA.graph.nodes.forEach(function (n) { drawn[n.id] = true; });

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
    if (params.nodes.length) showEntity(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // Open any listed entity: its evidence always; the picture focuses it only if drawn.
  function openEntity(id) {
    document.getElementById("network").scrollIntoView();
    if (drawn[id]) {
      network.selectNodes([id]);
      network.focus(id, { scale: 1.4, animation: false });
    } else {
      network.unselectAll();
    }
    return showEntity(id);
  }
  window.crosslinkShowNode = openEntity;

  // Find: names (any case, accents ignored), and phones or accounts in any written form
  // ("07911 123456" finds +447911123456: a national number matches the end of the
  // international one).
  function fold(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function digits(text) { return String(text || "").replace(/\D/g, "").replace(/^0+/, ""); }
  var searchable = Object.keys(ENTITIES).map(function (id) {
    var n = ENTITIES[id];
    // Its own values (a selector's holders are other entities: found by their own names).
    var values = (n.evidence || []).filter(function (e) { return !e.holder; }).map(function (e) { return e.value; });
    return { id: id, label: n.label, text: fold([n.label].concat(values).join(" | ")),
             numbers: [n.label].concat(values).map(digits).filter(function (d) { return d.length >= 6; }) };
  });
  function find(query) {
    var q = fold(query).trim(), d = digits(query);
    if (!q) return [];
    var hits = searchable.filter(function (s) {
      if (s.text.indexOf(q) >= 0) return true;
      return d.length >= 6 && s.numbers.some(function (n) { return n.slice(-d.length) === d; });
    });
    hits.sort(function (a, b) {
      var ea = fold(a.label).indexOf(q) === 0 ? 0 : 1, eb = fold(b.label).indexOf(q) === 0 ? 0 : 1;
      return ea - eb || (ENTITIES[b.id].key_player ? 1 : 0) - (ENTITIES[a.id].key_player ? 1 : 0);
    });
    return hits;
  }
  window.crosslinkFind = find;
  var search = document.getElementById("find");
  var results = document.getElementById("find-results");
  function runSearch() {
    var query = search.value;
    results.textContent = "";
    if (!query.trim()) return;
    var hits = find(query);
    if (!hits.length) {
      results.appendChild(el("span", "note not-found", "Not found in this report: \u201c" + query + "\u201d. The report lists the people of its largest groups; `crosslink show` searches the whole workspace."));
      return;
    }
    hits.slice(0, 8).forEach(function (hit) { results.appendChild(entityLink(hit.id, hit.label)); results.appendChild(document.createTextNode(" ")); });
    if (hits.length > 8) results.appendChild(el("span", "note", "and " + (hits.length - 8) + " more"));
    openEntity(hits[0].id);
  }
  if (search) {
    search.addEventListener("change", runSearch);
    search.addEventListener("keydown", function (event) { if (event.key === "Enter") runSearch(); });
  }
  document.querySelectorAll("[data-node]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      openEntity(link.getAttribute("data-node"));
    });
  });
})();
