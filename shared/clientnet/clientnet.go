// Package clientnet groups client addresses into the networks that one
// household, office or attacker usually holds.
package clientnet

import (
	"net/netip"
	"strings"
)

// Network is the IPv4 /24 ("203.0.113.0/24") or the IPv6 /64
// ("2001:db8:1:2::/64") holding the client address; "" when the address is
// not one. A household or an office shares a /24 or a /64, and an attacker
// rotating addresses usually stays within one.
func Network(ip string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return ""
	}
	a = a.Unmap().WithZone("")
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}
