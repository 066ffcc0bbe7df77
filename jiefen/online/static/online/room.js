// The room's new messages without reloading: ask the server every few seconds for the
// messages after the last one shown (light JSON), and send the form without leaving the page.
(function () {
  "use strict";
  var list = document.getElementById("msgs");
  if (!list) { return; }
  var pollUrl = list.getAttribute("data-poll");
  var last = parseInt(list.getAttribute("data-last") || "0", 10);
  var busy = false;
  var FAST = 3000, SLOW = 15000;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  function render(m) {
    if (list.querySelector('li[data-id="' + m.id + '"]')) { return; }
    var li = el("li", "msg kind-" + m.kind + (m.mine ? " mine" : "") + (m.private ? " private" : ""));
    li.setAttribute("data-id", m.id);
    var meta = el("div", "meta");
    meta.appendChild(el("span", "who", m.sender));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(el("span", "at", m.at));
    if (m.private) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(el("span", "tag", m.private_label)); }
    li.appendChild(meta);
    if (m.text) { li.appendChild(el("div", "text", m.text)); }
    if (m.file) {
      var box = el("div", "file"), a = el("a", "", "📎 " + m.file.name);
      a.href = m.file.url;
      box.appendChild(a);
      li.appendChild(box);
    }
    list.appendChild(li);
  }

  function poll() {
    if (busy) { return Promise.resolve(); }
    busy = true;
    return fetch(pollUrl + "?after=" + last, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.messages) { return; }
        var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
        data.messages.forEach(render);
        if (data.last > last) { last = data.last; }
        if (data.messages.length && atBottom) { list.scrollTop = list.scrollHeight; }
      })
      .catch(function () { /* the next round tries again */ })
      .then(function () { busy = false; });
  }

  function loop() {
    poll().then(function () { window.setTimeout(loop, document.hidden ? SLOW : FAST); });
  }
  list.scrollTop = list.scrollHeight;
  window.setTimeout(loop, FAST);

  var form = document.getElementById("send-form");
  if (!form) { return; }
  var error = document.getElementById("send-error");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { error.textContent = res.body.error || ""; error.hidden = false; return; }
        error.hidden = true;
        form.querySelector("textarea").value = "";
        var file = form.querySelector("input[type=file]");
        if (file) { file.value = ""; }
        return poll();
      })
      .catch(function () { error.textContent = form.getAttribute("data-offline") || "网络连接失败，请重试。"; error.hidden = false; })
      .then(function () { button.disabled = false; });
  });
}());
