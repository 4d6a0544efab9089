// Signet: progressive enhancement only. Every page works without this file.
"use strict";
document.addEventListener("click", function (e) {
  var btn = e.target.closest("[data-copy]");
  if (btn) {
    var src = document.getElementById(btn.getAttribute("data-copy"));
    var text = src ? (src.value !== undefined ? src.value : src.textContent) : "";
    navigator.clipboard.writeText(text.trim()).then(function () {
      var old = btn.textContent;
      btn.textContent = "Copied";
      setTimeout(function () { btn.textContent = old; }, 1500);
    });
    e.preventDefault();
    return;
  }
  var add = e.target.closest("[data-add-row]");
  if (add) {
    var tbody = document.getElementById(add.getAttribute("data-add-row"));
    var tmpl = tbody && tbody.querySelector("tr[data-template]");
    if (tmpl) {
      var row = tmpl.cloneNode(true);
      row.removeAttribute("data-template");
      row.hidden = false;
      row.querySelectorAll("input").forEach(function (i) { i.value = ""; i.disabled = false; });
      row.querySelectorAll("select").forEach(function (s) { s.disabled = false; });
      tbody.insertBefore(row, tmpl);
      e.preventDefault();
    }
    return;
  }
  var rm = e.target.closest("[data-remove-row]");
  if (rm) {
    var tr = rm.closest("tr");
    if (tr) { tr.parentNode.removeChild(tr); }
    e.preventDefault();
  }
});
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
// data-show-for="NAME:VALUE" shows an element only while the control
// named NAME has VALUE (metadata source choices, the guide of the chosen
// identity provider).
document.addEventListener("change", function (e) {
  var t = e.target;
  if (!t.name) { return; }
  document.querySelectorAll("[data-show-for]").forEach(function (el) {
    var group = el.getAttribute("data-show-for").split(":");
    if (group[0] === t.name) { el.hidden = group[1] !== t.value; }
  });
});
