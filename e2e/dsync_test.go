// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestDirectorySyncDeactivatesAtOnce: acme's admin makes a SCIM token on
// the Single Sign-On Settings page and gives it, with the SCIM URL the
// page shows, to the IdP's provisioning (here a client sending what
// Microsoft Entra ID sends). The IdP provisions bob, who signs in through
// the Identity Center; when the IdP deactivates him his session stops at
// once and his next sign-in is refused with user_deactivated; an email
// change reaches his membership; reactivation lets him in again.
func TestDirectorySyncDeactivatesAtOnce(t *testing.T) {
	w := newHostAppWorld(t)
	admin, base, token := scimTokenFromPage(t, w)
	idp := scimIdP{t: t, base: base, token: token}
	if page := admin.Get(w.s.SP + "/orgs/acme/settings/sso"); strings.Contains(page.Body, idp.token) {
		t.Error("the SCIM token is shown again")
	}

	user := idp.send(http.StatusCreated, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"externalId":"4f0c6b0e-entra","userName":"bob@example.test",
		"active":true,"displayName":"Bob Builder","emails":[{"primary":true,"type":"work","value":"bob@example.test"}],
		"name":{"formatted":"Bob Builder","familyName":"Builder","givenName":"Bob"},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Engineering"}}`)
	id, _ := user["id"].(string)
	// Entra ID looks the user up by filter before it changes anything.
	if found := idp.send(http.StatusOK, "GET", "/Users?filter="+url.QueryEscape(`userName eq "bob@example.test"`), ""); found["totalResults"] != float64(1) {
		t.Fatalf("filter: %v", found)
	}

	bob := harness.NewBrowser(t)
	p := bob.FollowSAML(bob.SignInToPortal(bob.Get(w.s.SP+"/saml/acme/login"), "bob", bobPassword))
	if !strings.Contains(p.Body, "You are signed in to <strong>Acme</strong> as <strong>bob@example.test</strong>") {
		t.Fatalf("bob did not sign in: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	idp.send(http.StatusOK, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Replace","path":"active","value":"False"}]}`)
	if p := bob.Get(w.s.SP + "/orgs/acme"); strings.Contains(p.Body, "You are signed in to") {
		t.Error("bob's session survived his deactivation")
	}
	p = bob.FollowSAML(bob.Get(w.s.SP + "/saml/acme/login"))
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "user_deactivated") {
		t.Errorf("a deactivated person's sign-in: %d\n%.1500s", p.Status, p.Body)
	}

	idp.send(http.StatusOK, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"robert@example.test"}]}`)
	if page := admin.Get(w.s.SP + "/orgs/acme"); !strings.Contains(page.Body, "robert@example.test") || !strings.Contains(page.Body, ">Deactivated</span>") {
		t.Errorf("the member's email did not follow the directory:\n%.2000s", page.Body)
	}
	idp.send(http.StatusOK, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","value":{"active":true,"emails":[{"primary":true,"type":"work","value":"bob@example.test"}]}}]}`)
	p = bob.FollowSAML(bob.Get(w.s.SP + "/saml/acme/login"))
	if !strings.Contains(p.Body, "You are signed in to <strong>Acme</strong>") {
		t.Errorf("bob after reactivation: %d\n%.1500s", p.Status, p.Body)
	}
	if audit := admin.Get(w.s.SP + "/orgs/acme/settings/audit"); !strings.Contains(audit.Body, "dsync.user.deactivated") {
		t.Errorf("the deactivation is not in the audit log:\n%.2000s", audit.Body)
	}
}

// scimTokenFromPage signs acme's admin in and makes a SCIM token on the
// Single Sign-On Settings page; it returns the admin's browser and the
// SCIM URL and token the page shows.
func scimTokenFromPage(t *testing.T, w *hostAppWorld) (*harness.Browser, string, string) {
	t.Helper()
	admin := harness.NewBrowser(t)
	admin.Post(w.s.SP+"/login", url.Values{"email": {"admin@acme.example"}, "password": {"saffron-tunnel-ember"}})
	p := admin.Post(w.s.SP+"/orgs/acme/settings/sso/scim-token", nil)
	if !strings.Contains(p.Body, "New SCIM token made") {
		t.Fatalf("making the SCIM token: %d\n%.2000s", p.Status, p.Body)
	}
	return admin, copyField(t, p.Body, "scim_url"), copyField(t, p.Body, "scim_token")
}

// scimIdP sends SCIM requests as an org's IdP does.
type scimIdP struct {
	t           *testing.T
	base, token string
}

func (c scimIdP) send(want int, method, path, body string) map[string]any {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s = %d %v, want %d", method, path, resp.StatusCode, out, want)
	}
	return out
}
