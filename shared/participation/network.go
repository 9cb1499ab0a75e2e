package participation

import "github.com/eventmkt/backend/shared/clientnet"

// ClientNetwork is the network an entry came from, as the anomaly flags
// group entries (clientnet.Network): many entries from one IPv4 /24 or IPv6
// /64 are worth the owner's look before the draw.
func ClientNetwork(ip string) string { return clientnet.Network(ip) }
