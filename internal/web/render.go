// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

//go:embed static
var staticFiles embed.FS

//go:embed partials.html
var sharedPartials embed.FS

// MountStatic serves the shared CSS, JavaScript and icon at /static/, and
// the icon at /favicon.ico for clients that ask there.
func MountStatic(mux *http.ServeMux) {
	sub, _ := fs.Sub(staticFiles, "static")
	files := http.FileServerFS(sub)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("Content-Type", "image/svg+xml")
		http.ServeFileFS(w, r, sub, "favicon.svg")
	})
}

// funcs are the template functions both roles use.
var funcs = template.FuncMap{
	"date":     func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"datetime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"join":     strings.Join,
	"capital": func(s string) string { // "growth" → "Growth", for names stored in lower case
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"add":   func(a, b int) int { return a + b },
	"days":  func(d time.Duration) int { return int(d.Hours() / 24) },
	"hours": func(d time.Duration) int { return int(d.Hours()) },
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}

// Pages holds templates parsed at start-up: each page together with the
// layout and partials, so a missing template fails start-up, not a request.
type Pages struct {
	pages map[string]*template.Template
	log   *slog.Logger
}

// ParseDir parses the pages of the folder dir of fsys (see ParsePages).
func ParseDir(fsys fs.FS, dir string, log *slog.Logger) (*Pages, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	return ParsePages(sub, log)
}

// ParsePages parses every pages/*.html of fsys with layout.html,
// partials/*.html (if any) and the partials both roles share
// (partials.html here: copy, certbadge, pager).
func ParsePages(fsys fs.FS, log *slog.Logger) (*Pages, error) {
	names, err := fs.Glob(fsys, "pages/*.html")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no page templates: %v", err)
	}
	shared := []string{"layout.html"}
	if partials, _ := fs.Glob(fsys, "partials/*.html"); len(partials) > 0 {
		shared = append(shared, partials...)
	}
	p := &Pages{pages: map[string]*template.Template{}, log: log}
	for _, n := range names {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(sharedPartials, "partials.html")
		if err == nil {
			t, err = t.ParseFS(fsys, append(shared, n)...)
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		p.pages[strings.TrimSuffix(strings.TrimPrefix(n, "pages/"), ".html")] = t
	}
	return p, nil
}

// Render writes page with data and status. It renders into a buffer first,
// so a template error still yields a clean error page.
func (p *Pages) Render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := p.pages[page]
	var buf bytes.Buffer
	var err error
	if !ok {
		err = fmt.Errorf("no template %q", page)
	} else {
		err = t.Execute(&buf, data)
	}
	if err != nil {
		p.log.ErrorContext(r.Context(), "render page", "page", page, "err", err, "request_id", RequestID(r.Context()))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		internalErrorPage.Execute(w, RequestID(r.Context()))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
