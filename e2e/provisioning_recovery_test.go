// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestProvisioningRecovers: the Identity Center provisions the Workspace
// through a proxy that can make the Workspace's SCIM service fail.
//   - A create refused with 500 is recorded on the person's row with its
//     error and retry time; "Push now" sends it again at once.
//   - A person the application already has (409 on create) is adopted.
//   - A person deleted at the application (404 on update) is created again.
func TestProvisioningRecovers(t *testing.T) {
	s := startSignet(t, "sqlite:"+filepath.Join(t.TempDir(), "signet.db"))
	s.cli("", "sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "growth", "--admin-email", "admin@acme.example")
	token := s.cli("", "sp", "scim", "token", "--org", "acme")
	target, _ := url.Parse(s.SP)
	var failCreates atomic.Bool
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failCreates.Load() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Users") {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"500","detail":"the database is on fire"}`)
			return
		}
		httputil.NewSingleHostReverseProxy(target).ServeHTTP(w, r)
	}))
	defer proxy.Close()
	ws := scimIdP{t: t, base: s.SP + "/scim/v2/acme", token: token}
	// The Workspace knows dee already: her account predates provisioning.
	ws.send(http.StatusCreated, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dee@example.test","active":true}`)

	s.cli("plum-garden-rocket\n", "idp", "user", "add", "--username", "ida", "--email", "ida@example.test", "--admin", "--password-stdin")
	ann := s.cli("", "idp", "user", "add", "--username", "ann", "--email", "ann@example.test", "--given-name", "Ann", "--family-name", "Lee")
	dee := s.cli("", "idp", "user", "add", "--username", "dee", "--email", "dee@example.test")
	spMD := filepath.Join(t.TempDir(), "sp.xml")
	writeFile(t, spMD, harness.NewBrowser(t).Get(s.SP+"/saml/acme/metadata").Body)
	app := s.cli("", "idp", "app", "add", "--name", "Acme Analytics", "--sp-metadata", spMD)
	s.cli("", "idp", "app", "assign", "--app", app, "--user", "ann")
	s.cli("", "idp", "app", "assign", "--app", app, "--user", "dee")
	console := harness.NewBrowser(t)
	console.Post(s.IdP+"/admin/login", url.Values{"username": {"ida"}, "password": {"plum-garden-rocket"}})
	failCreates.Store(true)
	console.Post(s.IdP+"/admin/applications/"+app+"/provisioning", url.Values{"scim_url": {proxy.URL + "/scim/v2/acme"}, "token": {token}})
	tab := func() string { return console.Get(s.IdP + "/admin/applications/" + app + "/provisioning").Body }
	waitFor(t, "ann's failed create on the Provisioning tab", func() bool {
		p := tab()
		return strings.Contains(p, "the application answered 500: the database is on fire") && strings.Contains(p, "Retried")
	})
	users := func() []string {
		var out []string
		for _, r := range ws.send(http.StatusOK, "GET", "/Users", "")["Resources"].([]any) {
			u := r.(map[string]any)
			out = append(out, u["userName"].(string)+" "+u["emails"].([]any)[0].(map[string]any)["value"].(string))
		}
		slices.Sort(out)
		return out
	}
	if got := users(); !slices.Equal(got, []string{"dee@example.test dee@example.test"}) {
		t.Fatalf("the Workspace's users while creates fail: %v", got)
	}

	failCreates.Store(false)
	console.Post(s.IdP+"/admin/applications/"+app+"/provisioning/users/"+ann+"/push", nil)
	console.Post(s.IdP+"/admin/applications/"+app+"/provisioning/users/"+dee+"/push", nil)
	waitFor(t, "ann and dee at the Workspace after Push now", func() bool {
		return slices.Equal(users(), []string{"ann@example.test ann@example.test", "dee@example.test dee@example.test"})
	})
	// dee was adopted: the Workspace's own user now carries the Identity
	// Center's ID as its externalId.
	found := ws.send(http.StatusOK, "GET", "/Users?filter="+url.QueryEscape(`userName eq "dee@example.test"`), "")
	if ext := found["Resources"].([]any)[0].(map[string]any)["externalId"]; ext != dee {
		t.Errorf("dee's externalId at the Workspace = %v, want %s (adopted)", ext, dee)
	}

	// Deleted at the Workspace; then her email changes: she is created again.
	list := ws.send(http.StatusOK, "GET", "/Users?filter="+url.QueryEscape(`userName eq "ann@example.test"`), "")
	annAtWS := list["Resources"].([]any)[0].(map[string]any)["id"].(string)
	ws.send(http.StatusNoContent, "DELETE", "/Users/"+annAtWS, "")
	console.Post(s.IdP+"/admin/users/"+ann, url.Values{"username": {"ann"}, "email": {"ann.lee@example.test"},
		"given_name": {"Ann"}, "family_name": {"Lee"}, "active": {"1"}})
	waitFor(t, "ann created again with her new email", func() bool {
		return slices.Equal(users(), []string{"ann.lee@example.test ann.lee@example.test", "dee@example.test dee@example.test"})
	})
	if p := tab(); strings.Contains(p, "badge bad") {
		i := strings.Index(p, "badge bad")
		t.Errorf("errors left on the Provisioning tab: %s", p[max(0, i-300):min(len(p), i+500)])
	}
}
