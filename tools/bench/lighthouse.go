package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// lighthouseResult is what web/scripts/lighthouse.mjs prints: medians of
// Lighthouse runs on the entry page and on an empty page.
type lighthouseResult struct {
	URL      string             `json:"url"`
	Page     lighthouseFigures  `json:"page"`
	Baseline lighthouseFigures  `json:"baseline"`
	Budget   map[string]float64 `json:"budget"`
}

type lighthouseFigures struct {
	LCPms float64 `json:"lcpMs"`
	TBTms float64 `json:"tbtMs"`
	CLS   float64 `json:"cls"`
	Score float64 `json:"score"`
	Runs  int     `json:"runs"`
}

// lighthouseSuite runs Lighthouse (mobile preset, simulated throttling) on
// the entry page of a freshly published event. The browser side lives in
// node (web/scripts/lighthouse.mjs starts its own stack, as the browser
// tests do); this suite only runs it and reads its figures. The baseline is
// the same measurement of an empty HTML page, so the ratio is our page's
// cost over nothing.
func lighthouseSuite(ctx context.Context, _ *Env) ([]Row, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "node", filepath.Join("web", "scripts", "lighthouse.mjs"))
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr // progress, one line per Lighthouse run
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node web/scripts/lighthouse.mjs (needs make web and scripts/services.sh browser): %w", err)
	}
	var r lighthouseResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("lighthouse output: %w: %q", err, out.String())
	}
	ratio := func(v, b float64) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", v/b)
	}
	runs := fmt.Sprintf("median of %d", r.Page.Runs)
	return []Row{
		{Suite: "lighthouse", Figure: "entry page LCP, mobile preset (" + runs + ")", Value: fmt.Sprintf("%.2f s", r.Page.LCPms/1000),
			Baseline: fmt.Sprintf("%.2f s (empty page)", r.Baseline.LCPms/1000), Ratio: ratio(r.Page.LCPms, r.Baseline.LCPms), Target: "<= 2.0 s"},
		{Suite: "lighthouse", Figure: "entry page TBT", Value: fmt.Sprintf("%.0f ms", r.Page.TBTms),
			Baseline: fmt.Sprintf("%.0f ms (empty page)", r.Baseline.TBTms), Ratio: ratio(r.Page.TBTms, r.Baseline.TBTms), Target: "<= 150 ms"},
		{Suite: "lighthouse", Figure: "entry page CLS", Value: fmt.Sprintf("%.3f", r.Page.CLS),
			Baseline: fmt.Sprintf("%.3f (empty page)", r.Baseline.CLS), Ratio: ratio(r.Page.CLS, r.Baseline.CLS), Target: "<= 0.05"},
		{Suite: "lighthouse", Figure: "entry page performance score", Value: fmt.Sprintf("%.0f", r.Page.Score*100),
			Baseline: fmt.Sprintf("%.0f (empty page)", r.Baseline.Score*100), Ratio: ratio(r.Page.Score, r.Baseline.Score), Target: "-"},
	}, nil
}

// repoRoot is the folder holding go.mod, from the working directory up
// (make bench runs bin/handler from the repository root).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "web", "scripts", "lighthouse.mjs")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("lighthouse: run from the repository (web/scripts/lighthouse.mjs not found above the working directory)")
		}
		dir = parent
	}
}
