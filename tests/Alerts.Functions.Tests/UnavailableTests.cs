using Alerts.Api.Http;
using Azure;

namespace Alerts.Functions.Tests;

/// <summary>Which storage failures are answered 503 with Retry-After (try again) rather than treated as a fault of the request.</summary>
public sealed class UnavailableTests
{
    [Theory]
    [InlineData(403, "AuthorizationPermissionMismatch")] // a role assignment not yet in effect (first deploy)
    [InlineData(403, "AuthorizationFailure")]
    [InlineData(503, "ServerBusy")]
    [InlineData(429, null)]
    public void IsTransient_StorageNotReachableForNow_IsTrue(int status, string? errorCode) =>
        Assert.True(Unavailable.IsTransient(new RequestFailedException(status, "storage said no", errorCode, null)));

    [Theory]
    [InlineData(403, "AuthenticationFailed")] // a wrong key or signature: waiting does not fix it
    [InlineData(404, "TableNotFound")]
    [InlineData(409, "EntityAlreadyExists")]
    public void IsTransient_StorageRefusesThisRequest_IsFalse(int status, string errorCode) =>
        Assert.False(Unavailable.IsTransient(new RequestFailedException(status, "storage said no", errorCode, null)));
}
