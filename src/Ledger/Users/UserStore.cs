using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Domain.Limits;
using Dapper;

namespace CallCampaigns.Ledger.Users;

/// <summary>Users, their API keys (hashed) and the system-wide settings.</summary>
public sealed class UserStore(LedgerDatabase database)
{
    private const string UsageColumns = """
        u.id, u.name, u.concurrency_limit, u.call_cap_max, u.call_cap_hours,
        (SELECT count(*) FROM slot_leases l WHERE l.user_id = u.id) AS active_calls,
        (SELECT coalesce(sum(c.queued_count), 0) FROM campaigns c
          WHERE c.user_id = u.id AND c.status IN ('scheduled', 'active', 'paused')) AS queued_calls
        """;

    /// <summary>Creates a user with one API key; false when the id is taken.</summary>
    public async Task<bool> CreateAsync(string id, string name, int concurrencyLimit, string keyHash, long now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO users (id, name, concurrency_limit, created_at, updated_at)
            VALUES (@id, @name, @concurrencyLimit, @now, @now)
            ON CONFLICT (id) DO NOTHING
            """,
            new { id, name, concurrencyLimit, now }, transaction);
        if (inserted == 0) return false;
        await connection.ExecuteAsync(
            "INSERT INTO api_keys (key_hash, user_id, created_at) VALUES (@keyHash, @id, @now)",
            new { keyHash, id, now }, transaction);
        await transaction.CommitAsync();
        return true;
    }

    public async Task<UserRow?> GetAsync(string id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<UserRow>("SELECT * FROM users WHERE id = @id", new { id });
    }

    public async Task<UserUsageRow?> GetUsageAsync(string id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<UserUsageRow>(
            $"SELECT {UsageColumns} FROM users u WHERE u.id = @id", new { id });
    }

    /// <summary>Calls in flight and items waiting in the whole system.</summary>
    public async Task<(long ActiveCalls, long QueuedCalls)> TotalsAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleAsync<(long, long)>(
            """
            SELECT (SELECT count(*) FROM slot_leases),
                   (SELECT coalesce(sum(queued_count), 0) FROM campaigns WHERE status IN ('scheduled', 'active', 'paused'))
            """);
    }

    public async Task<IReadOnlyList<UserUsageRow>> ListUsageAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<UserUsageRow>($"SELECT {UsageColumns} FROM users u ORDER BY u.id");
        return rows.AsList();
    }

    public async Task<bool> SetLimitAsync(string id, int concurrencyLimit, long now)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE users SET concurrency_limit = @concurrencyLimit, updated_at = @now WHERE id = @id",
            new { id, concurrencyLimit, now }) == 1;
    }

    /// <summary>Replaces every key of a user with one new key; false when the user does not exist.</summary>
    public async Task<bool> ReplaceKeyAsync(string id, string keyHash, long now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM users WHERE id = @id", new { id }, transaction) == 0)
        {
            return false;
        }

        await connection.ExecuteAsync("DELETE FROM api_keys WHERE user_id = @id", new { id }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO api_keys (key_hash, user_id, created_at) VALUES (@keyHash, @id, @now)",
            new { keyHash, id, now }, transaction);
        await transaction.CommitAsync();
        return true;
    }

    public async Task<string?> FindUserIdByKeyHashAsync(string keyHash)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT user_id FROM api_keys WHERE key_hash = @keyHash AND revoked_at IS NULL", new { keyHash });
    }

    /// <summary>Writes the system settings row with its default the first time; later calls keep what is there.</summary>
    public async Task EnsureSystemSettingsAsync(int defaultSystemLimit, long now)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO system_settings (id, system_concurrency_limit, updated_at) VALUES (1, @defaultSystemLimit, @now)
            ON CONFLICT (id) DO NOTHING
            """,
            new { defaultSystemLimit, now });
    }

    public async Task<int> GetSystemLimitAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT system_concurrency_limit FROM system_settings WHERE id = 1");
    }

    /// <summary>The system's frequency cap; null: none.</summary>
    public async Task<CallCap?> GetSystemCapAsync()
    {
        await using var connection = await database.OpenAsync();
        var (max, hours) = await connection.QuerySingleAsync<(int?, int?)>("SELECT call_cap_max, call_cap_hours FROM system_settings WHERE id = 1");
        return max is { } m && hours is { } h ? new CallCap(m, h) : null;
    }

    public async Task SetSystemCapAsync(CallCap? cap, long now)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE system_settings SET call_cap_max = @max, call_cap_hours = @hours, updated_at = @now WHERE id = 1",
            new { max = cap?.MaxCalls, hours = cap?.PerHours, now });
    }

    /// <summary>Sets one user's frequency cap (null: the system's); false when there is no such user.</summary>
    public async Task<bool> SetUserCapAsync(string id, CallCap? cap, long now)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE users SET call_cap_max = @max, call_cap_hours = @hours, updated_at = @now WHERE id = @id",
            new { id, max = cap?.MaxCalls, hours = cap?.PerHours, now }) == 1;
    }

    public async Task SetSystemLimitAsync(int limit, long now)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE system_settings SET system_concurrency_limit = @limit, updated_at = @now WHERE id = 1", new { limit, now });
    }
}
