using System.Data.Common;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Imports;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Dapper;
using Microsoft.Data.Sqlite;
using NpgsqlTypes;

namespace CallCampaigns.Ledger.Imports;

/// <summary>
/// The good rows of one CSV import on their way into the ledger. They are staged in bulk in a temporary table of the
/// session's own connection, then merged into the user's contacts and joined to the campaign by a few set-based
/// statements in one transaction (<see cref="JoinAsync"/>), so nothing of the import is seen before it is whole.
/// On SQLite the staging writes only the connection's temporary database: the ledger's single write lock is taken by
/// the join alone, and dialling and webhooks go on while the file is read. On PostgreSQL the staging runs inside the
/// join's transaction, which locks none of the user's rows until its last statements. Disposed before the join
/// commits, nothing of it remains.
/// </summary>
public sealed class ImportSession : IAsyncDisposable
{
    private static readonly BulkColumn[] StagingColumns =
    [
        new("row_number", NpgsqlDbType.Integer), new("phone", NpgsqlDbType.Text), new("name", NpgsqlDbType.Text),
        new("email", NpgsqlDbType.Text), new("company", NpgsqlDbType.Text), new("custom_fields", NpgsqlDbType.Text),
        new("last_conversation_at", NpgsqlDbType.Bigint), new("transcript_summary", NpgsqlDbType.Text),
        new("time_zone", NpgsqlDbType.Text), new("time_zone_given", NpgsqlDbType.Boolean), new("region", NpgsqlDbType.Text),
    ];

    /// <summary>
    /// The join's statements each cover every row of the file: a million rows on a busy machine take longer than a
    /// command's default 30 s.
    /// </summary>
    private const int JoinTimeoutSeconds = 900;

    /// <summary>The reason a row that is already in the campaign is skipped.</summary>
    public const string AlreadyInCampaign = "already in this campaign";

    private readonly DbConnection _connection;
    private readonly DbTransaction? _transaction; // PostgreSQL: the session's, from the first row to the join; SQLite: none
    private readonly string _userId;
    private readonly long _importId;
    private readonly DateTimeOffset _now;

    private ImportSession(DbConnection connection, DbTransaction? transaction, string userId, long importId, DateTimeOffset now)
    {
        _connection = connection;
        _transaction = transaction;
        _userId = userId;
        _importId = importId;
        _now = now;
    }

    private bool IsSqlite => _connection is SqliteConnection;

    public static async Task<ImportSession> BeginAsync(LedgerDatabase database, string userId, long importId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var postgres = database.Dialect == LedgerDialect.Postgres;
            var transaction = postgres ? await connection.BeginTransactionAsync(cancellationToken) : null;
            await connection.ExecuteAsync(
                $"""
                {(postgres ? "" : "DROP TABLE IF EXISTS temp.import_rows;")}
                CREATE TEMP TABLE import_rows (
                    row_number integer {(postgres ? "NOT NULL" : "PRIMARY KEY")}, phone text NOT NULL, name text, email text, company text, custom_fields text NOT NULL,
                    last_conversation_at bigint, transcript_summary text, time_zone text, time_zone_given boolean NOT NULL, region text) {(postgres ? "ON COMMIT DROP" : "")}
                """,
                transaction: transaction);
            return new ImportSession(connection, transaction, userId, importId, now);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stages a batch of good rows (on SQLite in a transaction of the temporary database only).</summary>
    public async Task StageAsync(IReadOnlyList<StagedRow> rows, CancellationToken cancellationToken)
    {
        var values = rows.Select(r => new object?[] { r.RowNumber, r.PhoneNumber, r.Name, r.Email, r.Company, r.CustomFields, r.LastConversationAt, r.TranscriptSummary, r.TimeZone, r.TimeZoneGiven, r.Region });
        if (_transaction is not null)
        {
            await BulkWriter.WriteAsync(_connection, _transaction, "import_rows", StagingColumns, values, cancellationToken);
            return;
        }

        await using var staging = ((SqliteConnection)_connection).BeginTransaction(deferred: true);
        await BulkWriter.WriteAsync(_connection, staging, "import_rows", StagingColumns, values, cancellationToken);
        await staging.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Makes the import whole in one transaction: creates the campaign when the file builds one, sets aside (as
    /// duplicates) the rows already in the campaign, merges the rest into the user's contacts (a new number makes a
    /// contact; a known one keeps its fields and gets its empty ones filled), and adds them to the campaign in file
    /// order, each with the priority its merged contact and its history give and, with spread pacing, its not-before
    /// time in dispatch order. Each step is one statement over all the rows.
    /// </summary>
    public async Task<ImportRecord> JoinAsync(ImportTarget target, ImportCounts counts, CancellationToken cancellationToken)
    {
        // Prepared outside the transaction: the planner's statistics of the staged rows.
        if (!IsSqlite) await _connection.ExecuteAsync("ANALYZE import_rows", transaction: _transaction, commandTimeout: JoinTimeoutSeconds);
        else await _connection.ExecuteAsync("CREATE UNIQUE INDEX temp.ix_import_rows_phone ON import_rows (phone)", commandTimeout: JoinTimeoutSeconds);

        var transaction = _transaction ?? ((SqliteConnection)_connection).BeginTransaction(deferred: false);
        try
        {
            var campaignId = target.CampaignId ?? await CampaignStore.InsertAsync(_connection, target.Campaign, transaction, JoinTimeoutSeconds);
            var args = new JoinArguments(_importId, _userId, campaignId, UnixMs.From(_now));
            var alreadyIn = target.CampaignId is null ? 0 : await SetAsideAlreadyInCampaignAsync(args, transaction);
            var joining = await _connection.ExecuteScalarAsync<int>("SELECT count(*) FROM import_rows", transaction: transaction, commandTimeout: JoinTimeoutSeconds);
            await MergeContactsAsync(args, transaction);
            var imported = await AddItemsAsync(args, target.Campaign, joining, transaction);
            var record = new ImportRecord
            {
                Id = _importId,
                UserId = _userId,
                CampaignId = campaignId,
                Status = ImportStatus.Done,
                TotalRows = counts.TotalRows,
                Imported = imported,
                SkippedDuplicates = counts.SkippedDuplicates + alreadyIn,
                Failed = counts.Failed,
                CreatedAt = args.Now,
                CompletedAt = args.Now,
                UpdatedAt = args.Now,
            };
            await _connection.ExecuteAsync(
                """
                UPDATE imports SET status = @Status, campaign_id = @CampaignId, total_rows = @TotalRows, imported = @Imported,
                    skipped_duplicates = @SkippedDuplicates, failed = @Failed, completed_at = @CompletedAt, updated_at = @UpdatedAt
                WHERE id = @Id
                """,
                record, transaction, JoinTimeoutSeconds);
            await transaction.CommitAsync(cancellationToken);
            return record;
        }
        finally
        {
            if (_transaction is null) await transaction.DisposeAsync();
        }
    }

    private sealed record JoinArguments(long ImportId, string UserId, long CampaignId, long Now);

    private async Task<int> SetAsideAlreadyInCampaignAsync(JoinArguments args, DbTransaction transaction)
    {
        var setAside = await _connection.ExecuteAsync(
            $"""
            INSERT INTO import_errors (import_id, row_number, phone_number, reason)
            SELECT @ImportId, r.row_number, r.phone, '{AlreadyInCampaign}'
            FROM import_rows r
            JOIN contacts c ON c.user_id = @UserId AND c.phone_number = r.phone
            JOIN queue_items q ON q.campaign_id = @CampaignId AND q.contact_id = c.id
            """,
            args, transaction, JoinTimeoutSeconds);
        if (setAside > 0)
        {
            await _connection.ExecuteAsync(
                $"""
                DELETE FROM import_rows WHERE row_number IN (
                    SELECT row_number FROM import_errors WHERE import_id = @ImportId AND reason = '{AlreadyInCampaign}')
                """,
                args, transaction, JoinTimeoutSeconds);
        }

        return setAside;
    }

    /// <summary>
    /// New numbers become contacts; known ones are left as they are unless the file fills one of their empty fields, so
    /// the import writes (and, on PostgreSQL, locks) only the contacts it changes.
    /// </summary>
    private Task MergeContactsAsync(JoinArguments args, DbTransaction transaction) =>
        _connection.ExecuteAsync(
            $$"""
            INSERT INTO contacts (user_id, phone_number, name, email, company, custom_fields, last_conversation_at,
                last_transcript_summary, time_zone, time_zone_given, region, created_at, updated_at)
            SELECT @UserId, phone, name, email, company, custom_fields, last_conversation_at, transcript_summary,
                time_zone, time_zone_given, region, @Now, @Now
            FROM import_rows WHERE true
            {{(IsSqlite ? "ORDER BY phone" : "")}}
            ON CONFLICT (user_id, phone_number) DO NOTHING;

            UPDATE contacts SET
                name = coalesce(contacts.name, r.name),
                email = coalesce(contacts.email, r.email),
                company = coalesce(contacts.company, r.company),
                custom_fields = CASE WHEN contacts.custom_fields = '{}' THEN r.custom_fields ELSE contacts.custom_fields END,
                last_conversation_at = coalesce(contacts.last_conversation_at, r.last_conversation_at),
                last_transcript_summary = coalesce(contacts.last_transcript_summary, r.transcript_summary),
                time_zone = CASE WHEN r.time_zone_given OR contacts.time_zone IS NULL THEN r.time_zone ELSE contacts.time_zone END,
                time_zone_given = CASE WHEN r.time_zone_given THEN r.time_zone_given ELSE contacts.time_zone_given END,
                region = coalesce(contacts.region, r.region),
                updated_at = @Now
            FROM import_rows r
            WHERE contacts.user_id = @UserId AND contacts.phone_number = r.phone
              AND ((contacts.name IS NULL AND r.name IS NOT NULL)
                OR (contacts.email IS NULL AND r.email IS NOT NULL)
                OR (contacts.company IS NULL AND r.company IS NOT NULL)
                OR (contacts.custom_fields = '{}' AND r.custom_fields <> '{}')
                OR (contacts.last_conversation_at IS NULL AND r.last_conversation_at IS NOT NULL)
                OR (contacts.last_transcript_summary IS NULL AND r.transcript_summary IS NOT NULL)
                OR (r.time_zone_given AND coalesce(contacts.time_zone, '') <> r.time_zone)
                OR (contacts.time_zone IS NULL AND r.time_zone IS NOT NULL)
                OR (contacts.region IS NULL AND r.region IS NOT NULL));

            -- A contact whose zone the file changed is asked about again in every campaign that holds it.
            UPDATE queue_items SET held_until = 0, updated_at = @Now
            WHERE user_id = @UserId AND status = 'queued' AND held_until > 0
              AND contact_id IN (SELECT c.id FROM contacts c JOIN import_rows r ON c.phone_number = r.phone
                                 WHERE c.user_id = @UserId AND r.time_zone_given AND c.updated_at = @Now);
            """,
            args, transaction, JoinTimeoutSeconds);

    /// <summary>
    /// Adds the staged rows to the campaign in file order, with their contact's priority; with spread pacing each gets
    /// its not-before time by its place in dispatch order (priority descending, then file order).
    /// </summary>
    private async Task<int> AddItemsAsync(JoinArguments args, Campaign campaign, int joining, DbTransaction transaction)
    {
        var layout = QueuePlan.Spread(campaign.Pacing, campaign.Window, joining, _now);
        var notBefore = layout is null
            ? "NULL"
            : $"@Begin + (@IntervalTicks * (ROW_NUMBER() OVER (ORDER BY {DispatchOrder.Of("j", "row_number")}) - 1)) / 10000";
        var added = await _connection.ExecuteAsync(
            $"""
            INSERT INTO queue_items (campaign_id, user_id, contact_id, phone_number, contact_name, status, priority, position,
                scheduled_for, updated_at)
            SELECT @CampaignId, @UserId, j.contact_id, j.phone, j.contact_name, 'queued', j.priority,
                j.last_position + ROW_NUMBER() OVER (ORDER BY j.row_number),
                {notBefore},
                @Now
            FROM (
                SELECT r.row_number, c.id AS contact_id, r.phone, coalesce(c.name, r.name) AS contact_name, cm.last_position,
                    {PrioritySql.Of("c")} AS priority
                FROM import_rows r
                JOIN contacts c ON c.user_id = @UserId AND c.phone_number = r.phone
                JOIN campaigns cm ON cm.id = @CampaignId
            ) AS j
            """,
            new { args.CampaignId, args.UserId, args.Now, Begin = UnixMs.From(layout?.Begin ?? _now), IntervalTicks = layout?.Interval.Ticks ?? 0 }, transaction, JoinTimeoutSeconds);
        await _connection.ExecuteAsync(
            """
            UPDATE campaigns SET last_position = last_position + @added, total_contacts = total_contacts + @added,
                queued_count = queued_count + @added, updated_at = @Now
            WHERE id = @CampaignId
            """,
            new { added, args.CampaignId, args.Now }, transaction, JoinTimeoutSeconds);
        return added;
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync();
        else
        {
            try
            {
                await _connection.ExecuteAsync("DROP TABLE IF EXISTS temp.import_rows");
            }
            catch (SqliteException)
            {
                // The connection is going away; its temporary database goes with it.
            }
        }

        await _connection.DisposeAsync();
    }
}
