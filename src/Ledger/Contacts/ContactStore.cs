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
            INSERT INTO contacts (user_id, phone_number, name, email, company, custom_fields, time_zone, time_zone_given, region,
                created_at, updated_at)
            VALUES (@UserId, @PhoneNumber, @Name, @Email, @Company, @CustomFields, @TimeZone, @TimeZoneGiven, @Region,
                @CreatedAt, @UpdatedAt)
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

    /// <summary>
    /// Changes a contact; its items still waiting in campaigns follow the new number and name (their priority stays
    /// as it was when they joined) and are decided again by the dial gate (the zone may have changed). Returns the
    /// campaigns that hold such items, or null when the new number is already another contact's.
    /// </summary>
    public async Task<IReadOnlyList<long>?> UpdateAsync(ContactRow contact)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var taken = await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM contacts WHERE user_id = @UserId AND phone_number = @PhoneNumber AND id <> @Id", contact, transaction);
        if (taken > 0) return null;
        await connection.ExecuteAsync(
            """
            UPDATE contacts SET phone_number = @PhoneNumber, name = @Name, email = @Email, company = @Company,
                custom_fields = @CustomFields, time_zone = @TimeZone, time_zone_given = @TimeZoneGiven, region = @Region,
                updated_at = @UpdatedAt
            WHERE id = @Id AND user_id = @UserId
            """,
            contact, transaction);
        var campaigns = (await connection.QueryAsync<long>(
            """
            UPDATE queue_items SET phone_number = @PhoneNumber, contact_name = @Name, held_until = 0, updated_at = @UpdatedAt
            WHERE contact_id = @Id AND status = 'queued'
            RETURNING campaign_id
            """,
            contact, transaction)).Distinct().ToArray();
        await transaction.CommitAsync();
        return campaigns;
    }

    /// <summary>
    /// Deletes a contact. Its items still waiting in campaigns are cancelled ("contact deleted") with the campaigns'
    /// counters; calls in flight finish and keep their record. Returns the campaigns whose queue changed, or null when
    /// the user has no such contact.
    /// </summary>
    public async Task<IReadOnlyList<long>?> DeleteAsync(string userId, long id, long now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var campaigns = (await connection.QueryAsync<long>(
            "SELECT campaign_id FROM queue_items WHERE contact_id = @id AND user_id = @userId AND status = 'queued'",
            new { id, userId }, transaction)).AsList();
        await connection.ExecuteAsync(
            """
            UPDATE campaigns SET queued_count = queued_count - 1, cancelled_count = cancelled_count + 1, updated_at = @now
            WHERE id IN (SELECT campaign_id FROM queue_items WHERE contact_id = @id AND user_id = @userId AND status = 'queued')
            """,
            new { id, userId, now }, transaction);
        await connection.ExecuteAsync(
            """
            UPDATE queue_items SET status = 'cancelled', failure_reason = 'contact deleted', updated_at = @now
            WHERE contact_id = @id AND user_id = @userId AND status = 'queued'
            """,
            new { id, userId, now }, transaction);
        // Every item keeps its number and name; on PostgreSQL no foreign key does this (see 0003_bulk_write_references.sql).
        await connection.ExecuteAsync(
            "UPDATE queue_items SET contact_id = NULL WHERE contact_id = @id AND user_id = @userId", new { id, userId }, transaction);
        if (await connection.ExecuteAsync("DELETE FROM contacts WHERE id = @id AND user_id = @userId", new { id, userId }, transaction) == 0)
        {
            return null;
        }

        await transaction.CommitAsync();
        return campaigns;
    }

    public async Task<(IReadOnlyList<ContactRow> Items, int Total)> ListAsync(string userId, string? search, int page, int pageSize)
    {
        var pattern = LikePatterns.Containing(search);
        const string escape = LikePatterns.Escape;
        var filter = pattern is null
            ? "user_id = @userId"
            : $"user_id = @userId AND (name {database.ILike} @pattern{escape} OR phone_number LIKE @pattern{escape} OR email {database.ILike} @pattern{escape} OR company {database.ILike} @pattern{escape})";
        var offset = (page - 1) * pageSize;
        await using var connection = await database.OpenAsync();
        var total = await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM contacts WHERE {filter}", new { userId, pattern });
        var items = await connection.QueryAsync<ContactRow>(
            $"SELECT * FROM contacts WHERE {filter} ORDER BY id LIMIT @pageSize OFFSET @offset",
            new { userId, pattern, pageSize, offset });
        return (items.AsList(), total);
    }
}
