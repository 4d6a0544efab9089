// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/signet-sso/signet/e2e/harness"
	"github.com/signet-sso/signet/internal/store/storetest"
)

// hostAppWorld is a running Signet whose org acme signs in at the
// Identity Center, with two host apps registered: the example app and a
// recorder that only notes the codes it is sent.
type hostAppWorld struct {
	s        *signet
	app      string // the Identity Center application of acme
	recorder *httptest.Server
	rec      registered // client of the recorder
	other    registered // a second client with the same redirect URI
	public   registered // a public (PKCE-only) client
}

type registered struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

const bobPassword = "quartz-willow-ferry"

func newHostAppWorld(t *testing.T) *hostAppWorld {
	return newHostAppWorldOn(t, "sqlite:"+filepath.Join(t.TempDir(), "signet.db"))
}

func newHostAppWorldOn(t *testing.T, database string) *hostAppWorld {
	return newHostAppWorldWith(t, database, nil)
}

// newHostAppWorldWith is newHostAppWorldOn with more environment for Signet.
func newHostAppWorldWith(t *testing.T, database string, env map[string]string) *hostAppWorld {
	s := &signet{harness.StartWith(t, database, env)}
	dir := t.TempDir()
	s.cli("saffron-tunnel-ember\n", "sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "growth",
		"--external-id", "cust-acme", "--admin-email", "admin@acme.example", "--admin-password-stdin")
	s.cli("", "sp", "org", "add", "--name", "Beta", "--slug", "beta", "--plan", "growth", "--admin-email", "admin@beta.example")
	s.cli("", "sp", "org", "add", "--name", "Cheap", "--slug", "cheap", "--plan", "starter", "--admin-email", "admin@cheap.example")
	spMD := filepath.Join(dir, "sp.xml")
	writeFile(t, spMD, harness.NewBrowser(t).Get(s.SP+"/saml/acme/metadata").Body)
	s.cli(bobPassword+"\n", "idp", "user", "add", "--username", "bob", "--email", "bob@example.test",
		"--given-name", "Bob", "--family-name", "Builder", "--password-stdin")
	appID := s.cli("", "idp", "app", "add", "--name", "Acme Analytics", "--sp-metadata", spMD)
	s.cli("", "idp", "app", "map", "--app", "Acme Analytics", "--subject", "${user:email}", "--subject-format", "emailAddress",
		"--attr", "email=${user:email}:basic", "--attr", "firstName=${user:givenName}:basic")
	s.cli("", "idp", "app", "assign", "--app", "Acme Analytics", "--user", "bob")
	idpMD := filepath.Join(dir, "idp.xml")
	writeFile(t, idpMD, s.cli("", "idp", "app", "metadata", "--app", "Acme Analytics"))
	s.cli("", "sp", "sso", "set", "--org", "acme", "--metadata", idpMD, "--provider", "aws")

	w := &hostAppWorld{s: s, app: appID}
	w.recorder = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "recorded") }))
	t.Cleanup(w.recorder.Close)
	cb := w.recorder.URL + "/cb"
	w.rec = register(t, s, "--name", "Recorder", "--redirect-uri", cb)
	w.other = register(t, s, "--name", "Other", "--redirect-uri", cb)
	w.public = register(t, s, "--name", "SPA", "--redirect-uri", cb, "--public")
	return w
}

func register(t *testing.T, s *signet, args ...string) registered {
	var r registered
	out := s.cli("", append([]string{"sp", "client", "add"}, args...)...)
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.ClientID == "" {
		t.Fatalf("client add printed %q: %v", out, err)
	}
	return r
}

func writeFile(t *testing.T, name, body string) {
	if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// startHostApp builds and runs examples/hostapp, the way its README says.
func startHostAppAt(t *testing.T, issuer string, c registered, addr string) string {
	bin := filepath.Join(t.TempDir(), "hostapp")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "examples", "hostapp")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build examples/hostapp: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--issuer", issuer, "--addr", addr)
	cmd.Env = append(os.Environ(), "HOSTAPP_CLIENT_ID="+c.ClientID, "HOSTAPP_CLIENT_SECRET="+c.ClientSecret)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(line, "listening on") {
		t.Fatalf("hostapp printed %q: %v", line, err)
	}
	return "http://" + addr
}

// TestHostAppSignsInThroughSignet: the example host app (x/oauth2 and
// go-oidc) signs a person in through Signet: host app → /oauth/authorize
// with the org → the org's IdP (Signet's Identity Center) → the ACS → code
// → token → an ID token go-oidc verifies → the host app shows the email
// and org.
func TestHostAppSignsInThroughSignet(t *testing.T) {
	w := newHostAppWorld(t)
	addr := harness.FreeAddr(t)
	app := register(t, w.s, "--name", "Example host app", "--redirect-uri", "http://"+addr+"/callback")
	host := startHostAppAt(t, w.s.SP, app, addr)
	b := harness.NewBrowser(t)
	p := b.Get(host + "/login?organization=acme")
	if !strings.HasPrefix(p.URL.String(), w.s.IdP) {
		t.Fatalf("authorize did not lead to the org's IdP: %d at %s\n%.800s", p.Status, p.URL, p.Body)
	}
	p = b.FollowSAML(b.SignInToPortal(p, "bob", bobPassword))
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "Signed in as bob@example.test") || !strings.Contains(p.Body, "<strong>acme</strong>") {
		t.Fatalf("host app after sign-in: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	for _, want := range []string{`"given_name": "Bob"`, `"idp_entity_id": "` + w.s.IdP, `"email_verified": false`, `"firstName"`} {
		if !strings.Contains(html.UnescapeString(p.Body), want) {
			t.Errorf("the host app's claims lack %s:\n%s", want, p.Body)
		}
	}
	// The org's admin sees the attempt, with the host app named.
	admin := harness.NewBrowser(t)
	admin.Post(w.s.SP+"/login", url.Values{"email": {"admin@acme.example"}, "password": {"saffron-tunnel-ember"}})
	if page := admin.Get(w.s.SP + "/orgs/acme/settings/sso"); !strings.Contains(page.Body, "For host app “Example host app”") {
		t.Errorf("the attempts log does not name the host app:\n%.3000s", page.Body)
	}
}

// signInFor runs authorize for the recorder's clients with params (the
// browser signs in at the IdP portal the first time) and returns the page
// the browser ends on.
func (w *hostAppWorld) signInFor(t *testing.T, b *harness.Browser, params url.Values) *harness.Page {
	t.Helper()
	p := b.Get(w.s.SP + "/oauth/authorize?" + params.Encode())
	if strings.HasPrefix(p.URL.String(), w.s.IdP) && strings.Contains(p.Body, "/portal/login") {
		p = b.SignInToPortal(p, "bob", bobPassword)
	}
	return b.FollowSAML(p)
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-signet-e2e"

func authParams(c registered, redirect, org string) url.Values {
	return url.Values{"client_id": {c.ClientID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid email profile"}, "state": {"st-" + org}, "nonce": {"n-1"}, "organization": {org},
		"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}
}

// redeem posts to the token endpoint as client c (client_secret_basic when
// it has a secret) and returns the status and the JSON answer.
func (w *hostAppWorld) redeem(t *testing.T, c registered, form url.Values) (int, map[string]any) {
	t.Helper()
	return redeemAt(t, w.s.SP, c, form)
}

func redeemAt(t *testing.T, base string, c registered, form url.Values) (int, map[string]any) {
	t.Helper()
	form.Set("grant_type", "authorization_code")
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	} else {
		form.Set("client_id", c.ClientID)
		req.Body = io.NopCloser(strings.NewReader(form.Encode()))
		req.ContentLength = int64(len(form.Encode()))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestHostAppHostileRequests: codes work once, for their client, redirect
// URI and PKCE verifier only; redirect URIs match exactly; an org that
// cannot sign in is an error sent back to the app, never a guess.
func TestHostAppHostileRequests(t *testing.T) {
	w := newHostAppWorld(t)
	b := harness.NewBrowser(t)
	cb := w.recorder.URL + "/cb"
	codeFor := func(t *testing.T, c registered) string {
		t.Helper()
		p := w.signInFor(t, b, authParams(c, cb, "acme"))
		code := p.URL.Query().Get("code")
		if !strings.HasPrefix(p.URL.String(), cb) || code == "" || p.URL.Query().Get("state") != "st-acme" {
			t.Fatalf("no code at the recorder: %d at %s\n%.800s", p.Status, p.URL, p.Body)
		}
		return code
	}
	redeemWith := func(code string, extra ...string) url.Values {
		v := url.Values{"code": {code}, "redirect_uri": {cb}, "code_verifier": {verifier}}
		for i := 0; i+1 < len(extra); i += 2 {
			if extra[i+1] == "" {
				v.Del(extra[i])
			} else {
				v.Set(extra[i], extra[i+1])
			}
		}
		return v
	}
	refused := func(t *testing.T, what string, status int, out map[string]any, wantErr string) {
		t.Helper()
		if status < 400 || status >= 500 || out["error"] != wantErr || out["id_token"] != nil {
			t.Errorf("%s: %d %v, want a 4xx %s and no token", what, status, out, wantErr)
		}
	}

	t.Run("a code redeemed twice", func(t *testing.T) {
		code := codeFor(t, w.rec)
		status, out := w.redeem(t, w.rec, redeemWith(code))
		if status != http.StatusOK || out["id_token"] == nil || out["access_token"] == nil {
			t.Fatalf("first redemption: %d %v", status, out)
		}
		status, out = w.redeem(t, w.rec, redeemWith(code))
		refused(t, "second redemption", status, out, "invalid_grant")
	})
	t.Run("a code redeemed by another client", func(t *testing.T) {
		status, out := w.redeem(t, w.other, redeemWith(codeFor(t, w.rec)))
		refused(t, "another client", status, out, "invalid_grant")
	})
	t.Run("a code redeemed with another redirect URI", func(t *testing.T) {
		status, out := w.redeem(t, w.rec, redeemWith(codeFor(t, w.rec), "redirect_uri", cb+"/"))
		refused(t, "another redirect URI", status, out, "invalid_grant")
	})
	t.Run("a code redeemed without the PKCE verifier", func(t *testing.T) {
		status, out := w.redeem(t, w.rec, redeemWith(codeFor(t, w.rec), "code_verifier", ""))
		refused(t, "no verifier", status, out, "invalid_request") // RFC 7636 §4.4.1: a missing verifier is a malformed request
	})
	t.Run("a code redeemed with another PKCE verifier", func(t *testing.T) {
		status, out := w.redeem(t, w.rec, redeemWith(codeFor(t, w.rec), "code_verifier", strings.Repeat("x", 43)))
		refused(t, "another verifier", status, out, "invalid_grant")
	})
	t.Run("a code redeemed with a wrong client secret", func(t *testing.T) {
		wrong := w.rec
		wrong.ClientSecret = "not-the-secret"
		status, out := w.redeem(t, wrong, redeemWith(codeFor(t, w.rec)))
		refused(t, "wrong secret", status, out, "invalid_client")
	})
	t.Run("a public client redeems with PKCE", func(t *testing.T) {
		status, out := w.redeem(t, w.public, redeemWith(codeFor(t, w.public)))
		if status != http.StatusOK || out["id_token"] == nil {
			t.Errorf("public client with PKCE: %d %v", status, out)
		}
	})
	t.Run("a public client without PKCE", func(t *testing.T) {
		params := authParams(w.public, cb, "acme")
		params.Del("code_challenge")
		params.Del("code_challenge_method")
		p := w.signInFor(t, b, params)
		if p.URL.Query().Get("error") != "invalid_request" || p.URL.Query().Get("code") != "" {
			t.Errorf("public client without PKCE ended at %s", p.URL)
		}
	})
	for name, redirect := range map[string]string{
		"trailing slash":        cb + "/",
		"case":                  strings.Replace(cb, "/cb", "/CB", 1),
		"extra query parameter": cb + "?next=1",
		"another port":          "http://127.0.0.1:1/cb",
	} {
		t.Run("a redirect URI that differs by "+name, func(t *testing.T) {
			p := b.Get(w.s.SP + "/oauth/authorize?" + authParams(w.rec, redirect, "acme").Encode())
			if strings.HasPrefix(p.URL.String(), w.recorder.URL) || p.Status < 400 || p.Status >= 500 {
				t.Errorf("authorize with redirect_uri %s: %d at %s", redirect, p.Status, p.URL)
			}
		})
	}
	// gamma is one org's slug and another's external ID.
	w.s.cli("", "sp", "org", "add", "--name", "Gamma", "--slug", "gamma", "--plan", "growth", "--admin-email", "admin@gamma.example")
	w.s.cli("", "sp", "org", "add", "--name", "Delta", "--slug", "delta", "--plan", "growth", "--external-id", "gamma",
		"--admin-email", "admin@delta.example")
	for org, want := range map[string][2]string{
		"gamma":   {"invalid_request", "more than one org"},
		"beta":    {"access_denied", "no_connection"},
		"cheap":   {"access_denied", "sso_not_on_plan"},
		"nowhere": {"invalid_request", "unknown organization"},
		"":        {"invalid_request", "organization is required"},
	} {
		t.Run("organization "+org, func(t *testing.T) {
			p := b.Get(w.s.SP + "/oauth/authorize?" + authParams(w.rec, cb, org).Encode())
			q := p.URL.Query()
			if !strings.HasPrefix(p.URL.String(), cb) || q.Get("error") != want[0] || !strings.Contains(q.Get("error_description"), want[1]) ||
				q.Get("state") != "st-"+org || q.Get("code") != "" {
				t.Errorf("organization %q ended at %s, want error %s (%s)", org, p.URL, want[0], want[1])
			}
		})
	}
	t.Run("a callback for a request nobody signed in to", func(t *testing.T) {
		p := b.Get(w.s.SP + "/oauth/authorize/callback?id=made-up")
		if strings.Contains(p.URL.RawQuery, "code=") {
			t.Errorf("callback for an unknown request issued a code: %s", p.URL)
		}
	})
}

// TestHostAppUserinfo: the host app names the org by its own external ID;
// the access token reads the same profile at userinfo; an unknown token
// is refused.
func TestHostAppUserinfo(t *testing.T) {
	w := newHostAppWorld(t)
	b := harness.NewBrowser(t)
	cb := w.recorder.URL + "/cb"
	p := w.signInFor(t, b, authParams(w.rec, cb, "cust-acme"))
	status, out := w.redeem(t, w.rec, url.Values{"code": {p.URL.Query().Get("code")}, "redirect_uri": {cb}, "code_verifier": {verifier}})
	if status != http.StatusOK {
		t.Fatalf("token: %d %v", status, out)
	}
	get := func(token string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, w.s.SP+"/oauth/userinfo", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var info map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&info)
		return resp.StatusCode, info
	}
	status, info := get(out["access_token"].(string))
	org, _ := info["org"].(map[string]any)
	if status != http.StatusOK || info["email"] != "bob@example.test" || org["slug"] != "acme" || org["external_id"] != "cust-acme" || !strings.HasPrefix(info["sub"].(string), "u_") {
		t.Errorf("userinfo: %d %v", status, info)
	}
	disc := harness.NewBrowser(t).Get(w.s.SP + "/.well-known/openid-configuration").Body
	if !strings.Contains(disc, `"grant_types_supported":["authorization_code"]`) || strings.Contains(disc, "device_authorization") ||
		!strings.Contains(disc, `"code_challenge_methods_supported":["S256"]`) {
		t.Errorf("discovery offers more than Signet does: %s", disc)
	}
	if status, _ := get("made-up-token"); status != http.StatusUnauthorized && status != http.StatusForbidden && status != http.StatusBadRequest {
		t.Errorf("userinfo with a made-up token: %d", status)
	}
}

// TestHostAppAcrossReplicas: two replicas share PostgreSQL; a code issued
// by one is redeemed at the other, whose JWKS verifies the ID token (with
// go-jose, not Signet's code).
func TestHostAppAcrossReplicas(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip("set " + storetest.PostgresEnv + " to run two replicas on PostgreSQL")
	}
	w := newHostAppWorldOn(t, storetest.PostgresURL(t))
	second := w.s.Replica()
	cb := w.recorder.URL + "/cb"
	p := w.signInFor(t, harness.NewBrowser(t), authParams(w.rec, cb, "acme"))
	code := p.URL.Query().Get("code")
	if code == "" {
		t.Fatalf("no code from the first replica: %s", p.URL)
	}
	status, out := redeemAt(t, second.SP, w.rec, url.Values{"code": {code}, "redirect_uri": {cb}, "code_verifier": {verifier}})
	raw, _ := out["id_token"].(string)
	if status != http.StatusOK || raw == "" {
		t.Fatalf("the second replica did not redeem the first's code: %d %v", status, out)
	}
	payload, _ := verifyIDToken(t, second.SP, raw)
	var claims struct {
		Iss   string `json:"iss"`
		Email string `json:"email"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Iss != w.s.SP || claims.Email != "bob@example.test" {
		t.Errorf("claims = %s", payload)
	}
}

// verifyIDToken checks raw against the JWKS the replica at base serves,
// with go-jose rather than Signet's code, and returns its payload and the
// header naming the key.
func verifyIDToken(t *testing.T, base, raw string) ([]byte, jose.Header) {
	t.Helper()
	resp, err := http.Get(base + "/oauth/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var keys jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&keys); err != nil {
		t.Fatal(err)
	}
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	header := jws.Signatures[0].Header
	found := keys.Key(header.KeyID)
	if len(found) != 1 {
		t.Fatalf("the JWKS at %s lacks key %q", base, header.KeyID)
	}
	payload, err := jws.Verify(found[0].Key)
	if err != nil {
		t.Fatalf("ID token does not verify with the JWKS at %s: %v", base, err)
	}
	return payload, header
}

// TestHostAppKeyRotation: after `signet sp oidc rotate-key --key-type
// ecdsa`, a replica that starts signs ID tokens ES256 with the new key, and
// tokens signed before the rotation still verify with the JWKS.
func TestHostAppKeyRotation(t *testing.T) {
	w := newHostAppWorld(t)
	cb := w.recorder.URL + "/cb"
	token := func(at string) string {
		p := w.signInFor(t, harness.NewBrowser(t), authParams(w.rec, cb, "acme"))
		status, out := redeemAt(t, at, w.rec, url.Values{"code": {p.URL.Query().Get("code")}, "redirect_uri": {cb}, "code_verifier": {verifier}})
		raw, _ := out["id_token"].(string)
		if status != http.StatusOK || raw == "" {
			t.Fatalf("token: %d %v", status, out)
		}
		return raw
	}
	before := token(w.s.SP)
	if out := w.s.cli("", "sp", "oidc", "rotate-key", "--key-type", "ecdsa"); !strings.Contains(out, "previous keys stay in JWKS") {
		t.Errorf("rotate-key printed %q", out)
	}
	second := w.s.Replica()
	after := token(second.SP)
	_, old := verifyIDToken(t, second.SP, before)
	_, fresh := verifyIDToken(t, second.SP, after)
	if old.Algorithm != "RS256" || fresh.Algorithm != "ES256" || old.KeyID == fresh.KeyID {
		t.Errorf("before rotation %s %s, after %s %s", old.Algorithm, old.KeyID, fresh.Algorithm, fresh.KeyID)
	}
}

// TestHostAppIdPInitiated: acme's connection sends IdP-initiated sign-ins
// to the example host app: a tile click in the Identity Center's portal
// lands there signed in, after the browser confirms (login CSRF); another
// browser cannot collect the code.
func TestHostAppIdPInitiated(t *testing.T) {
	w := newHostAppWorld(t)
	addr := harness.FreeAddr(t)
	app := register(t, w.s, "--name", "Example host app", "--redirect-uri", "http://"+addr+"/callback")
	host := startHostAppAt(t, w.s.SP, app, addr)
	c := newAPIClient(t, w.s, w.s.cli("", "sp", "apikey", "add", "--name", "tests"))
	c.refuse(400, "PATCH", "/orgs/acme/connection", map[string]any{"host_app": map[string]any{"client_id": w.public.ClientID, "redirect_uri": w.recorder.URL + "/cb"}})
	conn := c.want(200, "PATCH", "/orgs/acme/connection", map[string]any{"allow_idp_initiated": true,
		"host_app": map[string]any{"client_id": app.ClientID, "redirect_uri": "http://" + addr + "/callback"}})
	if ha, _ := conn["host_app"].(map[string]any); ha["client_id"] != app.ClientID {
		t.Fatalf("connection after PATCH: %v", conn)
	}

	b := harness.NewBrowser(t)
	b.Post(w.s.IdP+"/portal/login", url.Values{"username": {"bob"}, "password": {bobPassword}})
	p := b.FollowSAML(b.Get(w.s.IdP + "/portal/apps/" + w.app))
	var confirm harness.Form
	for _, f := range p.Forms() {
		if strings.HasSuffix(f.Action, "/oauth/continue") {
			confirm = f
		}
	}
	if confirm.Action == "" || !strings.Contains(p.Body, "Continue to Example host app as bob@example.test") {
		t.Fatalf("no confirmation after the tile click: %d at %s\n%.1200s", p.Status, p.URL, p.Body)
	}
	id := confirm.Fields.Get("id")
	stranger := harness.NewBrowser(t)
	if p := stranger.Post(confirm.Action, url.Values{"id": {id}}); p.Status != http.StatusBadRequest {
		t.Errorf("another browser confirming: %d at %s", p.Status, p.URL)
	}
	if p := stranger.Get(w.s.SP + "/oauth/authorize/callback?id=" + url.QueryEscape(id)); p.Status != http.StatusBadRequest || strings.HasPrefix(p.URL.String(), host) {
		t.Errorf("another browser collecting the code: %d at %s", p.Status, p.URL)
	}
	p = b.Post(confirm.Action, confirm.Fields)
	if !strings.HasPrefix(p.URL.String(), host) || !strings.Contains(p.Body, "Signed in as bob@example.test") || !strings.Contains(p.Body, "<strong>acme</strong>") {
		t.Fatalf("after confirming: %d at %s\n%.1200s", p.Status, p.URL, p.Body)
	}
	if p := b.Get(w.s.SP + "/oauth/authorize/callback?id=" + url.QueryEscape(id)); strings.Contains(p.Body, "Signed in as") {
		t.Error("the confirmed request issued a second code")
	}
}
