// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package secret

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpen(t *testing.T) {
	s, err := NewSealer("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal([]byte("private key"))
	if bytes.Contains(sealed, []byte("private key")) {
		t.Fatal("plaintext visible in sealed data")
	}
	if got, err := s.Open(sealed); err != nil || string(got) != "private key" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := s.Open(sealed); err != ErrOpen {
		t.Errorf("Open(altered) = %v, want ErrOpen", err)
	}
	other, _ := NewSealer("another secret key of enough length!!")
	if _, err := other.Open(s.Seal([]byte("x"))); err != ErrOpen {
		t.Errorf("Open under another key = %v", err)
	}
	if _, err := NewSealer("short"); err == nil {
		t.Error("a short secret was accepted")
	}
}

func TestLoadCreatesPrivateKeyFile(t *testing.T) {
	dir := t.TempDir()
	s1, err := Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	s2, err := Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Open(s1.Seal([]byte("x"))); err != nil {
		t.Error("a second Load must reuse the same key")
	}
	os.Chmod(filepath.Join(dir, KeyFileName), 0o644)
	if _, err := Load("", dir); err == nil {
		t.Error("a world-readable key file was accepted")
	}
}
