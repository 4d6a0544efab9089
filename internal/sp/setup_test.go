// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// TestSetupLinks: a setup link opens its org's Single Sign-On Settings
// (and Test sign-in) to someone with no Workspace account, and nothing
// else: not the org's other pages, not another org; revoked or expired,
// it opens nothing, even in a browser already using it.
func TestSetupLinks(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	link, l, err := w.svc.Accounts().NewSetupLink(ctx, "cli", w.acme, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, w.srv.URL)
	it := w.client()
	r := it.Do("GET", path, nil)
	if r.Status != http.StatusSeeOther && r.Status != http.StatusFound || r.Location != "/orgs/acme/settings/sso" {
		t.Fatalf("opening the setup link = %d %s", r.Status, r.Location)
	}
	page := it.Do("GET", "/orgs/acme/settings/sso", nil)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Single Sign-On Settings for Acme") ||
		!strings.Contains(page.Body, w.svc.ACSURL(w.acme)) || strings.Contains(page.Body, `href="/orgs/acme/settings"`) {
		t.Fatalf("SSO settings through the setup link = %d\n%.1500s", page.Status, page.Body)
	}
	upload := it.upload("/orgs/acme/settings/sso", map[string]string{"provider": "aws"}, w.idpMetadata(w.idp))
	if upload.Status != http.StatusSeeOther {
		t.Errorf("saving metadata through the setup link = %d\n%.800s", upload.Status, upload.Body)
	}
	for _, tt := range []struct{ method, path string }{
		{"GET", "/orgs/acme"},
		{"GET", "/orgs/acme/settings"},
		{"GET", "/orgs/acme/settings/audit"},
		{"POST", "/orgs/acme/invites"},
		{"GET", "/orgs/beta/settings/sso"},
		{"POST", "/orgs/beta/settings/sso/delete"},
	} {
		var form url.Values
		if tt.method == "POST" {
			form = url.Values{"email": {"x@corp.example"}, "role": {"admin"}}
		}
		if r := it.Do(tt.method, tt.path, form); r.Status == http.StatusOK || (r.Status == http.StatusSeeOther && !strings.HasPrefix(r.Location, "/login")) {
			t.Errorf("%s %s with a setup link = %d %s, want no access", tt.method, tt.path, r.Status, r.Location)
		}
	}
	if _, err := w.st.GetSSOConnection(ctx, w.beta.ID, ""); err == nil {
		t.Error("beta has a connection")
	}
	events, _, _ := w.st.ListAudit(ctx, store.RealmWorkspace, w.acme.ID, store.ListOptions{Limit: 100})
	var opened, saved bool
	for _, e := range events {
		opened = opened || e.Action == "setup_link.open"
		saved = saved || strings.Contains(e.Actor, l.ID) && strings.HasPrefix(e.Action, "sso.")
	}
	if !opened || !saved {
		t.Errorf("audit lacks the setup link's use (opened %v, saved %v): %+v", opened, saved, events)
	}

	if err := w.svc.Accounts().RevokeSetupLink(ctx, "admin@acme.example", w.acme, l.ID); err != nil {
		t.Fatal(err)
	}
	if r := it.Do("GET", "/orgs/acme/settings/sso", nil); r.Status == http.StatusOK {
		t.Error("a revoked setup link still opens the SSO settings in the browser using it")
	}
	if r := w.client().Do("GET", path, nil); r.Status != http.StatusGone {
		t.Errorf("a revoked setup link = %d, want 410", r.Status)
	}
	expired, _, err := w.svc.Accounts().NewSetupLink(ctx, "cli", w.acme, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	w.svc.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if r := w.client().Do("GET", strings.TrimPrefix(expired, w.srv.URL), nil); r.Status != http.StatusGone || !strings.Contains(r.Body, "expired or was revoked") {
		t.Errorf("an expired setup link = %d\n%.500s", r.Status, r.Body)
	}
	if r := w.client().Do("GET", "/setup/made-up-token", nil); r.Status != http.StatusGone {
		t.Errorf("a made-up setup link = %d", r.Status)
	}
	if _, _, err := w.svc.Accounts().NewSetupLink(ctx, "cli", w.cheap, time.Hour); err == nil {
		t.Error("a setup link for an org without SSO on its plan")
	}
}
