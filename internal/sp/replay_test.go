// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// A response's assertion signs in once (SECURITY-CASES 62). The ACS checks
// the replay cache before it changes anything and records the ID in the
// sign-in's own write, which is what lets exactly one of concurrent uses
// through; these tests hold each half to that.

// TestConcurrentReplaysAreUsedOnce: the same response posted from eight
// browsers at once is used once: one session (or, for a response refused
// for what it says, one refusal for that reason); every other post is
// refused as replayed, never with a server error.
func TestConcurrentReplaysAreUsedOnce(t *testing.T) {
	tests := []struct {
		name       string
		member     bool
		wantStatus int
		wantCode   string // of the one use ("" for a sign-in)
	}{
		{"member signs in", true, http.StatusSeeOther, ""},
		{"refused: not a member", false, http.StatusForbidden, "user_not_member"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.connect(w.acme)
			if tt.member {
				w.member(w.acme, "pat@corp.example", "member")
			}
			resp := w.response(w.acme, nil)
			const browsers = 8
			clients := make([]*client, browsers)
			for i := range clients {
				clients[i] = w.client()
			}
			results := make([]response, browsers)
			var start, wg sync.WaitGroup
			start.Add(1)
			for i, c := range clients {
				wg.Go(func() {
					start.Wait()
					results[i] = c.postACS(w.acme, resp, "")
				})
			}
			start.Done()
			wg.Wait()
			used := 0
			for i, r := range results {
				switch {
				case r.Status == tt.wantStatus && (tt.wantCode == "" || strings.Contains(r.Body, tt.wantCode)):
					used++
				case r.Status == http.StatusBadRequest && strings.Contains(r.Body, "replayed"):
				default:
					t.Errorf("post %d = %d, want %d or 400 replayed\n%s", i, r.Status, tt.wantStatus, excerpt(r.Body))
				}
				// Only a browser whose post signed in has a session.
				home := clients[i].Do("GET", "/orgs/acme", nil)
				if signedIn := r.Status == http.StatusSeeOther; (home.Status == http.StatusOK) != signedIn {
					t.Errorf("post %d = %d, then GET /orgs/acme = %d", i, r.Status, home.Status)
				}
			}
			if used != 1 {
				t.Fatalf("%d of %d posts of one response were used, want exactly 1", used, browsers)
			}
			list, _, err := w.st.ListSignInAttempts(t.Context(), w.acme.ID, store.ListOptions{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			codes := map[string]int{}
			for _, a := range list {
				codes[a.Code]++
			}
			if len(list) != browsers || codes[tt.wantCode] != 1 || codes[string(saml.CodeReplayed)] != browsers-1 {
				t.Errorf("attempts by code = %v, want one %q and %d replayed", codes, tt.wantCode, browsers-1)
			}
		})
	}
}

// TestReplayThatLosesTheRaceSignsNobodyIn takes the late half on its own:
// the response verified while its ID was unused, and another use recorded
// the ID before this sign-in's record. Nobody is signed in, and the admin's
// log says why.
func TestReplayThatLosesTheRaceSignsNobodyIn(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	ctx := t.Context()
	res, err := w.svc.ConsumeResponse(ctx, w.acme.Slug, []byte(w.response(w.acme, nil)), nil, "192.0.2.1")
	if err != nil || res.SignIn == nil {
		t.Fatalf("ConsumeResponse = %v", err)
	}
	if ok, err := w.st.RecordAssertion(ctx, res.SignIn.Assertion.ID, time.Now().Add(time.Hour)); !ok || err != nil {
		t.Fatalf("the other use's RecordAssertion = %v, %v (the ACS must not have recorded the ID yet)", ok, err)
	}
	sess := store.Session{ID: "lost-the-race", Realm: store.RealmWorkspace, UserID: res.SignIn.Member.ID, OrgID: w.acme.ID,
		Method: "sso", ExpiresAt: time.Now().Add(time.Hour)}
	err = w.svc.RecordSignIn(ctx, w.acme, &res, sess, "signin", "signed in with SSO")
	if saml.CodeOf(err) != saml.CodeReplayed {
		t.Fatalf("RecordSignIn = %v, want the replayed refusal", err)
	}
	if _, err := w.st.GetSession(ctx, sess.ID, time.Now()); err == nil {
		t.Error("a sign-in refused as replayed has a session")
	}
	// Logged as a replay refused early is: in the attempts log, as a
	// message anyone holding it could post (no event, no audit entry).
	if a := w.lastAttempt(w.acme); a.OK || a.Code != string(saml.CodeReplayed) || a.Email != "pat@corp.example" || !a.Unverified {
		t.Errorf("attempt = %+v, want pat's refusal as replayed", a)
	}
	if ev, _, _ := w.st.ListAudit(ctx, store.RealmWorkspace, w.acme.ID, store.ListOptions{Query: "pat@corp.example"}); len(ev) != 0 {
		t.Errorf("audit = %+v, want nothing for a replay", ev)
	}
}

// TestRefusedAssertionCannotBeReplayed: an assertion refused after it
// verified (here: not a member) is used up too, so fixing the cause does not
// make the old response good.
func TestRefusedAssertionCannotBeReplayed(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	resp := w.response(w.acme, nil)
	if r := w.client().postACS(w.acme, resp, ""); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "user_not_member") {
		t.Fatalf("first post = %d, want 403 user_not_member\n%s", r.Status, excerpt(r.Body))
	}
	w.member(w.acme, "pat@corp.example", "member")
	if r := w.client().postACS(w.acme, resp, ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "replayed") {
		t.Errorf("the refused response again = %d, want 400 replayed\n%s", r.Status, excerpt(r.Body))
	}
	if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
		t.Errorf("a fresh response = %d, want 303", r.Status)
	}
}

// TestReplayChangesNothing: a replay is refused before the ACS writes
// anything, so it does not provision again a member the admin removed.
func TestReplayChangesNothing(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.admin(w.acme).Do("POST", "/orgs/acme/settings/sso/options", url.Values{"allow_idp_initiated": {"1"}, "jit_role": {"viewer"}})
	resp := w.response(w.acme, func(p *saml.ResponseParams) { p.NameID = "new@corp.example"; p.Attributes = nil })
	if r := w.client().postACS(w.acme, resp, ""); r.Status != http.StatusSeeOther {
		t.Fatalf("JIT sign-in = %d\n%s", r.Status, excerpt(r.Body))
	}
	ctx := t.Context()
	m, err := w.st.GetMemberByEmail(ctx, w.acme.ID, "new@corp.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.DeleteMember(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if r := w.client().postACS(w.acme, resp, ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "replayed") {
		t.Errorf("replay = %d, want 400 replayed\n%s", r.Status, excerpt(r.Body))
	}
	if _, err := w.st.GetMemberByEmail(ctx, w.acme.ID, "new@corp.example"); err == nil {
		t.Error("the replay provisioned the removed member again")
	}
}

// TestReplayOfARefusalIsAReplay: a response refused for what it says (no
// email anywhere) and posted again is refused as a replay, at the replay
// check that comes before every other refusal, so anyone replaying it adds
// only unverified, rate-limited noise to the log, never an audit entry.
func TestReplayOfARefusalIsAReplay(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	resp := w.response(w.acme, func(p *saml.ResponseParams) {
		p.NameID, p.NameIDFormat, p.Attributes = "opaque-0042", saml.NameIDPersistent, nil
	})
	first := w.client().postACS(w.acme, resp, "")
	if first.Status == http.StatusSeeOther || strings.Contains(first.Body, "replayed") {
		t.Fatalf("first post = %d, want a refusal for the missing email\n%s", first.Status, excerpt(first.Body))
	}
	ctx := t.Context()
	audited := func() int {
		events, _, err := w.st.ListAudit(ctx, store.RealmWorkspace, w.acme.ID, store.ListOptions{Query: "signin.failed", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		return len(events)
	}
	before := audited()
	if r := w.client().postACS(w.acme, resp, ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "replayed") {
		t.Errorf("second post = %d, want 400 replayed\n%s", r.Status, excerpt(r.Body))
	}
	list, _, err := w.st.ListSignInAttempts(ctx, w.acme.ID, store.ListOptions{Limit: 10})
	if err != nil || len(list) != 2 {
		t.Fatalf("attempts = %d, %v; want 2", len(list), err)
	}
	if latest := list[0]; latest.Code != string(saml.CodeReplayed) || !latest.Unverified {
		t.Errorf("the replay's attempt = code %q unverified %v, want %q and unverified", latest.Code, latest.Unverified, saml.CodeReplayed)
	}
	// Refused at the replay check, before anything of what the assertion
	// says was taken in: no flow, no email (a refusal after it, turned
	// into a replay only when its ID was written, would show both).
	if latest := list[0]; latest.Flow != "" || latest.Email != "" {
		t.Errorf("the replay's attempt took in flow %q and email %q: it was refused after the replay check", latest.Flow, latest.Email)
	}
	if after := audited(); after != before {
		t.Errorf("the replay added %d audit entries", after-before)
	}
}
