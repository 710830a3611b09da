// Stands in for main.bicep in the check of infra/app/settings.bicep (see feed-settings.bicepparam and Infra.proj).
#disable-next-line no-unused-params
param feeds { *: string }

#disable-next-line no-unused-params
param merged { *: string }
