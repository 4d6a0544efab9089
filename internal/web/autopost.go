// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// postFormScript submits the form; it is the page's only script, allowed by
// its hash in autoPostCSP, so no inline script of anyone else's can run.
const postFormScript = `document.getElementById("saml-post").submit();`

// postFormStyle is the page's only style, allowed by its hash.
const postFormStyle = `body{font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem;text-align:center;color:#222}
button{font-size:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #2563eb;background:#2563eb;color:#fff;cursor:pointer}`

// autoPostSources is the auto-post page's CSP but for form-action: its
// own script and style by hash, nothing inline besides. Computed once.
var autoPostSources = "default-src 'none'; script-src 'sha256-" + contentHash(postFormScript) +
	"'; style-src 'sha256-" + contentHash(postFormStyle) + "'; frame-ancestors 'none'; base-uri 'none'"

func contentHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

var postFormTemplate = template.Must(template.New("post").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Signing you {{if .SignOut}}out{{else}}in{{end}}…</title>
<style>` + postFormStyle + `</style>
</head><body>
<form id="saml-post" method="post" action="{{.Action}}">
<input type="hidden" name="{{.Field}}" value="{{.Value}}">
{{- if .RelayState}}
<input type="hidden" name="RelayState" value="{{.RelayState}}">
{{- end}}
<p>Signing you {{if .SignOut}}out of{{else}}in to{{end}} <strong>{{.Target}}</strong>…</p>
<noscript><p>JavaScript is off in this browser: press Continue to finish.</p></noscript>
<button type="submit">Continue</button>
</form>
<script>` + postFormScript + `</script>
</body></html>
`))

// AutoPost is the auto-submitting form of the SAML HTTP-POST binding
// (bindings §3.5.4): a message posted by the browser to another site.
type AutoPost struct {
	Action     string // where to post: the ACS URL (or the IdP's SSO URL)
	Field      string // "SAMLResponse" or "SAMLRequest"
	Value      string // base64 of the message
	RelayState string
	Target     string // a name for the page, e.g. the application's display name
	SignOut    bool   // a logout message: the page says "signing you out"
}

// SendOn sends the browser on with a SAML message: to redirectURL
// (HTTP-Redirect) when set, else by posting f (HTTP-POST).
func SendOn(w http.ResponseWriter, r *http.Request, redirectURL string, f AutoPost) error {
	if redirectURL != "" {
		http.Redirect(w, r, redirectURL, http.StatusFound)
		return nil
	}
	return WriteAutoPost(w, f)
}

// errBadAction refuses a form action that is not an absolute http(s) URL
// (or whose host would break out of the CSP's form-action).
var errBadAction = errors.New("the form's destination is not an http or https URL")

// WriteAutoPost answers with the auto-post page: every value HTML-escaped
// (SECURITY-CASES 70), a visible Continue button for browsers without
// JavaScript, its own script and style allowed by hash and its form only
// to Action's origin (DESIGN rule 17), never cached.
func WriteAutoPost(w http.ResponseWriter, f AutoPost) error {
	u, err := url.Parse(f.Action)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		strings.ContainsAny(u.Host, " ;,'") {
		return errBadAction
	}
	if f.Target == "" {
		f.Target = "the application"
	}
	var buf bytes.Buffer
	if err := postFormTemplate.Execute(&buf, f); err != nil {
		return err
	}
	// The form may go to Action's origin only (DESIGN rule 17).
	w.Header().Set("Content-Security-Policy", autoPostSources+"; form-action "+u.Scheme+"://"+u.Host)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}
