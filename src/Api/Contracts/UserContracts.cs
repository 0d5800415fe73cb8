using CallCampaigns.Ledger.Users;

namespace CallCampaigns.Api.Contracts;

public sealed record CreateUserRequest(string? Id, string? Name, int? ConcurrentCallsLimit);

public sealed record CreatedUser(string Id, string Name, int ConcurrentCallsLimit, string ApiKey);

public sealed record UserSummary(string Id, string Name, int ConcurrentCallsLimit, int ActiveCalls, int QueuedCalls)
{
    public static UserSummary From(UserUsageRow row) => new(row.Id, row.Name, row.ConcurrencyLimit, row.ActiveCalls, row.QueuedCalls);
}

public sealed record SetLimitRequest(int? ConcurrentCallsLimit);

public sealed record NewApiKey(string ApiKey);

public sealed record SystemUsage(string Id, int ActiveCalls, int QueuedCalls);

public sealed record SystemSummary(int SystemConcurrentCallsLimit, int ActiveCalls, int QueuedCalls, IReadOnlyList<SystemUsage> Users);

public sealed record SetSystemLimitRequest(int? SystemConcurrentCallsLimit);

public sealed record Me(string Id, string Name, int ConcurrentCallsLimit, int SystemConcurrentCallsLimit, int ActiveCalls, int QueuedCalls);

public sealed record Agent(string Id, string Name);
