using System.Globalization;
using System.Text;
using CallCampaigns.Domain.Imports;
using CallCampaigns.Ledger.Imports;
using CsvHelper;

namespace CallCampaigns.Api.Imports;

/// <summary>An import's refused rows as the CSV a user downloads: row, phone_number, reason, each cell safe to open in a spreadsheet.</summary>
internal static class ErrorsCsv
{
    public static async Task WriteAsync(HttpResponse response, string fileName, IAsyncEnumerable<ImportErrorRow> errors)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false));
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var header in new[] { "row", "phone_number", "reason" }) csv.WriteField(header);
        await csv.NextRecordAsync();
        await foreach (var error in errors)
        {
            csv.WriteField(error.RowNumber);
            csv.WriteField(SpreadsheetCells.Neutralise(error.PhoneNumber));
            csv.WriteField(SpreadsheetCells.Neutralise(error.Reason));
            await csv.NextRecordAsync();
        }
    }
}
