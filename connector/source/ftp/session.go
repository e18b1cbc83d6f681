package ftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"path"
	"strings"

	"github.com/ecrin-connect/ecrin/connector/source"
	"github.com/jlaffaye/ftp"
)

// session is one FTP connection, dialed on first use and dropped after an
// error so that a retry starts on a fresh one. It is the source.Backend
// the fetcher drives.
type session struct {
	s    *Source
	conn *ftp.ServerConn
}

var _ source.Backend = (*session)(nil)

// connect returns the session's connection, dialing it if needed; ctx
// bounds the dial and, when cancelled, closes the connection.
func (ss *session) connect(ctx context.Context) (*ftp.ServerConn, error) {
	if ss.conn != nil {
		return ss.conn, nil
	}
	o := ss.s.opts
	d := &dialer{ctx: ctx, timeout: o.Timeout, implicit: o.TLS == TLSImplicit}
	opts := []ftp.DialOption{
		ftp.DialWithDialFunc(d.dial),
		ftp.DialWithDisabledEPSV(o.DisableEPSV),
		ftp.DialWithDisabledMLSD(ss.s.noMLSD.Load()),
		ftp.DialWithShutTimeout(o.Timeout),
	}
	if o.TLS != TLSNone {
		d.tls = o.tlsConfig(ss.s.roots)
		if o.TLS == TLSExplicit {
			opts = append(opts, ftp.DialWithExplicitTLS(d.tls))
		} else {
			opts = append(opts, ftp.DialWithTLS(d.tls))
		}
	}
	c, err := ftp.Dial(ss.s.addr(), opts...)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	if err := c.Login(o.User, o.Password); err != nil {
		_ = c.Quit()
		return nil, fmt.Errorf("log in as %q: %w", o.User, err)
	}
	ss.conn = c
	return c, nil
}

// hangUp closes the connection, if any.
func (ss *session) hangUp() {
	if ss.conn != nil {
		_ = ss.conn.Quit()
		ss.conn = nil
	}
}

// fail drops the connection after an error that may have left it unusable
// (anything but an FTP reply, or a 421 "closing control connection": the
// server's idle timeout while the fetcher waited between polls) and returns
// err.
func (ss *session) fail(err error) error {
	var reply *textproto.Error
	if !errors.As(err, &reply) || reply.Code == ftp.StatusNotAvailable {
		ss.hangUp()
	}
	return err
}

// remote is the server path of a file of the extract folder.
func (ss *session) remote(name string) string {
	if ss.s.opts.Dir == "" {
		return name
	}
	return path.Join(ss.s.opts.Dir, name)
}

func trimSlash(dir string) string { return strings.Trim(dir, "/") }

// List lists the regular files of the extract folder. When the listing
// has no precise times (LIST instead of MLSD), the times of the files
// matching the pattern are asked with MDTM.
func (ss *session) List(ctx context.Context) ([]source.File, error) {
	c, err := ss.connect(ctx)
	if err != nil {
		return nil, err
	}
	dir := ss.s.opts.Dir
	entries, err := c.List(dir)
	var reply *textproto.Error
	if err != nil && errors.As(err, &reply) && reply.Code >= 500 && c.IsTimePreciseInList() {
		// The server announced MLST but failed MLSD: list with LIST.
		ss.s.noMLSD.Store(true)
		ss.hangUp()
		if c, err = ss.connect(ctx); err != nil {
			return nil, err
		}
		entries, err = c.List(dir)
	}
	if err != nil {
		return nil, ss.fail(err)
	}
	precise := c.IsTimePreciseInList()
	files := make([]source.File, 0, len(entries))
	for _, e := range entries {
		if e.Type != ftp.EntryTypeFile {
			continue
		}
		f := source.File{Name: e.Name, Size: int64(e.Size), ModTime: e.Time.UTC()}
		if ok, _ := path.Match(ss.s.opts.Pattern, e.Name); ok && !precise && c.IsGetTimeSupported() && source.CheckName(e.Name) == nil {
			t, err := c.GetTime(ss.remote(e.Name))
			if err != nil {
				return nil, ss.fail(fmt.Errorf("modification time of %q: %w", e.Name, err))
			}
			f.ModTime = t.UTC()
		}
		files = append(files, f)
	}
	return files, nil
}

// Open starts the download of the named file.
func (ss *session) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	if err := source.CheckName(name); err != nil {
		return nil, err
	}
	c, err := ss.connect(ctx)
	if err != nil {
		return nil, err
	}
	r, err := c.Retr(ss.remote(name))
	if err != nil {
		return nil, ss.fail(err)
	}
	return &download{Response: r, ss: ss}, nil
}

// download is a transfer in progress; closing it reads the server's final
// reply, and drops the connection when that fails.
type download struct {
	*ftp.Response
	ss *session
}

func (d *download) Close() error {
	if err := d.Response.Close(); err != nil {
		d.ss.hangUp()
		return fmt.Errorf("end of transfer: %w", err)
	}
	return nil
}

// done deletes or moves the remote file and its marker.
func (ss *session) done(ctx context.Context, name string) error {
	c, err := ss.connect(ctx)
	if err != nil {
		return fmt.Errorf("%s %q on %s: %w", ss.s.opts.After, name, ss.s, err)
	}
	if ss.s.opts.After == source.AfterMove {
		_ = c.MakeDir(ss.s.opts.MoveTo) // usually there already
	}
	names := append([]string{name}, source.MarkerNames(name, ss.s.opts.Marker)...)
	for i, n := range names {
		switch ss.s.opts.After {
		case source.AfterDelete:
			err = c.Delete(ss.remote(n))
		case source.AfterMove:
			err = c.Rename(ss.remote(n), path.Join(ss.s.opts.MoveTo, n))
		}
		var reply *textproto.Error
		if i > 0 && errors.As(err, &reply) && reply.Code == ftp.StatusFileUnavailable {
			continue // the marker name that is not there
		}
		if err != nil {
			return fmt.Errorf("%s %q on %s: %w", ss.s.opts.After, n, ss.s, err)
		}
	}
	return nil
}
