package handlers

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/user"
)

const goodPassword = "s3cret-pass!"

// call sends a JSON request with an optional bearer token and decodes the reply.
func call(t *testing.T, h http.Handler, method, path, token string, body any, headers ...string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	var rd *strings.Reader
	switch b := body.(type) {
	case nil:
		rd = strings.NewReader("")
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = strings.NewReader(string(raw))
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out
}

func registration(email, phone string) map[string]any {
	return map[string]any{
		"name": "김민수", "phoneNumber": phone, "email": email, "password": goodPassword,
		"storeName": "민수네 카페", "industry": "카페", "address": "서울 강남구 테헤란로 1", "businessHours": "월-금 11:00-22:00",
	}
}

type account struct {
	userID, storeID, access, refresh string
}

func register(t *testing.T, f fixture, email, phone string) account {
	t.Helper()
	rec, out := call(t, f.srv, "POST", "/api/v1/users/register", "", registration(email, phone))
	if rec.Code != 201 {
		t.Fatalf("register %s: %d %s", email, rec.Code, rec.Body)
	}
	return account{out["userId"].(string), out["storeId"].(string), out["accessToken"].(string), out["refreshToken"].(string)}
}

func login(t *testing.T, f fixture, email, password string, headers ...string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	return call(t, f.srv, "POST", "/api/v1/users/login", "", map[string]string{"email": email, "password": password}, headers...)
}

func wantProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("got %d %s, want %d %s", rec.Code, rec.Body, status, code)
	}
	if p := decodeProblem(t, rec); p.Code != code {
		t.Fatalf("got code %s (%s), want %s", p.Code, p.Detail, code)
	}
}

func TestRegisterLoginProfileStore(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "Minsu@Example.com", "+82 10-1234-5678")

	rec, p := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil)
	if rec.Code != 200 || p["email"] != "minsu@example.com" || p["phoneNumber"] != "01012345678" || p["role"] != "OWNER" || p["status"] != "ACTIVE" ||
		p["store"].(map[string]any)["name"] != "민수네 카페" || rec.Header().Get("ETag") != `"v1"` {
		t.Fatalf("profile: %d %v %v", rec.Code, p, rec.Header())
	}
	rec, out := login(t, f, "minsu@example.com", goodPassword)
	if rec.Code != 200 || out["userId"] != acct.userID || out["storeId"] != acct.storeID || out["name"] != "김민수" || out["role"] != "OWNER" ||
		out["accessToken"] == "" || out["refreshToken"] == "" || out["expiresIn"] != float64(900) || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("login: %d %v", rec.Code, out)
	}
	var lastLogin *time.Time
	_ = f.db.QueryRow(context.Background(), "SELECT last_login_at FROM users.users WHERE id = $1", acct.userID).Scan(&lastLogin)
	if lastLogin == nil {
		t.Error("last_login_at not set")
	}

	rec, st := call(t, f.srv, "GET", "/api/v1/users/"+acct.userID+"/store", acct.access, nil)
	if rec.Code != 200 || st["storeId"] != acct.storeID || st["industry"] != "카페" || st["businessHours"] != "월-금 11:00-22:00" {
		t.Fatalf("store: %d %v", rec.Code, st)
	}
	other := register(t, f, "other@example.com", "010-2222-3333")
	rec, _ = call(t, f.srv, "GET", "/api/v1/users/"+acct.userID+"/store", other.access, nil)
	wantProblem(t, rec, 403, user.CodeForbidden)

	// An ADMIN reads any store; a missing user is 404 USER_003.
	if _, err := f.db.Exec(context.Background(), "UPDATE users.users SET role = 'ADMIN' WHERE id = $1", other.userID); err != nil {
		t.Fatal(err)
	}
	_, out = login(t, f, "other@example.com", goodPassword)
	admin := out["accessToken"].(string)
	if rec, _ := call(t, f.srv, "GET", "/api/v1/users/"+acct.userID+"/store", admin, nil); rec.Code != 200 {
		t.Errorf("admin reading a store: %d", rec.Code)
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/users/5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11/store", admin, nil)
	wantProblem(t, rec, 404, user.CodeNotFound)
}

func TestRegisterRefusals(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	register(t, f, "taken@example.com", "010-1111-2222")
	tests := []struct {
		name   string
		change map[string]any
		status int
		code   string
		field  string
	}{
		{"landline phone", map[string]any{"phoneNumber": "02-123-4567"}, 400, apperr.CodeValidation, "phoneNumber"},
		{"bad email", map[string]any{"email": "not-an-email"}, 400, apperr.CodeValidation, "email"},
		{"password without a symbol", map[string]any{"password": "abcdefg123"}, 400, apperr.CodeValidation, "password"},
		{"password too short", map[string]any{"password": "a1!"}, 400, apperr.CodeValidation, "password"},
		{"name too short", map[string]any{"name": "김"}, 400, apperr.CodeValidation, "name"},
		{"no store name", map[string]any{"storeName": " "}, 400, apperr.CodeValidation, "storeName"},
		{"no address", map[string]any{"address": ""}, 400, apperr.CodeValidation, "address"},
		{"email taken (any case)", map[string]any{"email": "TAKEN@example.com"}, 409, user.CodeDuplicateEmail, ""},
		{"phone taken (any format)", map[string]any{"phoneNumber": "+82 10 1111 2222"}, 409, user.CodeDuplicatePhone, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := registration(fmt.Sprintf("new%d@example.com", i), fmt.Sprintf("010-5555-%04d", i))
			for k, v := range tt.change {
				body[k] = v
			}
			rec, out := call(t, f.srv, "POST", "/api/v1/users/register", "", body)
			wantProblem(t, rec, tt.status, tt.code)
			if tt.field != "" {
				errs, _ := out["errors"].([]any)
				if len(errs) != 1 || errs[0].(map[string]any)["field"] != tt.field {
					t.Errorf("errors %v, want one for %s", out["errors"], tt.field)
				}
			}
		})
	}
	var users, stores int
	_ = f.db.QueryRow(context.Background(), "SELECT (SELECT count(*) FROM users.users), (SELECT count(*) FROM users.stores)").Scan(&users, &stores)
	if users != 1 || stores != 1 {
		t.Errorf("after refusals: %d users, %d stores; want 1 and 1", users, stores)
	}
	rec, _ := call(t, f.srv, "POST", "/api/v1/users/register", "", `{"name": 5}`)
	wantProblem(t, rec, 400, codeBadRequest)
}

// Twenty registrations with one email at once create exactly one user.
func TestConcurrentRegistrations(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	var wg sync.WaitGroup
	codes := make([]int, 20)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, _ := call(t, f.srv, "POST", "/api/v1/users/register", "", registration("race@example.com", fmt.Sprintf("010-7777-%04d", i)))
			codes[i] = rec.Code
		}()
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case 201:
			created++
		case 409:
		default:
			t.Errorf("unexpected status %d", c)
		}
	}
	var n int
	_ = f.db.QueryRow(context.Background(), "SELECT count(*) FROM users.users WHERE email = 'race@example.com'").Scan(&n)
	if created != 1 || n != 1 {
		t.Errorf("created %d (rows %d), want exactly 1", created, n)
	}
}

func signed(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBadTokensAreRefused(t *testing.T) {
	t.Parallel()
	cfg := testUserConfig()
	f := newServerWith(t, cfg, nil)
	acct := register(t, f, "tok@example.com", "010-3333-4444")
	parts := strings.Split(acct.access, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims jwt.MapClaims
	_ = json.Unmarshal(payload, &claims)

	tampered := strings.Replace(string(payload), `"role":"OWNER"`, `"role":"ADMIN"`, 1)
	withClaims := func(change map[string]any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		for k, v := range change {
			c[k] = v
		}
		return c
	}
	none := signed(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims)
	tests := []struct {
		name   string
		header string
	}{
		{"no header", ""},
		{"basic scheme", "Basic " + acct.access},
		{"garbage", "Bearer not.a.token"},
		{"alg none", "Bearer " + none},
		{"alg none, no signature", "Bearer " + strings.TrimSuffix(none, ".") + "."},
		{"tampered payload", "Bearer " + parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(tampered)) + "." + parts[2]},
		{"wrong key", "Bearer " + signed(t, jwt.SigningMethodHS256, []byte("another-key-of-at-least-32-bytes!!"), claims)},
		{"HS512", "Bearer " + signed(t, jwt.SigningMethodHS512, cfg.Tokens.Key, claims)},
		{"wrong issuer", "Bearer " + signed(t, jwt.SigningMethodHS256, cfg.Tokens.Key, withClaims(map[string]any{"iss": "evil"}))},
		{"wrong audience", "Bearer " + signed(t, jwt.SigningMethodHS256, cfg.Tokens.Key, withClaims(map[string]any{"aud": "other"}))},
		{"no expiry", "Bearer " + signed(t, jwt.SigningMethodHS256, cfg.Tokens.Key, withClaims(map[string]any{"exp": nil}))},
		{"expired", "Bearer " + signed(t, jwt.SigningMethodHS256, cfg.Tokens.Key, withClaims(map[string]any{"exp": f.clock.Now().Add(-time.Minute).Unix()}))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.header != "" {
				headers = []string{"Authorization", tt.header}
			}
			rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", "", nil, headers...)
			wantProblem(t, rec, 401, user.CodeBadToken)
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	// A valid token works until it expires (15 minutes).
	if rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil); rec.Code != 200 {
		t.Fatalf("valid token: %d", rec.Code)
	}
	f.clock.Advance(16 * time.Minute)
	rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil)
	wantProblem(t, rec, 401, user.CodeBadToken)
}

func TestRefreshRotatesAndDetectsReuse(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "rot@example.com", "010-4444-5555")
	rec, first := call(t, f.srv, "POST", "/api/v1/users/refresh", "", map[string]string{"refreshToken": acct.refresh})
	if rec.Code != 200 || first["refreshToken"] == acct.refresh || first["accessToken"] == "" {
		t.Fatalf("refresh: %d %v", rec.Code, first)
	}
	newAccess, newRefresh := first["accessToken"].(string), first["refreshToken"].(string)
	if rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", newAccess, nil); rec.Code != 200 {
		t.Fatalf("new access token: %d", rec.Code)
	}
	// The old refresh token again: refused, and the whole session dies.
	rec, _ = call(t, f.srv, "POST", "/api/v1/users/refresh", "", map[string]string{"refreshToken": acct.refresh})
	wantProblem(t, rec, 401, user.CodeBadToken)
	rec, _ = call(t, f.srv, "POST", "/api/v1/users/refresh", "", map[string]string{"refreshToken": newRefresh})
	wantProblem(t, rec, 401, user.CodeBadToken)
	rec, _ = call(t, f.srv, "GET", "/api/v1/users/profile", newAccess, nil)
	wantProblem(t, rec, 401, user.CodeBadToken)
	// Unknown and empty tokens.
	for _, tok := range []string{"", "bm90LWEtdG9rZW4"} {
		rec, _ := call(t, f.srv, "POST", "/api/v1/users/refresh", "", map[string]string{"refreshToken": tok})
		wantProblem(t, rec, 401, user.CodeBadToken)
	}
}

func TestLogoutRevokes(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "bye@example.com", "010-6666-7777")
	_, second := login(t, f, "bye@example.com", goodPassword)
	rec, _ := call(t, f.srv, "POST", "/api/v1/users/logout", acct.access, map[string]string{"refreshToken": acct.refresh})
	if rec.Code != 204 {
		t.Fatalf("logout: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil)
	wantProblem(t, rec, 401, user.CodeBadToken)
	rec, _ = call(t, f.srv, "POST", "/api/v1/users/refresh", "", map[string]string{"refreshToken": acct.refresh})
	wantProblem(t, rec, 401, user.CodeBadToken)
	// Another session of the same owner is untouched.
	if rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", second["accessToken"].(string), nil); rec.Code != 200 {
		t.Errorf("other session after logout: %d", rec.Code)
	}
	rec, _ = call(t, f.srv, "POST", "/api/v1/users/logout", "", nil)
	wantProblem(t, rec, 401, user.CodeBadToken)
}

// Revocation holds with Redis down: Postgres has the truth. A logout that
// cannot tell Redis answers 503 AUTH_009 (Redis may come back with the
// session cached as active), and the token is refused meanwhile.
func TestRevocationWithoutRedis(t *testing.T) {
	t.Parallel()
	dead, _ := redis.Open("redis://127.0.0.1:1/0", false)
	t.Cleanup(func() { dead.Close() })
	f := newServerWith(t, testUserConfig(), dead)
	acct := register(t, f, "noredis@example.com", "010-1212-3434")
	if rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil); rec.Code != 200 {
		t.Fatalf("profile without Redis: %d", rec.Code)
	}
	rec, _ := call(t, f.srv, "POST", "/api/v1/users/logout", acct.access, nil)
	wantProblem(t, rec, 503, user.CodeRevocationPending)
	rec, _ = call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil)
	wantProblem(t, rec, 401, user.CodeBadToken)
}

func TestLoginFailuresAndLockout(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	register(t, f, "lock@example.com", "010-8888-9999")
	// An unknown email and a wrong password read the same.
	recUnknown, _ := login(t, f, "nobody@example.com", goodPassword)
	recWrong, _ := login(t, f, "lock@example.com", "wrong-pass-1!")
	wantProblem(t, recUnknown, 401, user.CodeLoginFailed)
	wantProblem(t, recWrong, 401, user.CodeLoginFailed)
	if decodeProblem(t, recUnknown).Detail != decodeProblem(t, recWrong).Detail {
		t.Error("unknown email and wrong password must read the same")
	}
	for i := 2; i <= 4; i++ {
		rec, _ := login(t, f, "lock@example.com", "wrong-pass-1!")
		wantProblem(t, rec, 401, user.CodeLoginFailed)
	}
	rec, _ := login(t, f, "lock@example.com", "wrong-pass-1!") // the fifth
	wantProblem(t, rec, 429, user.CodeLocked)
	rec, _ = login(t, f, "lock@example.com", goodPassword) // even the right one, while locked
	wantProblem(t, rec, 429, user.CodeLocked)
	f.clock.Advance(14 * time.Minute)
	rec, _ = login(t, f, "lock@example.com", goodPassword)
	wantProblem(t, rec, 429, user.CodeLocked)
	f.clock.Advance(61 * time.Second)
	if rec, _ := login(t, f, "lock@example.com", goodPassword); rec.Code != 200 {
		t.Fatalf("after the window: %d %s", rec.Code, rec.Body)
	}
	// A success resets the count: four more failures do not lock.
	for range 4 {
		rec, _ := login(t, f, "lock@example.com", "wrong-pass-1!")
		wantProblem(t, rec, 401, user.CodeLoginFailed)
	}
}

func TestInactiveAccountCannotLogIn(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "gone@example.com", "010-1010-2020")
	if _, err := f.db.Exec(context.Background(), "UPDATE users.users SET status = 'WITHDRAWN' WHERE id = $1", acct.userID); err != nil {
		t.Fatal(err)
	}
	rec, _ := login(t, f, "gone@example.com", goodPassword)
	wantProblem(t, rec, 403, user.CodeInactive)
	rec, _ = call(t, f.srv, "POST", "/api/v1/users/refresh", "", map[string]string{"refreshToken": acct.refresh})
	wantProblem(t, rec, 401, user.CodeBadToken)
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	cfg := testUserConfig()
	cfg.LoginRatePerIP = 3
	f := newServerWith(t, cfg, nil)
	ip, other := "2001:db8::1", "2001:db8:1::1" // the counters live under the test's key prefix
	for i := range 3 {
		rec, _ := login(t, f, "x@example.com", "whatever-1!", "X-Forwarded-For", "198.51.100.1, ["+ip+"]:50123")
		if rec.Code != 401 {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
	}
	rec, _ := login(t, f, "x@example.com", "whatever-1!", "X-Forwarded-For", "198.51.100.1, ["+ip+"]:50999")
	wantProblem(t, rec, 429, user.CodeTooManyAttempts)
	rec, _ = login(t, f, "x@example.com", "whatever-1!", "X-Forwarded-For", other)
	wantProblem(t, rec, 401, user.CodeLoginFailed)
}

func TestProfileUpdate(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "edit@example.com", "010-1313-2424")
	register(t, f, "exists@example.com", "010-9999-0000")

	rec, p := call(t, f.srv, "PUT", "/api/v1/users/profile", acct.access, map[string]any{"name": "박지영", "storeName": "지영 베이커리", "phoneNumber": "010 1313 9999"}, "If-Match", `"v1"`)
	if rec.Code != 200 || p["name"] != "박지영" || p["phoneNumber"] != "01013139999" || p["version"] != float64(2) ||
		p["store"].(map[string]any)["name"] != "지영 베이커리" || p["store"].(map[string]any)["industry"] != "카페" || rec.Header().Get("ETag") != `"v2"` {
		t.Fatalf("update: %d %v", rec.Code, p)
	}
	rec, _ = call(t, f.srv, "PUT", "/api/v1/users/profile", acct.access, map[string]any{"name": "늦은 수정"}, "If-Match", `"v1"`)
	wantProblem(t, rec, 409, user.CodeConcurrentEdit)
	rec, _ = call(t, f.srv, "PUT", "/api/v1/users/profile", acct.access, map[string]any{"name": "늦은 수정", "version": 1})
	wantProblem(t, rec, 409, user.CodeConcurrentEdit)
	rec, _ = call(t, f.srv, "PUT", "/api/v1/users/profile", acct.access, map[string]any{"email": "EXISTS@example.com"})
	wantProblem(t, rec, 409, user.CodeDuplicateEmail)
	rec, _ = call(t, f.srv, "PUT", "/api/v1/users/profile", acct.access, map[string]any{"phoneNumber": "01099990000"})
	wantProblem(t, rec, 409, user.CodeDuplicatePhone)
	rec, _ = call(t, f.srv, "PUT", "/api/v1/users/profile", acct.access, map[string]any{"email": "nope"})
	wantProblem(t, rec, 400, apperr.CodeValidation)

	// Concurrent partial updates of different fields both land.
	var wg sync.WaitGroup
	for _, body := range []map[string]any{{"address": "부산 해운대구 1"}, {"industry": "베이커리"}, {"businessHours": "매일 08:00-20:00"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rec, _ := call(t, f.srv, "PUT", "/api/v1/users/profile", acct.access, body); rec.Code != 200 {
				t.Errorf("concurrent update: %d", rec.Code)
			}
		}()
	}
	wg.Wait()
	_, p = call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil)
	st := p["store"].(map[string]any)
	if st["address"] != "부산 해운대구 1" || st["industry"] != "베이커리" || st["businessHours"] != "매일 08:00-20:00" || p["version"] != float64(5) {
		t.Errorf("after concurrent updates: %v", p)
	}
}

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "pw@example.com", "010-5656-7878")
	_, other := login(t, f, "pw@example.com", goodPassword)
	change := func(current, next string) *httptest.ResponseRecorder {
		rec, _ := call(t, f.srv, "PUT", "/api/v1/users/password", acct.access, map[string]string{"currentPassword": current, "newPassword": next})
		return rec
	}
	wantProblem(t, change("wrong-pass-1!", "n3w-pass-word!"), 400, user.CodeWrongPassword)
	wantProblem(t, change(goodPassword, "weak"), 400, apperr.CodeValidation)
	wantProblem(t, change(goodPassword, goodPassword), 400, apperr.CodeValidation)
	if rec := change(goodPassword, "n3w-pass-word!"); rec.Code != 204 {
		t.Fatalf("change: %d %s", rec.Code, rec.Body)
	}
	// Every other session is signed out; this one stays.
	rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", other["accessToken"].(string), nil)
	wantProblem(t, rec, 401, user.CodeBadToken)
	rec, _ = call(t, f.srv, "POST", "/api/v1/users/refresh", "", map[string]string{"refreshToken": other["refreshToken"].(string)})
	wantProblem(t, rec, 401, user.CodeBadToken)
	if rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil); rec.Code != 200 {
		t.Errorf("own session after the change: %d", rec.Code)
	}
	rec, _ = login(t, f, "pw@example.com", goodPassword)
	wantProblem(t, rec, 401, user.CodeLoginFailed)
	if rec, _ := login(t, f, "pw@example.com", "n3w-pass-word!"); rec.Code != 200 {
		t.Errorf("login with the new password: %d", rec.Code)
	}
}

// No password, hash or token ever reaches the logs or a response it should not.
func TestNoSecretsInLogs(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "secret@example.com", "010-4545-6767")
	_, out := login(t, f, "secret@example.com", goodPassword)
	login(t, f, "secret@example.com", "wrong-pass-1!")
	call(t, f.srv, "POST", "/api/v1/users/refresh", "", map[string]string{"refreshToken": acct.refresh})
	_, p := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil)
	var hash string
	_ = f.db.QueryRow(context.Background(), "SELECT password_hash FROM users.users WHERE id = $1", acct.userID).Scan(&hash)
	logs := f.logs.String()
	if !strings.Contains(logs, "owner logged in") {
		t.Fatal("the login was not logged at all")
	}
	for name, secret := range map[string]string{
		"password": goodPassword, "wrong password": "wrong-pass-1!", "hash": hash, "bcrypt prefix": "$2a$",
		"access token": acct.access, "refresh token": acct.refresh, "login access token": out["accessToken"].(string),
		"login refresh token": out["refreshToken"].(string),
	} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain the %s", name)
		}
	}
	raw, _ := json.Marshal(p)
	if strings.Contains(string(raw), "$2a$") || strings.Contains(strings.ToLower(string(raw)), "password") {
		t.Errorf("the profile exposes the password: %s", raw)
	}
}
