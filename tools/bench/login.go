package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/eventmkt/backend/shared/user"
)

// loginSuite checks that an unknown email costs about as much as a wrong
// password (no account enumeration by timing), at the production bcrypt
// cost; the wrong-password login is the baseline.
func loginSuite(ctx context.Context, env *Env) ([]Row, error) {
	svc, err := user.NewService(env.DB, env.Redis, env.Log, user.Config{
		Tokens:     user.TokenConfig{Key: []byte("bench-signing-key-at-least-32-bytes!!"), Issuer: "b", Audience: "b", AccessTTL: time.Minute, RefreshTTL: time.Hour},
		BcryptCost: 10,
	}, time.Now)
	if err != nil {
		return nil, err
	}
	if _, err := svc.Register(ctx, user.RegisterInput{Name: "벤치", PhoneNumber: "01000000000", Email: "bench@example.com", Password: "bench-pass-1!",
		StoreName: "s", Industry: "카페", Address: "서울"}); err != nil {
		return nil, err
	}
	measure := func(email, password string) time.Duration {
		const n = 20
		var total time.Duration
		for range n {
			// Keep the lockout out of the measurement.
			if _, err := env.DB.Exec(ctx, "DELETE FROM users.login_throttle"); err != nil {
				return 0
			}
			start := time.Now()
			_, _ = svc.Login(ctx, email, password, "")
			total += time.Since(start)
		}
		return total / n
	}
	measure("nobody@example.com", "x") // warm the dummy hash
	wrong := measure("bench@example.com", "wrong-pass-1!")
	unknown := measure("nobody@example.com", "wrong-pass-1!")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	return []Row{{
		Suite: "login", Figure: "unknown email vs wrong password (bcrypt 10)", Value: ms(unknown), Baseline: ms(wrong),
		Ratio: fmt.Sprintf("%.2f", float64(unknown)/float64(wrong)), Target: "0.8 .. 1.25",
	}}, nil
}
