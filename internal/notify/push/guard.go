package push

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// PublicOnlyClient is the client for webhook contact methods in production:
// anyone who may sign in can add one, so the server must not become their
// way into its own network. The dialer refuses loopback, private,
// link-local (cloud metadata), multicast and unspecified addresses after
// DNS resolution, so a name that resolves (or re-resolves) inward is
// refused too.
func PublicOnlyClient() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, Control: refuseInternal}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a proxy would dial on our behalf, past the check
	tr.DialContext = d.DialContext
	return &http.Client{Timeout: 10 * time.Second, Transport: tr}
}

// ErrInternalAddress is the refusal of an address inside the network.
var ErrInternalAddress = fmt.Errorf("the address is inside this server's network (loopback, private or link-local); notifications.webhook_allow_private allows it")

func refuseInternal(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if Internal(ip) {
		return ErrInternalAddress
	}
	return nil
}

// Internal reports whether ip is one a webhook contact method may not reach.
func Internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(ip) // carrier-grade NAT, often internal
}
