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

// WebAuthn (security keys and passkeys): a button with data-webauthn
// ("create" or "get") and data-options (the server's options, JSON) runs
// the ceremony and submits its form with the browser's answer in the
// form's webauthn_response field.
(function () {
  function b64urlToBuf(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }
  function bufToB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function decodeOptions(kind, o) {
    var pk = o.publicKey;
    pk.challenge = b64urlToBuf(pk.challenge);
    if (kind === "create") {
      pk.user.id = b64urlToBuf(pk.user.id);
      (pk.excludeCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
    } else {
      (pk.allowCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
    }
    return o;
  }
  function encodeCredential(c) {
    var r = c.response, out = { id: c.id, rawId: bufToB64url(c.rawId), type: c.type, response: { clientDataJSON: bufToB64url(r.clientDataJSON) } };
    if (r.attestationObject) {
      out.response.attestationObject = bufToB64url(r.attestationObject);
      if (r.getTransports) { out.response.transports = r.getTransports(); }
    } else {
      out.response.authenticatorData = bufToB64url(r.authenticatorData);
      out.response.signature = bufToB64url(r.signature);
      if (r.userHandle) { out.response.userHandle = bufToB64url(r.userHandle); }
    }
    if (c.authenticatorAttachment) { out.authenticatorAttachment = c.authenticatorAttachment; }
    out.clientExtensionResults = c.getClientExtensionResults ? c.getClientExtensionResults() : {};
    return out;
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-webauthn]");
    if (!btn) { return; }
    e.preventDefault();
    var form = btn.closest("form"), kind = btn.getAttribute("data-webauthn");
    var status = form.querySelector("[data-webauthn-status]");
    if (!window.PublicKeyCredential) {
      if (status) { status.textContent = "This browser cannot use security keys or passkeys."; }
      return;
    }
    var opts = decodeOptions(kind, JSON.parse(btn.getAttribute("data-options")));
    var p = kind === "create" ? navigator.credentials.create(opts) : navigator.credentials.get(opts);
    p.then(function (cred) {
      form.querySelector("[name=webauthn_response]").value = JSON.stringify(encodeCredential(cred));
      form.submit();
    }).catch(function (err) {
      if (status) { status.textContent = "The security key did not answer (" + err.name + "). Try again, or use another way."; }
    });
  });
})();
