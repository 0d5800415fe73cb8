using System.Data.Common;
using System.Globalization;
using System.Text;

namespace CallCampaigns.Testing;

/// <summary>Ledger rows written out for a failed test's message: one line per row, its non-null columns as name=value.</summary>
public static class LedgerRows
{
    public static async Task AppendAsync(StringBuilder text, DbCommand command, string indent = "    ")
    {
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = Enumerable.Range(0, reader.FieldCount).Where(i => !reader.IsDBNull(i)).Select(i => $"{reader.GetName(i)}={Cut(reader.GetValue(i))}");
            text.Append(indent).AppendJoin(", ", row).Append('\n');
        }
    }

    /// <summary>A value or log line cut to 300 characters.</summary>
    public static string Cut(object value)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return text.Length > 300 ? text[..300] + "..." : text;
    }
}
