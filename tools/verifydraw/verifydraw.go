// Package verifydraw is `handler verify-draw`: anyone can recompute a draw
// from its published proof bundle (DrawProofGet) without trusting us.
package verifydraw

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/eventmkt/backend/shared/participation"
)

// Run checks one proof bundle, from a file or an http(s) URL, and prints OK
// or the first mismatch.
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("verify-draw: give one proof bundle: a file path or an http(s) URL")
	}
	var r io.Reader
	if strings.HasPrefix(args[0], "http://") || strings.HasPrefix(args[0], "https://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("verify-draw: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("verify-draw: %s answered %s", args[0], resp.Status)
		}
		r = resp.Body
	} else {
		f, err := os.Open(args[0])
		if err != nil {
			return fmt.Errorf("verify-draw: %w", err)
		}
		defer f.Close()
		r = f
	}
	var p participation.Proof
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return fmt.Errorf("verify-draw: not a proof bundle: %w", err)
	}
	if err := participation.Verify(p); err != nil {
		fmt.Fprintf(stdout, "MISMATCH: %v\n", err)
		return errors.New("verify-draw: the proof does not verify")
	}
	fmt.Fprintf(stdout, "OK: event %s, %s draw (%s) over %d entries; %d winners, %d alternates, %d substitutions; seed matches commitment %s\n",
		p.EventID, p.Algorithm, p.AlgorithmVersion, len(p.Entries), len(p.Winners), len(p.Alternates), len(p.Substitutions), p.SeedCommitment)
	return nil
}
