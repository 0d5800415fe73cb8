using CallCampaigns.Domain.Imports;

namespace CallCampaigns.Domain.Tests;

public sealed class ImportRulesTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")")]
    [InlineData("+14155550100", "'+14155550100")]
    [InlineData("-1+2", "'-1+2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "'\rx")]
    [InlineData("duplicate in file (first on row 1)", "duplicate in file (first on row 1)")]
    [InlineData("14155550100", "14155550100")]
    [InlineData("", "")]
    [InlineData(null, null)]
    public void A_cell_a_spreadsheet_would_run_as_a_formula_is_written_with_a_leading_quote(string? cell, string? written) =>
        Assert.Equal(written, SpreadsheetCells.Neutralise(cell));

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_running_import_that_said_how_far_it_had_come_lately_is_running() =>
        Assert.Equal(ImportStatus.Running, ImportStatus.Of(ImportStatus.Running, Now - ImportStatus.AbandonedAfter, Now));

    [Fact]
    public void A_running_import_silent_for_longer_than_its_node_could_be_working_has_failed() =>
        Assert.Equal(ImportStatus.Failed, ImportStatus.Of(ImportStatus.Running, Now - ImportStatus.AbandonedAfter - TimeSpan.FromSeconds(1), Now));

    [Theory]
    [InlineData(ImportStatus.Done)]
    [InlineData(ImportStatus.Failed)]
    public void A_finished_import_stays_as_it_finished_however_old(string status) =>
        Assert.Equal(status, ImportStatus.Of(status, Now - TimeSpan.FromDays(400), Now));
}
