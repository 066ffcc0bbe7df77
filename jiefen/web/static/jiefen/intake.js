// Place picker (street → community → grid) over the embedded region list, the optional
// "use my location" button and the anonymous switch. No network beyond this server.
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
  var locate = document.getElementById("locate");
  if (locate) {
    var status = document.getElementById("locate-status");
    if (!navigator.geolocation) { locate.hidden = true; }
    locate.addEventListener("click", function () {
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
        status.textContent = pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
      }, function () { status.textContent = locate.dataset.failed || "定位失败，可不填"; }, { timeout: 10000 });
    });
  }
  var anon = document.getElementById("id_anonymous"), contact = document.getElementById("contact");
  if (anon && contact) {
    var sync = function () { contact.hidden = anon.checked; };
    anon.addEventListener("change", sync); sync();
  }
})();
