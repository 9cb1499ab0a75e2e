// Package deploy lays out the Functions script root (host.json, the handler
// executable, one folder per function) and zips it for a zip deploy. The
// same layout serves Azure and a local `func start`.
package deploy

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// ExecutableName is host.json's customHandler.description.defaultExecutablePath.
const ExecutableName = "handler"

// Entry is one file of the package.
type Entry struct {
	Name string      // slash-separated path inside the package
	Src  string      // file on disk
	Mode fs.FileMode // permission bits
}

// Layout lists what goes into the package from the repository at root and
// the built executable: host.json, the handler (0755) and each
// functions/<Name>/ folder at the top level, as the Functions host expects.
func Layout(root, executable string) ([]Entry, error) {
	entries := []Entry{
		{Name: "host.json", Src: filepath.Join(root, "host.json"), Mode: 0o644},
		{Name: ExecutableName, Src: executable, Mode: 0o755},
	}
	dirs, err := filepath.Glob(filepath.Join(root, "functions", "*", "function.json"))
	if err != nil {
		return nil, err
	}
	if len(dirs) == 0 {
		return nil, errors.New("deploy: no functions/*/function.json")
	}
	sort.Strings(dirs)
	for _, fj := range dirs {
		name := filepath.Base(filepath.Dir(fj))
		entries = append(entries, Entry{Name: name + "/function.json", Src: fj, Mode: 0o644})
	}
	for _, e := range entries {
		if _, err := os.Stat(e.Src); err != nil {
			return nil, fmt.Errorf("deploy: %s: %w", e.Name, err)
		}
	}
	return entries, nil
}

// Zip writes the package. Unix modes are recorded so the handler stays
// executable after a zip deploy (the host runs it directly).
func Zip(entries []Entry, out string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, e := range entries {
		if err := addFile(zw, e); err != nil {
			zw.Close()
			f.Close()
			return fmt.Errorf("deploy: add %s: %w", e.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func addFile(zw *zip.Writer, e Entry) error {
	src, err := os.Open(e.Src)
	if err != nil {
		return err
	}
	defer src.Close()
	h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: time.Unix(0, 0).UTC()}
	h.SetMode(e.Mode)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, src)
	return err
}

// Stage copies the package layout into dir: a script root that Core Tools
// (`func start` in dir) or the devhost can run.
func Stage(entries []Entry, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for _, e := range entries {
		dst := filepath.Join(dir, filepath.FromSlash(e.Name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		data, err := os.ReadFile(e.Src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, e.Mode); err != nil {
			return err
		}
	}
	return nil
}
