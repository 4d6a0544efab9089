// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestSecurityCase90LoginCSRF: a genuine unsolicited response posted into
// a browser signed in as someone else never silently replaces that session;
// the browser confirms, and only a same-origin POST with the page's token
// switches it.
func TestSecurityCase90LoginCSRF(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	victim := w.admin(w.acme) // signed in as admin@acme.example
	r := victim.postACS(w.acme, w.response(w.acme, nil), "/orgs/acme/settings")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Switch account?") || !strings.Contains(r.Body, "pat@corp.example") {
		t.Fatalf("unsolicited response into a signed-in browser = %d\n%s", r.Status, excerpt(r.Body))
	}
	if home := victim.Do("GET", "/orgs/acme", nil); !strings.Contains(home.Body, "as <strong>admin@acme.example</strong>") {
		t.Fatal("the victim's session was replaced before confirming")
	}
	token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(r.Body)[1]

	// Another site cannot confirm for the victim: cross-origin POSTs are
	// refused, and a wrong token does nothing.
	req, _ := http.NewRequest("POST", w.srv.URL+"/login/switch", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := victim.Send(req); r.Status != http.StatusForbidden {
		t.Errorf("cross-site confirmation = %d, want 403", r.Status)
	}
	if r := victim.Do("POST", "/login/switch", url.Values{"token": {"forged"}}); r.Status != http.StatusBadRequest {
		t.Errorf("forged token = %d, want 400", r.Status)
	}
	if home := victim.Do("GET", "/orgs/acme", nil); !strings.Contains(home.Body, "as <strong>admin@acme.example</strong>") {
		t.Fatal("a refused confirmation changed the session")
	}
	// The person confirms: now pat, at the relay target; the token works once.
	if r := victim.Do("POST", "/login/switch", url.Values{"token": {token}, "next": {"/orgs/acme/settings"}}); r.Status != http.StatusSeeOther || r.Location != "/orgs/acme/settings" {
		t.Fatalf("confirmation = %d %s\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	if home := victim.Do("GET", "/orgs/acme", nil); !strings.Contains(home.Body, "as <strong>pat@corp.example</strong>") {
		t.Error("confirmed, but not signed in as pat")
	}
	if r := victim.Do("POST", "/login/switch", url.Values{"token": {token}}); r.Status != http.StatusBadRequest {
		t.Errorf("token used twice = %d, want 400", r.Status)
	}

	// The same person again, or a browser with no session: no question.
	if r := victim.postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
		t.Errorf("pat's own browser = %d", r.Status)
	}
	if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
		t.Errorf("a fresh browser = %d", r.Status)
	}
}
