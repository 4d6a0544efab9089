// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"io"
	"net/url"
	"strings"
)

// postFormScript submits the form; it is the page's only script, allowed by
// its hash in PostFormCSP, so no inline script of anyone else's can run.
const postFormScript = `document.getElementById("saml-post").submit();`

// postFormStyle is the page's only style, allowed by its hash.
const postFormStyle = `body{font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem;text-align:center;color:#222}
button{font-size:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #2563eb;background:#2563eb;color:#fff;cursor:pointer}`

// PostFormCSP is the Content-Security-Policy to send with PostForm's page
// posting to action: its own script and style by hash, nothing inline
// besides, and the form may go to action's origin only (DESIGN rule 17).
func PostFormCSP(action string) string {
	dest := "'none'"
	if u, err := url.Parse(action); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		!strings.ContainsAny(u.Host, " ;,'") {
		dest = u.Scheme + "://" + u.Host
	}
	return "default-src 'none'; script-src 'sha256-" + scriptHash(postFormScript) + "'; style-src 'sha256-" + scriptHash(postFormStyle) +
		"'; form-action " + dest + "; frame-ancestors 'none'; base-uri 'none'"
}

func scriptHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

var postFormTemplate = template.Must(template.New("post").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Signing you in…</title>
<style>` + postFormStyle + `</style>
</head><body>
<form id="saml-post" method="post" action="{{.Action}}">
<input type="hidden" name="{{.Field}}" value="{{.Value}}">
{{- if .RelayState}}
<input type="hidden" name="RelayState" value="{{.RelayState}}">
{{- end}}
<p>Signing you in to <strong>{{.Target}}</strong>…</p>
<noscript><p>JavaScript is off in this browser: press Continue to finish signing in.</p></noscript>
<button type="submit">Continue</button>
</form>
<script>` + postFormScript + `</script>
</body></html>
`))

// PostFormData fills the auto-submitting form of the HTTP-POST binding.
type PostFormData struct {
	Action     string // where to post: the ACS URL (or the IdP's SSO URL)
	Field      string // "SAMLResponse" or "SAMLRequest"
	Value      string // base64 of the message
	RelayState string
	Target     string // a name for the page, e.g. the application's display name
}

// PostForm renders the HTTP-POST binding's page (SAML bindings §3.5.4):
// every value is HTML-escaped (SECURITY-CASES 70), Action must be an http(s)
// URL, and the visible Continue button works without JavaScript.
func PostForm(w io.Writer, d PostFormData) error {
	if err := CheckHTTPURL(d.Action); err != nil {
		return errorf(CodeACSURLNotRegistered, "form action %q: %v", truncate(d.Action, 100), err)
	}
	if d.Target == "" {
		d.Target = "the application"
	}
	return postFormTemplate.Execute(w, d)
}
