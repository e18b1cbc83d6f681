package ftp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"sync"
	"time"
)

// deadlineConn sets a deadline before every Read and Write, so a server
// or a line that stalls fails the operation after timeout instead of
// hanging the run: the FTP library's own timeout only covers the dial.
// The connection is also closed when the run's context is cancelled.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
	stop    func() bool // stops the context watch
	once    sync.Once
}

func newDeadlineConn(ctx context.Context, c net.Conn, timeout time.Duration) *deadlineConn {
	dc := &deadlineConn{Conn: c, timeout: timeout}
	dc.stop = context.AfterFunc(ctx, func() { c.Close() })
	return dc
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

func (c *deadlineConn) Close() error {
	c.once.Do(func() { c.stop() })
	return c.Conn.Close()
}

// dialer opens the control connection (first call) and the data
// connections of one FTP session, all with deadlines, and wraps them in
// TLS as the session's mode asks. The library hands data connections to
// the dial function as they are, so the TLS for them is done here, with
// the control connection's session cache: servers such as vsftpd
// (require_ssl_reuse) refuse a data connection that does not resume the
// control connection's TLS session.
type dialer struct {
	ctx      context.Context
	timeout  time.Duration
	tls      *tls.Config // nil for plain FTP
	implicit bool        // TLS from the first byte of the control connection
	dialed   bool        // the control connection is open
}

func (d *dialer) dial(network, addr string) (net.Conn, error) {
	nd := net.Dialer{Timeout: d.timeout}
	raw, err := nd.DialContext(d.ctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn := net.Conn(newDeadlineConn(d.ctx, raw, d.timeout))
	control := !d.dialed
	d.dialed = true
	// With explicit TLS the library upgrades the control connection itself
	// after AUTH TLS; every other TLS connection is wrapped here.
	if d.tls != nil && (!control || d.implicit) {
		conn = tls.Client(conn, d.tls)
	}
	return conn, nil
}

// tlsConfig returns the TLS configuration for one FTP session: server name
// set (it keys the session cache), a fresh session cache shared by the
// control and data connections, and the site's CA file if any.
func (o *Options) tlsConfig(roots *x509.CertPool) *tls.Config {
	return &tls.Config{
		ServerName:         o.Host,
		RootCAs:            roots,
		InsecureSkipVerify: o.InsecureSkipVerify, //nolint:gosec // the site's explicit choice for self-signed servers
		ClientSessionCache: tls.NewLRUClientSessionCache(16),
		MinVersion:         tls.VersionTLS12,
	}
}

// loadRoots reads a PEM CA file; nil file means the system roots.
func loadRoots(file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read ca_file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s holds no PEM certificate", file)
	}
	return pool, nil
}
