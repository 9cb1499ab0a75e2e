// Redis: Azure Managed Redis (TLS on 10000) by default, or Azure Cache for
// Redis (TLS on 6380) when kind is 'cache'. The app gets one rediss:// URL.
param name string
param location string
param tags object
@allowed(['managed', 'cache'])
param kind string
@description('Azure Managed Redis SKU (e.g. Balanced_B0) or Azure Cache for Redis SKU as Family_Capacity_Name (e.g. C_1_Standard).')
param sku string
param highAvailability bool
@description('Azure Managed Redis clustering policy: EnterpriseCluster (one proxied endpoint, a plain client) or OSSCluster (a cluster client, REDIS_CLUSTER=true).')
@allowed(['EnterpriseCluster', 'OSSCluster'])
param clusteringPolicy string = 'EnterpriseCluster'
@description('Disabled: reachable through its private endpoint only.')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string

resource managed 'Microsoft.Cache/redisEnterprise@2025-07-01' = if (kind == 'managed') {
  name: name
  location: location
  tags: tags
  sku: { name: sku }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: highAvailability ? 'Enabled' : 'Disabled'
    publicNetworkAccess: publicNetworkAccess
  }
}

resource managedDb 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = if (kind == 'managed') {
  parent: managed
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    // EnterpriseCluster: one endpoint, a plain (non-cluster) client works;
    // OSSCluster: the client needs the cluster API (REDIS_CLUSTER=true).
    // Several shards either way: a script or MULTI must keep its keys in one
    // hash slot, or it fails with CROSSSLOT.
    clusteringPolicy: clusteringPolicy
    evictionPolicy: 'NoEviction' // rate limits and dedup keys must not vanish under memory pressure
    accessKeysAuthentication: 'Enabled'
  }
}

resource cache 'Microsoft.Cache/redis@2024-11-01' = if (kind == 'cache') {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      family: split(sku, '_')[0]
      capacity: int(split(sku, '_')[1])
      name: split(sku, '_')[2]
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: publicNetworkAccess
    redisConfiguration: { 'maxmemory-policy': 'noeviction' }
  }
}

@secure()
output url string = kind == 'managed'
  ? 'rediss://:${uriComponent(managedDb.listKeys().primaryKey)}@${managed.properties.hostName}:10000/0'
  : 'rediss://:${uriComponent(cache.listKeys().primaryKey)}@${cache.properties.hostName}:6380/0'
output id string = kind == 'managed' ? managed.id : cache.id
@description('The private endpoint sub-resource and the private DNS zone of this kind of Redis.')
output privateLinkGroup string = kind == 'managed' ? 'redisEnterprise' : 'redisCache'
output privateDnsZone string = kind == 'managed' ? 'privatelink.redis.azure.net' : 'privatelink.redis.cache.windows.net'
