package deploy

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// Run is `handler package` and `handler stage` (args[0] says which): the
// deployable zip, or the same files as a script root folder, from the
// repository in the working directory and a built executable.
func Run(_ context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "package" && args[0] != "stage") {
		return errors.New("deploy: the first argument is package or stage")
	}
	cmd := args[0]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	exe := fs.String("exe", "", "the linux/amd64 handler executable to include")
	out := fs.String("out", "dist/app.zip", "zip to write (package)")
	dir := fs.String("dir", "dist/stage", "folder to write (stage)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *exe == "" {
		return errors.New(cmd + ": -exe is required")
	}
	entries, err := Layout(".", *exe)
	if err != nil {
		return err
	}
	if cmd == "stage" {
		if err := Stage(entries, *dir); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "staged %d files in %s\n", len(entries), *dir)
		return nil
	}
	if err := Zip(entries, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d files)\n", *out, len(entries))
	return nil
}
