using System.Globalization;
using System.Text;
using CallCampaigns.Domain.Imports;
using CsvHelper;
using CsvHelper.Configuration;

namespace CallCampaigns.Api.Imports;

/// <summary>How every import reads its file: UTF-8 (a BOM is fine), ',', ';' or tab, trimmed fields, blank lines skipped; and its fields.</summary>
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

    /// <summary>The column the header gave <paramref name="role"/>, or -1.</summary>
    public static int IndexOf(IReadOnlyList<ColumnRole> roles, ColumnRole role)
    {
        for (var i = 0; i < roles.Count; i++)
        {
            if (roles[i] == role) return i;
        }

        return -1;
    }

    /// <summary>The current row's field in column <paramref name="index"/>; null when the column is missing or the field blank.</summary>
    public static string? Field(CsvReader csv, int index) =>
        index >= 0 && csv.TryGetField<string>(index, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
