// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
	"github.com/signet-sso/signet/internal/store"
)

func TestConsolePagesNeedAnAdmin(t *testing.T) {
	w := newWorld(t)
	app := w.addApp("Amplitude", nil)
	u := w.user("pat", "pat@corp.example")
	g, _ := w.svc.Directory().CreateGroup(w.ctx(), "test", "Analysts", "")
	pages := []string{"/admin/applications", "/admin/applications/add", "/admin/users", "/admin/users/new",
		"/admin/users/" + u.ID, "/admin/groups", "/admin/groups/" + g.ID, "/admin/audit",
		"/admin/applications/" + app, "/admin/applications/" + app + "/edit", "/admin/applications/" + app + "/mappings",
		"/admin/applications/" + app + "/assignments", "/admin/applications/" + app + "/assign",
		"/admin/applications/" + app + "/certificates", "/admin/applications/" + app + "/preview?user=pat",
		"/admin/applications/" + app + "/certificate"}
	anon := w.client()
	nonAdmin := w.client()
	nonAdmin.MustStatus(http.StatusForbidden, "POST", "/admin/login", url.Values{"username": {"pat"}, "password": {testPassword}})
	for _, p := range pages {
		r := w.admin.MustStatus(http.StatusOK, "GET", p, nil)
		if strings.Contains(r.Body, "Something went wrong") {
			t.Errorf("%s rendered an error page", p)
		}
		if r := anon.Do("GET", p, nil); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/login") {
			t.Errorf("anonymous GET %s = %d %q, want a redirect to sign in", p, r.Status, r.Location)
		}
		if r := nonAdmin.Do("GET", p, nil); r.Status != http.StatusSeeOther {
			t.Errorf("non-admin GET %s = %d, want a redirect to sign in", p, r.Status)
		}
	}
	if r := anon.Do("POST", "/admin/applications/"+app+"/delete", url.Values{}); r.Status != http.StatusSeeOther {
		t.Errorf("anonymous delete = %d", r.Status)
	}
	if _, err := w.st.GetApp(w.ctx(), app); err != nil {
		t.Error("an anonymous POST deleted the app")
	}
}

func TestAddApplicationValidation(t *testing.T) {
	w := newWorld(t)
	w.addApp("Taken", nil)
	hostile := map[string]string{
		"javascript Location (CVE-2023-45683)": `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="javascript:alert(1)" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`,
		"DOCTYPE":                              `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&e;"/>`,
		"two EntityDescriptors":                `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"><md:EntityDescriptor entityID="a"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://a/acs"/></md:SPSSODescriptor></md:EntityDescriptor><md:EntityDescriptor entityID="b"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://b/acs"/></md:SPSSODescriptor></md:EntityDescriptor></md:EntitiesDescriptor>`,
	}
	tests := []struct {
		name   string
		fields map[string]string
		file   string
		want   string
	}{
		{"no name", map[string]string{"name": ""}, "", "Enter a display name"},
		{"duplicate name", map[string]string{"name": "taken"}, "", "already exists"},
		{"over-long name", map[string]string{"name": strings.Repeat("n", 101)}, "", "at most 100"},
		{"javascript ACS URL", map[string]string{"acs_url": "javascript:alert(1)"}, "", "Enter the application&#39;s ACS URL"},
		{"relative ACS URL", map[string]string{"acs_url": "/acs"}, "", "Enter the application&#39;s ACS URL"},
		{"no audience", map[string]string{"audience": ""}, "", "Enter the application&#39;s SAML audience"},
		{"audience with markup", map[string]string{"audience": `x"><script>`}, "", "without spaces, quotes or angle brackets"},
		{"javascript start URL", map[string]string{"start_url": "javascript:alert(1)"}, "", "Enter an http or https URL"},
		{"relay state over 80 bytes", map[string]string{"relay_state": strings.Repeat("r", 81)}, "", "at most 80 bytes"},
		{"session too long", map[string]string{"session_duration": "24h0m0s"}, "", "between 15 minutes and 12 hours"},
		{"upload without a file", map[string]string{"metadata_source": "upload"}, "", "Choose the application&#39;s SAML metadata file"},
		{"SP metadata: javascript Location", map[string]string{"metadata_source": "upload"}, hostile["javascript Location (CVE-2023-45683)"], "must be an http or https URL"},
		{"SP metadata: DOCTYPE", map[string]string{"metadata_source": "upload"}, hostile["DOCTYPE"], "refused for safety"},
		{"SP metadata: two entities", map[string]string{"metadata_source": "upload"}, hostile["two EntityDescriptors"], "exactly one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.admin.MustStatus(http.StatusSeeOther, "GET", "/admin/applications/new", nil)
			id := appIDPattern.FindStringSubmatch(r.Location)[1]
			form := map[string]string{"name": "New app", "session_duration": "1h0m0s", "metadata_source": "manual",
				"acs_url": "https://sp.example/acs", "audience": "https://sp.example"}
			for k, v := range tt.fields {
				form[k] = v
			}
			field := ""
			if tt.file != "" {
				field = "sp_metadata"
			}
			resp := w.admin.Upload("/admin/applications/"+id+"/setup", form, field, []byte(tt.file))
			if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, tt.want) {
				t.Fatalf("status %d, want 422 with %q\n%s", resp.Status, tt.want, excerpt(resp.Body))
			}
			if strings.Contains(resp.Body, "<script>") {
				t.Error("input reflected unescaped")
			}
			a, _ := w.st.GetApp(w.ctx(), id)
			if a.Status != store.AppDraft {
				t.Error("an invalid form changed the draft into an app")
			}
		})
	}
}

func TestAddApplicationFromSPMetadata(t *testing.T) {
	w := newWorld(t)
	md := `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example/saml/metadata">
<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://sp.example/redirect" index="0"/>
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example/saml/acs" index="1"/>
</md:SPSSODescriptor></md:EntityDescriptor>`
	r := w.admin.MustStatus(http.StatusSeeOther, "GET", "/admin/applications/new", nil)
	id := appIDPattern.FindStringSubmatch(r.Location)[1]
	resp := w.admin.Upload("/admin/applications/"+id+"/setup", map[string]string{"name": "Uploaded", "session_duration": "1h0m0s",
		"metadata_source": "upload"}, "sp_metadata", []byte(md))
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", resp.Status, excerpt(resp.Body))
	}
	a, _ := w.st.GetApp(w.ctx(), id)
	if a.ACSURL != "https://sp.example/saml/acs" || a.Audience != "https://sp.example/saml/metadata" || a.SPMetadata == "" {
		t.Errorf("app = %+v", a)
	}
	if page := w.admin.MustStatus(http.StatusOK, "GET", "/admin/applications/"+id, nil); !strings.Contains(page.Body, "Off: the application") {
		t.Errorf("an app without an encryption certificate must say encryption is off:\n%s", excerpt(page.Body))
	}

	// SP metadata with an encryption certificate: the page says assertions
	// are encrypted, with what and to which certificate.
	spKey := samltest.Key(t, "sp")
	encMD, _ := saml.SPMetadata(saml.SPMetadataParams{EntityID: "https://sp2.example/metadata", ACSURL: "https://sp2.example/acs",
		EncryptionCertificate: spKey.Certificate})
	r = w.admin.MustStatus(http.StatusSeeOther, "GET", "/admin/applications/new", nil)
	id = appIDPattern.FindStringSubmatch(r.Location)[1]
	if resp := w.admin.Upload("/admin/applications/"+id+"/setup", map[string]string{"name": "Encrypted", "session_duration": "1h0m0s",
		"metadata_source": "upload"}, "sp_metadata", encMD); resp.Status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", resp.Status, excerpt(resp.Body))
	}
	if page := w.admin.MustStatus(http.StatusOK, "GET", "/admin/applications/"+id, nil); !strings.Contains(page.Body, "Assertions are encrypted (aes256-gcm)") {
		t.Errorf("the app page does not say assertions are encrypted:\n%s", excerpt(page.Body))
	}
}

func TestUserFormValidation(t *testing.T) {
	w := newWorld(t)
	w.user("taken", "")
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"no username", url.Values{"username": {""}}, "Enter a username"},
		{"username with spaces", url.Values{"username": {"a b"}}, "without spaces"},
		{"duplicate username", url.Values{"username": {"TAKEN"}}, "already exists"},
		{"bad email", url.Values{"username": {"x"}, "email": {"not-an-email"}}, "Enter an email address"},
		{"short password", url.Values{"username": {"x"}, "password": {"short"}}, "at least 10 characters"},
	}
	for _, tt := range tests {
		r := w.admin.Do("POST", "/admin/users/new", tt.form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
			t.Errorf("%s: status %d, want 422 with %q", tt.name, r.Status, tt.want)
		}
	}
	r := w.admin.MustStatus(http.StatusSeeOther, "POST", "/admin/users/new", url.Values{"username": {"noemail"}})
	page := w.admin.MustStatus(http.StatusOK, "GET", r.Location, nil)
	if !strings.Contains(page.Body, "This user has no primary email") {
		t.Error("a user without a primary email shows no warning")
	}
	list := w.admin.MustStatus(http.StatusOK, "GET", "/admin/users?q=noemail", nil)
	if !strings.Contains(list.Body, "No primary email") {
		t.Error("the user list does not flag the missing primary email")
	}
}

func TestGroupsAndSearchAndPaging(t *testing.T) {
	w := newWorld(t)
	for i := range 30 {
		w.user("user"+string(rune('a'+i%26))+strings.Repeat("x", i/26), "")
	}
	p1 := w.admin.MustStatus(http.StatusOK, "GET", "/admin/users", nil)
	p2 := w.admin.MustStatus(http.StatusOK, "GET", "/admin/users?page=2", nil)
	if !strings.Contains(p1.Body, "Page 1 of 2") || !strings.Contains(p2.Body, "Page 2 of 2") {
		t.Error("the user list does not page")
	}
	w.admin.MustStatus(http.StatusSeeOther, "POST", "/admin/groups", url.Values{"name": {"Analysts"}})
	if r := w.admin.Do("POST", "/admin/groups", url.Values{"name": {"analysts"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("duplicate group = %d", r.Status)
	}
	g, _ := w.st.GetGroupByName(w.ctx(), "Analysts")
	w.admin.MustStatus(http.StatusSeeOther, "POST", "/admin/groups/"+g.ID+"/members", url.Values{"username": {"usera"}})
	if r := w.admin.Do("POST", "/admin/groups/"+g.ID+"/members", url.Values{"username": {"nobody"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("adding an unknown user = %d", r.Status)
	}
	if m, _ := w.st.ListGroupMembers(w.ctx(), g.ID); len(m) != 1 {
		t.Errorf("members = %v", m)
	}
	events, _, _ := w.st.ListAudit(w.ctx(), store.RealmAdmin, "", store.ListOptions{Query: "group.add_member"})
	if len(events) != 1 || events[0].Actor != "root" {
		t.Errorf("audit = %+v", events)
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	w := newWorld(t)
	req, _ := http.NewRequest("POST", w.srv.URL+"/admin/users/new", strings.NewReader("username=evil"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := w.admin.Send(req); r.Status != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", r.Status)
	}
	if _, err := w.st.GetUserByUsername(w.ctx(), "evil"); err == nil {
		t.Error("a cross-site POST created a user")
	}
	// The SSO service takes cross-site POSTs by design (it then checks the request).
	req, _ = http.NewRequest("POST", w.srv.URL+"/saml/apps/app_x/sso", strings.NewReader("SAMLRequest=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := w.admin.Send(req); r.Status == http.StatusForbidden {
		t.Error("the SSO service refused a cross-site POST")
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	var last int
	for range 12 {
		last = c.Do("POST", "/portal/login", url.Values{"username": {"root"}, "password": {"wrong"}}).Status
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("12th wrong password = %d, want 429", last)
	}
}

// TestSecurityCase98HostileIdentifiers: NUL, direction overrides,
// zero-width characters, homoglyphs and a 5,000-character email are 4xx
// with a message on the user form, and nothing is stored.
func TestSecurityCase98HostileIdentifiers(t *testing.T) {
	w := newWorld(t)
	_, before, _ := w.st.ListUsers(t.Context(), store.ListOptions{})
	for name, form := range map[string]url.Values{
		"NUL in the username":        {"username": {"eve\x00admin"}},
		"RTL override in the name":   {"username": {"eve"}, "display_name": {"Eve\u202enimda"}},
		"zero-width in the email":    {"username": {"eve"}, "email": {"ev\u200be@example.com"}},
		"homoglyph email":            {"username": {"eve"}, "email": {"\u0430dmin@example.com"}},
		"a 5,000-character email":    {"username": {"eve"}, "email": {strings.Repeat("e", 5000) + "@example.com"}},
		"a 5,000-character username": {"username": {strings.Repeat("e", 5000)}},
	} {
		r := w.admin.Do("POST", "/admin/users/new", form)
		if r.Status < 400 || r.Status >= 500 || !strings.Contains(r.Body, "notice error") && !strings.Contains(r.Body, "field-error") {
			t.Errorf("%s: status %d, want a 4xx with a message\n%s", name, r.Status, excerpt(r.Body))
		}
	}
	if _, after, _ := w.st.ListUsers(t.Context(), store.ListOptions{}); after != before {
		t.Errorf("%d users were stored from hostile input", after-before)
	}
}
