package participation

import "testing"

func TestClientNetwork(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"203.0.113.77":               "203.0.113.0/24",
		" 203.0.113.1 ":              "203.0.113.0/24",
		"::ffff:198.51.100.9":        "198.51.100.0/24", // IPv4 carried in IPv6
		"2001:db8:1:2:aaaa:bbbb:c:d": "2001:db8:1:2::/64",
		"2001:db8:1:2::1%eth0":       "2001:db8:1:2::/64",
		"2001:db8:1:3::1":            "2001:db8:1:3::/64",
		"::1":                        "::/64",
		"":                           "",
		"not an address":             "",
		"203.0.113.1:443":            "", // the handler strips ports; a stray one is no address
	} {
		if got := ClientNetwork(in); got != want {
			t.Errorf("ClientNetwork(%q) = %q, want %q", in, got, want)
		}
	}
}
