// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package harness

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Browser is an HTTP client with cookies that follows redirects.
type Browser struct {
	t      testing.TB
	Client *http.Client
}

// NewBrowser returns a browser with an empty cookie jar.
func NewBrowser(t testing.TB) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{t: t, Client: &http.Client{Jar: jar}}
}

// Page is a fetched page.
type Page struct {
	URL    *url.URL
	Status int
	Body   string
}

func (b *Browser) page(resp *http.Response, err error) *Page {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return &Page{URL: resp.Request.URL, Status: resp.StatusCode, Body: string(body)}
}

// Get fetches a URL, following redirects.
func (b *Browser) Get(u string) *Page { return b.page(b.Client.Get(u)) }

// Post submits form values to u, following redirects.
func (b *Browser) Post(u string, v url.Values) *Page { return b.page(b.Client.PostForm(u, v)) }

// Form is an HTML form.
type Form struct {
	Action string
	Fields url.Values
}

var (
	formPattern  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	attrPattern  = regexp.MustCompile(`(?is)\b([a-z_-]+)\s*=\s*("([^"]*)"|'([^']*)')`)
	inputPattern = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
)

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range attrPattern.FindAllStringSubmatch(s, -1) {
		v := a[3]
		if v == "" {
			v = a[4]
		}
		m[strings.ToLower(a[1])] = html.UnescapeString(v)
	}
	return m
}

// Forms lists the page's POST forms with their inputs' values.
func (p *Page) Forms() []Form {
	var out []Form
	for _, f := range formPattern.FindAllStringSubmatch(p.Body, -1) {
		fa := attrs(f[1])
		if !strings.EqualFold(fa["method"], "post") {
			continue
		}
		action, err := p.URL.Parse(fa["action"])
		if err != nil {
			continue
		}
		form := Form{Action: action.String(), Fields: url.Values{}}
		for _, in := range inputPattern.FindAllStringSubmatch(f[2], -1) {
			ia := attrs(in[1])
			if ia["name"] != "" {
				form.Fields.Add(ia["name"], ia["value"])
			}
		}
		out = append(out, form)
	}
	return out
}

// SAMLForm returns the auto-posting form carrying field, if any.
func (p *Page) SAMLForm(field string) (Form, bool) {
	for _, f := range p.Forms() {
		if f.Fields.Get(field) != "" {
			return f, true
		}
	}
	return Form{}, false
}

// FollowSAML submits auto-posting SAMLRequest/SAMLResponse forms until the
// page has none, as a browser running their script would.
func (b *Browser) FollowSAML(p *Page) *Page {
	b.t.Helper()
	for range 5 {
		f, ok := p.SAMLForm("SAMLResponse")
		if !ok {
			if f, ok = p.SAMLForm("SAMLRequest"); !ok {
				return p
			}
		}
		p = b.Post(f.Action, f.Fields)
	}
	return p
}

// SignInToPortal fills Signet's sign-in form on p (the portal's, shown when
// an application's request needs a signed-in user) and submits it.
func (b *Browser) SignInToPortal(p *Page, username, password string) *Page {
	b.t.Helper()
	for _, f := range p.Forms() {
		if strings.HasSuffix(f.Action, "/portal/login") {
			f.Fields.Set("username", username)
			f.Fields.Set("password", password)
			return b.Post(f.Action, f.Fields)
		}
	}
	b.t.Fatalf("no portal sign-in form at %s:\n%.800s", p.URL, p.Body)
	return nil
}
