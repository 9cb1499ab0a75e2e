package deploy

import (
	"archive/zip"
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Builds the real linux/amd64 handler and checks the zip a zip deploy gets:
// host.json, the executable with mode 0755 (an ELF for linux/amd64), and one
// folder per function at the root, nothing else.
func TestPackageLayout(t *testing.T) {
	t.Parallel()
	root := "../.."
	exe := filepath.Join(t.TempDir(), "handler")
	build := exec.Command("go", "build", "-trimpath", "-o", exe, ".")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	entries, err := Layout(root, exe)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "app.zip")
	if err := Zip(entries, out); err != nil {
		t.Fatal(err)
	}

	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
		switch {
		case f.Name == "handler":
			if f.Mode().Perm() != 0o755 || !f.Mode().IsRegular() {
				t.Errorf("handler mode %v, want -rwxr-xr-x", f.Mode())
			}
			rc, _ := f.Open()
			tmp := filepath.Join(t.TempDir(), "h")
			data, _ := io.ReadAll(rc)
			rc.Close()
			_ = os.WriteFile(tmp, data, 0o600)
			ef, err := elf.Open(tmp)
			if err != nil || ef.Machine != elf.EM_X86_64 {
				t.Errorf("handler is not a linux/amd64 ELF: %v", err)
			} else {
				ef.Close()
			}
		case f.Mode().Perm() != 0o644:
			t.Errorf("%s mode %v, want 0644", f.Name, f.Mode())
		}
	}
	var want []string
	want = append(want, "host.json", "handler")
	dirs, _ := filepath.Glob(filepath.Join(root, "functions", "*"))
	for _, d := range dirs {
		want = append(want, filepath.Base(d)+"/function.json")
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("zip holds %v, want %v", got, want)
	}
}

func TestStage(t *testing.T) {
	t.Parallel()
	exe := filepath.Join(t.TempDir(), "handler")
	_ = os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o700)
	entries, err := Layout("../..", exe)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "stage")
	if err := Stage(entries, dir); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "handler"))
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Fatalf("staged handler: %v %v", info, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "Health", "function.json")); err != nil {
		t.Error(err)
	}
}

func TestLayoutNeedsTheFiles(t *testing.T) {
	t.Parallel()
	if _, err := Layout(t.TempDir(), "/nonexistent"); err == nil {
		t.Error("a root without functions must be refused")
	}
}
