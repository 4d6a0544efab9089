// Shared plumbing of the node SP peers: a tiny HTTP server with /login,
// /acs and /whoami, and IdP metadata reading.
const http = require("node:http");
const crypto = require("node:crypto");
const fs = require("node:fs");

exports.readIdP = function (file) {
  const xml = fs.readFileSync(file, "utf8");
  const entityID = /entityID="([^"]+)"/.exec(xml)[1];
  const cert = /<(?:ds:)?X509Certificate>([^<]+)</.exec(xml)[1].replace(/\s+/g, "");
  const sso = /SingleSignOnService[^>]*Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"[^>]*Location="([^"]+)"/.exec(xml) ||
    /SingleSignOnService[^>]*Location="([^"]+)"[^>]*Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"/.exec(xml);
  return { xml, entityID, cert, sso: sso[1] };
};

// serve runs the SP: login() returns the IdP URL to redirect to; acs(form)
// returns the signed-in user or throws to refuse the response.
exports.serve = function (port, peer, login, acs) {
  const sessions = new Map();
  http.createServer(async (req, res) => {
    try {
      if (req.method === "GET" && req.url.startsWith("/login")) {
        res.writeHead(302, { Location: await login() });
        return res.end();
      }
      if (req.method === "GET" && req.url.startsWith("/whoami")) {
        const sid = /sid=([a-f0-9]+)/.exec(req.headers.cookie || "");
        if (!sid || !sessions.has(sid[1])) { res.writeHead(401); return res.end("not signed in"); }
        res.writeHead(200, { "Content-Type": "application/json" });
        return res.end(JSON.stringify(sessions.get(sid[1])));
      }
      if (req.method === "POST" && req.url.startsWith("/acs")) {
        let body = "";
        for await (const chunk of req) body += chunk;
        const form = Object.fromEntries(new URLSearchParams(body));
        let who;
        try { who = await acs(form); } catch (e) { res.writeHead(403); return res.end("REJECTED: " + (e && e.message || e)); }
        const sid = crypto.randomBytes(16).toString("hex");
        sessions.set(sid, Object.assign({ peer, relay_state: form.RelayState || "" }, who));
        res.writeHead(303, { Location: "/whoami", "Set-Cookie": "sid=" + sid + "; Path=/; HttpOnly" });
        return res.end();
      }
      res.writeHead(404); res.end("not found");
    } catch (e) { res.writeHead(500); res.end(String(e && e.stack || e)); }
  }).listen(port, "127.0.0.1");
};
