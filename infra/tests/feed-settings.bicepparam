// The feeds an operator writes in ALERTS_FEEDS and ALERTS_FEED_API_KEYS, and settings in ALERTS_APP_SETTINGS, turned
// into app settings by the functions main.bicep uses. Infra.proj builds this file and compares the result with
// feed-settings.expected.json: a change to app/settings.bicep that changes a setting fails the build until that file
// says so too.
using 'feed-settings.bicep'

import { feedSettings, mergedSettings } from '../app/settings.bicep'

// Three feeds, two with keys; values are text, as in app settings.
param feeds = feedSettings(
  json('[{"Name":"finnhub","Kind":"Finnhub","Symbols":"AAPL,MSFT","RequestsPerDay":"250"},{"Name":"news","Kind":"Rss","Url":"https://example.test/feed.xml"},{"Name":"fmp","Kind":"FmpGrades","Symbols":"NVDA"}]'),
  map(items(json('{"finnhub":"not-a-key","fmp":"not-a-key"}')), key => key.key),
  'https://kv-example.vault.azure.net/'
)

// The operator's settings lose to a feed's and to the template's own on the same name; the rest are kept.
param merged = mergedSettings(
  {
    Alerts__MaxAlertAgeHours: '48'
    Feeds__Sources__0__Name: 'overridden-by-the-feeds'
    Storage__TableServiceUri: 'https://elsewhere.example.test'
  },
  { Feeds__Sources__0__Name: 'finnhub' },
  { Storage__TableServiceUri: 'https://stexample.table.core.windows.net/' }
)
