package identity_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/eventmkt/backend/shared/identity"
)

// appServiceIdentity fakes App Service's managed identity endpoint (the
// IDENTITY_ENDPOINT/IDENTITY_HEADER protocol, api-version 2019-08-01) and
// records the client id each token request names.
type appServiceIdentity struct {
	mu        sync.Mutex
	clientIDs []string
}

func (f *appServiceIdentity) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-IDENTITY-HEADER") != "secret-header" {
		http.Error(w, "missing X-IDENTITY-HEADER", http.StatusUnauthorized)
		return
	}
	q := r.URL.Query()
	f.mu.Lock()
	f.clientIDs = append(f.clientIDs, q.Get("client_id"))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{
		"access_token": "token-for-" + q.Get("client_id"),
		"expires_on":   strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10),
		"resource":     q.Get("resource"),
		"token_type":   "Bearer",
		"client_id":    q.Get("client_id"),
	})
}

// The function app has only a user-assigned identity: a token request that
// does not name it by client id gets nothing on Azure. Not parallel: the
// managed identity endpoint comes from the environment.
func TestCredentialNamesTheUserAssignedIdentity(t *testing.T) {
	for _, tc := range []struct {
		name, clientID, scope, want string
	}{
		// One scope per row: tokens are cached process-wide by identity and scope.
		{"AZURE_CLIENT_ID set", "6d1c3b0e-5f7a-4c2e-9a55-0c2f6a1d8e41", "https://storage.azure.com/.default", "6d1c3b0e-5f7a-4c2e-9a55-0c2f6a1d8e41"},
		{"AZURE_CLIENT_ID empty: the default chain's managed identity names none", "", "https://servicebus.azure.net/.default", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &appServiceIdentity{}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			t.Setenv("IDENTITY_ENDPOINT", srv.URL+"/msi/token")
			t.Setenv("IDENTITY_HEADER", "secret-header")
			t.Setenv("AZURE_CLIENT_ID", "")
			os.Unsetenv("AZURE_CLIENT_ID") // the setting reaches Credential as an argument, not through the environment
			t.Setenv("AZURE_TOKEN_CREDENTIALS", "")
			os.Unsetenv("AZURE_TOKEN_CREDENTIALS")

			cred, err := identity.Credential(tc.clientID)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{tc.scope}})
			if err != nil {
				t.Fatalf("GetToken: %v", err)
			}
			fake.mu.Lock()
			got := fake.clientIDs
			fake.mu.Unlock()
			if len(got) == 0 || got[len(got)-1] != tc.want {
				t.Fatalf("identity endpoint asked for client ids %q, want the last one %q", got, tc.want)
			}
			if want := "token-for-" + tc.want; tok.Token != want {
				t.Errorf("token %q, want %q", tok.Token, want)
			}
		})
	}
}
