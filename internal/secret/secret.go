// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the key file in the data directory.
const KeyFileName = "secret.key"

// minSecretLen is the shortest SIGNET_SECRET_KEY accepted.
const minSecretLen = 32

// Sealer encrypts and authenticates small secrets.
type Sealer struct {
	aead   cipher.AEAD
	macKey [32]byte // for MAC, derived apart from the sealing key
}

// NewSealer derives the AES key from secret (any string of 32 or more bytes).
func NewSealer(secret string) (*Sealer, error) {
	if len(secret) < minSecretLen {
		return nil, fmt.Errorf("the secret key must be at least %d characters", minSecretLen)
	}
	key := sha256.Sum256([]byte("signet-secret-v1:" + secret))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, macKey: sha256.Sum256([]byte("signet-mac-v1:" + secret))}, nil
}

// MAC authenticates msg for one purpose (HMAC-SHA256 under a key derived
// from the secret key): a value the server gave out and later gets back,
// such as a remembered-browser cookie, is checked with it.
func (s *Sealer) MAC(purpose string, msg []byte) []byte {
	m := hmac.New(sha256.New, s.macKey[:])
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(msg)
	return m.Sum(nil)
}

// Seal returns nonce || ciphertext.
func (s *Sealer) Seal(plaintext []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plaintext, nil)
}

// ErrOpen means sealed data was altered or sealed under another key.
var ErrOpen = errors.New("cannot open sealed data: wrong secret key, or the data was altered")

// Open reverses Seal.
func (s *Sealer) Open(sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, ErrOpen
	}
	out, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// Load returns the sealer for fromEnv (SIGNET_SECRET_KEY) if it is set, or
// for the key file in dataDir, creating the file (mode 0600) if missing.
func Load(fromEnv, dataDir string) (*Sealer, error) {
	if fromEnv != "" {
		return NewSealer(fromEnv)
	}
	path := filepath.Join(dataDir, KeyFileName)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory %s: %w", dataDir, err)
		}
		raw := make([]byte, 32)
		rand.Read(raw)
		key := base64.StdEncoding.EncodeToString(raw)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create secret key file: %w", err)
		}
		if _, err := f.WriteString(key + "\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("write secret key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		return NewSealer(key)
	case err != nil:
		return nil, fmt.Errorf("read secret key file: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("the secret key file %s is readable by others (mode %v); run: chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	return NewSealer(strings.TrimSpace(string(b)))
}
