using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Imports;
using CallCampaigns.Domain.Suppressions;
using CallCampaigns.Ledger.Imports;
using CallCampaigns.Ledger.Suppressions;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Imports;

/// <summary>What a do-not-call import did: rows read, numbers added, those already listed (or repeated), rows refused.</summary>
public sealed record SuppressionImportSummary(
    long ImportId, int TotalRows, int Imported, int SkippedDuplicates, int Failed, IReadOnlyList<SuppressionImportError> Errors,
    IReadOnlyList<long> Campaigns);

public sealed record SuppressionImportError(int Row, string? PhoneNumber, string Reason);

/// <summary>
/// A CSV of numbers onto a do-not-call list, read as a contact import reads its file (the same phone and country
/// columns, delimiters and size limit; a <c>reason</c> column is kept), streamed in batches: memory stays bounded
/// whatever the file holds (the first errors come with the summary; all of them are written to the import's
/// errors.csv in batches of their own).
/// </summary>
public sealed class SuppressionImporter(
    SuppressionStore store, SuppressionImportStore imports, IOptions<ImportOptions> options, IOptions<ApiDefaults> defaults)
{
    private const int Batch = 5_000;
    private const int ErrorBatch = 1_000;
    private const int ErrorsInSummary = 100;

    public async Task<SuppressionImportSummary> ImportAsync(Stream file, string? userId, long now, CancellationToken cancellationToken)
    {
        if (file.CanSeek && file.Length > options.Value.MaxFileBytes) throw GuardedStream.TooLarge(options.Value.MaxFileBytes);
        try
        {
            using var csv = CsvFiles.Open(file, options.Value.MaxFileBytes);
            if (!await csv.ReadAsync()) throw new RejectedFileException("The file is empty.");
            csv.ReadHeader();
            var headers = csv.HeaderRecord ?? [];
            var roles = CsvColumns.Roles(headers);
            var phone = CsvFiles.IndexOf(roles, ColumnRole.PhoneNumber);
            if (phone < 0) throw new RejectedFileException("No phone number column: name one phone_number, phone, mobile, phone number or contact_number.");
            var country = CsvFiles.IndexOf(roles, ColumnRole.Country);
            var reasonColumn = Array.FindIndex(headers, h => CsvColumns.Normalise(h) == "reason");

            var importId = await imports.StartAsync(userId, now);
            var (rows, imported, failed) = (0, 0, 0);
            var errors = new List<SuppressionImportError>();
            var unwritten = new List<ImportErrorRow>();
            var campaigns = new HashSet<long>();
            var batch = new Dictionary<string, string?>(StringComparer.Ordinal);
            while (await csv.ReadAsync())
            {
                cancellationToken.ThrowIfCancellationRequested();
                rows++;
                var raw = CsvFiles.Field(csv, phone);
                var (e164, error) = PhoneNumberRules.Normalise(raw, CsvFiles.Field(csv, country) ?? defaults.Value.DefaultRegion);
                if (e164 is null)
                {
                    failed++;
                    var why = raw is null ? "missing phone number" : $"invalid phone number: {error}";
                    if (errors.Count < ErrorsInSummary) errors.Add(new SuppressionImportError(rows, raw, why));
                    unwritten.Add(new ImportErrorRow { RowNumber = rows, PhoneNumber = raw, Reason = why });
                    if (unwritten.Count >= ErrorBatch) await WriteErrorsAsync();
                    continue;
                }

                batch.TryAdd(e164, CsvFiles.Field(csv, reasonColumn) is { } reason ? reason[..Math.Min(reason.Length, 500)] : null);
                if (batch.Count >= Batch) imported += await FlushAsync();
            }

            imported += await FlushAsync();
            await WriteErrorsAsync();
            return new SuppressionImportSummary(importId, rows, imported, rows - failed - imported, failed, errors, campaigns.ToArray());

            async Task WriteErrorsAsync()
            {
                await imports.RecordErrorsAsync(importId, unwritten, cancellationToken);
                unwritten.Clear();
            }

            async Task<int> FlushAsync()
            {
                var (added, touched) = await store.AddManyAsync(userId, batch.Select(entry => (entry.Key, entry.Value)).ToArray(), Sources.Import, now);
                campaigns.UnionWith(touched);
                batch.Clear();
                return added;
            }
        }
        catch (Exception e) when (CsvImporter.Rejection(e) is { } rejected)
        {
            throw rejected;
        }
    }
}
