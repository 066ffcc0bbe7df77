// Place picker (street → community → grid) over the embedded region list, the optional map
// point and "use my location" button, and the anonymous switch. No network beyond this server.
(function () {
  "use strict";
  var picker = document.querySelector(".place-picker");
  if (picker) {
    var rows = JSON.parse(document.getElementById(picker.dataset.regionsJson).textContent);
    var byId = {}, children = {};
    rows.forEach(function (r) { byId[r.id] = r; (children[r.parent] = children[r.parent] || []).push(r); });
    var hidden = document.getElementById("id_region");
    var selects = Array.prototype.slice.call(picker.querySelectorAll("select"));
    var topLevel = Math.min.apply(null, rows.map(function (r) { return r.level; }));
    function fill(select, parentId) {
      select.length = 1;
      var list = parentId === null ? rows.filter(function (r) { return r.level === topLevel; }) : (children[parentId] || []);
      list.forEach(function (r) { select.add(new Option(r.name, r.id)); });
      select.disabled = list.length === 0;
    }
    function update(index) {
      var value = selects[index].value;
      for (var i = index + 1; i < selects.length; i++) { fill(selects[i], i === index + 1 && value ? Number(value) : -1); }
      var chosen = "";
      selects.forEach(function (s) { if (s.value) { chosen = s.value; } });
      hidden.value = chosen;
    }
    fill(selects[0], null);
    selects.forEach(function (s, i) { s.addEventListener("change", function () { update(i); }); });
    var selected = Number(picker.dataset.selected);
    if (selected && byId[selected]) {
      var chain = [], r = byId[selected];
      while (r && r.level >= topLevel) { chain.unshift(r.id); r = byId[r.parent]; }
      chain.forEach(function (id, i) { if (selects[i]) { selects[i].value = String(id); update(i); } });
    } else { update(0); }
  }
  // The optional map point: the chosen community's outline and its grids, drawn by Leaflet
  // from this server's GeoJSON with no tile layer (intranets have no web map tiles).
  var lat = document.getElementById("id_latitude"), lon = document.getElementById("id_longitude");
  var mapEl = document.getElementById("place-map");
  var status = document.getElementById("locate-status");
  var clear = document.getElementById("clear-point");
  var map = null, outlines = null, marker = null, shownFor = null;
  function setPoint(latlng, pan) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    status.textContent = latlng.lat.toFixed(5) + ", " + latlng.lng.toFixed(5);
    if (clear) { clear.hidden = false; }
    if (map) {
      if (marker) { marker.setLatLng(latlng); } else {
        marker = window.L.circleMarker(latlng, { radius: 8, color: "#b71c1c", weight: 3, fillOpacity: 0.6 }).addTo(map);
      }
      if (pan) { map.panTo(latlng); }
    }
  }
  function clearPoint() {
    lat.value = ""; lon.value = ""; status.textContent = "";
    if (clear) { clear.hidden = true; }
    if (marker) { marker.remove(); marker = null; }
  }
  function gridSelect() { return picker ? picker.querySelector("select[data-level='5']") : null; }
  function styleFor(feature) {
    var grid = gridSelect(), own = feature.properties.level <= 4;
    var chosen = grid && String(feature.properties.id) === grid.value;
    return { color: own ? "#555" : "#1565c0", weight: own ? 2 : 1, fillOpacity: chosen ? 0.35 : (own ? 0 : 0.08),
             fillColor: chosen ? "#1565c0" : "#90caf9", interactive: !own };
  }
  function showMap(communityId) {
    if (!mapEl || !window.L || !lat) { return; }
    if (!communityId) { mapEl.hidden = true; shownFor = null; return; }
    if (shownFor === communityId) { if (outlines) { outlines.setStyle(styleFor); } return; }
    shownFor = communityId;
    fetch(mapEl.dataset.outlinesUrl.replace("/0/", "/" + communityId + "/"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.features.length || shownFor !== communityId) { mapEl.hidden = true; return; }
        mapEl.hidden = false;
        if (!map) {
          map = window.L.map(mapEl, { attributionControl: false, zoomSnap: 0.25 });
          map.on("click", function (e) { setPoint(e.latlng, false); });
        }
        if (outlines) { outlines.remove(); }
        outlines = window.L.geoJSON(data, {
          style: styleFor,
          onEachFeature: function (feature, layer) {
            if (feature.properties.level <= 4) { return; }
            layer.bindTooltip(feature.properties.name, { sticky: true });
            layer.on("click", function (e) {
              window.L.DomEvent.stopPropagation(e);
              var grid = gridSelect();
              if (grid) { grid.value = String(feature.properties.id); grid.dispatchEvent(new Event("change", { bubbles: true })); }
              setPoint(e.latlng, false);
            });
          }
        }).addTo(map);
        map.invalidateSize();
        map.fitBounds(outlines.getBounds(), { padding: [8, 8] });
        if (lat.value && lon.value) { setPoint(window.L.latLng(Number(lat.value), Number(lon.value)), false); }
      })
      .catch(function () { mapEl.hidden = true; });
  }
  if (picker) {
    var community = picker.querySelector("select[data-level='4']");
    var syncMap = function () { showMap(community && community.value ? Number(community.value) : null); };
    picker.addEventListener("change", syncMap);
    syncMap();
  }
  if (clear) { clear.addEventListener("click", clearPoint); if (lat && lat.value) { clear.hidden = false; } }
  var locate = document.getElementById("locate");
  if (locate) {
    if (!navigator.geolocation) { locate.hidden = true; }
    locate.addEventListener("click", function () {
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPoint({ lat: pos.coords.latitude, lng: pos.coords.longitude }, true);
      }, function () { status.textContent = locate.dataset.failed; }, { timeout: 10000 });
    });
  }
  var anon = document.getElementById("id_anonymous"), contact = document.getElementById("contact");
  if (anon && contact) {
    var sync = function () { contact.hidden = anon.checked; };
    anon.addEventListener("change", sync); sync();
  }
})();
