// Package blob configures Azure Blob storage: poster images, participant
// exports and draw proofs. Azurite stands in locally.
package blob

import (
	"context"
	"errors"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/eventmkt/backend/shared/identity"
)

// Open returns a client from a connection string or, when that is empty, for
// the named account with the app's managed identity (clientID names the
// user-assigned one; shared/identity).
func Open(connectionString, accountName, clientID string) (*azblob.Client, error) {
	if connectionString != "" {
		c, err := azblob.NewClientFromConnectionString(connectionString, nil)
		if err != nil {
			return nil, fmt.Errorf("blob: client: %w", err)
		}
		return c, nil
	}
	if accountName == "" {
		return nil, errors.New("blob: neither a connection string nor an account name")
	}
	cred, err := identity.Credential(clientID)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	c, err := azblob.NewClient("https://"+accountName+".blob.core.windows.net/", cred, nil)
	if err != nil {
		return nil, fmt.Errorf("blob: client: %w", err)
	}
	return c, nil
}

// EnsureContainer creates a container if it is missing. public makes its
// blobs readable by URL (posters must be fetchable by browsers).
func EnsureContainer(ctx context.Context, c *azblob.Client, name string, public bool) error {
	var opts *container.CreateOptions
	if public {
		opts = &container.CreateOptions{Access: to.Ptr(container.PublicAccessTypeBlob)}
	}
	_, err := c.ServiceClient().NewContainerClient(name).Create(ctx, opts)
	if err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		return fmt.Errorf("blob: create container %s: %w", name, err)
	}
	return nil
}

// Ping checks that the service answers with our credentials.
func Ping(ctx context.Context, c *azblob.Client) error {
	_, err := c.ServiceClient().GetProperties(ctx, nil)
	return err
}
