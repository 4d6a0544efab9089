#!/usr/bin/python3
# A python3-saml (OneLogin toolkit) service provider for Signet's interop tests.
#   onelogin_sp.py metadata PORT
#   onelogin_sp.py serve PORT IDP_METADATA
# Routes: GET /login, POST /acs, GET /whoami; a refused response gets 403
# with "REJECTED: reason". Run with Debian's /usr/bin/python3.
import http.cookies, http.server, json, sys, urllib.parse, uuid
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.settings import OneLogin_Saml2_Settings

mode, port = sys.argv[1], int(sys.argv[2])
base = "http://127.0.0.1:%d" % port
settings = {
    "strict": True, "debug": False,
    "sp": {"entityId": base + "/metadata", "assertionConsumerService": {"url": base + "/acs",
           "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"},
           "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"},
    "idp": {"entityId": "unset", "singleSignOnService": {"url": "http://unset.invalid/", "binding":
            "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"}, "x509cert": ""},
    "security": {"wantAssertionsSigned": True, "wantMessagesSigned": False, "requestedAuthnContext": False,
                 "wantNameId": True, "rejectUnsolicitedResponsesWithInResponseTo": False},
}
if mode == "metadata":
    print(OneLogin_Saml2_Settings(settings, sp_validation_only=True).get_sp_metadata())
    sys.exit()
idp = OneLogin_Saml2_IdPMetadataParser.parse(open(sys.argv[3]).read())
settings = OneLogin_Saml2_IdPMetadataParser.merge_settings(settings, idp)
sessions, requests = {}, set()


def request_data(handler, post=None):
    u = urllib.parse.urlparse(handler.path)
    return {"https": "off", "http_host": "127.0.0.1:%d" % port, "script_name": u.path, "server_port": str(port),
            "get_data": dict(urllib.parse.parse_qsl(u.query)), "post_data": post or {}}


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
            auth = OneLogin_Saml2_Auth(request_data(self), settings)
            url = auth.login(return_to=base + "/whoami")
            requests.add(auth.get_last_request_id())
            return self.send(302, "", [("Location", url)])
        if self.path.startswith("/whoami"):
            c = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
            sid = c["sid"].value if "sid" in c else ""
            if sid not in sessions:
                return self.send(401, "not signed in")
            return self.send(200, json.dumps(sessions[sid]), [("Content-Type", "application/json")])
        self.send(404, "not found")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        post = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
        auth = OneLogin_Saml2_Auth(request_data(self, post), settings)
        irt = None
        try:
            auth.process_response()
        except Exception as e:
            return self.send(403, "REJECTED: %s" % e)
        errors = auth.get_errors()
        if errors or not auth.is_authenticated():
            return self.send(403, "REJECTED: %s %s" % (errors, auth.get_last_error_reason()))
        sid = uuid.uuid4().hex
        sessions[sid] = {"peer": "python3-saml", "name_id": auth.get_nameid(), "name_id_format": auth.get_nameid_format(),
                         "attributes": auth.get_attributes(), "relay_state": post.get("RelayState", "")}
        self.send(303, "", [("Location", "/whoami"), ("Set-Cookie", "sid=%s; Path=/; HttpOnly" % sid)])


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
