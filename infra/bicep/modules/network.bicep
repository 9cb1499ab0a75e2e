// The virtual network the function app's outbound traffic runs through
// (Flex Consumption VNet integration), the private endpoints' subnet, the
// operator's subnet for jobs inside the network (the migration job), and
// the private DNS zones that make each service's ordinary host name resolve
// to its private endpoint inside the network.
//
// A zone without its VNet link is the quiet failure here: the zone holds
// the record, but the network never asks it, so names resolve to the
// public endpoint, which refuses (docs/deploy.md, "When a DNS zone link is
// missing"). Every zone below is linked in the same loop that creates it.
param name string
param location string
param tags object
param addressPrefix string
@description('Private DNS zones to create and link, e.g. privatelink.postgres.database.azure.com.')
param dnsZones array
@description('Egress through a NAT gateway (a static public IP) instead of the subnet\'s default outbound access.')
param natGateway bool

// Flex Consumption takes one address per instance: 6 scaling groups × 100
// instances plus the timers is about 605 addresses, so a /22 (1,019 usable).
var functionSubnetPrefix = cidrSubnet(addressPrefix, 22, 0)
var endpointSubnetPrefix = cidrSubnet(addressPrefix, 24, 4)
var opsSubnetPrefix = cidrSubnet(addressPrefix, 27, 40)

resource egressIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = if (natGateway) {
  name: 'pip-nat-${name}'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  zones: ['1', '2', '3']
  properties: { publicIPAllocationMethod: 'Static', publicIPAddressVersion: 'IPv4' }
}

resource nat 'Microsoft.Network/natGateways@2024-05-01' = if (natGateway) {
  name: 'nat-${name}'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    idleTimeoutInMinutes: 10
    publicIpAddresses: [{ id: egressIp.id }]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${name}'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'snet-func'
        properties: {
          addressPrefix: functionSubnetPrefix
          delegations: [{ name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } }]
          natGateway: natGateway ? { id: nat.id } : null
          // Without a NAT gateway (dev) the AI, the channels and the public
          // endpoints of dev's services are reached by default outbound access.
          defaultOutboundAccess: !natGateway
        }
      }
      {
        name: 'snet-pe'
        properties: {
          addressPrefix: endpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
          defaultOutboundAccess: false
        }
      }
      {
        name: 'snet-ops'
        properties: {
          addressPrefix: opsSubnetPrefix
          delegations: [{ name: 'aci', properties: { serviceName: 'Microsoft.ContainerInstance/containerGroups' } }]
          // The job reads the release binaries from the web account, whose
          // network rules admit this subnet by its service endpoint.
          serviceEndpoints: [{ service: 'Microsoft.Storage' }]
          natGateway: natGateway ? { id: nat.id } : null
          defaultOutboundAccess: !natGateway
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in dnsZones: {
    name: zone
    location: 'global'
    tags: tags
  }
]

// Each zone answers inside this network only through this link.
resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in dnsZones: {
    parent: zones[i]
    name: 'link-${name}'
    location: 'global'
    tags: tags
    properties: {
      virtualNetwork: { id: vnet.id }
      registrationEnabled: false
    }
  }
]

output vnetId string = vnet.id
output functionSubnetId string = '${vnet.id}/subnets/snet-func'
output endpointSubnetId string = '${vnet.id}/subnets/snet-pe'
output opsSubnetId string = '${vnet.id}/subnets/snet-ops'
output natGatewayIp string = natGateway ? egressIp.properties.ipAddress : ''
