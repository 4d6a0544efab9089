// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package signin

import (
	"errors"
	"testing"

	"github.com/signet-sso/signet/internal/saml"
)

// TestProviderWordingKeepsStatusHints: an IdP's failure status carries its
// own hint (by its second-level code); a provider's wording replaces only
// hints it words differently.
func TestProviderWordingKeepsStatusHints(t *testing.T) {
	status := saml.NewError(saml.CodeStatusNotSuccess, errors.New("AuthnFailed"))
	status.Hint = "The IdP could not authenticate the user."
	if got := saml.AsError(WithProviderHint(status, ProviderAWS)).Hint; got != status.Hint {
		t.Errorf("status hint became %q", got)
	}
	audience := saml.NewError(saml.CodeAudienceMismatch, errors.New("x"))
	if got := saml.AsError(WithProviderHint(audience, ProviderAWS)).Hint; got == audience.Hint || got == "" {
		t.Errorf("AWS wording of audience_mismatch = %q, want AWS's own words", got)
	}
}
