package user

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/testenv"
)

// The users domain's rules, called directly with its own types: what each
// call answers (a value, or an error's apperr kind and code) for each case.

var (
	classLoginFailed = testenv.Class{Kind: apperr.Unauthorized, Code: CodeLoginFailed}
	classBadToken    = testenv.Class{Kind: apperr.Unauthorized, Code: CodeBadToken}
	classLocked      = testenv.Class{Kind: apperr.TooMany, Code: CodeLocked}
)

const testPassword = "s3cret-pass!"

// validSignUp is a sign-up every rule accepts.
func validSignUp(email, phone string) RegisterInput {
	hours := "월-금 11:00-22:00"
	return RegisterInput{Name: "김민수", PhoneNumber: phone, Email: email, Password: testPassword,
		StoreName: "민수네 카페", Industry: "카페", Address: "서울 강남구 테헤란로 1", BusinessHours: &hours}
}

// signUp registers an owner and returns them as the caller their access
// token speaks for.
func signUp(t *testing.T, s *Service, email, phone string) (Session, Caller) {
	t.Helper()
	ctx := context.Background()
	sess, err := s.Register(ctx, validSignUp(email, phone))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Authenticate(ctx, sess.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	return sess, c
}

func countUsers(t *testing.T, s *Service) (users, stores int) {
	t.Helper()
	if err := s.db.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM users.users), (SELECT count(*) FROM users.stores)`).
		Scan(&users, &stores); err != nil {
		t.Fatal(err)
	}
	return users, stores
}

func ptr[T any](v T) *T { return &v }

// Every field is checked, each refusal names its fields (all of them at
// once), and a refused sign-up writes nothing.
func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	s := newTestService(t, Config{})
	tests := []struct {
		name   string
		change func(*RegisterInput)
		fields []string
	}{
		{"name of one character", func(in *RegisterInput) { in.Name = " 김 " }, []string{"name"}},
		{"name of 101 characters", func(in *RegisterInput) { in.Name = strings.Repeat("가", 101) }, []string{"name"}},
		{"landline phone", func(in *RegisterInput) { in.PhoneNumber = "02-123-4567" }, []string{"phoneNumber"}},
		{"010 number one digit short", func(in *RegisterInput) { in.PhoneNumber = "010-1234-567" }, []string{"phoneNumber"}},
		{"phone with letters", func(in *RegisterInput) { in.PhoneNumber = "010-1234-567O" }, []string{"phoneNumber"}},
		{"not an email", func(in *RegisterInput) { in.Email = "not-an-email" }, []string{"email"}},
		{"email without a dot in the domain", func(in *RegisterInput) { in.Email = "a@localhost" }, []string{"email"}},
		{"email with a display name", func(in *RegisterInput) { in.Email = "Kim <kim@example.com>" }, []string{"email"}},
		{"password without a symbol", func(in *RegisterInput) { in.Password = "abcdefg123" }, []string{"password"}},
		{"password without a digit", func(in *RegisterInput) { in.Password = "abcdefgh!!" }, []string{"password"}},
		{"password without a letter", func(in *RegisterInput) { in.Password = "12345678!!" }, []string{"password"}},
		{"password of 7 characters", func(in *RegisterInput) { in.Password = "abc12!x" }, []string{"password"}},
		{"password over bcrypt's 72 bytes", func(in *RegisterInput) { in.Password = strings.Repeat("a", 70) + "1!x" }, []string{"password"}},
		{"blank store name", func(in *RegisterInput) { in.StoreName = "   " }, []string{"storeName"}},
		{"store name of 201 characters", func(in *RegisterInput) { in.StoreName = strings.Repeat("가", 201) }, []string{"storeName"}},
		{"no industry", func(in *RegisterInput) { in.Industry = "" }, []string{"industry"}},
		{"no address", func(in *RegisterInput) { in.Address = "" }, []string{"address"}},
		{"address of 501 characters", func(in *RegisterInput) { in.Address = strings.Repeat("가", 501) }, []string{"address"}},
		{"business hours of 501 characters", func(in *RegisterInput) { in.BusinessHours = ptr(strings.Repeat("가", 501)) }, []string{"businessHours"}},
		{"everything wrong at once", func(in *RegisterInput) { *in = RegisterInput{Password: "x"} },
			[]string{"name", "phoneNumber", "email", "password", "storeName", "industry", "address"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := validSignUp(fmt.Sprintf("v%d@example.com", i), fmt.Sprintf("010-5555-%04d", i))
			tt.change(&in)
			_, err := s.Register(context.Background(), in)
			testenv.WantErr(t, "register", err, testenv.Invalid, tt.fields...)
		})
	}
	t.Cleanup(func() {
		if users, stores := countUsers(t, s); users != 0 || stores != 0 {
			t.Errorf("refused sign-ups wrote %d users and %d stores", users, stores)
		}
	})
}

// A sign-up is stored normalised: names trimmed, the email lower-cased, the
// phone in its digits-only national form; the owner is an ACTIVE OWNER at
// version 1, signed in at once.
func TestRegisterNormalises(t *testing.T) {
	t.Parallel()
	s := newTestService(t, Config{})
	ctx := context.Background()
	in := validSignUp("  Minsu@Example.COM ", "+82 10-1234-5678")
	in.Name, in.StoreName = " 김민수 ", " 민수네 카페 "
	sess, err := s.Register(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Name != "김민수" || sess.Role != RoleOwner || sess.ExpiresIn != 900 || sess.AccessToken == "" || sess.RefreshToken == "" {
		t.Errorf("session %+v", sess)
	}
	c, err := s.Authenticate(ctx, sess.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if c.UserID != sess.UserID || c.StoreID != sess.StoreID || c.Role != RoleOwner {
		t.Errorf("caller %+v of session %+v", c, sess)
	}
	got, err := s.Profile(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{UserID: sess.UserID, Name: "김민수", PhoneNumber: "01012345678", Email: "minsu@example.com", Role: RoleOwner,
		Status: StatusActive, Version: 1, Store: Store{StoreID: sess.StoreID, UserID: sess.UserID, Name: "민수네 카페", Industry: "카페",
			Address: "서울 강남구 테헤란로 1", BusinessHours: in.BusinessHours, Phone: "01012345678"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("profile\n got %+v\nwant %+v", got, want)
	}
}

// One account per email (in any case) and per phone (in any format); the
// refusal writes nothing.
func TestRegisterDuplicates(t *testing.T) {
	t.Parallel()
	s := newTestService(t, Config{})
	signUp(t, s, "taken@example.com", "010-1111-2222")
	tests := []struct {
		name         string
		email, phone string
		want         testenv.Class
	}{
		{"same email", "taken@example.com", "010-3333-0001", testenv.Class{Kind: apperr.Conflict, Code: CodeDuplicateEmail}},
		{"same email in another case", "TAKEN@Example.com", "010-3333-0002", testenv.Class{Kind: apperr.Conflict, Code: CodeDuplicateEmail}},
		{"same phone", "a@example.com", "01011112222", testenv.Class{Kind: apperr.Conflict, Code: CodeDuplicatePhone}},
		{"same phone with the country code", "b@example.com", "+82 10 1111 2222", testenv.Class{Kind: apperr.Conflict, Code: CodeDuplicatePhone}},
		{"another email and phone", "c@example.com", "010-3333-0003", testenv.Class{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Register(context.Background(), validSignUp(tt.email, tt.phone))
			if got := testenv.ClassOf(err); got != tt.want {
				t.Errorf("got %v (%v), want %v", got, err, tt.want)
			}
		})
	}
	if users, stores := countUsers(t, s); users != 2 || stores != 2 {
		t.Errorf("%d users and %d stores, want 2 and 2", users, stores)
	}
}

// Sign-in: only the right password opens a session; an unknown email, a
// malformed one and an impossible password answer exactly as a wrong
// password does; an account that is not ACTIVE is refused after the
// password.
func TestLogin(t *testing.T) {
	t.Parallel()
	s := newTestService(t, Config{})
	ctx := context.Background()
	owner, _ := signUp(t, s, "login@example.com", "010-2000-0001")
	gone, _ := signUp(t, s, "gone@example.com", "010-2000-0002")
	if _, err := s.db.Exec(ctx, `UPDATE users.users SET status = 'WITHDRAWN' WHERE id = $1`, gone.UserID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password string
		want                  testenv.Class
	}{
		{"right password", "login@example.com", testPassword, testenv.Class{}},
		{"email in another case", " LOGIN@example.com ", testPassword, testenv.Class{}},
		{"wrong password", "login@example.com", "wrong-pass-1!", classLoginFailed},
		{"unknown email", "nobody@example.com", testPassword, classLoginFailed},
		{"malformed email", "login-at-example.com", testPassword, classLoginFailed},
		{"empty password", "login@example.com", "", classLoginFailed},
		{"password over 72 bytes", "login@example.com", testPassword + strings.Repeat("x", 70), classLoginFailed},
		{"withdrawn account, right password", "gone@example.com", testPassword, testenv.Class{Kind: apperr.Forbidden, Code: CodeInactive}},
		{"withdrawn account, wrong password", "gone@example.com", "wrong-pass-1!", classLoginFailed},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Each case from its own network: one case's failures never lock another's.
			sess, err := s.Login(ctx, tt.email, tt.password, fmt.Sprintf("198.51.%d.7", i))
			if got := testenv.ClassOf(err); got != tt.want {
				t.Fatalf("got %v (%v), want %v", got, err, tt.want)
			}
			if err == nil && (sess.UserID != owner.UserID || sess.StoreID != owner.StoreID || sess.AccessToken == "" || sess.RefreshToken == "") {
				t.Errorf("session %+v, want one of user %s", sess, owner.UserID)
			}
			if err != nil && tt.want == classLoginFailed && apperr.As(err).Detail != errLoginFailed.Detail {
				t.Errorf("detail %q, want the one every failed login reads: %q", apperr.As(err).Detail, errLoginFailed.Detail)
			}
		})
	}
}

// MaxFailedLogins failures in a row from one network lock that network out
// of the email for LockDuration, known email or not; the right password is
// refused meanwhile, another network is not, and a success resets the
// count.
func TestLoginLockout(t *testing.T) {
	t.Parallel()
	clk := testenv.NewClock(time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC))
	s := newServiceAt(t, Config{}, clk.Now)
	signUp(t, s, "lock@example.com", "010-2000-0003")
	const (
		known, unknown = "lock@example.com", "ghost@example.com"
		wrong          = "wrong-pass-1!"
		netA, netB     = "192.0.2.10", "203.0.113.9"
	)
	type step struct {
		name            string
		advance         time.Duration
		email, password string
		ip              string
		want            testenv.Class
		retryAfter      int // seconds the refusal asks to wait; 0: none
	}
	var steps []step
	for i := 1; i < MaxFailedLogins; i++ {
		steps = append(steps, step{fmt.Sprintf("failure %d", i), 0, known, wrong, netA, classLoginFailed, 0})
	}
	steps = append(steps,
		step{"the fifth failure locks", 0, known, wrong, netA, classLocked, 900},
		step{"the right password while locked", time.Second, known, testPassword, netA, classLocked, 899},
		step{"another network is not locked", 0, known, testPassword, netB, testenv.Class{}, 0},
		step{"another address of the locked network", 0, known, testPassword, "192.0.2.200", classLocked, 899},
	)
	for i := 1; i < MaxFailedLogins; i++ {
		steps = append(steps, step{fmt.Sprintf("unknown email, failure %d", i), 0, unknown, wrong, netA, classLoginFailed, 0})
	}
	steps = append(steps,
		step{"unknown email, the fifth failure locks too", 0, unknown, wrong, netA, classLocked, 900},
		step{"14 minutes later still locked", 14 * time.Minute, known, testPassword, netA, classLocked, 59},
		step{"past the lock", time.Minute, known, testPassword, netA, testenv.Class{}, 0},
	)
	for i := 1; i < MaxFailedLogins; i++ {
		steps = append(steps, step{fmt.Sprintf("after a success, failure %d does not lock", i), 0, known, wrong, netA, classLoginFailed, 0})
	}
	for _, st := range steps {
		clk.Advance(st.advance)
		_, err := s.Login(context.Background(), st.email, st.password, st.ip)
		got := testenv.ClassOf(err)
		wait, _ := apperr.As(err).Extra["retryAfterSeconds"].(int)
		if got != st.want || wait != st.retryAfter {
			t.Fatalf("%s: got %v (%v) retry after %d s, want %v retry after %d s", st.name, got, err, wait, st.want, st.retryAfter)
		}
	}
}

// A refresh token works once and rotates the pair; presenting a used one
// revokes its whole session; unknown tokens, sessions past RefreshTTL and
// accounts that are no longer ACTIVE get AUTH_002.
func TestRefresh(t *testing.T) {
	t.Parallel()
	clk := testenv.NewClock(time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC))
	s := newServiceAt(t, Config{}, clk.Now)
	ctx := context.Background()

	first, _ := signUp(t, s, "rot@example.com", "010-2000-0004")
	second, err := s.Refresh(ctx, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if second.UserID != first.UserID || second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatalf("refresh did not rotate: %+v after %+v", second, first)
	}
	if _, err := s.Authenticate(ctx, second.AccessToken); err != nil {
		t.Fatalf("the new access token: %v", err)
	}
	tests := []struct {
		name  string
		token string
		want  testenv.Class
	}{
		{"the used token again", first.RefreshToken, classBadToken},
		{"the newest token of the session it revoked", second.RefreshToken, classBadToken},
		{"an unknown token", "bm90LWEtdG9rZW4", classBadToken},
		{"no token", "", classBadToken},
	}
	for _, tt := range tests {
		if _, err := s.Refresh(ctx, tt.token); testenv.ClassOf(err) != tt.want {
			t.Errorf("%s: got %v (%v), want %v", tt.name, testenv.ClassOf(err), err, tt.want)
		}
	}
	if _, err := s.Authenticate(ctx, second.AccessToken); testenv.ClassOf(err) != classBadToken {
		t.Errorf("an access token of the revoked session: %v, want %v", err, classBadToken)
	}

	// A session unused for RefreshTTL is over; one used within it lives on.
	idle, _ := signUp(t, s, "idle@example.com", "010-2000-0005")
	busy, _ := signUp(t, s, "busy@example.com", "010-2000-0006")
	clk.Advance(s.cfg.Tokens.RefreshTTL - time.Hour)
	busy, err = s.Refresh(ctx, busy.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Hour)
	if _, err := s.Refresh(ctx, idle.RefreshToken); testenv.ClassOf(err) != classBadToken {
		t.Errorf("a session past its lifetime: %v, want %v", err, classBadToken)
	}
	if _, err := s.Refresh(ctx, busy.RefreshToken); err != nil {
		t.Errorf("a session used within its lifetime: %v", err)
	}

	// A withdrawn account's session refreshes no more.
	gone, _ := signUp(t, s, "gone@example.com", "010-2000-0007")
	if _, err := s.db.Exec(ctx, `UPDATE users.users SET status = 'WITHDRAWN' WHERE id = $1`, gone.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Refresh(ctx, gone.RefreshToken); testenv.ClassOf(err) != classBadToken {
		t.Errorf("a withdrawn account's refresh: %v, want %v", err, classBadToken)
	}
}

// An access token works until AccessTTL, and not after its session is
// logged out; a logout ends only its own session and may be repeated.
func TestAccessTokenLifetimeAndLogout(t *testing.T) {
	t.Parallel()
	clk := testenv.NewClock(time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC))
	s := newServiceAt(t, Config{}, clk.Now)
	ctx := context.Background()
	sess, c := signUp(t, s, "bye@example.com", "010-2000-0008")
	other, err := s.Login(ctx, "bye@example.com", testPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Logout(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.Logout(ctx, c); err != nil {
		t.Errorf("a second logout: %v", err)
	}
	clk.Advance(14 * time.Minute)
	tests := []struct {
		name  string
		check func() error
		want  testenv.Class
	}{
		{"the logged-out access token", func() error { _, err := s.Authenticate(ctx, sess.AccessToken); return err }, classBadToken},
		{"the logged-out refresh token", func() error { _, err := s.Refresh(ctx, sess.RefreshToken); return err }, classBadToken},
		{"the other session's access token", func() error { _, err := s.Authenticate(ctx, other.AccessToken); return err }, testenv.Class{}},
		{"an empty token", func() error { _, err := s.Authenticate(ctx, ""); return err }, classBadToken},
		{"a token from another signing key", func() error {
			o := newTestService(t, Config{})
			foreign, _ := signUp(t, o, "bye@example.com", "010-2000-0008")
			_, err := s.Authenticate(ctx, foreign.AccessToken)
			return err
		}, classBadToken},
	}
	for _, tt := range tests {
		if got := testenv.ClassOf(tt.check()); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	clk.Advance(2*time.Minute + 5*time.Second) // past the 15 minutes and the parser's leeway
	if _, err := s.Authenticate(ctx, other.AccessToken); testenv.ClassOf(err) != classBadToken {
		t.Errorf("an access token past its lifetime: %v, want %v", err, classBadToken)
	}
}

// Profile updates change the given fields only, each validated as at
// sign-up; a stale version is USER_005 with the current one; another
// account's email or phone is taken.
func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	s := newTestService(t, Config{})
	ctx := context.Background()
	sess, c := signUp(t, s, "edit@example.com", "010-1313-2424")
	signUp(t, s, "exists@example.com", "010-9999-0000")

	want, err := s.Profile(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if want.Version != 1 || want.UserID != sess.UserID {
		t.Fatalf("profile %+v", want)
	}
	tests := []struct {
		name   string
		upd    ProfileUpdate
		want   testenv.Class
		fields []string
		apply  func(*Profile) // what a success changes
	}{
		{"name and store name, at the current version", ProfileUpdate{Name: ptr(" 박지영 "), StoreName: ptr("지영 베이커리"), Version: ptr(1)}, testenv.Class{}, nil,
			func(p *Profile) { p.Name, p.Store.Name = "박지영", "지영 베이커리" }},
		{"a stale version", ProfileUpdate{Name: ptr("늦은 수정"), Version: ptr(1)}, testenv.Class{Kind: apperr.Conflict, Code: CodeConcurrentEdit}, nil, nil},
		{"phone in another format, normalised", ProfileUpdate{PhoneNumber: ptr("010 1313 9999")}, testenv.Class{}, nil,
			func(p *Profile) { p.PhoneNumber, p.Store.Phone = "01013139999", "01013139999" }},
		{"email in capitals, lower-cased", ProfileUpdate{Email: ptr("New@Example.com")}, testenv.Class{}, nil,
			func(p *Profile) { p.Email = "new@example.com" }},
		{"store fields", ProfileUpdate{Industry: ptr("베이커리"), Address: ptr(" 부산 해운대구 1 "), BusinessHours: ptr("매일 08:00-20:00")}, testenv.Class{}, nil,
			func(p *Profile) {
				p.Store.Industry, p.Store.Address, p.Store.BusinessHours = "베이커리", "부산 해운대구 1", ptr("매일 08:00-20:00")
			}},
		{"another account's email", ProfileUpdate{Email: ptr("EXISTS@example.com")}, testenv.Class{Kind: apperr.Conflict, Code: CodeDuplicateEmail}, nil, nil},
		{"another account's phone", ProfileUpdate{PhoneNumber: ptr("01099990000")}, testenv.Class{Kind: apperr.Conflict, Code: CodeDuplicatePhone}, nil, nil},
		{"invalid fields", ProfileUpdate{Name: ptr("김"), Email: ptr("nope"), PhoneNumber: ptr("02-123-4567"), Address: ptr(" ")}, testenv.Invalid,
			[]string{"name", "phoneNumber", "email", "address"}, nil},
		{"nothing to change", ProfileUpdate{}, testenv.Class{}, nil, func(*Profile) {}},
	}
	for _, tt := range tests {
		got, err := s.UpdateProfile(ctx, c, tt.upd)
		if !testenv.WantErr(t, tt.name, err, tt.want, tt.fields...) {
			t.FailNow() // the next cases build on this one
		}
		if tt.want == (testenv.Class{Kind: apperr.Conflict, Code: CodeConcurrentEdit}) {
			if cur := apperr.As(err).Extra["currentVersion"]; cur != want.Version {
				t.Errorf("%s: currentVersion %v, want %d", tt.name, cur, want.Version)
			}
		}
		if tt.apply == nil {
			continue
		}
		tt.apply(&want)
		want.Version++
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, want)
		}
	}
	if got, err := s.Profile(ctx, c); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("stored profile\n got %+v (%v)\nwant %+v", got, err, want)
	}
}

// A password change needs the current password and a new valid one that
// differs from it; it signs every other session out and keeps this one.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	s := newTestService(t, Config{})
	ctx := context.Background()
	own, c := signUp(t, s, "pw@example.com", "010-5656-7878")
	other, err := s.Login(ctx, "pw@example.com", testPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	const next = "n3w-pass-word!"
	tests := []struct {
		name          string
		current, next string
		want          testenv.Class
		fields        []string
	}{
		{"wrong current password", "wrong-pass-1!", next, testenv.Class{Kind: apperr.Invalid, Code: CodeWrongPassword}, nil},
		{"weak new password", testPassword, "weak", testenv.Invalid, []string{"newPassword"}},
		{"the same password", testPassword, testPassword, testenv.Invalid, []string{"newPassword"}},
		{"a good change", testPassword, next, testenv.Class{}, nil},
		{"the old password no longer counts", testPassword, "an0ther-pass!", testenv.Class{Kind: apperr.Invalid, Code: CodeWrongPassword}, nil},
	}
	for _, tt := range tests {
		err := s.ChangePassword(ctx, c, tt.current, tt.next)
		testenv.WantErr(t, tt.name, err, tt.want, tt.fields...)
	}
	after := []struct {
		name string
		err  error
		want testenv.Class
	}{
		{"this session", func() error { _, err := s.Authenticate(ctx, own.AccessToken); return err }(), testenv.Class{}},
		{"the other session's access token", func() error { _, err := s.Authenticate(ctx, other.AccessToken); return err }(), classBadToken},
		{"the other session's refresh token", func() error { _, err := s.Refresh(ctx, other.RefreshToken); return err }(), classBadToken},
		{"login with the old password", func() error { _, err := s.Login(ctx, "pw@example.com", testPassword, "192.0.2.2"); return err }(), classLoginFailed},
		{"login with the new password", func() error { _, err := s.Login(ctx, "pw@example.com", next, "192.0.2.3"); return err }(), testenv.Class{}},
	}
	for _, tt := range after {
		if got := testenv.ClassOf(tt.err); got != tt.want {
			t.Errorf("after the change, %s: got %v (%v), want %v", tt.name, got, tt.err, tt.want)
		}
	}
}

// A store is read by its owner or an ADMIN only; absence is USER_003.
func TestStoreAccess(t *testing.T) {
	t.Parallel()
	s := newTestService(t, Config{})
	ctx := context.Background()
	ownerSess, owner := signUp(t, s, "own@example.com", "010-3000-0001")
	_, other := signUp(t, s, "oth@example.com", "010-3000-0002")
	admin := other
	admin.Role = RoleAdmin
	nobody := ownerSess.UserID
	nobody[0] ^= 0xff
	want, err := s.StoreByID(ctx, ownerSess.StoreID)
	if err != nil {
		t.Fatal(err)
	}
	if want.StoreID != ownerSess.StoreID || want.UserID != ownerSess.UserID || want.Name != "민수네 카페" {
		t.Fatalf("store %+v", want)
	}
	tests := []struct {
		name   string
		caller Caller
		userID uuid.UUID
		want   testenv.Class
	}{
		{"the owner", owner, ownerSess.UserID, testenv.Class{}},
		{"another owner", other, ownerSess.UserID, testenv.Class{Kind: apperr.Forbidden, Code: CodeForbidden}},
		{"an admin", admin, ownerSess.UserID, testenv.Class{}},
		{"an admin, no such user", admin, nobody, testenv.Class{Kind: apperr.NotFound, Code: CodeNotFound}},
	}
	for _, tt := range tests {
		got, err := s.Store(ctx, tt.caller, tt.userID)
		if testenv.ClassOf(err) != tt.want {
			t.Errorf("%s: got %v (%v), want %v", tt.name, testenv.ClassOf(err), err, tt.want)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, want)
		}
	}
	notFound := testenv.Class{Kind: apperr.NotFound, Code: CodeNotFound}
	if _, err := s.StoreByID(ctx, nobody); testenv.ClassOf(err) != notFound {
		t.Errorf("StoreByID of no store: %v, want %v", err, notFound)
	}
	if _, err := s.SetVerifiedStorePhone(ctx, nobody, "01055551234"); testenv.ClassOf(err) != notFound {
		t.Errorf("SetVerifiedStorePhone of no store: %v, want %v", err, notFound)
	}
	got, err := s.SetVerifiedStorePhone(ctx, ownerSess.StoreID, "01055551234")
	want.VerifiedPhoneNumber = ptr("01055551234")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("SetVerifiedStorePhone: got %+v (%v), want %+v", got, err, want)
	}
}
