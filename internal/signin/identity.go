// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package signin

import (
	"fmt"
	"github.com/signet-sso/signet/internal/saml"
	"regexp"
	"strings"

	"github.com/signet-sso/signet/internal/ident"
)

// Identity is who a verified assertion says signed in.
type Identity struct {
	Email  string
	Source string // "NameID" or the attribute's name
}

// emailAttributeNames are tried in order after the NameID. The first four
// are the Workspace's documented rules; the rest are the names LDAP-style
// IdPs (Shibboleth, SimpleSAMLphp, OneLogin) use for the same thing.
var emailAttributeNames = []string{
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
	"emailaddress",
	"email",
	"mail",
	"urn:oid:0.9.2342.19200300.100.1.3",
	"user.email",
}

// placeholderPattern matches unresolved templates such as ${user:email},
// $(user:email}, {{email}}, %{email} and [email].
var placeholderPattern = regexp.MustCompile(`\$\{[^}]*\}?|\$\([^)}]*[)}]?|\{\{[^}]*\}\}|%\{[^}]*\}`)

// IsPlaceholder reports whether v is (or contains) an unresolved template.
func IsPlaceholder(v string) bool { return placeholderPattern.MatchString(v) }

// ResolveIdentity finds the person's email: the NameID when its format is
// emailAddress or it looks like an email, else the first email attribute of
// emailAttributeNames (compared case-insensitively). Failures name the
// cause and carry a hint in the words of p's console:
//   - email_placeholder: a template such as ${user:email} was sent as text;
//   - attribute_statement_empty: no attributes, and the NameID is no email
//     (AWS's default: a persistent opaque NameID and no attributes);
//   - email_invalid: a value is present but is not an email address;
//   - email_missing: nothing that could be an email.
func ResolveIdentity(a *saml.Assertion, p Provider) (Identity, error) {
	id, code, detail := resolve(a)
	if code == "" {
		return id, nil
	}
	e := NewError(code, fmt.Errorf("%s", detail))
	e.Hint = HintFor(p, code)
	return Identity{}, e
}

func resolve(a *saml.Assertion) (Identity, saml.Code, string) {
	type candidate struct{ value, source string }
	var cands []candidate
	nameID := strings.TrimSpace(a.NameID)
	nameIDIsEmail := a.NameIDFormat == saml.NameIDEmail || a.NameIDFormat == nameIDEmailSAML2
	if nameIDIsEmail || strings.Contains(nameID, "@") || IsPlaceholder(nameID) {
		cands = append(cands, candidate{nameID, "NameID"})
	}
	for _, name := range emailAttributeNames {
		for _, at := range a.Attributes {
			if strings.EqualFold(at.Name, name) {
				for _, v := range at.Values {
					cands = append(cands, candidate{strings.TrimSpace(v), at.Name})
				}
			}
		}
	}
	var placeholder, invalid string
	for _, c := range cands {
		switch {
		case c.value == "":
		case IsPlaceholder(c.value):
			if placeholder == "" {
				placeholder = fmt.Sprintf("%s is the unresolved template %q", c.source, truncate(c.value, 80))
			}
		case ValidEmail(c.value):
			e, _ := ident.Email(c.value)
			return Identity{Email: e, Source: c.source}, "", ""
		default:
			if invalid == "" {
				invalid = fmt.Sprintf("%s %q is not an email address", c.source, truncate(c.value, 80))
			}
		}
	}
	switch {
	case placeholder != "":
		return Identity{}, CodeEmailPlaceholder, placeholder
	case invalid != "":
		return Identity{}, CodeEmailInvalid, invalid
	case len(a.Attributes) == 0:
		return Identity{}, CodeAttributeStatementNone, fmt.Sprintf("no attributes, and the NameID %q (format %s) is not an email address",
			truncate(nameID, 80), formatOrNone(a.NameIDFormat))
	}
	return Identity{}, CodeEmailMissing, "neither the NameID nor any email attribute holds an email address"
}

func formatOrNone(f string) string {
	if f == "" {
		return "none"
	}
	return f
}

// ValidEmail accepts what ident.Email accepts: a bare address (no display
// name) with a local part and a domain, no hidden characters, at most 254.
func ValidEmail(v string) bool {
	_, err := ident.Email(v)
	return err == nil
}

// nameIDEmailSAML2 is the emailAddress format under a SAML 2.0 URN, which
// some IdPs send although the format is defined in SAML 1.1.
const nameIDEmailSAML2 = "urn:oasis:names:tc:SAML:2.0:nameid-format:emailAddress"

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
