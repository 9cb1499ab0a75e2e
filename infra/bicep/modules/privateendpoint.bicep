// One private endpoint: a service's sub-resource (groupId) given an address
// in the endpoints' subnet, and an A record for it in the service's private
// DNS zone (the zone group), so the service's usual host name resolves to
// that address inside the network (modules/network.bicep links the zone).
param name string
param location string
param tags object
param subnetId string
@description('The service\'s resource id.')
param targetId string
@description('The sub-resource: postgresqlServer, redisEnterprise, namespace, blob, table, queue, vault …')
param groupId string
@description('The private DNS zone of that sub-resource (created and linked by modules/network.bicep).')
param dnsZoneName string

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' existing = {
  name: dnsZoneName
}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: { id: subnetId }
    customNetworkInterfaceName: 'nic-${name}'
    privateLinkServiceConnections: [
      {
        name: name
        properties: { privateLinkServiceId: targetId, groupIds: [groupId] }
      }
    ]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [{ name: replace(dnsZoneName, '.', '-'), properties: { privateDnsZoneId: zone.id } }]
  }
}

output id string = endpoint.id
