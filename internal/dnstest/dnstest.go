// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package dnstest

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// Server answers TXT queries from its records; every other name is
// NXDOMAIN. A name set to Fail answers SERVFAIL.
type Server struct {
	Addr string // host:port, for --dns-server and sp.NewResolver

	mu      sync.Mutex
	records map[string][]string
	failing map[string]bool
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{records: map[string][]string{}, failing: map[string]bool{}}
	pc, ln, err := listenUDPAndTCP()
	if err != nil {
		t.Fatalf("dnstest: %v", err)
	}
	s.Addr = pc.LocalAddr().String()
	udp := &dns.Server{PacketConn: pc, Handler: s}
	tcp := &dns.Server{Listener: ln, Handler: s}
	go func() { _ = udp.ActivateAndServe() }()
	go func() { _ = tcp.ActivateAndServe() }()
	t.Cleanup(func() {
		_ = udp.Shutdown()
		_ = tcp.Shutdown()
	})
	return s
}

// listenUDPAndTCP listens on one port for both: the system picks a free
// UDP port, which another test's TCP socket may hold, so a port whose TCP
// side is taken is given back and another one tried.
func listenUDPAndTCP() (net.PacketConn, net.Listener, error) {
	var err error
	for range 20 {
		var pc net.PacketConn
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			return nil, nil, err
		}
		var ln net.Listener
		if ln, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			return pc, ln, nil
		}
		_ = pc.Close() // its TCP side was taken: try another port
	}
	return nil, nil, err
}

// SetTXT makes name answer with these TXT values (replacing any).
func (s *Server) SetTXT(name string, values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records[dns.Fqdn(strings.ToLower(name))] = values
	delete(s.failing, dns.Fqdn(strings.ToLower(name)))
}

// Remove deletes name's records: it answers NXDOMAIN.
func (s *Server) Remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.records, dns.Fqdn(strings.ToLower(name)))
	delete(s.failing, dns.Fqdn(strings.ToLower(name)))
}

// Fail makes name answer SERVFAIL, as a broken or unreachable
// authoritative server does.
func (s *Server) Fail(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[dns.Fqdn(strings.ToLower(name))] = true
}

// ServeDNS implements dns.Handler.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	s.mu.Lock()
	for _, q := range req.Question {
		name := strings.ToLower(q.Name)
		if s.failing[name] {
			m.Rcode = dns.RcodeServerFailure
			continue
		}
		values, ok := s.records[name]
		if !ok {
			m.Rcode = dns.RcodeNameError
			continue
		}
		if q.Qtype != dns.TypeTXT {
			continue
		}
		for _, v := range values {
			m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{v}})
		}
	}
	s.mu.Unlock()
	_ = w.WriteMsg(m)
}
