// Grid field work on a phone: the tasks' "nearest first" location, and the report form's
// quick item buttons, location, on-the-spot switch, draft kept in localStorage and a send
// that survives a dropped connection (the same submission key on every resend: one case).
(function () {
  "use strict";
  function locate(done, failed) {
    if (!navigator.geolocation) { failed(); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      done(pos.coords.latitude.toFixed(6), pos.coords.longitude.toFixed(6));
    }, failed, { timeout: 10000, maximumAge: 60000 });
  }

  // 我的任务: reload with the phone's point so the server orders the tasks by distance.
  var useLocation = document.getElementById("use-location");
  if (useLocation) {
    var note = document.getElementById("order-note");
    var go = function () {
      useLocation.textContent = useLocation.dataset.locating;
      locate(function (lat, lon) {
        var url = new URL(window.location.href);
        url.searchParams.set("lat", lat); url.searchParams.set("lon", lon);
        window.location.replace(url.toString());
      }, function () {
        sessionStorage.setItem("field-no-location", "1");
        useLocation.textContent = useLocation.dataset.failed;
      });
    };
    useLocation.addEventListener("click", go);
    if (!navigator.geolocation) { useLocation.hidden = true; }
    else if (useLocation.dataset.auto === "1" && !sessionStorage.getItem("field-no-location")) { go(); }
    if (note) { note.hidden = false; }
  }

  var form = document.getElementById("field-report");
  if (!form) { return; }
  var status = document.getElementById("send-status");
  var draftKey = form.dataset.draft;

  // quick category buttons: one tap shows that category's items
  var cats = Array.prototype.slice.call(form.querySelectorAll(".quick-cats .quick"));
  var sets = Array.prototype.slice.call(form.querySelectorAll(".quick-items"));
  function showCategory(id) {
    cats.forEach(function (b) { b.classList.toggle("active", b.dataset.category === id); });
    sets.forEach(function (s) { s.hidden = s.dataset.category !== id; });
  }
  cats.forEach(function (b) { b.addEventListener("click", function () { showCategory(b.dataset.category); }); });
  function syncCategory() {
    var checked = form.querySelector("input[name=item]:checked");
    showCategory(checked ? checked.closest(".quick-items").dataset.category : (sets.length === 1 ? sets[0].dataset.category : ""));
  }

  // 已就地化解 shows the mediation fields
  var onSpot = document.getElementById("id_on_spot"), spotFields = document.getElementById("on-spot-fields");
  function syncSpot() { if (onSpot && spotFields) { spotFields.hidden = !onSpot.checked; } }
  if (onSpot) { onSpot.addEventListener("change", syncSpot); }

  // location: the phone's point (the server puts the report in the grid that holds it)
  var lat = document.getElementById("id_latitude"), lon = document.getElementById("id_longitude");
  var locateButton = document.getElementById("locate"), locateStatus = document.getElementById("locate-status");
  function findMe() {
    locateStatus.textContent = locateButton.dataset.locating;
    locate(function (la, lo) {
      lat.value = la; lon.value = lo; locateStatus.textContent = la + ", " + lo; save();
    }, function () { locateStatus.textContent = locateButton.dataset.failed; });
  }
  if (locateButton) {
    if (!navigator.geolocation) { locateButton.hidden = true; }
    locateButton.addEventListener("click", findMe);
  }

  // the draft: every typed or chosen value (not the photos: a browser cannot keep files)
  function fields() {
    return Array.prototype.slice.call(form.elements).filter(function (el) {
      return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken" && el.type !== "submit";
    });
  }
  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } }
      else if (el.type === "checkbox") { data[el.name] = el.checked; }
      else { data[el.name] = el.value; }
    });
    try { localStorage.setItem(draftKey, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  function restore() {
    var data = null;
    try { data = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { data = null; }
    if (!data) { return false; }
    fields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "radio") { el.checked = el.value === data[el.name]; }
      else if (el.type === "checkbox") { el.checked = !!data[el.name]; }
      else { el.value = data[el.name]; }
    });
    if (lat && lat.value) { locateStatus.textContent = lat.value + ", " + lon.value; }
    return true;
  }
  var restored = form.dataset.bound !== "1" && restore();
  if (restored) { status.textContent = form.dataset.restored; status.classList.add("info"); }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  syncCategory();
  syncSpot();
  if (lat && !lat.value && navigator.geolocation) { findMe(); }

  // send: on a dropped connection keep everything as it is, so that "发送" again resends the
  // same report with the same key; a page with the server's remarks replaces this one.
  var sending = false, send = document.getElementById("send");
  form.addEventListener("submit", function (e) {
    if (!window.fetch || !window.FormData) { return; }
    e.preventDefault();
    if (sending) { return; }
    sending = true; send.disabled = true; save();
    status.classList.add("info"); status.textContent = form.dataset.sending;
    fetch(form.action || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "X-Field-Send": "1" }
    })
      .then(function (response) {
        var json = response.ok && (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
        return json ? response.json() : null;
      })
      .then(function (filed) {
        if (filed && filed.url) {
          localStorage.removeItem(draftKey);
          window.location.href = filed.url;
          return;
        }
        sending = false;
        form.submit();  // nothing was filed: the server shows what to correct
      })
      .catch(function () {
        sending = false; send.disabled = false;
        status.classList.remove("info"); status.textContent = form.dataset.failed;
      });
  });
})();
