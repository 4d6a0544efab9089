#!/usr/bin/python3
# A pysaml2 service provider for Signet's interop tests.
#   pysaml2_sp.py metadata PORT WORKDIR [--encrypt]       print the SP metadata
#   pysaml2_sp.py serve PORT WORKDIR IDP_METADATA [--encrypt]
# Routes: GET /login (SP-initiated), POST /acs, GET /whoami (JSON of the
# signed-in user). A refused response gets 403 with "REJECTED: reason".
# Run with Debian's /usr/bin/python3 (python3-pysaml2).
import html, http.cookies, http.server, json, os, subprocess, sys, uuid, base64
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor

mode, port, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
idp_md = sys.argv[4] if mode == "serve" else None
encrypt = "--encrypt" in sys.argv
base = "http://127.0.0.1:%d" % port
key, crt = os.path.join(work, "sp.key"), os.path.join(work, "sp.crt")
if not os.path.exists(key):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "3", "-subj", "/CN=pysaml2 interop SP"], check=True, capture_output=True)

conf = {
    "entityid": base + "/sp",
    "service": {"sp": {
        "endpoints": {"assertion_consumer_service": [(base + "/acs", BINDING_HTTP_POST)]},
        "want_response_signed": False, "want_assertions_signed": True, "allow_unsolicited": True,
        "authn_requests_signed": False, "allow_unknown_attributes": True,
    }},
    "key_file": key, "cert_file": crt,
    "metadata": {"local": [idp_md] if idp_md else []},
    "xmlsec_binary": "/usr/bin/xmlsec1",
}
if encrypt:
    conf["encryption_keypairs"] = [{"key_file": key, "cert_file": crt}]
cfg = SPConfig()
cfg.load(conf)
if mode == "metadata":
    print(str(entity_descriptor(cfg)))
    sys.exit()

client = Saml2Client(cfg)
outstanding, sessions = {}, {}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, code, body, headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body.encode())

    def do_GET(self):
        if self.path.startswith("/login"):
            reqid, info = client.prepare_for_authenticate(binding=BINDING_HTTP_REDIRECT, relay_state="rs-pysaml2")
            outstanding[reqid] = "/whoami"
            return self.send(302, "", [("Location", dict(info["headers"])["Location"])])
        if self.path.startswith("/whoami"):
            c = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
            sid = c["sid"].value if "sid" in c else ""
            if sid not in sessions:
                return self.send(401, "not signed in")
            return self.send(200, json.dumps(sessions[sid]), [("Content-Type", "application/json")])
        self.send(404, "not found")

    def do_POST(self):
        if not self.path.startswith("/acs"):
            return self.send(404, "not found")
        n = int(self.headers.get("Content-Length", "0"))
        form = dict(p.split("=", 1) for p in self.rfile.read(n).decode().split("&") if "=" in p)
        import urllib.parse
        value = urllib.parse.unquote_plus(form.get("SAMLResponse", ""))
        try:
            encrypted = b"EncryptedAssertion" in base64.b64decode(value)
            resp = client.parse_authn_request_response(value, BINDING_HTTP_POST, outstanding=outstanding)
            if resp is None:
                raise Exception("no response")
        except Exception as e:  # the peer refused the response
            return self.send(403, "REJECTED: %s: %s" % (type(e).__name__, e))
        attrs = {}  # as pysaml2 parsed them from the (verified, decrypted) assertion
        for st in resp.assertion.attribute_statement:
            for a in st.attribute:
                attrs.setdefault(a.name, []).extend(v.text for v in a.attribute_value)
        sid = uuid.uuid4().hex
        sessions[sid] = {"peer": "pysaml2", "name_id": resp.name_id.text, "name_id_format": resp.name_id.format,
                         "attributes": attrs, "encrypted": encrypted,
                         "relay_state": urllib.parse.unquote_plus(form.get("RelayState", ""))}
        self.send(303, "", [("Location", "/whoami"), ("Set-Cookie", "sid=%s; Path=/; HttpOnly" % sid)])


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
