package ftp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/textproto"
	"syscall"
)

// shouldRetry reports whether an FTP operation that failed with err may
// succeed if tried again: a network error (timeout, reset, refused, cut
// line) or a 4xx reply (transient negative completion: 421 too many users,
// 425 can't open data connection, 426 transfer aborted, 450 file busy...).
// 5xx replies (530 not logged in, 550 no such file) and certificate
// errors are permanent.
func shouldRetry(err error) bool {
	if err == nil {
		return false
	}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code >= 400 && reply.Code < 500
	}
	var (
		certErr    *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		invalidErr x509.CertificateInvalidError
	)
	if errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr) || errors.As(err, &invalidErr) {
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE)
}
