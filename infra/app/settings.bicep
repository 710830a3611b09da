// App settings computed from parameters, kept apart so that infra/tests can check them without a deployment.

@export()
@description('A polled feed: its settings (docs/feeds.md) by name, Name and Kind at least, without its API key.')
type feedSource = {
  Name: string
  *: string
}

@export()
@description('Each feed\'s settings as Feeds__Sources__<index>__<name> (values as text), and, for a feed whose Name is in keyNames, Feeds__Sources__<index>__ApiKey as a Key Vault reference to the secret feed-<index>-api-key.')
func feedSettings(sources feedSource[], keyNames string[], vaultUri string) { *: string } =>
  reduce(
    range(0, length(sources)),
    {},
    (settings, i) =>
      union(
        settings,
        toObject(items(sources[i]), item => 'Feeds__Sources__${i}__${item.key}', item => string(item.value)),
        contains(keyNames, string(sources[i].Name))
          ? { 'Feeds__Sources__${i}__ApiKey': '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/feed-${i}-api-key)' }
          : {}
      )
  )

@export()
@description('The app settings the Function App gets: the operator\'s own (extraAppSettings), then the feeds\', then the template\'s; on a clash the later wins, so an operator cannot unset what the template wires (storage, identity, Key Vault references).')
func mergedSettings(operator { *: string }, feeds { *: string }, template { *: string }) { *: string } =>
  union(operator, feeds, template)
