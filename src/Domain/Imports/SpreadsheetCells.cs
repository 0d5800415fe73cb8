namespace CallCampaigns.Domain.Imports;

/// <summary>Cells of the CSV files the system writes, safe to open in a spreadsheet.</summary>
public static class SpreadsheetCells
{
    /// <summary>
    /// A cell a spreadsheet would read as a formula (it starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a
    /// carriage return) is written with a leading <c>'</c>, so it is shown as text and never run.
    /// </summary>
    public static string? Neutralise(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
}
