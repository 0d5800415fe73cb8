using System.Data.Common;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;
using NpgsqlTypes;

namespace CallCampaigns.Ledger.Imports;

/// <summary>
/// One CSV import, all in one transaction: the file's good rows are staged in bulk (with the priority they will have
/// as new contacts), merged into the user's contacts (a known number reuses its contact and fills its empty fields),
/// and joined to the campaign in SQL, without bringing the rows back; the rest are recorded as row errors. Disposed
/// without <see cref="CommitAsync"/>, nothing of it remains.
/// </summary>
public sealed class ImportSession : IAsyncDisposable
{
    private static readonly BulkColumn[] StagingColumns =
    [
        new("row_number", NpgsqlDbType.Integer), new("phone", NpgsqlDbType.Text), new("name", NpgsqlDbType.Text),
        new("email", NpgsqlDbType.Text), new("company", NpgsqlDbType.Text), new("custom_fields", NpgsqlDbType.Text),
        new("last_conversation_at", NpgsqlDbType.Bigint), new("transcript_summary", NpgsqlDbType.Text), new("priority", NpgsqlDbType.Integer),
    ];

    private static readonly BulkColumn[] PlanColumns = [new("row_number", NpgsqlDbType.Integer), new("scheduled_for", NpgsqlDbType.Bigint)];

    private static readonly BulkColumn[] ErrorColumns =
    [
        new("import_id", NpgsqlDbType.Bigint), new("row_number", NpgsqlDbType.Integer),
        new("phone_number", NpgsqlDbType.Text), new("reason", NpgsqlDbType.Text),
    ];

    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly string _userId;
    private readonly long _now;
    private int _duplicates;
    private int _failed;

    private ImportSession(DbConnection connection, DbTransaction transaction, string userId, long now)
    {
        _connection = connection;
        _transaction = transaction;
        _userId = userId;
        _now = now;
    }

    /// <summary>The reason a row repeating an earlier row's number is skipped, until the import names that row.</summary>
    public const string DuplicateInFile = "duplicate in file";

    public long ImportId { get; private set; }

    public static async Task<ImportSession> BeginAsync(LedgerDatabase database, string userId, long now, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            CREATE TEMP TABLE import_rows (
                row_number integer, phone text, name text, email text, company text, custom_fields text,
                last_conversation_at bigint, transcript_summary text, priority integer)
            """,
            transaction: transaction);
        return new ImportSession(connection, transaction, userId, now);
    }

    /// <summary>Creates the campaign the file builds (with no items yet), inside this import.</summary>
    public Task<long> CreateCampaignAsync(CampaignRow campaign) =>
        _connection.ExecuteScalarAsync<long>(CampaignStore.InsertSql, campaign, _transaction);

    public async Task StartAsync(long campaignId, string? fileName)
    {
        ImportId = await _connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO imports (user_id, campaign_id, file_name, status, created_at)
            VALUES (@_userId, @campaignId, @fileName, 'running', @_now) RETURNING id
            """,
            new { _userId, campaignId, fileName, _now }, _transaction);
    }

    public Task StageAsync(IReadOnlyList<StagedRow> rows, CancellationToken cancellationToken) =>
        BulkWriter.WriteAsync(_connection, _transaction, "import_rows", StagingColumns,
            rows.Select(r => new object?[] { r.RowNumber, r.PhoneNumber, r.Name, r.Email, r.Company, r.CustomFields, r.LastConversationAt, r.TranscriptSummary, r.Priority }),
            cancellationToken);

    public Task RecordErrorsAsync(IReadOnlyList<RowError> errors, CancellationToken cancellationToken)
    {
        _duplicates += errors.Count(e => e.IsDuplicate);
        _failed += errors.Count(e => !e.IsDuplicate);
        return BulkWriter.WriteAsync(_connection, _transaction, "import_errors", ErrorColumns,
            errors.Select(e => new object?[] { ImportId, e.RowNumber, e.PhoneNumber, e.Reason }), cancellationToken);
    }

    /// <summary>Names, in each "duplicate in file" row's reason, the row that had the number first (the one staged).</summary>
    public Task NameFirstRowsOfDuplicatesAsync() => _duplicates == 0 ? Task.CompletedTask :
        _connection.ExecuteAsync(
            $"""
            UPDATE import_errors SET reason = '{DuplicateInFile} (first on row ' || first.row_number || ')'
            FROM import_rows AS first
            WHERE import_errors.import_id = @ImportId AND import_errors.reason = '{DuplicateInFile}'
              AND first.phone = import_errors.phone_number
            """,
            new { ImportId }, _transaction);

    /// <summary>Sets aside (as duplicates) the staged rows whose contact is already in the campaign; returns their row numbers.</summary>
    public async Task<IReadOnlyList<int>> SetAsideAlreadyInCampaignAsync(long campaignId)
    {
        var rows = (await _connection.QueryAsync<int>(
            """
            INSERT INTO import_errors (import_id, row_number, phone_number, reason)
            SELECT @ImportId, r.row_number, r.phone, 'already in this campaign'
            FROM import_rows r
            JOIN contacts c ON c.user_id = @_userId AND c.phone_number = r.phone
            JOIN queue_items q ON q.campaign_id = @campaignId AND q.contact_id = c.id
            RETURNING row_number
            """,
            new { ImportId, _userId, campaignId }, _transaction)).AsList();
        _duplicates += rows.Count;
        if (rows.Count > 0)
        {
            await _connection.ExecuteAsync(
                """
                DELETE FROM import_rows WHERE row_number IN (
                    SELECT row_number FROM import_errors WHERE import_id = @ImportId AND reason = 'already in this campaign')
                """,
                new { ImportId }, _transaction);
        }

        return rows;
    }

    /// <summary>
    /// Merges the staged rows into the user's contacts: a new number makes a contact; a known one reuses its contact
    /// and fills its empty fields. Returns the rows whose contact existed before, with what its priority depends on.
    /// </summary>
    public async Task<IReadOnlyList<JoiningContact>> MergeContactsAsync()
    {
        if (_connection is Npgsql.NpgsqlConnection) await _connection.ExecuteAsync("ANALYZE import_rows", transaction: _transaction);
        await _connection.ExecuteAsync(
            """
            INSERT INTO contacts (user_id, phone_number, name, email, company, custom_fields, last_conversation_at,
                last_transcript_summary, created_at, updated_at)
            SELECT @_userId, phone, name, email, company, custom_fields, last_conversation_at, transcript_summary, @_now, @_now
            FROM import_rows WHERE true
            ON CONFLICT (user_id, phone_number) DO UPDATE SET
                name = coalesce(contacts.name, excluded.name),
                email = coalesce(contacts.email, excluded.email),
                company = coalesce(contacts.company, excluded.company),
                custom_fields = CASE WHEN contacts.custom_fields = '{}' THEN excluded.custom_fields ELSE contacts.custom_fields END,
                last_conversation_at = coalesce(contacts.last_conversation_at, excluded.last_conversation_at),
                last_transcript_summary = coalesce(contacts.last_transcript_summary, excluded.last_transcript_summary),
                updated_at = @_now
            """,
            new { _userId, _now }, _transaction);
        return (await _connection.QueryAsync<JoiningContact>(
            """
            SELECT r.row_number, c.id AS contact_id, c.phone_number, c.name, c.email, c.company, c.successful_calls, c.not_connected_calls
            FROM import_rows r JOIN contacts c ON c.user_id = @_userId AND c.phone_number = r.phone
            WHERE c.created_at <> @_now
            """,
            new { _userId, _now }, _transaction)).AsList();
    }

    /// <summary>Sets the priority of rows whose contact existed before (its history counts).</summary>
    public Task SetPrioritiesAsync(IEnumerable<(int Row, int Priority)> priorities) =>
        _connection.ExecuteAsync(
            "UPDATE import_rows SET priority = @Priority WHERE row_number = @Row",
            priorities.Select(p => new { p.Row, p.Priority }), _transaction);

    /// <summary>Adds the staged rows to the campaign in file order; <paramref name="notBefore"/>, when given, is each row's not-before time.</summary>
    public async Task<int> AddItemsAsync(long campaignId, IEnumerable<(int Row, long At)>? notBefore, CancellationToken cancellationToken)
    {
        var planned = notBefore is not null;
        if (planned)
        {
            await _connection.ExecuteAsync("CREATE TEMP TABLE import_plan (row_number integer PRIMARY KEY, scheduled_for bigint)", transaction: _transaction);
            await BulkWriter.WriteAsync(_connection, _transaction, "import_plan", PlanColumns,
                notBefore!.Select(p => new object?[] { p.Row, p.At }), cancellationToken);
        }

        var added = await _connection.ExecuteAsync(
            $"""
            INSERT INTO queue_items (campaign_id, user_id, contact_id, phone_number, contact_name, status, priority, position,
                scheduled_for, updated_at)
            SELECT @campaignId, @_userId, c.id, r.phone, coalesce(c.name, r.name), 'queued', r.priority,
                cm.last_position + ROW_NUMBER() OVER (ORDER BY r.row_number), {(planned ? "p.scheduled_for" : "NULL")}, @_now
            FROM import_rows r
            JOIN contacts c ON c.user_id = @_userId AND c.phone_number = r.phone
            JOIN campaigns cm ON cm.id = @campaignId
            {(planned ? "LEFT JOIN import_plan p ON p.row_number = r.row_number" : "")}
            """,
            new { campaignId, _userId, _now }, _transaction);
        if (planned) await _connection.ExecuteAsync("DROP TABLE import_plan", transaction: _transaction);
        await _connection.ExecuteAsync(
            """
            UPDATE campaigns SET last_position = last_position + @added, total_contacts = total_contacts + @added,
                queued_count = queued_count + @added, updated_at = @_now
            WHERE id = @campaignId
            """,
            new { added, campaignId, _now }, _transaction);
        return added;
    }

    /// <summary>Writes the import's summary and makes the whole import stick.</summary>
    public async Task<ImportRecord> CommitAsync(int totalRows, int imported)
    {
        await _connection.ExecuteAsync(
            """
            UPDATE imports SET status = 'completed', total_rows = @totalRows, imported = @imported,
                skipped_duplicates = @_duplicates, failed = @_failed, completed_at = @_now
            WHERE id = @ImportId
            """,
            new { totalRows, imported, _duplicates, _failed, _now, ImportId }, _transaction);
        await _connection.ExecuteAsync("DROP TABLE import_rows", transaction: _transaction);
        await _transaction.CommitAsync();
        return new ImportRecord
        {
            Id = ImportId, UserId = _userId, Status = "completed", TotalRows = totalRows, Imported = imported,
            SkippedDuplicates = _duplicates, Failed = _failed, CreatedAt = _now, CompletedAt = _now,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
