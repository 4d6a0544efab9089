// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

import (
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

func TestSecurityCasesSemantics(t *testing.T) {
	unsolicited := func(p *saml.ResponseParams) { p.InResponseTo = "" }
	at := func(d time.Duration) func(v *saml.Verifier) {
		return func(v *saml.Verifier) {
			base := v.Now()
			v.Now = func() time.Time { return base.Add(d) }
		}
	}
	runSecurityCases(t, []securityCase{
		{name: "53a response for tenant A at tenant B, which trusts another IdP", want: saml.CodeCertificateUntrusted,
			build: func(t *testing.T, env *samltest.Env) []byte { return env.Response(t, nil) },
			config: func(v *saml.Verifier) {
				v.IdPEntityID = "https://idp-b.example.com"
				v.IdPCertificates = []*x509.Certificate{samltest.Key(t, "tenant-b-idp").Certificate}
				v.SPEntityID, v.ACSURL = "https://sp.example.com/saml/beta/metadata", "https://sp.example.com/saml/beta/acs"
			}},
		{name: "53b response for tenant A at tenant B, which trusts the same IdP", want: saml.CodeDestinationMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte { return env.Response(t, nil) },
			config: func(v *saml.Verifier) {
				v.SPEntityID, v.ACSURL = "https://sp.example.com/saml/beta/metadata", "https://sp.example.com/saml/beta/acs"
			}},
		{name: "54a Response Issuer is another IdP", want: saml.CodeIssuerMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) { doc.Root().SelectElement("Issuer").SetText("https://other-idp.example") })
			}},
		{name: "54b Assertion Issuer is another IdP", want: saml.CodeIssuerMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.Issuer = "https://other-idp.example" })
			}},
		{name: "54c Assertion Issuer missing", want: saml.CodeIssuerMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					a.RemoveChild(a.SelectElement("Issuer"))
				})
			}},
		{name: "55a Audience is another SP", want: saml.CodeAudienceMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.Audience = "https://other-sp.example" })
			}},
		{name: "55b no AudienceRestriction", want: saml.CodeAudienceMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					c := samltest.Find(t, doc.Root(), "./Assertion/Conditions")
					c.RemoveChild(c.SelectElement("AudienceRestriction"))
				})
			}},
		{name: "56 Recipient is another ACS", want: saml.CodeRecipientMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					setAttr(samltest.Find(t, doc.Root(), "./Assertion/Subject/SubjectConfirmation/SubjectConfirmationData"), "Recipient", "https://evil.example/acs")
				})
			}},
		{name: "57a Destination is another ACS", want: saml.CodeDestinationMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) { setAttr(doc.Root(), "Destination", "https://evil.example/acs") })
			}},
		{name: "57b signed Response without Destination", want: saml.CodeDestinationMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) { doc.Root().RemoveAttr("Destination") })
			}},
		{name: "58a Conditions NotOnOrAfter has passed", want: saml.CodeExpired,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.Lifetime = time.Minute })
			}, config: at(5 * time.Minute)},
		{name: "58b Conditions NotBefore is in the future", want: saml.CodeNotYetValid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					setAttr(samltest.Find(t, doc.Root(), "./Assertion/Conditions"), "NotBefore", "2026-03-01T12:30:00Z")
				})
			}},
		{name: "58c within the clock skew is fine", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.Lifetime = time.Minute })
			}, config: at(2 * time.Minute)},
		{name: "59a bearer confirmation without NotOnOrAfter", want: saml.CodeSubjectConfirmation,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					samltest.Find(t, doc.Root(), "./Assertion/Subject/SubjectConfirmation/SubjectConfirmationData").RemoveAttr("NotOnOrAfter")
				})
			}},
		{name: "59b bearer confirmation expired", want: saml.CodeExpired,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					setAttr(samltest.Find(t, doc.Root(), "./Assertion/Subject/SubjectConfirmation/SubjectConfirmationData"), "NotOnOrAfter", "2026-03-01T11:50:00Z")
				})
			}},
		{name: "60 holder-of-key confirmation instead of bearer", want: saml.CodeSubjectConfirmation,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					setAttr(samltest.Find(t, doc.Root(), "./Assertion/Subject/SubjectConfirmation"), "Method", "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key")
				})
			}},
		{name: "61a IssueInstant older than the maximum age", want: saml.CodeExpired,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.Lifetime = time.Hour })
			}, config: at(20 * time.Minute)},
		{name: "61b IssueInstant in the future", want: saml.CodeNotYetValid,
			build:  func(t *testing.T, env *samltest.Env) []byte { return env.Response(t, nil) },
			config: at(-10 * time.Minute)},
		{name: "63a InResponseTo never issued", want: saml.CodeInResponseToUnknown,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.InResponseTo = "_never_issued" })
			}},
		{name: "63b InResponseTo issued for another tenant", want: saml.CodeInResponseToUnknown,
			build:  func(t *testing.T, env *samltest.Env) []byte { return env.Response(t, nil) },
			config: func(v *saml.Verifier) { v.RequestIDs = &samltest.Requests{} }},
		{name: "64 solicited response replayed to the IdP-initiated path", want: saml.CodeInResponseToUnknown,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.InResponseTo = "_consumed_elsewhere" })
			},
			config: func(v *saml.Verifier) { v.AllowIdPInitiated = true }},
		{name: "65 unsolicited response with IdP-initiated sign-in off", want: saml.CodeIdPInitiatedDisabled,
			build: func(t *testing.T, env *samltest.Env) []byte { return env.Response(t, unsolicited) }},
		{name: "65b unsolicited response with IdP-initiated sign-in on", want: "",
			build:  func(t *testing.T, env *samltest.Env) []byte { return env.Response(t, unsolicited) },
			config: func(v *saml.Verifier) { v.AllowIdPInitiated = true }},
		{name: "66 Responder status with an assertion attached", want: saml.CodeStatusNotSuccess,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					setAttr(samltest.Find(t, doc.Root(), "./Status/StatusCode"), "Value", saml.StatusResponder)
				})
			}},
		{name: "66b error response without an assertion reports the IdP's status", want: saml.CodeStatusNotSuccess,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					setAttr(samltest.Find(t, doc.Root(), "./Status/StatusCode"), "Value", saml.StatusResponder)
					doc.Root().RemoveChild(samltest.Find(t, doc.Root(), "./Assertion"))
				})
			}},
		{name: "67a empty NameID", want: saml.CodeSubjectMissing,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) { nameID(t, doc).SetText("  ") })
			}},
		{name: "67b SPNameQualifier is another SP", want: saml.CodeAudienceMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.SPNameQualifier = "https://other-sp.example" })
			}},
	})
}

// TestSecurityCase62Replay: the same assertion twice is refused, also at a
// second verifier (another tenant or replica) that shares the cache.
func TestSecurityCase62Replay(t *testing.T) {
	env := samltest.NewEnv(t)
	xml := env.Response(t, func(p *saml.ResponseParams) { p.InResponseTo = "" })
	v := env.Verifier()
	v.AllowIdPInitiated = true
	if _, err := v.Verify(t.Context(), xml); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), xml); saml.CodeOf(err) != saml.CodeReplayed {
		t.Errorf("second use = %v, want replayed", err)
	}
	other := env.Verifier()
	other.AllowIdPInitiated = true
	if _, err := other.Verify(t.Context(), xml); saml.CodeOf(err) != saml.CodeReplayed {
		t.Errorf("use at another replica = %v, want replayed", err)
	}
	// A solicited response consumes its request: the second use fails on it.
	solicited := env.Response(t, nil)
	if _, err := env.Verifier().Verify(t.Context(), solicited); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Verifier().Verify(t.Context(), solicited); saml.CodeOf(err) != saml.CodeInResponseToUnknown {
		t.Errorf("second use of a solicited response = %v, want in_response_to_unknown (63: already consumed)", err)
	}
}

// TestStatusHints: a failure status is explained by its second-level code
// (signin's TestProviderWordingKeepsStatusHints: provider wording does not
// replace it).
func TestStatusHints(t *testing.T) {
	for _, tc := range []struct{ sub, want string }{
		{"urn:oasis:names:tc:SAML:2.0:status:AuthnFailed", "could not authenticate"},
		{"urn:oasis:names:tc:SAML:2.0:status:RequestDenied", "assigned to the application"},
		{saml.StatusNoPassive, "asked not to"},
		{"urn:example:unknown", "sign-in logs"}, // the generic hint
	} {
		env := samltest.NewEnv(t)
		xml := resign(t, env, func(doc *etree.Document) {
			sc := samltest.Find(t, doc.Root(), "./Status/StatusCode")
			setAttr(sc, "Value", saml.StatusResponder)
			sc.CreateElement("samlp:StatusCode").CreateAttr("Value", tc.sub)
			doc.Root().RemoveChild(samltest.Find(t, doc.Root(), "./Assertion"))
		})
		_, err := env.Verifier().Verify(t.Context(), xml)
		if se := saml.AsError(err); se.Code != saml.CodeStatusNotSuccess || !strings.Contains(se.Hint, tc.want) {
			t.Errorf("%s: %s / %q, want status_not_success with a hint containing %q", tc.sub, se.Code, se.Hint, tc.want)
		}
	}
}
