// Package tables configures Azure Table storage, which holds append-only
// logs: raw analytics events and channel delivery attempts.
package tables

import (
	"context"
	"errors"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"

	"github.com/eventmkt/backend/shared/identity"
)

// Open returns a service client from a connection string (it must name
// TableEndpoint=; aztables does not understand UseDevelopmentStorage=true) or,
// when that is empty, for the account with the app's managed identity
// (clientID names the user-assigned one; shared/identity).
func Open(connectionString, accountName, clientID string) (*aztables.ServiceClient, error) {
	if connectionString != "" {
		c, err := aztables.NewServiceClientFromConnectionString(connectionString, nil)
		if err != nil {
			return nil, fmt.Errorf("tables: client: %w", err)
		}
		return c, nil
	}
	if accountName == "" {
		return nil, errors.New("tables: neither a connection string nor an account name")
	}
	cred, err := identity.Credential(clientID)
	if err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	c, err := aztables.NewServiceClient("https://"+accountName+".table.core.windows.net/", cred, nil)
	if err != nil {
		return nil, fmt.Errorf("tables: client: %w", err)
	}
	return c, nil
}

// EnsureTable creates a table if it is missing.
func EnsureTable(ctx context.Context, c *aztables.ServiceClient, name string) error {
	_, err := c.CreateTable(ctx, name, nil)
	var respErr *azcore.ResponseError
	if err == nil || (errors.As(err, &respErr) && respErr.ErrorCode == "TableAlreadyExists") {
		return nil
	}
	return fmt.Errorf("tables: create %s: %w", name, err)
}

// Ping checks that the service answers with our credentials.
func Ping(ctx context.Context, c *aztables.ServiceClient) error {
	_, err := c.GetProperties(ctx, nil)
	return err
}
