// Package identity gives the SDK clients (Blob, Table, Service Bus) the
// credential they use on Azure, where there are no connection strings.
package identity

import (
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// Credential returns the managed identity named by clientID, or, when it is
// empty, DefaultAzureCredential (the Azure CLI's sign-in locally). The
// function app runs as a user-assigned identity only, and App Service's
// identity endpoint answers a request that names no client id only for a
// system-assigned one: the client id (AZURE_CLIENT_ID) must be passed.
func Credential(clientID string) (azcore.TokenCredential, error) {
	if clientID == "" {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("identity: default credential: %w", err)
		}
		return cred, nil
	}
	cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
		ID: azidentity.ClientID(clientID),
	})
	if err != nil {
		return nil, fmt.Errorf("identity: managed identity %s: %w", clientID, err)
	}
	return cred, nil
}
