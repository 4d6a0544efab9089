#!/usr/bin/python3
# A pysaml2 identity provider for Signet's interop tests. It signs in one
# person, bob@example.test (or $PYSAML2_IDP_EMAIL), without asking (the
# test is about SAML).
#   pysaml2_idp.py metadata PORT WORKDIR
#   pysaml2_idp.py serve PORT WORKDIR SP_METADATA
# Routes: GET /metadata, GET /sso (HTTP-Redirect AuthnRequest), GET
# /initiate?sp=ENTITY_ID[&encrypt=1] (IdP-initiated; encrypt=1 encrypts the
# assertion to the SP's certificate from its metadata). Both answer with an
# auto-submitting HTML form. Single logout (HTTP-Redirect, query-signed):
# GET /slo takes the SP's LogoutRequest (its signature checked with the
# SP's metadata certificate) and answers with a signed LogoutResponse, or
# takes the SP's LogoutResponse; GET /logout?sp=ENTITY_ID sends the SP a
# signed LogoutRequest for bob; GET /slo-log lists what /slo accepted.
# Run with Debian's /usr/bin/python3.
import html, http.server, json, os, subprocess, sys, urllib.parse, base64
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.server import Server
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.sigver import verify_redirect_signature
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

mode, port, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
base = "http://127.0.0.1:%d" % port
key, crt = os.path.join(work, "idp.key"), os.path.join(work, "idp.crt")
if not os.path.exists(key):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "3", "-subj", "/CN=pysaml2 interop IdP"], check=True, capture_output=True)
cfg = IdPConfig()
cfg.load({
    "entityid": base + "/idp",
    "service": {"idp": {
        "endpoints": {"single_sign_on_service": [(base + "/sso", BINDING_HTTP_REDIRECT)],
                      "single_logout_service": [(base + "/slo", BINDING_HTTP_REDIRECT)]},
        "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                               "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"}},
        "sign_response": True, "sign_assertion": True,
    }},
    "key_file": key, "cert_file": crt,
    "metadata": {"local": [sys.argv[4]]} if mode == "serve" else {},
    "xmlsec_binary": "/usr/bin/xmlsec1",
})
if mode == "metadata":
    print(str(entity_descriptor(cfg)))
    sys.exit()
idp = Server(config=cfg)
SLO_LOG = []
EMAIL = os.environ.get("PYSAML2_IDP_EMAIL", "bob@example.test")
IDENTITY = {"mail": [EMAIL], "givenName": [EMAIL.split("@")[0].capitalize()], "eduPersonAffiliation": ["staff"]}


def respond(sp_entity, in_response_to, relay, encrypt=False):
    acs = idp.metadata.assertion_consumer_service(sp_entity, BINDING_HTTP_POST)[0]["location"]
    resp = idp.create_authn_response(
        identity=IDENTITY, in_response_to=in_response_to, destination=acs, sp_entity_id=sp_entity,
        name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=EMAIL),
        sign_response=True, sign_assertion=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256,
        # encrypt: to the SP's encryption certificate from its metadata
        encrypt_assertion=encrypt, encrypt_assertion_self_contained=True,
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"})
    b64 = base64.b64encode(str(resp).encode()).decode()
    return ('<html><head><link rel="icon" href="data:,"></head><body><form method="post" action="%s"><input type="hidden" name="SAMLResponse" value="%s">'
            '<input type="hidden" name="RelayState" value="%s"><button>Continue</button></form></body></html>'
            % (html.escape(acs), b64, html.escape(relay or "")))


def signed_by_sp(q, sp):
    return any(verify_redirect_signature(q, idp.sec.sec_backend, cert=c) for c in idp.metadata.certs(sp, "spsso", "signing"))


def sp_slo(sp):
    return idp.metadata.single_logout_service(sp, BINDING_HTTP_REDIRECT, "spsso")[0]["location"]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="text/html"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.end_headers()
        self.wfile.write(body.encode())

    def redirect(self, location):
        self.send_response(303)
        self.send_header("Location", location)
        self.end_headers()

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if u.path == "/metadata":
            return self.send(200, str(entity_descriptor(cfg)), "application/samlmetadata+xml")
        if u.path == "/sso":
            req = idp.parse_authn_request(q["SAMLRequest"], BINDING_HTTP_REDIRECT)
            return self.send(200, respond(req.message.issuer.text, req.message.id, q.get("RelayState")))
        if u.path == "/slo" and "SAMLRequest" in q:
            req = idp.parse_logout_request(q["SAMLRequest"], BINDING_HTTP_REDIRECT).message
            sp = req.issuer.text
            if not signed_by_sp(q, sp):
                return self.send(403, "the LogoutRequest's signature does not verify")
            SLO_LOG.append({"request": True, "issuer": sp, "name_id": req.name_id.text,
                            "session_index": [si.text for si in req.session_index]})
            resp = idp.create_logout_response(req, [BINDING_HTTP_REDIRECT], sign=False)
            info = idp.apply_binding(BINDING_HTTP_REDIRECT, str(resp), sp_slo(sp), q.get("RelayState", ""),
                                     response=True, sign=True, sigalg=SIG_RSA_SHA256)
            return self.redirect(dict(info["headers"])["Location"])
        if u.path == "/slo" and "SAMLResponse" in q:
            resp = idp.parse_logout_request_response(q["SAMLResponse"], BINDING_HTTP_REDIRECT).response
            sp = resp.issuer.text
            if not signed_by_sp(q, sp):
                return self.send(403, "the LogoutResponse's signature does not verify")
            SLO_LOG.append({"response": True, "issuer": sp, "status": resp.status.status_code.value})
            return self.send(200, "logged out at " + sp)
        if u.path == "/slo-log":
            return self.send(200, json.dumps(SLO_LOG), "application/json")
        if u.path == "/logout":
            sp = q["sp"]
            _, req = idp.create_logout_request(sp_slo(sp), sp, name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS,
                                               text=EMAIL), sign=False)
            info = idp.apply_binding(BINDING_HTTP_REDIRECT, str(req), sp_slo(sp), "", sign=True, sigalg=SIG_RSA_SHA256)
            return self.redirect(dict(info["headers"])["Location"])
        if u.path == "/initiate":
            return self.send(200, respond(q["sp"], None, q.get("relay"), q.get("encrypt") == "1"))
        self.send(404, "not found")


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
