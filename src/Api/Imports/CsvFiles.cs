using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace CallCampaigns.Api.Imports;

/// <summary>How every import reads its file: UTF-8 (a BOM is fine), ',', ';' or tab, trimmed fields, blank lines skipped.</summary>
internal static class CsvFiles
{
    /// <summary>A reader of the file held to <paramref name="maxBytes"/> (<see cref="GuardedStream"/>); disposing it closes the file.</summary>
    public static CsvReader Open(Stream file, long maxBytes) =>
        new(new StreamReader(new GuardedStream(file, maxBytes), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true),
            new CsvConfiguration(CultureInfo.InvariantCulture)
            {
                DetectDelimiter = true,
                DetectDelimiterValues = [",", ";", "\t"],
                BadDataFound = null,
                MissingFieldFound = null,
                TrimOptions = TrimOptions.Trim,
                IgnoreBlankLines = true,
            });
}
