using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Contacts;

/// <summary>A user's contacts, unique per user by E.164 number.</summary>
public sealed class ContactStore(LedgerDatabase database)
{
    /// <summary>Creates a contact; when the number is already the user's, returns that contact's id and false.</summary>
    public async Task<(long Id, bool Created)> CreateAsync(ContactRow contact)
    {
        await using var connection = await database.OpenAsync();
        var id = await connection.QuerySingleOrDefaultAsync<long?>(
            """
            INSERT INTO contacts (user_id, phone_number, name, email, company, custom_fields, created_at, updated_at)
            VALUES (@UserId, @PhoneNumber, @Name, @Email, @Company, @CustomFields, @CreatedAt, @UpdatedAt)
            ON CONFLICT (user_id, phone_number) DO NOTHING
            RETURNING id
            """,
            contact);
        if (id is { } created) return (created, true);
        var existing = await connection.ExecuteScalarAsync<long>(
            "SELECT id FROM contacts WHERE user_id = @UserId AND phone_number = @PhoneNumber", contact);
        return (existing, false);
    }

    public async Task<ContactRow?> GetAsync(string userId, long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ContactRow>(
            "SELECT * FROM contacts WHERE user_id = @userId AND id = @id", new { userId, id });
    }

    /// <summary>The user's contacts among <paramref name="ids"/>; ids of other users' contacts are simply absent.</summary>
    public async Task<IReadOnlyList<ContactRow>> GetManyAsync(string userId, IReadOnlyCollection<long> ids)
    {
        var found = new List<ContactRow>(ids.Count);
        await using var connection = await database.OpenAsync();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            found.AddRange(await connection.QueryAsync<ContactRow>(
                $"SELECT * FROM contacts WHERE user_id = @userId AND {database.IsAnyOf("id", "@chunk")}", new { userId, chunk }));
        }

        return found;
    }

    public async Task<(IReadOnlyList<ContactRow> Items, int Total)> ListAsync(string userId, string? search, int page, int pageSize)
    {
        var pattern = string.IsNullOrWhiteSpace(search) ? null : $"%{search.Trim()}%";
        var filter = pattern is null
            ? "user_id = @userId"
            : $"user_id = @userId AND (name {database.ILike} @pattern OR phone_number LIKE @pattern OR email {database.ILike} @pattern OR company {database.ILike} @pattern)";
        var offset = (page - 1) * pageSize;
        await using var connection = await database.OpenAsync();
        var total = await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM contacts WHERE {filter}", new { userId, pattern });
        var items = await connection.QueryAsync<ContactRow>(
            $"SELECT * FROM contacts WHERE {filter} ORDER BY id LIMIT @pageSize OFFSET @offset",
            new { userId, pattern, pageSize, offset });
        return (items.AsList(), total);
    }
}
