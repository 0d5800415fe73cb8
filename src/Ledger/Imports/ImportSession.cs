using System.Data.Common;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;
using NpgsqlTypes;

namespace CallCampaigns.Ledger.Imports;

/// <summary>
/// One CSV import, all in one transaction: the file's good rows are staged in bulk, merged into the user's contacts
/// (a known number reuses its contact and fills its empty fields), and joined to the campaign; the rest are recorded
/// as row errors. Disposed without <see cref="CommitAsync"/>, nothing of it remains.
/// </summary>
public sealed class ImportSession : IAsyncDisposable
{
    private static readonly BulkColumn[] StagingColumns =
    [
        new("row_number", NpgsqlDbType.Integer), new("phone", NpgsqlDbType.Text), new("name", NpgsqlDbType.Text),
        new("email", NpgsqlDbType.Text), new("company", NpgsqlDbType.Text), new("custom_fields", NpgsqlDbType.Text),
        new("last_conversation_at", NpgsqlDbType.Bigint), new("transcript_summary", NpgsqlDbType.Text),
    ];

    private static readonly BulkColumn[] ErrorColumns =
    [
        new("import_id", NpgsqlDbType.Bigint), new("row_number", NpgsqlDbType.Integer),
        new("phone_number", NpgsqlDbType.Text), new("reason", NpgsqlDbType.Text),
    ];

    private static readonly BulkColumn[] ItemColumns =
    [
        new("campaign_id", NpgsqlDbType.Bigint), new("user_id", NpgsqlDbType.Text), new("contact_id", NpgsqlDbType.Bigint),
        new("phone_number", NpgsqlDbType.Text), new("contact_name", NpgsqlDbType.Text), new("status", NpgsqlDbType.Text),
        new("priority", NpgsqlDbType.Integer), new("position", NpgsqlDbType.Bigint), new("scheduled_for", NpgsqlDbType.Bigint),
        new("updated_at", NpgsqlDbType.Bigint),
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

    public long ImportId { get; private set; }

    public static async Task<ImportSession> BeginAsync(LedgerDatabase database, string userId, long now, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            CREATE TEMP TABLE import_rows (
                row_number integer, phone text, name text, email text, company text, custom_fields text,
                last_conversation_at bigint, transcript_summary text)
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
            rows.Select(r => new object?[] { r.RowNumber, r.PhoneNumber, r.Name, r.Email, r.Company, r.CustomFields, r.LastConversationAt, r.TranscriptSummary }),
            cancellationToken);

    public Task RecordErrorsAsync(IReadOnlyList<RowError> errors, CancellationToken cancellationToken)
    {
        _duplicates += errors.Count(e => e.IsDuplicate);
        _failed += errors.Count(e => !e.IsDuplicate);
        return BulkWriter.WriteAsync(_connection, _transaction, "import_errors", ErrorColumns,
            errors.Select(e => new object?[] { ImportId, e.RowNumber, e.PhoneNumber, e.Reason }), cancellationToken);
    }

    /// <summary>
    /// Merges the staged rows into the user's contacts, after setting aside those already in the campaign; then
    /// hands the joining contacts, in file order, to <paramref name="plan"/>, which turns them into queue items.
    /// </summary>
    public async Task<int> JoinAsync(
        long campaignId, Func<IReadOnlyList<JoiningContact>, long, IEnumerable<(JoiningContact Contact, int Priority, long Position, long? ScheduledFor)>> plan,
        CancellationToken cancellationToken)
    {
        var already = await _connection.ExecuteAsync(
            """
            INSERT INTO import_errors (import_id, row_number, phone_number, reason)
            SELECT @ImportId, r.row_number, r.phone, 'already in this campaign'
            FROM import_rows r
            JOIN contacts c ON c.user_id = @_userId AND c.phone_number = r.phone
            JOIN queue_items q ON q.campaign_id = @campaignId AND q.contact_id = c.id
            """,
            new { ImportId, _userId, campaignId }, _transaction);
        _duplicates += already;
        await _connection.ExecuteAsync(
            """
            DELETE FROM import_rows WHERE phone IN (
                SELECT c.phone_number FROM contacts c JOIN queue_items q ON q.contact_id = c.id
                WHERE q.campaign_id = @campaignId AND c.user_id = @_userId)
            """,
            new { _userId, campaignId }, _transaction);
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

        var joining = (await _connection.QueryAsync<JoiningContact>(
            """
            SELECT r.row_number, c.id AS contact_id, c.phone_number, c.name, c.email, c.company, c.successful_calls, c.not_connected_calls
            FROM import_rows r JOIN contacts c ON c.user_id = @_userId AND c.phone_number = r.phone
            ORDER BY r.row_number
            """,
            new { _userId }, _transaction)).AsList();
        var lastPosition = await _connection.ExecuteScalarAsync<long>(
            "SELECT last_position FROM campaigns WHERE id = @campaignId", new { campaignId }, _transaction);

        await BulkWriter.WriteAsync(_connection, _transaction, "queue_items", ItemColumns,
            plan(joining, lastPosition).Select(i => new object?[]
            {
                campaignId, _userId, i.Contact.ContactId, i.Contact.PhoneNumber, i.Contact.Name, "queued", i.Priority, i.Position, i.ScheduledFor, _now,
            }),
            cancellationToken);
        await _connection.ExecuteAsync(
            """
            UPDATE campaigns SET last_position = last_position + @count, total_contacts = total_contacts + @count,
                queued_count = queued_count + @count, updated_at = @_now
            WHERE id = @campaignId
            """,
            new { count = joining.Count, campaignId, _now }, _transaction);
        return joining.Count;
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
