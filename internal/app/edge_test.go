// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/web"
)

// TestSecurityCase96BodiesCappedBeforeAnythingReads: every unauthenticated POST route of
// both roles refuses a body over its class's cap with 413 before reading it
// (a declared length), and a streamed one cannot grow past the cap.
func TestSecurityCase96BodiesCappedBeforeAnythingReads(t *testing.T) {
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	addrs := startServe(t, st)
	sp, idp := "http://"+addrs["sp"], "http://"+addrs["idp"]
	for _, tc := range []struct {
		url  string
		size int // just over the route's cap
	}{
		{sp + "/login", 64<<10 + 1},
		{sp + "/login/sso", 64<<10 + 1},
		{sp + "/logout", 64<<10 + 1},
		{sp + "/invite/some-token", 64<<10 + 1},
		{sp + "/saml/acme/acs", 1<<20*4/3 + 16<<10 + 1},
		{idp + "/admin/login", 64<<10 + 1},
		{idp + "/portal/login", 2<<20 + 1},
		{idp + "/saml/apps/app_x/sso", 2<<20 + 1},
	} {
		for _, streamed := range []bool{false, true} {
			var body io.Reader = strings.NewReader("x=" + strings.Repeat("a", tc.size))
			if streamed {
				body = io.MultiReader(body) // no Content-Length: chunked
			}
			req, _ := http.NewRequest("POST", tc.url, body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				if streamed {
					continue // the server may close the connection mid-upload
				}
				t.Fatalf("POST %s: %v", tc.url, err)
			}
			resp.Body.Close()
			if !streamed && resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %s with %d bytes = %d, want 413", tc.url, tc.size, resp.StatusCode)
			}
			if streamed && resp.StatusCode < 400 {
				t.Errorf("POST %s streaming %d bytes = %d, want a refusal", tc.url, tc.size, resp.StatusCode)
			}
		}
	}
	// Under the cap, a route does its own work (here: no such org, 404).
	resp, err := http.Post(sp+"/saml/acme/acs", "application/x-www-form-urlencoded", strings.NewReader("SAMLResponse="+strings.Repeat("QUFB", 200<<10)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusRequestEntityTooLarge {
		t.Error("an 800 KB SAML response was refused by the cap meant for bigger ones")
	}
}

// TestDrainBeforeClosing: after the signal, /readyz answers 503 for the
// drain period while the listener still serves, then the listener closes.
func TestDrainBeforeClosing(t *testing.T) {
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	c := &Config{Role: "sp", SPAddr: "127.0.0.1:0", SPURL: "http://127.0.0.1", Drain: 700 * time.Millisecond}
	e := &env{cfg: c, store: st, log: newLogger(io.Discard, "error", "text"), pw: password.Cheap()}
	ready := make(chan map[string]string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, e, func(a map[string]string) { ready <- a }) }()
	base := "http://" + (<-ready)["sp"]
	if code, _, _ := get(t, base+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before the signal = %d", code)
	}
	signalled := time.Now()
	cancel()
	time.Sleep(100 * time.Millisecond)
	code, body, _ := get(t, base+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "draining") {
		t.Errorf("/readyz while draining = %d %s, want 503 draining", code, body)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(signalled); waited < 600*time.Millisecond {
		t.Errorf("the listener closed %s after the signal, before the drain period", waited)
	}
	if _, err := http.Get(base + "/readyz"); err == nil {
		t.Error("the listener still answers after shutdown")
	}
}

// TestSecurityHeaders: a CSP without unsafe-inline whose forms go to this
// origin only, and HSTS exactly when the public URL is https.
func TestSecurityHeaders(t *testing.T) {
	for _, public := range []string{"http://127.0.0.1", "https://sso.example"} {
		st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ctx, cancel := context.WithCancel(context.Background())
		c := &Config{Role: "sp", SPAddr: "127.0.0.1:0", SPURL: public}
		e := &env{cfg: c, store: st, log: newLogger(io.Discard, "error", "text"), pw: password.Cheap()}
		ready := make(chan map[string]string, 1)
		done := make(chan error, 1)
		go func() { done <- serve(ctx, e, func(a map[string]string) { ready <- a }) }()
		_, _, h := get(t, "http://"+(<-ready)["sp"]+"/login")
		cancel()
		<-done
		csp := h.Get("Content-Security-Policy")
		if strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "form-action 'self';") {
			t.Errorf("CSP = %q, want form-action 'self' and no unsafe-inline", csp)
		}
		if hsts := h.Get("Strict-Transport-Security"); (hsts != "") != strings.HasPrefix(public, "https://") {
			t.Errorf("public URL %s: Strict-Transport-Security = %q", public, hsts)
		}
	}
}

// TestSecurityCase100NoInlineStylesOrScripts: no template of either role
// has an inline style, script or event handler, and the pages' CSP allows
// none. (The browser tests also fail on any CSP violation they see.)
func TestSecurityCase100NoInlineStylesOrScripts(t *testing.T) {
	inline := regexp.MustCompile(`(?i)\sstyle\s*=|<style|<script>|<script\s+(?:[^>]*\s)?(?:type="[^"]*"\s*)?>|\son[a-z]+\s*=|javascript:`)
	n := 0
	for _, root := range []string{"../sp/templates", "../idp/templates", "../web"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			n++
			if loc := inline.FindIndex(b); loc != nil {
				t.Errorf("%s has inline style or script: %q", path, b[max(0, loc[0]-20):min(len(b), loc[1]+40)])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 20 {
		t.Fatalf("only %d templates were read", n)
	}
	if strings.Contains(web.ContentSecurityPolicy, "unsafe-inline") || strings.Contains(web.ContentSecurityPolicy, "unsafe-eval") {
		t.Errorf("CSP %q allows inline code", web.ContentSecurityPolicy)
	}
}
