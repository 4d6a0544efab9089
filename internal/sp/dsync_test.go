// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/store"
)

// scimClient is an org's IdP pushing SCIM requests with a bearer token.
type scimClient struct {
	t     *testing.T
	w     *world
	org   string
	token string
}

func (c scimClient) do(method, path, body string) (int, map[string]any, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.w.srv.URL+"/scim/v2/"+c.org+path, strings.NewReader(body))
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out) // a 204 has no body
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusNoContent && ct != "application/scim+json" {
		c.t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return resp.StatusCode, out, resp.Header
}

// want sends a request and fails unless the status (and, for errors, the
// scimType) is as expected.
func (c scimClient) want(status int, scimType, method, path, body string) map[string]any {
	c.t.Helper()
	got, out, _ := c.do(method, path, body)
	if got != status || (scimType != "" && out["scimType"] != scimType) {
		c.t.Fatalf("%s %s = %d %v, want %d %s", method, path, got, out, status, scimType)
	}
	return out
}

func scimFor(t *testing.T, w *world, o store.Org) scimClient {
	t.Helper()
	token, err := w.svc.DirectorySync().NewToken(t.Context(), "admin", o)
	if err != nil {
		t.Fatal(err)
	}
	return scimClient{t: t, w: w, org: o.Slug, token: token}
}

func memberOf(t *testing.T, w *world, o store.Org, email string) store.Member {
	t.Helper()
	m, err := w.st.GetMemberByEmail(t.Context(), o.ID, email)
	if err != nil {
		t.Fatalf("member %s: %v", email, err)
	}
	return m
}

// oktaUser is the body Okta posts to create a user.
const oktaUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"pat@corp.example",
 "name":{"givenName":"Pat","familyName":"Lee"},"emails":[{"primary":true,"value":"pat@corp.example","type":"work"}],
 "displayName":"Pat Lee","locale":"en-US","externalId":"00u1abcd","groups":[],"password":"ignored","active":true}`

func TestSCIMAuthentication(t *testing.T) {
	w := newWorld(t)
	acme, beta := scimFor(t, w, w.acme), scimFor(t, w, w.beta)
	for name, c := range map[string]scimClient{
		"no token":           {t: t, w: w, org: "acme"},
		"made-up token":      {t: t, w: w, org: "acme", token: "signet_scim_madeup"},
		"beta's token":       {t: t, w: w, org: "acme", token: beta.token},
		"not a SCIM token":   {t: t, w: w, org: "acme", token: "Basic abc"},
		"acme's, an old one": {t: t, w: w, org: "acme", token: acme.token},
	} {
		if name == "acme's, an old one" {
			acme = scimFor(t, w, w.acme) // the previous token stops working
		}
		status, out, h := c.do("GET", "/Users", "")
		if status != http.StatusUnauthorized || out["status"] != "401" || h.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d %v", name, status, out)
		}
	}
	acme.want(200, "", "GET", "/ServiceProviderConfig", "")
	acme.want(200, "", "GET", "/ResourceTypes", "")
	acme.want(200, "", "GET", "/Schemas", "")
	acme.want(404, "", "GET", "/Nothing", "")
	cheap := scimClient{t: t, w: w, org: "cheap"}
	if _, err := w.svc.DirectorySync().NewToken(t.Context(), "admin", w.cheap); err == nil {
		t.Error("a plan without SSO got a SCIM token")
	}
	cheap.want(401, "", "GET", "/Users", "")
}

func TestSCIMUsersProvisionMembers(t *testing.T) {
	w := newWorld(t)
	c := scimFor(t, w, w.acme)
	created := c.want(201, "", "POST", "/Users", oktaUser)
	id, _ := created["id"].(string)
	if m := memberOf(t, w, w.acme, "pat@corp.example"); m.Role != "member" || m.Deactivated {
		t.Errorf("provisioned member = %+v", m)
	}
	c.want(409, "uniqueness", "POST", "/Users", strings.Replace(oktaUser, `"externalId":"00u1abcd"`, `"externalId":"00u2"`, 1))
	c.want(400, "invalidValue", "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"no-email"}`)
	c.want(400, "invalidSyntax", "POST", "/Users", `{"userName":`)
	c.want(201, "", "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"sam@corp.example","externalId":"00u3"}`)

	for filter, want := range map[string]int{
		`userName eq "PAT@corp.example"`:                         1,
		`externalId eq "00u1abcd"`:                               1,
		`externalId eq "00U1ABCD"`:                               0, // caseExact
		`emails.value eq "sam@corp.example"`:                     1,
		`emails[type eq "work" and value co "corp"]`:             2,
		`userName eq "pat@corp.example" or externalId eq "00u3"`: 2,
		`userName sw "pat" and active eq true`:                   1,
	} {
		out := c.want(200, "", "GET", "/Users?filter="+url.QueryEscape(filter), "")
		if out["totalResults"] != float64(want) {
			t.Errorf("filter %s: %v results, want %d", filter, out["totalResults"], want)
		}
	}
	c.want(400, "invalidFilter", "GET", "/Users?filter="+url.QueryEscape(`userName eq`), "")
	if out := c.want(200, "", "GET", "/Users?startIndex=2&count=1", ""); out["totalResults"] != float64(2) || out["itemsPerPage"] != float64(1) || out["startIndex"] != float64(2) {
		t.Errorf("page 2: %v", out)
	}
	// Another org's IdP cannot see or change acme's users.
	beta := scimFor(t, w, w.beta)
	beta.want(404, "", "GET", "/Users/"+id, "")
	beta.want(404, "", "DELETE", "/Users/"+id, "")
	if out := beta.want(200, "", "GET", "/Users", ""); out["totalResults"] != float64(0) {
		t.Errorf("beta sees acme's users: %v", out)
	}

	// Entra ID changes the email the way it does.
	c.want(200, "", "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"Replace","path":"emails[type eq \"work\"].value","value":"pat.lee@corp.example"},
		{"op":"Replace","path":"name.familyName","value":"Lee-Smith"},
		{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Sales"}]}`)
	if _, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "pat.lee@corp.example"); err != nil {
		t.Errorf("the member's email did not follow the IdP: %v", err)
	}
	c.want(400, "invalidSyntax", "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"frobnicate","path":"active","value":false}]}`)
	c.want(400, "invalidSyntax", "PATCH", "/Users/"+id, `{"Operations":[{"op":"replace","path":"active","value":false}]}`)
	c.want(400, "invalidValue", "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":"maybe"}]}`)
}

// TestSCIMDeactivationEndsSessions: a person signed in through SSO is
// deactivated at the IdP (Entra ID's "False" string): their session stops
// working at once and their next SSO sign-in is refused
// (user_deactivated); reactivation (Okta's path-less replace) lets them
// back; deleting them deactivates them again.
func TestSCIMDeactivationEndsSessions(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	c := scimFor(t, w, w.acme)
	id := c.want(201, "", "POST", "/Users", oktaUser)["id"].(string)
	browser := w.client()
	if r := browser.postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
		t.Fatalf("SSO sign-in = %d\n%s", r.Status, excerpt(r.Body))
	}
	if !signedIn(browser) {
		t.Fatal("not signed in")
	}
	c.want(200, "", "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`)
	if signedIn(browser) {
		t.Error("the deactivated person's session still works")
	}
	r := w.client().postACS(w.acme, w.response(w.acme, nil), "")
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "user_deactivated") {
		t.Errorf("a deactivated person's SSO sign-in = %d\n%s", r.Status, excerpt(r.Body))
	}
	c.want(200, "", "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}`)
	if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
		t.Errorf("after reactivation = %d\n%s", r.Status, excerpt(r.Body))
	}
	c.want(204, "", "DELETE", "/Users/"+id, "")
	c.want(404, "", "GET", "/Users/"+id, "")
	if m := memberOf(t, w, w.acme, "pat@corp.example"); !m.Deactivated {
		t.Error("a person deleted at the IdP is still an active member")
	}
	if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); !strings.Contains(r.Body, "user_deactivated") {
		t.Errorf("after deletion = %d\n%s", r.Status, excerpt(r.Body))
	}
}

// TestSCIMGroupsSetRoles: with groups mapped to roles, a person added to
// the IdP's "Analytics admins" group becomes an admin, and removing them
// (Entra's members[value eq] remove) puts them back on the default role.
func TestSCIMGroupsSetRoles(t *testing.T) {
	w := newWorld(t)
	if _, err := w.svc.RoleMappings().Save(t.Context(), "admin", w.acme, "groups", "viewer",
		[]store.RoleRule{{Value: "Analytics admins", Role: "admin"}}); err != nil {
		t.Fatal(err)
	}
	c := scimFor(t, w, w.acme)
	id := c.want(201, "", "POST", "/Users", oktaUser)["id"].(string)
	if m := memberOf(t, w, w.acme, "pat@corp.example"); m.Role != "viewer" {
		t.Errorf("new member's role = %s, want the mapping's default", m.Role)
	}
	g := c.want(201, "", "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Analytics admins","members":[{"value":"`+id+`"}]}`)
	gid := g["id"].(string)
	if m := memberOf(t, w, w.acme, "pat@corp.example"); m.Role != "admin" {
		t.Errorf("in the admins group: role %s", m.Role)
	}
	if u := c.want(200, "", "GET", "/Users/"+id, ""); len(u["groups"].([]any)) != 1 {
		t.Errorf("the user's groups: %v", u["groups"])
	}
	c.want(409, "uniqueness", "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"analytics ADMINS"}`)
	c.want(400, "invalidValue", "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"X","members":[{"value":"scu_of_someone_else"}]}`)
	if out := c.want(200, "", "GET", "/Groups?filter="+url.QueryEscape(`displayName eq "Analytics admins"`), ""); out["totalResults"] != float64(1) {
		t.Errorf("group filter: %v", out)
	}
	c.want(200, "", "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members[value eq \"`+id+`\"]"}]}`)
	if m := memberOf(t, w, w.acme, "pat@corp.example"); m.Role != "viewer" {
		t.Errorf("removed from the admins group: role %s", m.Role)
	}
	// Okta's shape: add members, rename.
	c.want(200, "", "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"add","path":"members","value":[{"value":"`+id+`","display":"pat@corp.example"}]},
		{"op":"replace","value":{"id":"`+gid+`","displayName":"Analytics admins"}}]}`)
	if m := memberOf(t, w, w.acme, "pat@corp.example"); m.Role != "admin" {
		t.Errorf("added back: role %s", m.Role)
	}
	c.want(204, "", "DELETE", "/Groups/"+gid, "")
	if m := memberOf(t, w, w.acme, "pat@corp.example"); m.Role != "viewer" {
		t.Errorf("group deleted: role %s", m.Role)
	}
}

// TestSCIMRequestLog: each authenticated request lands in its org's log
// with its outcome; requests without the org's token land nowhere.
func TestSCIMRequestLog(t *testing.T) {
	w := newWorld(t)
	acme, beta := scimFor(t, w, w.acme), scimFor(t, w, w.beta)
	acme.want(201, "", "POST", "/Users", oktaUser)
	acme.want(409, "uniqueness", "POST", "/Users", oktaUser)
	(scimClient{t: t, w: w, org: "acme", token: beta.token}).want(401, "", "GET", "/Users", "")
	(scimClient{t: t, w: w, org: "acme"}).want(401, "", "GET", "/Users", "")
	beta.want(200, "", "GET", "/Users?filter="+url.QueryEscape(`userName eq "x@beta.example"`), "")

	log, err := w.st.ListSCIMRequests(t.Context(), w.acme.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Status != 409 || log[0].SCIMType != "uniqueness" || log[0].Path != "/Users" || log[1].Status != 201 || log[1].Method != "POST" {
		t.Fatalf("acme's SCIM log = %+v", log)
	}
	if log, _ := w.st.ListSCIMRequests(t.Context(), w.beta.ID, 10); len(log) != 1 || log[0].Status != 200 {
		t.Errorf("beta's SCIM log = %+v", log)
	}
}
