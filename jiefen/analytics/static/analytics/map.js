// The safety map (平安地图): region outlines coloured by an indicator, and the case points or
// the heat cells, all from this server's JSON (no web tiles: intranets have none).
(function () {
  "use strict";
  var el = document.getElementById("safety-map");
  if (!el || !window.L) { return; }
  var L = window.L;
  var text = document.getElementById("map-text").dataset;
  var status = document.getElementById("map-status");
  var figures = document.getElementById("map-figures");
  var legendItems = document.getElementById("map-legend-items");
  var caseLegend = document.getElementById("map-case-legend");
  var areaRows = document.getElementById("map-areas");

  // The indicator and case-layer selects reload the page at once; the others wait for 查询.
  var form = document.getElementById("map-filter");
  Array.prototype.forEach.call(form.querySelectorAll("[data-autosubmit]"), function (s) {
    s.addEventListener("change", function () { form.requestSubmit(); });
  });
  // Picking a date means a period of one's own.
  Array.prototype.forEach.call(form.querySelectorAll("input[type=date]"), function (input) {
    input.addEventListener("change", function () { form.elements.period.value = "custom"; });
  });

  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, minZoom: 8 });
  map.createPane("cases");
  map.getPane("cases").style.zIndex = 450;
  map.getPane("cases").style.pointerEvents = "none";
  var caseRenderer = L.canvas({ pane: "cases" });
  var OPEN_COLOUR = "#111827", CLOSED_COLOUR = "#2563eb";  // apart from the areas' palettes
  var areas = null, selected = null, layersById = {}, points = [];
  var NEAR = 7;  // pixels: a click this close to a case point opens that case

  // The points are drawn without events (the areas stay clickable under them); a click
  // anywhere looks for the nearest point on screen instead.
  map.on("click", function (e) {
    var best = null, bestDistance = NEAR;
    points.forEach(function (p) {
      var d = map.latLngToContainerPoint([p[0], p[1]]).distanceTo(e.containerPoint);
      if (d <= bestDistance) { best = p; bestDistance = d; }
    });
    if (!best) { return; }
    var box = node("div", { "class": "sm-popup", "data-testid": "map-case-popup" });
    box.appendChild(node("a", { href: el.dataset.caseUrl.replace("CODE", best[2]) }, best[2]));
    box.appendChild(document.createTextNode(" " + best[3]));
    L.popup({ offset: [0, -2] }).setLatLng([best[0], best[1]]).setContent(box).openOn(map);
  });

  function node(tag, attrs, content) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "style") { n.style.cssText = attrs[k]; } else { n.setAttribute(k, attrs[k]); }
    });
    if (content !== undefined) { n.textContent = content; }
    return n;
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
  }
  function baseStyle(feature) {
    return { color: "#374151", weight: 1, opacity: 0.9, fillColor: feature.properties.colour, fillOpacity: 0.72 };
  }

  function showFigures(props) {
    figures.textContent = "";
    figures.appendChild(node("h2", {}, props.name));
    var table = node("table", { "class": "sm-figtable" });
    var head = node("tr");
    head.appendChild(node("th", {}, text.indicator));
    head.appendChild(node("th", {}, text.value));
    table.appendChild(head);
    props.figures.forEach(function (f) {
      var tr = node("tr", { "data-key": f.key });
      var label = node("td");
      label.appendChild(node("abbr", { title: f.definition }, f.label));
      tr.appendChild(label);
      tr.appendChild(node("td", { "class": "value" }, f.text));
      table.appendChild(tr);
    });
    figures.appendChild(table);
    var links = node("p", { "class": "sm-links" });
    if (props.urls.drill) { links.appendChild(node("a", { href: props.urls.drill, "data-testid": "map-drill" }, text.drill)); }
    links.appendChild(node("a", { href: props.urls.cases, "data-testid": "map-cases" }, text.cases));
    links.appendChild(node("a", { href: props.urls.dashboard }, text.dashboard));
    figures.appendChild(links);
  }

  function select(id) {
    var layer = layersById[id];
    if (!layer) { return; }
    if (selected) { areas.resetStyle(selected); }
    selected = layer;
    layer.setStyle({ weight: 3, color: "#111827" });
    layer.bringToFront();
    showFigures(layer.feature.properties);
    Array.prototype.forEach.call(areaRows.querySelectorAll("tr"), function (tr) {
      tr.classList.toggle("sm-selected", tr.dataset.id === String(id));
    });
  }

  function drawLegend(data) {
    legendItems.textContent = "";
    data.legend.forEach(function (c) {
      var li = node("li");
      li.appendChild(node("span", { "class": "sm-swatch", style: "background:" + c.colour }));
      li.appendChild(document.createTextNode(c.label));
      legendItems.appendChild(li);
    });
  }

  function drawTable(data) {
    areaRows.textContent = "";
    var rows = data.features.slice().sort(function (a, b) {
      var x = a.properties.value, y = b.properties.value;
      if (x === null) { return 1; }
      if (y === null) { return -1; }
      return y - x;
    });
    rows.forEach(function (f) {
      var p = f.properties, tr = node("tr", { "data-id": p.id });
      var name = node("td");
      var button = node("button", { type: "button", "class": "link" }, p.name);
      button.addEventListener("click", function () { select(p.id); });
      name.appendChild(node("span", { "class": "sm-swatch", style: "background:" + p.colour }));
      name.appendChild(button);
      tr.appendChild(name);
      tr.appendChild(node("td", { "class": "value" }, p.text));
      var link = node("td");
      if (p.urls.drill) { link.appendChild(node("a", { href: p.urls.drill }, text.drill)); }
      tr.appendChild(link);
      areaRows.appendChild(tr);
    });
    var total = node("tr", { "class": "sm-total" });
    total.appendChild(node("td", {}, text.total));
    total.appendChild(node("td", { "class": "value" }, data.region.text));
    total.appendChild(node("td"));
    areaRows.appendChild(total);
  }

  function drawAreas(data) {
    if (data.region.frame) {
      L.geoJSON(data.region.frame, { interactive: false, style: { color: "#111827", weight: 3, fill: false } }).addTo(map);
    }
    var many = data.features.length > 12;
    areas = L.geoJSON(data, {
      style: baseStyle,
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layersById[p.id] = layer;
        layer.bindTooltip(p.name + "　" + p.text, { permanent: !many, direction: "center", className: "sm-label" });
        layer.on("click", function () { select(p.id); });
        layer.on("mouseover", function () { if (layer !== selected) { layer.setStyle({ weight: 2.5 }); } });
        layer.on("mouseout", function () { if (layer !== selected) { areas.resetStyle(layer); } });
      }
    }).addTo(map);
    if (data.features.length) { map.fitBounds(areas.getBounds(), { padding: [12, 12] }); }
    drawLegend(data);
    drawTable(data);
    if (data.missing.length) { status.textContent = text.missing + data.missing.join("、"); }
  }

  function drawCases(data) {
    if (data.layer === "points") {
      points = data.points;
      data.points.forEach(function (p) {
        L.circleMarker([p[0], p[1]], {
          renderer: caseRenderer, pane: "cases", interactive: false, radius: 2.6, weight: 0.6,
          color: "#ffffff", fillColor: p[4] ? OPEN_COLOUR : CLOSED_COLOUR, fillOpacity: 0.8
        }).addTo(map);
      });
      caseLegend.textContent = "";
      caseLegend.appendChild(node("span", { "class": "sm-dot", style: "background:" + OPEN_COLOUR }));
      caseLegend.appendChild(document.createTextNode(text.open + "　"));
      caseLegend.appendChild(node("span", { "class": "sm-dot", style: "background:" + CLOSED_COLOUR }));
      caseLegend.appendChild(document.createTextNode(text.closed + "　" + format(text.points, { n: data.count.toLocaleString() })));
      if (data.capped) { status.textContent = data.note; }
      else if (!data.count) { status.textContent = text.none; }
    } else if (data.layer === "heat") {
      data.cells.forEach(function (c) {
        var t = Math.sqrt(c[4] / data.max);
        L.rectangle([[c[0], c[1]], [c[2], c[3]]], {
          pane: "cases", interactive: false, stroke: false,
          // blue to purple, apart from the areas' palettes
          fillColor: "hsl(" + Math.round(215 + 75 * t) + ", 85%, " + Math.round(62 - 30 * t) + "%)",
          fillOpacity: 0.45 + 0.45 * t
        }).addTo(map);
      });
      caseLegend.textContent = format(text.heat, { n: data.count.toLocaleString(), max: data.max.toLocaleString() });
      if (!data.count) { status.textContent = text.none; }
    }
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { if (!r.ok) { throw new Error(body.error || text.failed); } return body; }); });
  }

  status.textContent = text.loading;
  load(el.dataset.regionsUrl).then(function (data) {
    status.textContent = "";
    drawAreas(data);
    return load(el.dataset.pointsUrl);
  }).then(drawCases).catch(function (err) {
    status.textContent = err && err.message ? err.message : text.failed;
    status.classList.add("error");
  });
})();
