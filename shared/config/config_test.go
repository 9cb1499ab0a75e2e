package config

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func lookupFrom(m map[string]string) Lookup {
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

func exampleValues(t *testing.T) map[string]string {
	t.Helper()
	values, err := ReadLocalSettings("../../local.settings.json.example")
	if err != nil {
		t.Fatal(err)
	}
	return values
}

func TestExampleSettingsLoad(t *testing.T) {
	t.Parallel()
	c, err := Load(lookupFrom(exampleValues(t)))
	if err != nil {
		t.Fatalf("the example settings must load: %v", err)
	}
	if c.QueueBroker != BrokerRedis || c.RequestTimeout != 25*time.Second || c.MaxBodyBytes != 1<<20 {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

// Every setting Load reads is listed in the example, so a fresh clone runs.
func TestExampleListsEverySetting(t *testing.T) {
	t.Parallel()
	values := exampleValues(t)
	for _, name := range Names {
		if _, ok := values[name]; !ok {
			t.Errorf("local.settings.json.example lacks %s", name)
		}
	}
	// And Names matches what the source actually reads.
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(src), "\n") {
		for _, fn := range []string{"r.required(\"", "r.optional(\"", "r.intIn(\"", "r.oneOf(\"", "r.level(\"", "r.key(\"", "r.text(\"", "r.location(\""} {
			if i := strings.Index(line, fn); i >= 0 {
				name := strings.SplitN(line[i+len(fn):], "\"", 2)[0]
				if !slices.Contains(Names, name) {
					t.Errorf("config.go reads %s but Names does not list it", name)
				}
			}
		}
	}
}

func TestLoadNamesEveryProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change map[string]string // "" deletes
		want   []string          // substrings of the error
	}{
		{"missing postgres", map[string]string{"POSTGRES_URL": ""}, []string{"setting POSTGRES_URL: missing"}},
		{"bad postgres", map[string]string{"POSTGRES_URL": "postgres://%zz"}, []string{"setting POSTGRES_URL: malformed"}},
		{"bad redis", map[string]string{"REDIS_URL": "http://x"}, []string{"setting REDIS_URL: malformed"}},
		{"cluster on a numbered database", map[string]string{"REDIS_CLUSTER": "true", "REDIS_URL": "redis://127.0.0.1:7001/1"}, []string{"setting REDIS_URL: malformed", "only database 0"}},
		{"bad cluster flag", map[string]string{"REDIS_CLUSTER": "yes"}, []string{"setting REDIS_CLUSTER: malformed"}},
		{"dev storage shorthand", map[string]string{"STORAGE_CONNECTION_STRING": "UseDevelopmentStorage=true"}, []string{"STORAGE_CONNECTION_STRING: malformed", "TableEndpoint"}},
		{"no storage", map[string]string{"STORAGE_CONNECTION_STRING": "", "STORAGE_ACCOUNT_NAME": ""}, []string{"setting STORAGE_CONNECTION_STRING: missing"}},
		{"bad broker", map[string]string{"QUEUE_BROKER": "kafka"}, []string{"setting QUEUE_BROKER: malformed"}},
		{"servicebus without connection", map[string]string{"QUEUE_BROKER": "servicebus"}, []string{"setting ServiceBusConnection: missing"}},
		{"bad timeout", map[string]string{"REQUEST_TIMEOUT_SECONDS": "0"}, []string{"setting REQUEST_TIMEOUT_SECONDS: malformed"}},
		{"bad level", map[string]string{"LOG_LEVEL": "loud"}, []string{"setting LOG_LEVEL: malformed"}},
		{"no signing key", map[string]string{"JWT_SIGNING_KEY": ""}, []string{"setting JWT_SIGNING_KEY: missing"}},
		{"short signing key", map[string]string{"JWT_SIGNING_KEY": "c2hvcnQ="}, []string{"JWT_SIGNING_KEY: malformed: decodes to 5 bytes"}},
		{"bcrypt cost too low", map[string]string{"BCRYPT_COST": "3"}, []string{"setting BCRYPT_COST: malformed"}},
		{"bad time zone", map[string]string{"EVENT_TIME_ZONE": "Mars/Olympus"}, []string{"setting EVENT_TIME_ZONE: malformed"}},
		{"bad web URL", map[string]string{"PUBLIC_WEB_URL": "ftp://x"}, []string{"setting PUBLIC_WEB_URL: malformed"}},
		{"negative view rate", map[string]string{"VIEW_RATE_PER_CLIENT": "-1"}, []string{"setting VIEW_RATE_PER_CLIENT: malformed"}},
		{"negative job quota", map[string]string{"AI_POSTER_JOBS_PER_DAY": "-1"}, []string{"setting AI_POSTER_JOBS_PER_DAY: malformed"}},
		{"AI endpoint without a key", map[string]string{"AI_BASE_URL": "https://api.openai.com/v1"}, []string{"setting AI_API_KEY: missing"}},
		{"openai flavor without a key", map[string]string{"AI_BASE_URL": "https://api.openai.com/v1", "AI_API_FLAVOR": "openai", "AZURE_CLIENT_ID": "6d1c3b0e-5f7a-4c2e-9a55-0c2f6a1d8e41"},
			[]string{"setting AI_API_KEY: missing"}},
		{"bad AI flavor", map[string]string{"AI_API_FLAVOR": "anthropic"}, []string{"setting AI_API_FLAVOR: malformed"}},
		{"AI timeout past the queue deadline", map[string]string{"AI_TIMEOUT_SECONDS": "60", "QUEUE_TIMEOUT_SECONDS": "70", "AI_FALLBACK_BUDGET_SECONDS": "20"},
			[]string{"setting AI_TIMEOUT_SECONDS: ", "QUEUE_TIMEOUT_SECONDS"}},
		{"fallback budget past the queue deadline", map[string]string{"QUEUE_TIMEOUT_SECONDS": "30", "AI_FALLBACK_BUDGET_SECONDS": "30", "AI_TIMEOUT_SECONDS": "5"},
			[]string{"setting AI_FALLBACK_BUDGET_SECONDS: "}},
		{"channel call past the queue deadline", map[string]string{"QUEUE_TIMEOUT_SECONDS": "30", "CHANNEL_TIMEOUT_SECONDS": "30", "AI_TIMEOUT_SECONDS": "5", "AI_FALLBACK_BUDGET_SECONDS": "5"},
			[]string{"setting CHANNEL_TIMEOUT_SECONDS: "}},
		{"two at once", map[string]string{"REDIS_URL": "", "MAX_BODY_BYTES": "x"}, []string{"REDIS_URL: missing", "MAX_BODY_BYTES: malformed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			values := exampleValues(t)
			for k, v := range tt.change {
				if v == "" {
					delete(values, k)
				} else {
					values[k] = v
				}
			}
			_, err := Load(lookupFrom(values))
			if err == nil {
				t.Fatal("got nil error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// Azure OpenAI needs no key: the managed identity signs in, as the Bicep
// sets it up.
func TestAzureOpenAIByIdentity(t *testing.T) {
	t.Parallel()
	values := exampleValues(t)
	values["AI_BASE_URL"] = "https://oai-x.openai.azure.com/"
	values["AI_API_FLAVOR"] = "azure"
	values["AZURE_CLIENT_ID"] = "6d1c3b0e-5f7a-4c2e-9a55-0c2f6a1d8e41"
	delete(values, "AI_API_KEY")
	c, err := Load(lookupFrom(values))
	if err != nil {
		t.Fatal(err)
	}
	if c.AIBaseURL != "https://oai-x.openai.azure.com" || c.AIAPIKey != "" || c.AIFlavor != "azure" || c.AzureClientID != values["AZURE_CLIENT_ID"] {
		t.Errorf("got %q key %q flavor %q client %q", c.AIBaseURL, c.AIAPIKey, c.AIFlavor, c.AzureClientID)
	}
}

func TestServiceBusByNamespace(t *testing.T) {
	t.Parallel()
	values := exampleValues(t)
	values["QUEUE_BROKER"] = "servicebus"
	values["ServiceBusConnection__fullyQualifiedNamespace"] = "sb-x.servicebus.windows.net"
	// As the Bicep sets it: no ServiceBusConnection or STORAGE_CONNECTION_STRING
	// at all, the user-assigned identity named by AZURE_CLIENT_ID.
	delete(values, "ServiceBusConnection")
	delete(values, "STORAGE_CONNECTION_STRING")
	values["STORAGE_ACCOUNT_NAME"] = "stx"
	values["AZURE_CLIENT_ID"] = "6d1c3b0e-5f7a-4c2e-9a55-0c2f6a1d8e41"
	c, err := Load(lookupFrom(values))
	if err != nil {
		t.Fatal(err)
	}
	if c.ServiceBusNamespace != "sb-x.servicebus.windows.net" || c.ServiceBusConnectionString != "" {
		t.Errorf("got namespace %q, connection string %q", c.ServiceBusNamespace, c.ServiceBusConnectionString)
	}
	if c.AzureClientID != values["AZURE_CLIENT_ID"] {
		t.Errorf("AzureClientID %q, want %q", c.AzureClientID, values["AZURE_CLIENT_ID"])
	}
}

func TestWithLocalSettingsPrefersEnvironment(t *testing.T) {
	dir := t.TempDir()
	data, _ := json.Marshal(map[string]any{"IsEncrypted": false, "Values": map[string]string{"LOG_LEVEL": "debug", "REDIS_URL": "redis://file"}})
	if err := os.WriteFile(dir+"/local.settings.json", data, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REDIS_URL", "redis://env")
	lookup, err := WithLocalSettings(LocalSettingsPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"LOG_LEVEL": "debug", "REDIS_URL": "redis://env"} {
		if got, _ := lookup(name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

// The deadlines are ordered: an AI attempt ends before the queue deadline
// minus the fallback budget, and the queue deadline plus the time kept for
// writing state ends before the host's functionTimeout (host.json).
func TestDeadlinesBelowHostTimeout(t *testing.T) {
	t.Parallel()
	c, err := Load(lookupFrom(exampleValues(t)))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../host.json")
	if err != nil {
		t.Fatal(err)
	}
	var host struct {
		FunctionTimeout string `json:"functionTimeout"`
	}
	if err := json.Unmarshal(raw, &host); err != nil {
		t.Fatal(err)
	}
	var h, m, sec int
	if _, err := fmt.Sscanf(host.FunctionTimeout, "%d:%d:%d", &h, &m, &sec); err != nil {
		t.Fatalf("host.json functionTimeout %q: %v", host.FunctionTimeout, err)
	}
	function := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second
	if c.QueueTimeout+StateWriteBudget >= function || c.RequestTimeout >= function {
		t.Errorf("queue deadline %v (+%v for state) and request deadline %v must end before functionTimeout %v", c.QueueTimeout, StateWriteBudget, c.RequestTimeout, function)
	}
	if c.AITimeout >= c.QueueTimeout-c.AIFallbackBudget {
		t.Errorf("AI timeout %v must be below the queue deadline %v minus the fallback budget %v", c.AITimeout, c.QueueTimeout, c.AIFallbackBudget)
	}
}

// A cluster URL may name more seed nodes (?addr=), which the single-node
// parser refuses; REDIS_CLUSTER says which parser applies.
func TestRedisCluster(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cluster, url string
		want         bool // loads
	}{
		{"true", "redis://127.0.0.1:7001?addr=127.0.0.1:7002&addr=127.0.0.1:7003", true},
		{"true", "rediss://:key@example.redis.azure.net:10000/0", true},
		{"false", "redis://127.0.0.1:7001?addr=127.0.0.1:7002", false},
		{"true", "redis://127.0.0.1:7001/2", false},
	}
	for _, tt := range tests {
		values := exampleValues(t)
		values["REDIS_CLUSTER"], values["REDIS_URL"] = tt.cluster, tt.url
		c, err := Load(lookupFrom(values))
		if got := err == nil; got != tt.want {
			t.Errorf("REDIS_CLUSTER=%s REDIS_URL=%s: loads %v (%v), want %v", tt.cluster, tt.url, got, err, tt.want)
		}
		if err == nil && c.RedisCluster != (tt.cluster == "true") {
			t.Errorf("REDIS_CLUSTER=%s: RedisCluster %v", tt.cluster, c.RedisCluster)
		}
	}
}
