package bench

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/eventmkt/backend/shared/content"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/recommend"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// median runs fn n times and returns the median duration.
func median(n int, fn func() error) (time.Duration, error) {
	ds := make([]time.Duration, n)
	for i := range n {
		start := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		ds[i] = time.Since(start)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[n/2], nil
}

// planSuite times the built-in planner against its 50 ms target; the
// baseline is validating the plans it returns (the cheapest useful work).
func planSuite(ctx context.Context, _ *Env) ([]Row, error) {
	p := recommend.NewBuiltin()
	req := recommend.Request{Industry: "카페", Region: "서울 강남구", Objective: "REVISIT", Budget: 1_000_000, StoreName: "민수네 카페", Month: time.November}
	var plans []recommend.Plan
	d, err := median(201, func() (err error) { plans, err = p.Plan(ctx, req); return err })
	if err != nil {
		return nil, err
	}
	base, _ := median(201, func() error { return recommend.Validate(plans) })
	return []Row{{Suite: "plan", Figure: "built-in planner, 3 plans (median of 201)", Value: ms(d), Baseline: ms(base) + " (validate)",
		Ratio: fmt.Sprintf("%.1fx", float64(d)/float64(max(base, time.Nanosecond))), Target: "< 50 ms"}}, nil
}

// renderSuite times one full poster set (3 styles x 3 platforms) against
// its 2 s target; the baseline is encoding the same nine blank canvases,
// the floor any renderer pays.
func renderSuite(ctx context.Context, _ *Env) ([]Row, error) {
	r, err := content.NewRenderer()
	if err != nil {
		return nil, err
	}
	specs := content.SpecsFor(event.ImageJob{Styles: event.Styles, Platforms: event.Platforms, EventName: "가을맞이 단골 감사 이벤트",
		Prize: "시그니처 라떼 1잔", StartDate: "2026-11-25", EndDate: "2026-12-10", StoreName: "민수네 카페", BrandColor: "#C0392B"})
	d, err := median(3, func() error {
		for _, s := range specs {
			if _, err := r.Render(s, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	base, err := median(3, func() error { return content.EncodeBlank(specs) })
	if err != nil {
		return nil, err
	}
	return []Row{{Suite: "posters", Figure: "render one 3x3 set (median of 3)", Value: ms(d), Baseline: ms(base) + " (encode 9 blank PNGs)",
		Ratio: fmt.Sprintf("%.1fx", float64(d)/float64(base)), Target: "< 2000 ms"}}, nil
}
