using System.Globalization;
using System.Text;
using System.Text.Json;
using CallCampaigns.Domain;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Imports;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Campaigns;
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
    /// Imports into the campaign <paramref name="campaign"/> returns (created inside the import when new), telling
    /// <paramref name="progress"/> how far it has come after every batch of rows.
    /// </summary>
    public async Task<(long CampaignId, ImportRecord Import)> ImportAsync(
        Stream file, string? fileName, string userId, Func<ImportSession, Task<(long Id, CampaignRow Campaign, bool IsNew)>> campaign,
        Action<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var fileBytes = file.CanSeek ? file.Length : 0;
        using var reader = new StreamReader(new GuardedStream(file, options.Value.MaxFileBytes), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true,
            DetectDelimiterValues = [",", ";", "\t"],
            BadDataFound = null,
            MissingFieldFound = null,
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
        });
        try
        {
            var roles = await ReadHeaderAsync(csv);
            await using var session = await imports.BeginAsync(userId, UnixMs.From(now), cancellationToken);
            var (campaignId, target, isNew) = await campaign(session);
            var priorities = new List<int> { -1 }; // by row number (1-based); -1: the row does not join
            await session.StartAsync(campaignId, fileName);

            var (total, seen) = (0, new HashSet<long>()); // numbers so far, as integers: the one per-row structure kept
            var staged = new List<StagedRow>(options.Value.BatchSize);
            var errors = new List<RowError>();
            var writing = Task.CompletedTask; // the previous batch's bulk write, overlapping the reading of this one
            var firstBatch = true;
            while (await csv.ReadAsync())
            {
                var row = Read(csv, roles, ++total);
                priorities.Add(-1);
                var (valid, error) = ImportRowRules.Check(row, defaults.Value.DefaultRegion);
                if (valid is null) errors.Add(new RowError(row.Number, InputLimits.Echo(Trim(row.Phone)), error!, IsDuplicate: false));
                else if (!seen.Add(long.Parse(valid.E164.AsSpan(1), CultureInfo.InvariantCulture)))
                {
                    errors.Add(new RowError(row.Number, valid.E164, ImportSession.DuplicateInFile, IsDuplicate: true));
                }
                else
                {
                    var stagedRow = Stage(valid);
                    priorities[row.Number] = stagedRow.Priority;
                    staged.Add(stagedRow);
                }

                if (staged.Count >= options.Value.BatchSize)
                {
                    if (firstBatch) SizeForTheWholeFile(csv, fileBytes, total, seen, priorities);
                    firstBatch = false;
                    await writing;
                    writing = FlushAsync(session, staged, errors, cancellationToken);
                    (staged, errors) = (new List<StagedRow>(options.Value.BatchSize), []);
                    progress?.Invoke(new ImportProgress("reading", total));
                }
            }

            await writing;

            if (total == 0) throw new RejectedFileException("The file has a header but no rows.");
            seen = null;
            await FlushAsync(session, staged, errors, cancellationToken);
            var read = clock.Elapsed;
            progress?.Invoke(new ImportProgress("joining", total));
            var imported = await JoinAsync(session, campaignId, target, isNew, priorities, now, cancellationToken);
            // A new campaign with nobody to call would sit active and empty for good: refused whole (nothing committed).
            if (isNew && imported == 0) throw new RejectedFileException(NoCallableRow(total));
            var record = await session.CommitAsync(total, imported);
            progress?.Invoke(new ImportProgress("done", total, record.Id, record.Imported, record.SkippedDuplicates, record.Failed));
            logger.LogInformation("Import {ImportId}: {Rows} rows read, checked and staged in {ReadMs} ms; {Imported} joined campaign {CampaignId} in {JoinMs} ms",
                record.Id, total, (long)read.TotalMilliseconds, imported, campaignId, (long)(clock.Elapsed - read).TotalMilliseconds);
            return (campaignId, record);
        }
        catch (DecoderFallbackException)
        {
            throw new RejectedFileException("The file is not UTF-8 text: save it as \"CSV UTF-8\".");
        }
        catch (CsvHelperException e) when (e is not ReaderException { InnerException: RejectedFileException })
        {
            throw new RejectedFileException($"The file cannot be read as CSV: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// After the first batch, sizes the per-row structures for the whole file (its length over the bytes per row so
    /// far), so that a large file does not hold two copies of them while they grow.
    /// </summary>
    private static void SizeForTheWholeFile(CsvReader csv, long fileBytes, int rows, HashSet<long> seen, List<int> priorities)
    {
        var read = csv.Parser.CharCount;
        if (fileBytes <= 0 || read <= 0) return;
        var expected = (int)Math.Min(fileBytes * 1.05 * rows / read, 20_000_000);
        seen.EnsureCapacity(expected);
        priorities.EnsureCapacity(expected + 1);
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
        string? Field(ColumnRole role)
        {
            var index = IndexOf(roles, role);
            return index >= 0 && csv.TryGetField<string>(index, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        }

        Dictionary<string, string>? custom = null;
        for (var i = 0; i < roles.Count; i++)
        {
            if (roles[i] == ColumnRole.Custom && csv.TryGetField<string>(i, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                (custom ??= new Dictionary<string, string>(StringComparer.Ordinal))[CsvColumns.CustomName(csv.HeaderRecord![i])] = value;
            }
        }

        return new ImportRow(number, Field(ColumnRole.PhoneNumber), Field(ColumnRole.Name), Field(ColumnRole.Email), Field(ColumnRole.Company),
            Field(ColumnRole.Country), Field(ColumnRole.LastConversation), Field(ColumnRole.TranscriptSummary), custom ?? NoCustomFields);
    }

    private static int IndexOf(IReadOnlyList<ColumnRole> roles, ColumnRole role)
    {
        for (var i = 0; i < roles.Count; i++)
        {
            if (roles[i] == role) return i;
        }

        return -1;
    }

    private static readonly IReadOnlyDictionary<string, string> NoCustomFields = new Dictionary<string, string>();

    private static StagedRow Stage(ValidRow valid) => new(
        valid.Row.Number, valid.E164, Trim(valid.Row.Name), Trim(valid.Row.Email), Trim(valid.Row.Company),
        valid.Row.Custom.Count == 0 ? "{}" : JsonSerializer.Serialize(valid.Row.Custom), UnixMs.From(valid.LastConversationAt), Trim(valid.Row.TranscriptSummary),
        Priority.Compute(valid.Row.Name, valid.Row.Email, valid.Row.Company, 0, 0));

    private static async Task FlushAsync(ImportSession session, List<StagedRow> staged, List<RowError> errors, CancellationToken cancellationToken)
    {
        if (staged.Count > 0) await session.StageAsync(staged, cancellationToken);
        if (errors.Count > 0) await session.RecordErrorsAsync(errors, cancellationToken);
    }

    /// <summary>
    /// Joins the staged rows to the campaign: contacts that existed before get the priority their record and history
    /// give; with spread pacing each row gets its not-before time in dispatch order (priority, then file order).
    /// </summary>
    private static async Task<int> JoinAsync(
        ImportSession session, long campaignId, CampaignRow campaign, bool isNew, List<int> priorities, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await session.NameFirstRowsOfDuplicatesAsync();
        if (!isNew)
        {
            foreach (var row in await session.SetAsideAlreadyInCampaignAsync(campaignId)) priorities[row] = -1;
        }

        var corrections = (await session.MergeContactsAsync())
            .Select(c => (c.RowNumber, Priority.Compute(c.Name, c.Email, c.Company, c.SuccessfulCalls, c.NotConnectedCalls)))
            .Where(c => priorities[c.RowNumber] != c.Item2)
            .ToArray();
        foreach (var (row, priority) in corrections) priorities[row] = priority;
        await session.SetPrioritiesAsync(corrections);

        IEnumerable<(int, long)>? notBefore = null;
        if (campaign.Pacing == Pacing.Spread)
        {
            // Dispatch order: priority descending, then row; sorted on one key (priority high bits, row low bits).
            var order = new long[priorities.Count(p => p >= 0)];
            for (int row = 1, next = 0; row < priorities.Count; row++)
            {
                if (priorities[row] >= 0) order[next++] = ((long)(int.MaxValue - priorities[row]) << 32) | (uint)row;
            }

            Array.Sort(order);
            var (begin, interval) = SpreadPlanner.Layout(campaign.Window(), order.Length, now);
            notBefore = order.Select((key, i) => ((int)(key & uint.MaxValue), UnixMs.From(begin + (interval * i))));
        }

        return await session.AddItemsAsync(campaignId, notBefore, cancellationToken);
    }

    private static string NoCallableRow(int rows) =>
        $"None of the file's {rows} row(s) has a usable phone number (each is missing, invalid or a duplicate): nothing was imported and no campaign was created.";

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
