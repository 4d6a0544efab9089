// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/web"
)

// loadResult is one server under load.
type loadResult struct {
	name      string
	requests  int
	errors    int
	rps       float64
	p50, p99  time.Duration
	exhausted bool
}

// pregenerate makes n unique signed responses for the ACS at base, as
// the form bodies the browser would post: encoding a 14 KB value costs the
// client tens of microseconds, which would otherwise be spent on the cores
// the servers are measured on.
func pregenerate(w *world, n int, acs, audience string) ([]string, error) {
	out := make([]string, n)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	per := (n + 1) / 2
	for g := range 2 {
		wg.Go(func() {
			for i := g * per; i < min(n, (g+1)*per); i++ {
				p := w.params(saml.SignAssertion, w.idpKey)
				p.Destination, p.Audience, p.Now = acs, audience, time.Now()
				xml, err := saml.IssueResponse(p)
				if err != nil {
					firstErr.Store(err)
					return
				}
				out[i] = url.Values{"SAMLResponse": {saml.EncodeBase64(xml)}}.Encode()
			}
		})
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return nil, err
	}
	return out, nil
}

// load is one server's share of a load test: its pre-generated bodies,
// each posted once, and what the posts measured so far.
type load struct {
	name, acs string
	bodies    []string
	next      atomic.Int64
	lat       []time.Duration
	errors    int
	elapsed   time.Duration
}

// drive posts l's next bodies from conns connections for d, or until they
// run out, and adds what it measured to l.
func (l *load) drive(conns int, d time.Duration) {
	var errs atomic.Int64
	lat := make([][]time.Duration, conns)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range conns {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			defer client.CloseIdleConnections()
			for time.Now().Before(deadline) {
				i := l.next.Add(1) - 1
				if int(i) >= len(l.bodies) {
					return
				}
				t0 := time.Now()
				resp, err := client.Post(l.acs, "application/x-www-form-urlencoded", strings.NewReader(l.bodies[i]))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil || resp.StatusCode != http.StatusSeeOther {
					errs.Add(1)
				}
			}
		})
	}
	wg.Wait()
	l.elapsed += time.Since(start)
	l.errors += int(errs.Load())
	for _, x := range lat {
		l.lat = append(l.lat, x...)
	}
}

// result is what l measured in all its drives.
func (l *load) result() loadResult {
	all := slices.Clone(l.lat)
	slices.Sort(all)
	r := loadResult{name: l.name, requests: len(all), errors: l.errors, rps: float64(len(all)) / l.elapsed.Seconds(),
		exhausted: len(all) >= len(l.bodies)}
	if len(all) > 0 {
		r.p50, r.p99 = all[len(all)/2], all[len(all)*99/100]
	}
	return r
}

// loadSlices is how many turns two servers compared in one load test take:
// this machine's speed drifts within seconds, so each gets d/loadSlices
// at a time, alternating, rather than d one after the other.
const loadSlices = 5

// alternate drives a and b in turns for d each, a first.
func alternate(a, b *load, conns int, d time.Duration) {
	for range loadSlices {
		a.drive(conns, d/loadSlices)
		b.drive(conns, d/loadSlices)
	}
}

// signetACS serves the Workspace (with the production middleware) on st,
// with org acme connected to the benchmark IdP.
func signetACS(w *world, st store.Store) (*httptest.Server, *sp.Service, error) {
	log := slog.New(slog.DiscardHandler)
	pages, err := sp.Templates(log)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(nil)
	sealer, err := secret.NewSealer("bench: a secret key of at least 32 bytes")
	if err != nil {
		return nil, nil, err
	}
	// As in production: the org has its SP key (the ACS loads it to decrypt).
	svc := &sp.Service{Store: st, BaseURL: srv.URL, Password: password.Cheap(), Log: log, Sealer: sealer}
	sp.NewHandler(svc, pages, log).Mount(mux)
	m := web.NewMetrics("sp")
	srv.Config.Handler = web.Wrap(web.Protect(mux, sp.SAMLPostPatterns()...), log, m)
	ctx := context.Background()
	o, err := st.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, &store.Member{Email: "pat@corp.example", Role: "member"})
	if err != nil {
		return nil, nil, err
	}
	if _, _, err := svc.SaveMetadata(ctx, store.Member{Email: "bench"}, o, "other", w.idpMetadata, sp.SaveOptions{}); err != nil {
		return nil, nil, err
	}
	for i := range 9 { // ten orgs in all
		if _, err := st.CreateOrg(ctx, store.Org{Slug: fmt.Sprintf("org-%d", i), Name: "Org", Plan: "growth"}, nil); err != nil {
			return nil, nil, err
		}
	}
	return srv, svc, nil
}

// crewjamACS is a minimal ACS with crewjam/saml: parse, set a cookie, redirect.
func crewjamACS(w *world) (*httptest.Server, error) {
	srv := httptest.NewServer(nil)
	cw := *w
	cw.acs, cw.spEntity = srv.URL+"/saml/acs", srv.URL+"/saml/metadata"
	cj, err := cw.crewjam()
	if err != nil {
		return nil, err
	}
	cj.Clock = nil // the real clock, as a server uses
	srv.Config.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil { // crewjam reads r.PostForm and expects it parsed
			http.Error(rw, "bad form", http.StatusBadRequest)
			return
		}
		a, err := cj.ParseResponse(r, nil)
		if err != nil {
			http.Error(rw, "refused", http.StatusForbidden)
			return
		}
		var b [16]byte
		rand.Read(b[:])
		http.SetCookie(rw, &http.Cookie{Name: "session", Value: hex.EncodeToString(b[:]) + a.Subject.NameID.Value[:0]})
		http.Redirect(rw, r, "/", http.StatusSeeOther)
	})
	return srv, nil
}

func openStore(kind, pg string) (store.Store, func(), error) {
	ctx := context.Background()
	if kind == "sqlite" {
		dir, _ := os.MkdirTemp("", "signet-bench-*")
		st, err := sqlstore.Open(ctx, sqlstore.Location{Driver: "sqlite", Path: filepath.Join(dir, "signet.db")}, sqlstore.Options{Migrate: true})
		return st, func() { st.Close(); os.RemoveAll(dir) }, err
	}
	db, err := sql.Open("pgx", pg)
	if err != nil {
		return nil, nil, err
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "signet_bench_" + hex.EncodeToString(b[:])
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		return nil, nil, err
	}
	u, _ := url.Parse(pg)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	st, err := sqlstore.Open(ctx, sqlstore.Location{Driver: "postgres", URL: u.String()}, sqlstore.Options{Migrate: true})
	return st, func() { st.Close(); db.Exec("DROP SCHEMA " + schema + " CASCADE"); db.Close() }, err
}

// loadTests drives the ACSs and returns the load targets.
func loadTests(w *world, d time.Duration, conns int, pg string, stores []string) ([]target, error) {
	// More responses than each server here can take in d: Signet on SQLite
	// took up to 2,980/s, crewjam's handler up to 1,160/s.
	n, crewN := int(d.Seconds()*3500), int(d.Seconds()*2000)
	fmt.Printf("\nACS load: %d connections, %s per server in %d turns alternating with the crewjam baseline, up to %d pre-generated responses per server (unique, assertion signed)\n",
		conns, d, loadSlices, n)
	cj, err := crewjamACS(w)
	if err != nil {
		return nil, err
	}
	defer cj.Close()
	var results []loadResult
	prepare := func(name string, count int, acs, aud string) (*load, error) {
		bodies, err := pregenerate(w, count, acs, aud)
		return &load{name: name, acs: acs, bodies: bodies}, err
	}
	prepareCrewjam := func(name string) (*load, error) {
		return prepare("crewjam/saml minimal ACS (alternating with "+name+")", crewN, cj.URL+"/saml/acs", cj.URL+"/saml/metadata")
	}
	var targets []target
	for _, kind := range stores {
		if kind != "sqlite" && kind != "postgres" {
			return nil, fmt.Errorf("unknown store %q (sqlite, postgres)", kind)
		}
		if kind == "postgres" && pg == "" {
			fmt.Println("(no -postgres URL: the PostgreSQL run is skipped)")
			continue
		}
		st, closeStore, err := openStore(kind, pg)
		if err != nil {
			return nil, err
		}
		srv, svc, err := signetACS(w, st)
		if err != nil {
			return nil, err
		}
		org := store.Org{Slug: "acme"}
		// Signet and the crewjam baseline take turns (alternate), so the
		// machine's drift falls on both alike.
		crewLoad, err := prepareCrewjam(kind)
		if err != nil {
			return nil, err
		}
		signetLoad, err := prepare("signet ACS on "+kind+" (10 orgs)", n, svc.ACSURL(org), svc.EntityID(org))
		if err != nil {
			return nil, err
		}
		alternate(crewLoad, signetLoad, conns, d)
		crew, r := crewLoad.result(), signetLoad.result()
		results = append(results, crew, r)
		goal := 3.0
		if kind == "postgres" {
			goal = 2
		}
		targets = append(targets, target{name: "acs-" + kind + "-vs-crewjam", ratio: r.rps / crew.rps, goal: goal, higherIsBetter: true, unit: "×"})
		if kind == "sqlite" {
			// Scale: 10,000 orgs, and the replay cache holding every
			// assertion of the first run.
			ctx := context.Background()
			for i := 9; i < 9999; i++ {
				if _, err := st.CreateOrg(ctx, store.Org{Slug: fmt.Sprintf("org-%d", i), Name: "Org", Plan: "growth"}, nil); err != nil {
					return nil, err
				}
			}
			crewLoad, err := prepareCrewjam("10,000 orgs")
			if err != nil {
				return nil, err
			}
			bigLoad, err := prepare("signet ACS on sqlite (10,000 orgs, full replay cache)", n, svc.ACSURL(org), svc.EntityID(org))
			if err != nil {
				return nil, err
			}
			alternate(crewLoad, bigLoad, conns, d)
			crewBig, big := crewLoad.result(), bigLoad.result()
			results = append(results, crewBig, big)
			// Each against its own baseline, so drift between the two
			// runs cancels out.
			targets = append(targets, target{name: "acs-cost-10000-orgs-vs-10", ratio: (r.rps / crew.rps) / (big.rps / crewBig.rps), goal: 1.15, unit: "×"})
		}
		srv.Close()
		closeStore()
	}
	fmt.Println()
	for _, r := range results {
		ex := ""
		if r.exhausted {
			ex = " (ran out of responses)"
		}
		fmt.Printf("%-55s %7.0f req/s  p50 %-9s p99 %-9s %d requests, %d errors%s\n", r.name, r.rps,
			r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.requests, r.errors, ex)
	}
	return targets, nil
}
