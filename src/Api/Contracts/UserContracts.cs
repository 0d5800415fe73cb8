using CallCampaigns.Ledger.Users;

namespace CallCampaigns.Api.Contracts;

public sealed record CreateUserRequest(string? Id, string? Name, int? ConcurrentCallsLimit);

public sealed record CreatedUser(string Id, string Name, int ConcurrentCallsLimit, string ApiKey);

/// <summary>A user; <c>callCap</c> is the user's own frequency cap (null: the system's applies).</summary>
public sealed record UserSummary(string Id, string Name, int ConcurrentCallsLimit, int ActiveCalls, int QueuedCalls, CallCapDto? CallCap)
{
    public static UserSummary From(UserUsageRow row) => new(
        row.Id, row.Name, row.ConcurrencyLimit, row.ActiveCalls, row.QueuedCalls,
        row is { CallCapMax: { } max, CallCapHours: { } hours } ? new CallCapDto(max, hours) : null);
}

/// <summary>At most <c>maxCalls</c> calls to one number within any <c>perHours</c> hours.</summary>
public sealed record CallCapDto(int? MaxCalls, int? PerHours);

/// <summary>A change of a user's limits: fields left out stay as they are; <c>callCap: null</c> goes back to the system's.</summary>
public sealed record SetLimitRequest(int? ConcurrentCallsLimit)
{
    /// <summary>Left out: unchanged; <c>null</c>: the system's; <c>{maxCalls, perHours}</c>: the user's own.</summary>
    public System.Text.Json.JsonElement CallCap { get; init; }
}

public sealed record NewApiKey(string ApiKey);

public sealed record SystemUsage(string Id, int ActiveCalls, int QueuedCalls);

public sealed record SystemSummary(int SystemConcurrentCallsLimit, int ActiveCalls, int QueuedCalls, IReadOnlyList<SystemUsage> Users, CallCapDto? CallCap);

/// <summary>A change of the system settings: fields left out stay as they are; <c>callCap: null</c> removes the cap.</summary>
public sealed record SetSystemLimitRequest(int? SystemConcurrentCallsLimit)
{
    /// <summary>Left out: unchanged; <c>null</c>: no cap; <c>{maxCalls, perHours}</c>: the cap.</summary>
    public System.Text.Json.JsonElement CallCap { get; init; }
}

/// <summary>The caller; <c>callCap</c> is the frequency cap that applies to them (their own, else the system's; null: none).</summary>
public sealed record Me(
    string Id, string Name, int ConcurrentCallsLimit, int SystemConcurrentCallsLimit, int ActiveCalls, int QueuedCalls, CallCapDto? CallCap);

public sealed record Agent(string Id, string Name);
