// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"crypto/x509"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/dnstest"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

// contractorsEntity is the second IdP of acme (an Entra ID tenant).
const contractorsEntity = "https://sts.windows.net/0b9c1a46-5d36-4e58-9d0a-1c2f7e3b4a55/"

// twoIdPs connects acme to the AWS-looking IdP (primary) and, through the
// "Add another identity provider" form, to a second one with its own key.
func twoIdPs(t *testing.T) (*world, saml.KeyPair, store.SSOConnection, store.SSOConnection) {
	t.Helper()
	w := newWorld(t)
	w.connect(w.acme)
	second := samltest.Key(t, "contractors")
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: contractorsEntity, SSOURL: "https://login.microsoftonline.example/saml2",
		SigningCertificates: []*x509.Certificate{second.Certificate}, NameIDFormats: []string{saml.NameIDEmail}})
	if err != nil {
		t.Fatal(err)
	}
	admin := w.admin(w.acme)
	if r := admin.Do("GET", "/orgs/acme/settings/sso?connection=new", nil); !strings.Contains(r.Body, "Add an identity provider") {
		t.Fatalf("the add form = %d\n%s", r.Status, excerpt(r.Body))
	}
	r := admin.upload("/orgs/acme/settings/sso", map[string]string{"provider": "entra", "idp_source": "file",
		"connection": "new", "connection_name": "Contractors"}, md)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add a second IdP = %d\n%s", r.Status, excerpt(r.Body))
	}
	list, err := w.st.ListSSOConnections(t.Context(), w.acme.ID)
	if err != nil || len(list) != 2 || !list[0].Primary || list[1].Name != "Contractors" {
		t.Fatalf("connections = %+v, %v", list, err)
	}
	return w, second, list[0], list[1]
}

func TestSeveralConnectionsRouteByIssuer(t *testing.T) {
	w, second, primary, contractors := twoIdPs(t)
	w.member(w.acme, "pat@corp.example", "member")
	w.member(w.acme, "sam@contractor.example", "viewer")
	fromContractors := func(p *saml.ResponseParams) {
		p.Issuer, p.Key, p.NameID = contractorsEntity, second, "sam@contractor.example"
		p.Attributes = []saml.Attribute{{Name: "email", Values: []string{"sam@contractor.example"}}}
	}
	if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
		t.Fatalf("the primary IdP's response = %d\n%s", r.Status, excerpt(r.Body))
	}
	if a := w.lastAttempt(w.acme); a.ConnectionID != primary.ID {
		t.Errorf("attempt logged for connection %q, want the primary %q", a.ConnectionID, primary.ID)
	}
	if r := w.client().postACS(w.acme, w.response(w.acme, fromContractors), ""); r.Status != http.StatusSeeOther {
		t.Fatalf("the second IdP's response = %d\n%s", r.Status, excerpt(r.Body))
	}
	if a := w.lastAttempt(w.acme); a.ConnectionID != contractors.ID || a.Email != "sam@contractor.example" {
		t.Errorf("attempt = %+v, want sam through Contractors", a)
	}
	// Hostile: the second IdP's issuer, signed with the first IdP's key
	// (or the other way round) verifies against neither.
	for name, mutate := range map[string]func(*saml.ResponseParams){
		"contractors' issuer, primary's key": func(p *saml.ResponseParams) { fromContractors(p); p.Key = w.idp },
		"primary's issuer, contractors' key": func(p *saml.ResponseParams) { p.Key = second },
	} {
		r := w.client().postACS(w.acme, w.response(w.acme, mutate), "")
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "certificate_untrusted") {
			t.Errorf("%s: %d\n%s", name, r.Status, excerpt(r.Body))
		}
	}
	// An unknown issuer is checked against the primary connection and
	// refused as a wrong issuer.
	r := w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) { p.Issuer = "https://evil.example/idp" }), "")
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "issuer_mismatch") {
		t.Errorf("unknown issuer: %d\n%s", r.Status, excerpt(r.Body))
	}
}

// startAt begins SP-initiated sign-in with the query and returns the
// AuthnRequest and where it was sent.
func startAt(t *testing.T, c *client, query string) (saml.ReceivedAuthnRequest, string) {
	t.Helper()
	r := c.Do("GET", "/saml/acme/login"+query, nil)
	if r.Status != http.StatusFound {
		t.Fatalf("start %s = %d\n%s", query, r.Status, excerpt(r.Body))
	}
	u, _ := url.Parse(r.Location)
	msg, err := saml.DecodeRedirect(u.RawQuery, saml.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	req, err := saml.ParseAuthnRequest(msg.XML, saml.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return *req, u.Scheme + "://" + u.Host + u.Path
}

func TestSeveralConnectionsPickerAndRequestBinding(t *testing.T) {
	w, second, _, contractors := twoIdPs(t)
	w.member(w.acme, "pat@corp.example", "member")
	c := w.client()
	r := c.Do("GET", "/saml/acme/login?next=/orgs/acme", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Choose how to sign in") || !strings.Contains(r.Body, "Contractors") {
		t.Fatalf("picker = %d\n%s", r.Status, excerpt(r.Body))
	}
	want := html.EscapeString("/saml/acme/login?connection=" + contractors.ID + "&next=%2Forgs%2Facme")
	if !strings.Contains(r.Body, want) {
		t.Errorf("the picker's link for Contractors (%s) is missing\n%s", want, excerpt(r.Body))
	}
	req, dest := startAt(t, c, "?connection="+contractors.ID)
	if dest != "https://login.microsoftonline.example/saml2" {
		t.Errorf("the request went to %s, want the Contractors IdP", dest)
	}
	// Hostile: the primary IdP answers a request sent to Contractors.
	answer := w.response(w.acme, func(p *saml.ResponseParams) { p.InResponseTo = req.ID })
	if r := c.postACS(w.acme, answer, ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "in_response_to_unknown") {
		t.Errorf("another IdP answered the request: %d\n%s", r.Status, excerpt(r.Body))
	}
	req, _ = startAt(t, c, "?connection="+contractors.ID)
	answer = w.response(w.acme, func(p *saml.ResponseParams) {
		p.Issuer, p.Key, p.InResponseTo = contractorsEntity, second, req.ID
	})
	if r := c.postACS(w.acme, answer, ""); r.Status != http.StatusSeeOther {
		t.Errorf("the IdP the request went to = %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := c.Do("GET", "/saml/acme/login?connection=conn_other", nil); r.Status != http.StatusBadRequest {
		t.Errorf("an unknown connection = %d", r.Status)
	}
}

func TestSeveralConnectionsDomainRouting(t *testing.T) {
	w, _, primary, contractors := twoIdPs(t)
	dns := dnstest.Start(t)
	w.svc.Resolver = sp.NewResolver(dns.Addr)
	for _, d := range []string{"corp.example", "contractor.example"} {
		claim, err := w.svc.Domains().Add(t.Context(), w.acme, "admin", d)
		if err != nil {
			t.Fatal(err)
		}
		dns.SetTXT(sp.RecordFor(claim).Name, sp.RecordFor(claim).Value)
		if _, err := w.svc.Domains().Verify(t.Context(), w.acme, "admin", d); err != nil {
			t.Fatal(err)
		}
	}
	admin := w.admin(w.acme)
	if r := admin.Do("POST", "/orgs/acme/settings/sso/domains/contractor.example/connection", url.Values{"route": {contractors.ID}}); r.Status != http.StatusSeeOther {
		t.Fatalf("route the domain = %d\n%s", r.Status, excerpt(r.Body))
	}
	w.connect(w.beta)
	betaConn, err := w.st.GetSSOConnection(t.Context(), w.beta.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{"conn_of_nobody", betaConn.ID} { // beta's ID: another org's connection
		if r := admin.Do("POST", "/orgs/acme/settings/sso/domains/contractor.example/connection", url.Values{"route": {other}}); r.Status != http.StatusNotFound {
			t.Errorf("route to %s (not acme's) = %d", other, r.Status)
		}
	}
	if d, _ := w.st.GetDomain(t.Context(), w.acme.ID, "contractor.example"); d.ConnectionID != contractors.ID {
		t.Errorf("a refused route changed the domain: %q", d.ConnectionID)
	}
	for email, want := range map[string]string{
		"sam@contractor.example": "/saml/acme/login?connection=" + contractors.ID,
		"pat@corp.example":       "/saml/acme/login", // not routed: the picker asks
	} {
		r := w.client().Do("POST", "/login/sso", url.Values{"email": {email}})
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `href="`+html.EscapeString(want)+`"`) {
			t.Errorf("%s: want %s\n%s", email, want, excerpt(r.Body))
		}
	}
	_ = primary
}

func TestPrimaryConnectionHoldsRequireSSO(t *testing.T) {
	w, second, primary, contractors := twoIdPs(t)
	w.member(w.acme, "sam@contractor.example", "viewer")
	// Contractors signs someone in: a verified connection lets the org
	// require SSO, which only the primary connection's form offers.
	r := w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) {
		p.Issuer, p.Key, p.NameID = contractorsEntity, second, "sam@contractor.example"
		p.Attributes = []saml.Attribute{{Name: "email", Values: []string{"sam@contractor.example"}}}
	}), "")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d\n%s", r.Status, excerpt(r.Body))
	}
	admin := w.admin(w.acme)
	page := admin.Do("GET", "/orgs/acme/settings/sso?connection="+contractors.ID, nil)
	if strings.Contains(page.Body, `name="require_sso"`) || !strings.Contains(page.Body, "Require SSO is set on the primary connection") {
		t.Errorf("a secondary connection's options offer Require SSO\n%s", excerpt(page.Body))
	}
	// Require SSO sent with a secondary connection's options is ignored.
	admin.Do("POST", "/orgs/acme/settings/sso/options", url.Values{"connection": {contractors.ID}, "allow_idp_initiated": {"1"}, "require_sso": {"1"}})
	if c, _ := w.st.GetSSOConnection(t.Context(), w.acme.ID, contractors.ID); c.RequireSSO {
		t.Error("a secondary connection took Require SSO")
	}
	if r := admin.Do("POST", "/orgs/acme/settings/sso/options", url.Values{"connection": {primary.ID}, "allow_idp_initiated": {"1"}, "require_sso": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("Require SSO on the primary = %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := admin.Do("POST", "/orgs/acme/settings/sso/primary", url.Values{"connection": {contractors.ID}}); r.Status != http.StatusSeeOther {
		t.Fatalf("make primary = %d", r.Status)
	}
	if c, _ := w.st.GetSSOConnection(t.Context(), w.acme.ID, ""); c.ID != contractors.ID || !c.RequireSSO {
		t.Errorf("primary after the switch = %s (require SSO %v), want Contractors holding Require SSO", c.Name, c.RequireSSO)
	}
	if r := admin.Do("POST", "/orgs/acme/settings/sso/rename", url.Values{"connection": {primary.ID}, "name": {"contractors"}}); r.Status != http.StatusConflict {
		t.Errorf("rename to a taken name = %d", r.Status)
	}
	if r := admin.Do("POST", "/orgs/acme/settings/sso/delete", url.Values{"connection": {contractors.ID}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete = %d", r.Status)
	}
	if c, _ := w.st.GetSSOConnection(t.Context(), w.acme.ID, ""); c.ID != primary.ID || !c.RequireSSO {
		t.Errorf("after deleting the primary: %s (require SSO %v)", c.Name, c.RequireSSO)
	}
	// Another org cannot touch acme's connections.
	if r := w.admin(w.beta).Do("POST", "/orgs/beta/settings/sso/delete", url.Values{"connection": {primary.ID}}); r.Status != http.StatusNotFound {
		t.Errorf("beta deleting acme's connection = %d", r.Status)
	}
}
