namespace Alerts.Api.Http;

/// <summary>The answer to a Benzinga push: <c>{"accepted": n, "duplicates": m, "withdrawn": w, "ignored": i}</c>.</summary>
internal sealed record BenzingaPushResponse(int Accepted, int Duplicates, int Withdrawn, int Ignored);
