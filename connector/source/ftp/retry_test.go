package ftp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"strconv"
	"syscall"
	"testing"
)

func itoa(n int) string { return strconv.Itoa(n) }

func TestShouldRetry(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{&textproto.Error{Code: 421, Msg: "Too many users"}, true},
		{&textproto.Error{Code: 425, Msg: "Can't open data connection"}, true},
		{fmt.Errorf("retrieve: %w", &textproto.Error{Code: 450, Msg: "busy"}), true},
		{&textproto.Error{Code: 530, Msg: "Login incorrect"}, false},
		{&textproto.Error{Code: 550, Msg: "No such file"}, false},
		{os.ErrDeadlineExceeded, true},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{io.ErrUnexpectedEOF, true},
		{io.EOF, true},
		{errors.New("invalid response"), false},
	}
	for _, tt := range tests {
		if got := shouldRetry(tt.err); got != tt.want {
			t.Errorf("shouldRetry(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
