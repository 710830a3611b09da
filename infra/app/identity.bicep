// The identity the Functions app runs as: every data-plane call (Storage, Service Bus, Key Vault, Application
// Insights) is authorized by the roles granted to it in rbac.bicep.
param name string
param location string

@description('Tags of every resource (azd-env-name).')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
