package blob

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
)

// Link is a short-lived, read-only URL of one private blob: large
// downloads go from Blob to the browser, because the Functions host
// buffers a whole HTTP answer (enableForwardingHttpRequest) and would hold
// an export in memory before the first byte left.
type Link struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Download says how the browser should save what a link serves (always
// as an attachment): the
// signature carries them (rscd, rsct), so they hold whatever the blob's
// own headers say.
type Download struct {
	Filename    string
	ContentType string
}

// Links signs read-only SAS URLs. With an account key (the connection
// string's AccountKey, Azurite locally) it signs a service SAS; without one
// (Azure: shared keys are off, the app has a managed identity) it signs a
// user delegation SAS with a key it asks Storage for, which needs a role
// with generateUserDelegationKey (Storage Blob Data Contributor or Owner,
// or Storage Blob Delegator, at account scope; infra/bicep/modules/roles.bicep).
type Links struct {
	client *azblob.Client
	key    *service.SharedKeyCredential // nil: user delegation
	ttl    time.Duration
	https  bool // the endpoint is HTTPS: links are signed spr=https
	now    func() time.Time

	mu        sync.Mutex
	delegate  *service.UserDelegationCredential
	delegEnds time.Time
}

// delegationKeyLife is how long one user delegation key is asked for; it
// is reused for links until less than a link's life plus a margin is left.
const delegationKeyLife = 6 * time.Hour

// skew backdates a link's start so a Storage clock a little behind ours
// does not refuse it.
const skew = 5 * time.Minute

// NewLinks signs links that live ttl. connectionString is the one Open was
// given: its AccountKey, when there is one, signs; otherwise the client's
// token credential gets user delegation keys. now nil is time.Now.
func NewLinks(client *azblob.Client, connectionString string, ttl time.Duration, now func() time.Time) (*Links, error) {
	if ttl <= 0 {
		return nil, errors.New("blob: a link needs a positive lifetime")
	}
	if now == nil {
		now = time.Now
	}
	l := &Links{client: client, ttl: ttl, now: now, https: strings.HasPrefix(strings.ToLower(client.URL()), "https://")}
	if connectionString != "" {
		fields := parseConnectionString(connectionString)
		name, key := fields["accountname"], fields["accountkey"]
		if key == "" {
			return nil, errors.New("blob: a connection string without AccountKey cannot sign links; give STORAGE_ACCOUNT_NAME and a managed identity instead")
		}
		cred, err := service.NewSharedKeyCredential(name, key)
		if err != nil {
			return nil, fmt.Errorf("blob: link key: %w", err)
		}
		l.key = cred
	}
	return l, nil
}

// TTL is how long a link lives.
func (l *Links) TTL() time.Duration { return l.ttl }

// ReadURL signs a read-only link to container/name that expires after the
// links' ttl. It does not check that the blob exists.
func (l *Links) ReadURL(ctx context.Context, container, name string, d Download) (Link, error) {
	now := l.now().UTC()
	expires := now.Add(l.ttl).Truncate(time.Second)
	disposition := "attachment" // saved, so following the link never leaves the page
	if d.Filename != "" {
		disposition += `; filename="` + d.Filename + `"`
	}
	sv := sas.BlobSignatureValues{
		Protocol:           sas.ProtocolHTTPSandHTTP,
		StartTime:          now.Add(-skew).Truncate(time.Second),
		ExpiryTime:         expires,
		Permissions:        to.Ptr(sas.BlobPermissions{Read: true}).String(),
		ContainerName:      container,
		BlobName:           name,
		ContentDisposition: disposition,
		ContentType:        d.ContentType,
	}
	if l.https {
		sv.Protocol = sas.ProtocolHTTPS
	}
	var qp sas.QueryParameters
	var err error
	if l.key != nil {
		qp, err = sv.SignWithSharedKey(l.key)
	} else {
		var udc *service.UserDelegationCredential
		if udc, err = l.delegation(ctx, now); err == nil {
			qp, err = sv.SignWithUserDelegation(udc)
		}
	}
	if err != nil {
		return Link{}, fmt.Errorf("blob: sign %s/%s: %w", container, name, err)
	}
	u := l.client.ServiceClient().NewContainerClient(container).NewBlobClient(name).URL()
	return Link{URL: u + "?" + qp.Encode(), ExpiresAt: expires}, nil
}

// delegation returns a user delegation key valid past a new link's expiry,
// asking Storage for one only when the cached key is too close to its end.
func (l *Links) delegation(ctx context.Context, now time.Time) (*service.UserDelegationCredential, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.delegate != nil && now.Add(l.ttl+skew).Before(l.delegEnds) {
		return l.delegate, nil
	}
	start, ends := now.Add(-skew), now.Add(max(delegationKeyLife, 2*l.ttl))
	udc, err := l.client.ServiceClient().GetUserDelegationCredential(ctx, service.KeyInfo{
		Start:  to.Ptr(start.Format(sas.TimeFormat)),
		Expiry: to.Ptr(ends.Format(sas.TimeFormat)),
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("user delegation key: %w", err)
	}
	l.delegate, l.delegEnds = udc, ends
	return udc, nil
}

// parseConnectionString reads key=value;… with lowercased keys.
func parseConnectionString(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(part, "=")
		if ok {
			out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return out
}
