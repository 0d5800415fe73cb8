using System.Globalization;
using System.Text;
using System.Text.Json;
using CallCampaigns.Domain;
using CallCampaigns.Domain.Imports;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Imports;
using CallCampaigns.Ledger.Infrastructure;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Imports;

/// <summary>
/// Streams a CSV into a campaign: the delimiter is detected (comma, semicolon, tab), UTF-8 with or without BOM,
/// quoted fields with commas and newlines; each row is checked (number, duplicates) and staged in bulk; the good ones
/// join the campaign in file order. A file that is not CSV, has no phone column or is too large is refused whole,
/// and nothing of it is written.
/// </summary>
public sealed class CsvImporter(ImportStore imports, IOptions<ImportOptions> options, IOptions<ApiDefaults> defaults, EngineClock time, ILogger<CsvImporter> logger)
{
    /// <summary>
    /// Imports into <paramref name="target"/> (a new campaign is created when the import joins, so a failed import
    /// leaves none), telling <paramref name="progress"/> how far it has come after every batch of rows. The import is
    /// recorded as running before the first row is read and says how far it has come after every batch.
    /// </summary>
    public async Task<(long CampaignId, ImportRecord Import)> ImportAsync(
        Stream file, string? fileName, string userId, ImportTarget target, Action<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var fileBytes = file.CanSeek ? file.Length : 0;
        // A file whose size is known is refused before a row of it is read (a 50 MB file of repeated numbers would
        // otherwise write two million row errors before the limit is reached).
        if (fileBytes > options.Value.MaxFileBytes) throw GuardedStream.TooLarge(options.Value.MaxFileBytes);
        using var csv = CsvFiles.Open(file, options.Value.MaxFileBytes);
        long? importId = null;
        try
        {
            var roles = await ReadHeaderAsync(csv);
            var now = time.GetUtcNow();
            importId = await imports.StartAsync(userId, target.CampaignId, fileName, UnixMs.From(now), cancellationToken);
            var record = await ImportRowsAsync(csv, roles, fileBytes, importId.Value, userId, target, now, progress, cancellationToken);
            return (record.CampaignId!.Value, record);
        }
        catch (Exception e)
        {
            if (importId is { } id) await FailAsync(id, e);
            if (Rejection(e) is { } rejected) throw rejected;
            throw;
        }
    }

    /// <summary>A file that cannot be read as UTF-8 CSV is refused whole, with the reason.</summary>
    internal static RejectedFileException? Rejection(Exception e) => e switch
    {
        DecoderFallbackException => new RejectedFileException("The file is not UTF-8 text: save it as \"CSV UTF-8\"."),
        ReaderException { InnerException: RejectedFileException rejected } => rejected,
        CsvHelperException => new RejectedFileException($"The file cannot be read as CSV: {e.Message.Split('\n')[0]}"),
        _ => null,
    };

    private async Task FailAsync(long importId, Exception cause)
    {
        try
        {
            await imports.FailAsync(importId, UnixMs.From(time.GetUtcNow()));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
        {
            // Nothing of the import was joined; a running import nobody updates any more reads as failed.
            logger.LogWarning(e, "Import {ImportId} stopped ({Cause}) and could not be marked failed", importId, cause.GetType().Name);
        }
    }

    private async Task<ImportRecord> ImportRowsAsync(
        CsvReader csv, IReadOnlyList<ColumnRole> roles, long fileBytes, long importId, string userId, ImportTarget target, DateTimeOffset now,
        Action<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var batchSize = options.Value.BatchSize;
        await using var session = await imports.BeginAsync(userId, importId, now, cancellationToken);
        var firstRows = new Dictionary<long, int>(); // each number so far, as an integer, and the row it was first on: the one per-row structure kept
        var counts = new ImportCounts(0, 0, 0);
        var (staged, errors) = (new List<StagedRow>(batchSize), new List<RowError>());
        var writing = Task.CompletedTask; // the previous batch's writes, overlapping the reading of this one
        var firstBatch = true;
        while (await csv.ReadAsync())
        {
            var row = Read(csv, roles, counts.TotalRows + 1);
            counts = counts with { TotalRows = row.Number };
            var (valid, error) = ImportRowRules.Check(row, defaults.Value.DefaultRegion);
            if (valid is null)
            {
                errors.Add(new RowError(row.Number, InputLimits.Echo(Trim(row.Phone)), error!));
                counts = counts with { Failed = counts.Failed + 1 };
            }
            else if (!firstRows.TryAdd(long.Parse(valid.E164.AsSpan(1), CultureInfo.InvariantCulture), row.Number))
            {
                var first = firstRows[long.Parse(valid.E164.AsSpan(1), CultureInfo.InvariantCulture)];
                errors.Add(new RowError(row.Number, valid.E164, $"duplicate in file (first on row {first})"));
                counts = counts with { SkippedDuplicates = counts.SkippedDuplicates + 1 };
            }
            else
            {
                staged.Add(Stage(valid));
            }

            if (staged.Count >= batchSize || errors.Count >= batchSize)
            {
                if (firstBatch) SizeForTheWholeFile(csv, fileBytes, counts.TotalRows, firstRows);
                firstBatch = false;
                await writing;
                writing = FlushAsync(session, importId, staged, errors, counts, cancellationToken);
                (staged, errors) = (new List<StagedRow>(batchSize), new List<RowError>());
                progress?.Invoke(new ImportProgress("reading", counts.TotalRows));
            }
        }

        await writing;
        if (counts.TotalRows == 0) throw new RejectedFileException("The file has a header but no rows.");
        firstRows = null;
        // A new campaign with nobody to call would sit active and empty for good: refused whole (nothing committed).
        if (target.CampaignId is null && counts.TotalRows == counts.Failed + counts.SkippedDuplicates)
        {
            throw new RejectedFileException(NoCallableRow(counts.TotalRows));
        }

        await FlushAsync(session, importId, staged, errors, counts, cancellationToken);
        var read = clock.Elapsed;
        progress?.Invoke(new ImportProgress("joining", counts.TotalRows));
        var record = await session.JoinAsync(target, counts, cancellationToken);
        progress?.Invoke(new ImportProgress("done", counts.TotalRows, record.Id, record.Imported, record.SkippedDuplicates, record.Failed));
        logger.LogInformation("Import {ImportId}: {Rows} rows read, checked and staged in {ReadMs} ms; {Imported} joined campaign {CampaignId} in {JoinMs} ms",
            record.Id, counts.TotalRows, (long)read.TotalMilliseconds, record.Imported, record.CampaignId, (long)(clock.Elapsed - read).TotalMilliseconds);
        return record;
    }

    /// <summary>
    /// After the first batch, sizes the per-row structures for the whole file (its length over the bytes per row so
    /// far), so that a large file does not hold two copies of them while they grow.
    /// </summary>
    private static void SizeForTheWholeFile(CsvReader csv, long fileBytes, int rows, Dictionary<long, int> firstRows)
    {
        var read = csv.Parser.CharCount;
        if (fileBytes <= 0 || read <= 0) return;
        firstRows.EnsureCapacity((int)Math.Min(fileBytes * 1.05 * rows / read, 20_000_000));
    }

    private static async Task<IReadOnlyList<ColumnRole>> ReadHeaderAsync(CsvReader csv)
    {
        if (!await csv.ReadAsync()) throw new RejectedFileException("The file is empty.");
        csv.ReadHeader();
        var headers = csv.HeaderRecord ?? [];
        if (headers.Length > InputLimits.MaxCsvColumns)
        {
            throw new RejectedFileException($"The file has {headers.Length:N0} columns: at most {InputLimits.MaxCsvColumns} are accepted.");
        }

        var roles = CsvColumns.Roles(headers);
        if (!roles.Contains(ColumnRole.PhoneNumber))
        {
            throw new RejectedFileException(
                $"No phone number column: name one phone_number, phone, mobile, phone number or contact_number. Columns found: {string.Join(", ", headers.Take(20).Select(InputLimits.Echo))}.");
        }

        return roles;
    }

    private static ImportRow Read(CsvReader csv, IReadOnlyList<ColumnRole> roles, int number)
    {
        string? Field(ColumnRole role) => CsvFiles.Field(csv, CsvFiles.IndexOf(roles, role));

        Dictionary<string, string>? custom = null;
        for (var i = 0; i < roles.Count; i++)
        {
            if (roles[i] == ColumnRole.Custom && csv.TryGetField<string>(i, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                (custom ??= new Dictionary<string, string>(StringComparer.Ordinal))[CsvColumns.CustomName(csv.HeaderRecord![i])] = value;
            }
        }

        return new ImportRow(number, Field(ColumnRole.PhoneNumber), Field(ColumnRole.Name), Field(ColumnRole.Email), Field(ColumnRole.Company),
            Field(ColumnRole.Country), Field(ColumnRole.LastConversation), Field(ColumnRole.TranscriptSummary), custom ?? NoCustomFields,
            Field(ColumnRole.TimeZone));
    }

    private static readonly IReadOnlyDictionary<string, string> NoCustomFields = new Dictionary<string, string>();

    private static StagedRow Stage(ValidRow valid) => new(
        valid.Row.Number, valid.E164, Trim(valid.Row.Name), Trim(valid.Row.Email), Trim(valid.Row.Company),
        valid.Row.Custom.Count == 0 ? "{}" : JsonSerializer.Serialize(valid.Row.Custom), UnixMs.From(valid.LastConversationAt), Trim(valid.Row.TranscriptSummary),
        valid.Clock.StoredZones, !string.IsNullOrWhiteSpace(valid.Row.TimeZone), valid.Clock.Region);

    /// <summary>Stages a batch of good rows; writes the batch's row errors and the import's progress in their own short transaction.</summary>
    private async Task FlushAsync(
        ImportSession session, long importId, List<StagedRow> staged, List<RowError> errors, ImportCounts counts, CancellationToken cancellationToken)
    {
        if (staged.Count > 0) await session.StageAsync(staged, cancellationToken);
        await imports.RecordBatchAsync(importId, errors, counts, UnixMs.From(time.GetUtcNow()), cancellationToken);
    }

    private static string NoCallableRow(int rows) =>
        $"None of the file's {rows} row(s) has a usable phone number (each is missing, invalid or a duplicate): nothing was imported and no campaign was created.";

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
